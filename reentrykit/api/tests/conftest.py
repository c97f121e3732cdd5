from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """Each test gets its own stores, so no test sees another's person-level data."""
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR

"""Running ``reentrykit`` in a fresh process, with a clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def reentrykit(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``reentrykit ARGS`` with only ``env`` of ReentryKit's own settings (and no
    DATABASE_URL from the calling shell)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("REENTRYKIT_", "DJANGO_"))}
    clean.pop("DATABASE_URL", None)
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "reentrykit.core.cli", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

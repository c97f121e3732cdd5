"""Importing a synthetic county (the files ``data synth`` writes) into a coalition."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reentrykit.coalitions.models import Coalition
from reentrykit.data.imports import ImportResult, import_file
from reentrykit.data.progress import Progress, no_progress


class SyntheticLoadError(Exception):
    pass


def import_synthetic_county(
    *, coalition: Coalition, directory: Path, user: Any = None, progress: Progress = no_progress
) -> list[ImportResult]:
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    files = manifest["files"]
    results = []
    for index, entry in enumerate(files):
        progress(index / len(files), f"Importing {entry['file']}")
        if entry.get("rows") == 0:
            continue  # a small county may have, say, no deaths: a header-only file
        result = import_file(
            coalition=coalition,
            kind=entry["kind"],
            source_name=entry["source"],
            path=directory / entry["file"],
            user=user,
        )
        if not result.ok:
            raise SyntheticLoadError(result.report.as_text())
        results.append(result)
    progress(1.0, "Imported the synthetic county")
    return results

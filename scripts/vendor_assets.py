"""Copy the npm packages' built files into static/vendor/ (git-ignored)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "node_modules"
VENDOR = ROOT / "static" / "vendor"

COPIES = [
    ("@uswds/uswds/dist/css", "uswds/css"),
    ("@uswds/uswds/dist/fonts", "uswds/fonts"),
    ("@uswds/uswds/dist/img", "uswds/img"),
    ("@uswds/uswds/dist/js", "uswds/js"),
    ("htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"),
]


def main() -> int:
    for source, target in COPIES:
        src = MODULES / source
        dst = VENDOR / target
        if not src.exists():
            sys.stderr.write(f"missing {src}: run 'npm ci' first\n")
            return 1
        if dst.exists():
            shutil.rmtree(dst) if dst.is_dir() else dst.unlink()
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copy2(src, dst)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

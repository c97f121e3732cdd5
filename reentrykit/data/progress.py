"""Progress reporting shared by tasks (stored on a DataJob) and the command line."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

Progress = Callable[[float, str], None]


def no_progress(fraction: float, message: str) -> None:
    return None


def terminal_progress(stream: TextIO | None = None) -> Progress:
    """A progress bar on a terminal; plain lines when the output is a file or pipe."""
    out = stream or sys.stderr
    interactive = out.isatty()
    last = {"message": ""}

    def report(fraction: float, message: str) -> None:
        percent = int(round(max(0.0, min(1.0, fraction)) * 100))
        if interactive:
            filled = percent // 4
            out.write(f"\r[{'#' * filled}{'.' * (25 - filled)}] {percent:3d}% {message[:60]:<60}")
            if percent >= 100:
                out.write("\n")
        elif message != last["message"]:
            out.write(f"{percent:3d}% {message}\n")
        out.flush()
        last["message"] = message

    return report

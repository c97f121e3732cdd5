"""The ``reentrykit`` command: Django's management commands, with friendlier names.

``reentrykit seed-demo`` runs the ``seed_demo`` management command; ``serve`` and
``worker`` start the web server and the task worker (every queue unless
``--queue-name`` picks some; it schedules the daily work too, ``core.periodic``);
anything else passes through to Django, like ``manage.py``. A setting that is
missing or malformed is reported in one line (exit status 2), not as a traceback.
"""

from __future__ import annotations

import os
import sys

QUEUE_OPTION = "--queue-name"


def _worker_arguments(args: list[str]) -> list[str]:
    """A worker serves every queue unless told otherwise: one worker must be enough."""
    if any(arg == QUEUE_OPTION or arg.startswith(f"{QUEUE_OPTION}=") for arg in args):
        return args
    return [*args, QUEUE_OPTION, "*"]


def main(argv: list[str] | None = None) -> int:
    # Everything this process writes (the SQLite database with its sessions and sign-in
    # keys, the stores, uploads, exports) is for the account that runs it alone.
    os.umask(0o077)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if args and not args[0].startswith("-"):
        command = args[0]
        args[0] = command.replace("-", "_")
        if command == "worker":
            args = _worker_arguments(args)
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError, ProgrammingError

    try:
        execute_from_command_line(["reentrykit", *args])
    except ImproperlyConfigured as problem:
        sys.stderr.write(f"reentrykit: the configuration is not usable: {problem}\n")
        return 2
    except (OperationalError, ProgrammingError) as problem:
        if not _missing_table(problem):
            raise
        sys.stderr.write(
            f"reentrykit: the database is not set up ({problem}); run 'reentrykit migrate' first\n"
        )
        return 2
    return 0


def _missing_table(problem: Exception) -> bool:
    """Whether a database error says a table is missing (SQLite's and PostgreSQL's
    wording), as on a database never migrated."""
    message = str(problem)
    return "no such table" in message or ("relation" in message and "does not exist" in message)


if __name__ == "__main__":
    sys.exit(main())

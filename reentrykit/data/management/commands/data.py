"""``reentrykit data ...``: import, link, purge identities, sweep uploads, generate a
synthetic county.

The names, arguments, exit codes and JSON lines are an interface other tools rely on.
Exit 0 on success, 1 on invalid input (the report is printed, nothing is written),
2 on a usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reentrykit.coalitions.models import Coalition
from reentrykit.core.audit import audit_actor
from reentrykit.data.imports import import_file
from reentrykit.data.linkage import LinkageError
from reentrykit.data.linking import link_coalition
from reentrykit.data.models import PersonLevelAccess
from reentrykit.data.progress import terminal_progress
from reentrykit.data.schema import Kind
from reentrykit.data.store import StoreError
from reentrykit.data.validation import Mapping, MappingProblem


def _date(value: str) -> dt.date:
    """An argument's date; argparse turns the error into one usage line (exit status 2)."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value}") from error


# The report's pointers to the upload page's controls, as this command's options.
COMMAND_LINE_WORDING = (
    (
        "Tick “Replace what was imported before” to import it again",
        "Add --replace to import it again",
    ),
    ("in the column-mapping step", "in a mapping file (--mapping MAP.json)"),
)


def _for_the_command_line(text: str) -> str:
    for page, command_line in COMMAND_LINE_WORDING:
        text = text.replace(page, command_line)
    return text


def _check_writable(path: Path, *, flag: str, folder: bool) -> None:
    """Refuse, before any work is done, a path the command could not write to."""
    if path.exists() and path.is_dir() != folder:
        kind = "a file, not a folder" if folder else "a folder, not a file"
        raise CommandError(f"{flag}: {path} is {kind}.", returncode=2)
    ancestor = path if folder and path.exists() else path.parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir() or not os.access(ancestor, os.W_OK | os.X_OK):
        raise CommandError(f"{flag}: cannot write under {ancestor}.", returncode=2)


class Command(BaseCommand):
    help = "Import partner data, link it, purge identities, or generate a synthetic county."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
        imp = commands.add_parser("import", help="Validate and import one file.")
        imp.add_argument("--coalition", required=True)
        imp.add_argument("--kind", required=True, choices=[k.value for k in Kind])
        imp.add_argument("--source", required=True, help="The partner agency, e.g. 'County Jail'.")
        imp.add_argument("file", type=Path)
        imp.add_argument("--mapping", type=Path, help="A JSON column and code mapping.")
        imp.add_argument("--replace", action="store_true")
        imp.add_argument("--data-through", type=_date)
        link = commands.add_parser("link", help="Link records across sources into people.")
        link.add_argument("--coalition", required=True)
        link.add_argument("--threshold", type=float)
        link.add_argument("--export-clusters", type=Path)
        purge = commands.add_parser("purge-identities", help="Delete names, birth dates and ids.")
        purge.add_argument("--coalition", required=True)
        sweep = commands.add_parser(
            "sweep-uploads", help="Delete uploaded files left unimported past the retention."
        )
        sweep.add_argument("--coalition")
        synth = commands.add_parser("synth", help="Write a synthetic multi-agency county.")
        synth.add_argument("--people", type=int, required=True)
        synth.add_argument("--seed", type=int, required=True)
        synth.add_argument("--out", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        with audit_actor(None, "cli"):
            if action == "import":
                self._import(options)
            elif action == "link":
                self._link(options)
            elif action == "purge-identities":
                self._purge(options)
            elif action == "sweep-uploads":
                self._sweep(options)
            elif action == "synth":
                self._synth(options)

    def _coalition(self, slug: str) -> Coalition:
        coalition = Coalition.objects.filter(slug=slug).first()
        if coalition is None:
            raise CommandError(f"No coalition with the slug {slug!r}.")
        return coalition

    def _import(self, options: dict[str, Any]) -> None:
        coalition = self._coalition(options["coalition"])
        path: Path = options["file"]
        if not path.is_file():
            # A path that names no file is a usage error, as a bad --export path is.
            what = "is a folder, not a file" if path.is_dir() else "names no file"
            raise CommandError(f"FILE: {path} {what}.", returncode=2)
        mapping = self._mapping(options["mapping"]) if options.get("mapping") else None
        result = import_file(
            coalition=coalition,
            kind=options["kind"],
            source_name=options["source"],
            path=path,
            mapping=mapping,
            replace=options["replace"],
            data_through=options.get("data_through"),
            progress=terminal_progress(),
        )
        if not result.ok:
            sys.stderr.write(_for_the_command_line(result.report.as_text()) + "\n")
            raise CommandError("The file was not imported.")
        self.stdout.write(json.dumps(result.as_dict()))

    def _mapping(self, path: Path) -> Mapping:
        try:
            return Mapping.from_text(path.read_bytes())
        except OSError as error:
            raise CommandError(
                f"The mapping file {path} could not be read: {error.strerror}.", returncode=2
            ) from error
        except MappingProblem as problem:
            raise CommandError(f"The mapping file {path} is not valid. {problem}") from problem

    def _link(self, options: dict[str, Any]) -> None:
        coalition = self._coalition(options["coalition"])
        if options.get("export_clusters"):
            _check_writable(options["export_clusters"], flag="--export-clusters", folder=False)
        try:
            run = link_coalition(
                coalition=coalition,
                threshold=options.get("threshold"),
                progress=terminal_progress(),
                export_clusters=options.get("export_clusters"),
            )
        except (LinkageError, StoreError) as error:
            raise CommandError(str(error)) from error
        if options.get("export_clusters"):
            PersonLevelAccess.objects.create(
                coalition=coalition,
                user=None,
                action="export",
                what=f"linkage clusters to {options['export_clusters']}",
                rows=run.records,
                reason="command-line export",
                via="cli",
            )
        summary = {
            "records": run.records,
            "people": run.people,
            "pairs_reviewed": run.pairs_reviewed,
            "pairs_for_review": run.pairs_for_review,
            "threshold": run.threshold,
        }
        self.stdout.write(json.dumps(summary))

    def _purge(self, options: dict[str, Any]) -> None:
        from reentrykit.data.services import identities_purge

        coalition = self._coalition(options["coalition"])
        try:
            removed = identities_purge(coalition=coalition)
        except StoreError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps({"coalition": coalition.slug, **removed}))

    def _sweep(self, options: dict[str, Any]) -> None:
        from reentrykit.data.services import stale_uploads_remove

        coalition = self._coalition(options["coalition"]) if options["coalition"] else None
        removed = stale_uploads_remove(coalition_id=coalition.pk if coalition else None)
        self.stdout.write(json.dumps({"uploads_removed": removed}))

    def _synth(self, options: dict[str, Any]) -> None:
        from reentrykit.data.synth import synth_county

        if options["people"] < 1:
            raise CommandError("--people must be at least 1.", returncode=2)
        if options["seed"] < 0:
            raise CommandError("--seed must be 0 or more.", returncode=2)
        _check_writable(options["out"], flag="--out", folder=True)
        summary = synth_county(
            people=options["people"],
            seed=options["seed"],
            out_dir=options["out"],
            progress=terminal_progress(),
        )
        self.stdout.write(
            json.dumps(
                summary
                if isinstance(summary, dict)
                else getattr(summary, "__dict__", str(summary)),
                default=str,
            )
        )

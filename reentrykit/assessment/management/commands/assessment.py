"""``reentrykit assessment instrument|open-round|import-responses|close-round|results``.

These names, options and JSON shapes are an interface other tools rely on (issue 3):
keep them stable. JSON goes to stdout; messages for people go to stderr.

Bands in the JSON are ``strong``, ``solid``, ``developing`` and ``needs_focus``;
scores are percents of the maximum rounded to one decimal, ``null`` when nothing
was scored.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reentrykit.assessment import imports, selectors, services
from reentrykit.assessment.instrument import Instrument, InstrumentError, load_instrument
from reentrykit.assessment.models import Round
from reentrykit.coalitions.models import Coalition
from reentrykit.core.audit import audit_actor
from reentrykit.core.management.helpers import (
    coalition_by_slug,
    parse_date,
    validation_message,
    write_json,
)

ACTIONS = ("instrument", "open-round", "import-responses", "close-round", "results")


class Command(BaseCommand):
    help = "Work with the Reentry Practices Capacity Assessment: instrument, rounds, results."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(
            dest="action", required=True, metavar="{" + ",".join(ACTIONS) + "}"
        )
        instrument = actions.add_parser("instrument", help="Print the instrument's items.")
        instrument.add_argument("--version", dest="instrument_version", default=None)
        instrument.add_argument("--format", choices=["json", "text"], default="text")

        open_round = actions.add_parser("open-round", help="Open an assessment round.")
        open_round.add_argument("--coalition", required=True, help="The coalition's slug.")
        open_round.add_argument(
            "--name", required=True, help="The round's name, e.g. 'Baseline 2026'."
        )
        open_round.add_argument("--version", dest="instrument_version", default=None)
        open_round.add_argument("--deadline", default=None, help="YYYY-MM-DD (optional).")
        open_round.add_argument(
            "--opened",
            default=None,
            help="YYYY-MM-DD: the date a round held before (on paper, say) was held.",
        )

        importing = actions.add_parser(
            "import-responses",
            help="Import answers from a CSV file (respondent_email,item_key,rating,note).",
        )
        importing.add_argument("--coalition", required=True)
        importing.add_argument("--round", dest="round_name", required=True)
        importing.add_argument("file", help="CSV file; rating is 0-3 or dont_know.")

        close = actions.add_parser("close-round", help="Close a round; answers are then final.")
        close.add_argument("--coalition", required=True)
        close.add_argument("--round", dest="round_name", required=True)

        results = actions.add_parser("results", help="Print a round's scores.")
        results.add_argument("--coalition", required=True)
        results.add_argument("--round", dest="round_name", required=True)
        results.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        with audit_actor(None, "cli"):
            if action == "instrument":
                self._instrument(options["instrument_version"], options["format"])
            elif action == "open-round":
                self._open_round(options)
            elif action == "import-responses":
                self._import(options)
            elif action == "close-round":
                self._close(options)
            else:
                self._results(options)

    # -- actions -------------------------------------------------------------

    def _instrument(self, version: str | None, output_format: str) -> None:
        try:
            instrument = load_instrument(version)
            services.instrument_version_check(instrument=instrument)
        except InstrumentError as exc:
            raise CommandError(str(exc)) from None
        if output_format == "json":
            write_json(self.stdout, instrument_json(instrument))
            return
        self.stdout.write(f"{instrument.title}, version {instrument.version}")
        for section in instrument.sections:
            self.stdout.write(f"\n{section.key}. {section.title}")
            for component in section.components:
                self.stdout.write(f"  {component.key} {component.title}")
                for item in component.items:
                    self.stdout.write(f"    {item.key}  {item.statement}")

    def _open_round(self, options: dict[str, Any]) -> None:
        coalition = coalition_by_slug(options["coalition"])
        deadline = parse_date(options["deadline"], flag="--deadline")
        opened_on = parse_date(options["opened"], flag="--opened")
        try:
            round_ = services.round_open(
                coalition=coalition,
                name=options["name"],
                version=options["instrument_version"],
                deadline=deadline,
                opened_on=opened_on,
            )
        except ValidationError as exc:
            flags = {"instrument_version": "--version", "opened_on": "--opened"}
            raise CommandError(
                "Could not open the round: " + validation_message(exc, flags=flags)
            ) from None
        self.stdout.write(round_.name)
        self.stderr.write(
            f"Opened “{round_.name}” for {coalition.name} with instrument version "
            f"{round_.instrument_version.version}."
        )

    def _import(self, options: dict[str, Any]) -> None:
        round_ = _round(options)
        path = Path(options["file"])
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        try:
            summary = imports.answers_import(round_=round_, raw=raw)
        except imports.ImportRejected as exc:
            raise CommandError(
                f"{path.name}: nothing was imported.\n" + "\n".join(exc.problems)
            ) from None
        except ValidationError as exc:
            raise CommandError(
                f"{path.name}: nothing was imported: {validation_message(exc)}"
            ) from None
        self.stderr.write(
            f"Imported {summary.answers} answers from {summary.respondents} "
            f"respondents into “{round_.name}”."
        )

    def _close(self, options: dict[str, Any]) -> None:
        round_ = _round(options)
        try:
            services.round_close(round_=round_)
        except ValidationError as exc:
            raise CommandError(
                f"Could not close “{round_.name}”: {validation_message(exc)}"
            ) from None
        self.stderr.write(f"Closed “{round_.name}”.")

    def _results(self, options: dict[str, Any]) -> None:
        round_ = _round(options)
        score = selectors.round_score(round_=round_)
        if options["format"] == "json":
            write_json(self.stdout, score.as_json())
            return
        status = "open — provisional" if round_.is_open else "closed"
        self.stdout.write(f"{round_.name} ({status})")
        self.stdout.write(f"Overall: {_fmt(score.overall.score)} {_band(score.overall.band)}")
        for section in score.sections:
            self.stdout.write(
                f"{section.key}. {section.title}: {_fmt(section.score.score)} "
                f"{_band(section.score.band)}"
            )
            for component in section.components:
                gaps = (
                    f", {component.knowledge_gaps} knowledge gap(s)"
                    if component.knowledge_gaps
                    else ""
                )
                self.stdout.write(
                    f"  {component.key} {component.title}: {_fmt(component.score.score)} "
                    f"{_band(component.score.band)}{gaps}"
                )
        if score.disagreements:
            self.stdout.write("Disagreements: " + ", ".join(score.disagreements))


def instrument_json(instrument: Instrument) -> dict[str, Any]:
    return {
        "version": instrument.version,
        "sections": [
            {
                "key": section.key,
                "title": section.title,
                "components": [
                    {
                        "key": component.key,
                        "title": component.title,
                        "items": [
                            {"key": item.key, "statement": item.statement}
                            for item in component.items
                        ],
                    }
                    for component in section.components
                ],
            }
            for section in instrument.sections
        ],
    }


def _round(options: dict[str, Any]) -> Round:
    coalition: Coalition = coalition_by_slug(options["coalition"])
    round_ = selectors.round_by_name(coalition=coalition, name=options["round_name"])
    if round_ is None:
        names = ", ".join(
            repr(name)
            for name in Round.objects.filter(coalition=coalition).values_list("name", flat=True)
        )
        raise CommandError(
            f"{coalition.slug} has no round named {options['round_name']!r}"
            + (f" (its rounds: {names})." if names else " (it has no rounds yet).")
        )
    return round_


def _fmt(score: float | None) -> str:
    return "—" if score is None else f"{score:.1f}%"


def _band(band: Any) -> str:
    return f"({band.label})" if band else "(not scored)"

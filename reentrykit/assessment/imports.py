"""Responses from a file: paper forms typed up, or a survey tool's export (REDCap, Kobo).

The file is CSV with the columns ``respondent_email,item_key,rating,note``; other
columns are ignored. Every row is checked before anything is written, and every
problem is reported as ``row N, column C: value V: problem`` with the header as
row 1, as a spreadsheet numbers them (a header without the columns, as one problem
naming those it lacks and those it has). One bad row and nothing is written. A row
with nothing but its item key (a row of the blank answer sheet left as it came) is
an item not answered, and is skipped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from reentrykit.accounts.models import User
from reentrykit.assessment import services
from reentrykit.assessment.models import Round
from reentrykit.coalitions.models import Membership

COLUMNS = ("respondent_email", "item_key", "rating", "note")
# The answer sheet's columns: the file's, then two the import ignores, for the typist.
SHEET_COLUMNS = (*COLUMNS, "component", "statement")
MAX_PROBLEMS = 200
# A round of 60 items answered by 200 people on paper is well under 1 MB.
MAX_FILE_BYTES = 5 * 1024 * 1024


# Where to find the round's item keys: the command line's way, and the page's.
ITEM_KEYS_HINT = " (see `reentrykit assessment instrument`)"
ITEM_KEYS_HINT_ON_PAGE = " (the blank answer sheet on this page lists every item's key)"


class ImportRejected(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems

    def for_the_page(self) -> list[str]:
        """The problems as the round's Respondents page says them."""
        return [p.replace(ITEM_KEYS_HINT, ITEM_KEYS_HINT_ON_PAGE) for p in self.problems]


@dataclass(frozen=True)
class ImportRow:
    row: int
    user: Any
    item_key: str
    answer: services.Answer
    note: str


@dataclass(frozen=True)
class ImportSummary:
    answers: int
    respondents: int


def answer_sheet(round_: Round) -> list[list[str]]:
    """The rows of a blank answer sheet: one per item of the round, keyed and worded, for
    someone typing up a paper form (fill in the email and rating on each row)."""
    instrument = round_.instrument
    rows = []
    for item in instrument.items():
        component = instrument.component(item.component_key)
        rows.append(["", item.key, "", "", component.label if component else "", item.statement])
    for local in round_.local_items.all():
        rows.append(["", local.key, "", "", "Local item", local.statement])
    return rows


def _problem(row: int, column: str, value: str, problem: str) -> str:
    return f"row {row}, column {column}: value {value!r}: {problem}"


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected(
            [f"the file is not UTF-8 text (byte {exc.start}); save it as CSV UTF-8"]
        ) from None


def _records(text: str) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The header, and each record with the line it starts on: a blank line, or a note
    over several lines, moves the records after it down, as a text editor shows them."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader, [])]
    except csv.Error as error:
        raise _unreadable(1, error) from None

    def records() -> Iterator[tuple[int, dict[str, str]]]:
        start = reader.line_num + 1
        try:
            for cells in reader:
                if cells:  # a blank line gives none
                    yield start, dict(zip(header, cells, strict=False))
                start = reader.line_num + 1
        except csv.Error as error:
            raise _unreadable(start, error) from None

    return header, records()


def _unreadable(row: int, error: csv.Error) -> ImportRejected:
    # Python's reader stops at a value over its size limit, which is nearly always a
    # quotation mark that is never closed: everything after it became one value.
    if "field larger than field limit" in str(error):
        return ImportRejected(
            [
                f"row {row}: a value runs past {csv.field_size_limit():,} characters; "
                "a quotation mark in it is probably never closed"
            ]
        )
    return ImportRejected([f"row {row}: the row cannot be read as CSV ({error})"])


def read_rows(*, round_: Round, text: str) -> list[ImportRow]:
    """The file's rows, checked against the round; raises ImportRejected listing every problem."""
    header, records = _records(text)
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        has = ", ".join(name for name in header if name) or "none"
        raise ImportRejected(
            [
                f"row 1: the first row names the columns {', '.join(COLUMNS)}; "
                f"it has no {', '.join(missing)} (its columns: {has})"
            ]
        )
    keys = services.item_keys(round_)
    members = _members(round_)
    problems: list[str] = []
    rows: list[ImportRow] = []
    first_seen: dict[tuple[str, str], int] = {}
    for number, record in records:
        values = {column: (record.get(column) or "").strip() for column in COLUMNS}
        if not any(value for column, value in values.items() if column != "item_key"):
            # A blank line, or a row of the answer sheet left as it came: an item the
            # person did not answer on paper.
            continue
        row_problems, user, answer = _check_row(number, values, keys, members)
        seen_key = (values["respondent_email"].lower(), values["item_key"])
        if not row_problems and seen_key in first_seen:
            row_problems.append(
                _problem(
                    number,
                    "item_key",
                    values["item_key"],
                    f"a second answer from {values['respondent_email']} to this item "
                    f"(the first is on row {first_seen[seen_key]})",
                )
            )
        first_seen.setdefault(seen_key, number)
        problems.extend(row_problems)
        if not row_problems and answer is not None:
            rows.append(ImportRow(number, user, values["item_key"], answer, values["note"]))
        if len(problems) >= MAX_PROBLEMS:
            problems.append(f"… stopped after {MAX_PROBLEMS} problems")
            break
    if problems:
        raise ImportRejected(problems)
    if not rows:
        raise ImportRejected(["the file has no answers"])
    return rows


def _members(round_: Round) -> dict[str, User]:
    memberships = Membership.objects.filter(coalition_id=round_.coalition_id).select_related("user")
    return {membership.user.email.lower(): membership.user for membership in memberships}


def _check_row(
    number: int, values: dict[str, str], keys: set[str], members: dict[str, User]
) -> tuple[list[str], User | None, services.Answer | None]:
    problems = []
    email = values["respondent_email"]
    user = members.get(email.lower())
    if not email:
        problems.append(_problem(number, "respondent_email", email, "missing"))
    elif user is None:
        problems.append(
            _problem(number, "respondent_email", email, "not a member of this coalition")
        )
    elif not user.is_active:
        problems.append(_problem(number, "respondent_email", email, "this account is disabled"))
    if values["item_key"] not in keys:
        problems.append(
            _problem(
                number,
                "item_key",
                values["item_key"],
                "not an item of this round" + ITEM_KEYS_HINT,
            )
        )
    answer = None
    if not values["rating"]:
        problems.append(_problem(number, "rating", "", "missing: use 0, 1, 2, 3 or dont_know"))
    else:
        try:
            answer = services.Answer.parse(values["rating"])
        except ValidationError:
            problems.append(
                _problem(number, "rating", values["rating"], "use 0, 1, 2, 3 or dont_know")
            )
    note_problem = services.note_problem(values["note"])
    if note_problem:
        problems.append(_problem(number, "note", values["note"][:40], note_problem))
    return problems, user, answer


def answers_import(*, round_: Round, raw: bytes) -> ImportSummary:
    """A file's answers checked and written, all or none (the command line and the
    Respondents page): raises ImportRejected, or ValidationError from the services."""
    if not round_.is_open:
        raise ImportRejected([f"“{round_.name}” is closed; its answers can no longer change."])
    rows = read_rows(round_=round_, text=decode(raw))
    return responses_import(round_=round_, rows=rows)


@transaction.atomic
def responses_import(*, round_: Round, rows: list[ImportRow]) -> ImportSummary:
    """Write checked rows: each person becomes a respondent (with their organization's sector)."""
    respondents: dict[int, Any] = {}
    for row in rows:
        respondent = respondents.get(row.user.pk)
        if respondent is None:
            respondent = services.respondent_add(round_=round_, user=row.user)
            respondents[row.user.pk] = respondent
        answer = "dont_know" if row.answer.dont_know else row.answer.rating
        services.response_save(
            round_=round_,
            respondent=respondent,
            item_key=row.item_key,
            answer=answer,
            note=row.note,
        )
    return ImportSummary(answers=len(rows), respondents=len(respondents))

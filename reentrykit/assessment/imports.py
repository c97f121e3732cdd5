"""Responses from a file: paper forms typed up, or a survey tool's export (REDCap, Kobo).

The file is CSV with the columns ``respondent_email,item_key,rating,note``; other
columns are ignored. Every row is checked before anything is written, and every
problem is reported as ``row N, column C: value V: problem`` with the header as
row 1, as a spreadsheet numbers them. One bad row and nothing is written.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from reentrykit.accounts.models import User
from reentrykit.assessment import services
from reentrykit.assessment.models import Round
from reentrykit.coalitions.models import Membership

COLUMNS = ("respondent_email", "item_key", "rating", "note")
MAX_PROBLEMS = 200


class ImportRejected(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


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


def _problem(row: int, column: str, value: str, problem: str) -> str:
    return f"row {row}, column {column}: value {value!r}: {problem}"


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected(
            [f"the file is not UTF-8 text (byte {exc.start}); save it as CSV UTF-8"]
        ) from None


def read_rows(*, round_: Round, text: str) -> list[ImportRow]:
    """The file's rows, checked against the round; raises ImportRejected listing every problem."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise ImportRejected(
            [_problem(1, column, "", "the header has no such column") for column in missing]
        )
    keys = services.item_keys(round_)
    members = _members(round_)
    problems: list[str] = []
    rows: list[ImportRow] = []
    first_seen: dict[tuple[str, str], int] = {}
    for number, record in enumerate(reader, start=2):
        values = {column: (record.get(column) or "").strip() for column in COLUMNS}
        if not any(values.values()):
            continue  # a blank line
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
                "not an item of this round (see `reentrykit assessment instrument`)",
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
    return problems, user, answer


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

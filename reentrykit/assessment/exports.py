"""A round's responses as CSV and XLSX, one row per respondent and item.

Both go through reentrykit.core.exports, which prefixes text that a spreadsheet would
read as a formula (=, +, -, @, tab, carriage return) with a single quote, so a note
such as ``=HYPERLINK(...)`` stays text when the file is opened.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from reentrykit.assessment.models import Response, Round
from reentrykit.core.exports import csv_text, safe_cell, xlsx_bytes

__all__ = ["HEADERS", "response_rows", "responses_csv", "responses_xlsx", "safe_cell"]

HEADERS = [
    "round",
    "respondent_name",
    "respondent_email",
    "sector",
    "item_key",
    "component",
    "statement",
    "rating",
    "answer",
    "note",
    "updated_at",
]


def response_rows(round_: Round) -> list[list[Any]]:
    instrument = round_.instrument
    local = {item.key: item.statement for item in round_.local_items.all()}
    responses = (
        Response.objects.filter(round=round_)
        .select_related("respondent__user")
        .order_by("respondent__user__email", "item_key")
    )
    rows = []
    for response in responses:
        item = instrument.item(response.item_key)
        component = instrument.component(item.component_key) if item else None
        user = response.respondent.user
        rows.append(
            [
                round_.name,
                user.full_name,
                user.email,
                response.respondent.get_sector_display(),
                response.item_key,
                component.label if component else "Local item",
                item.statement if item else local.get(response.item_key, ""),
                response.rating,
                "Don't know"
                if response.dont_know
                else ("" if response.rating is None else instrument.level_label(response.rating)),
                response.note,
                timezone.localtime(response.updated_at).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    return rows


def responses_csv(round_: Round) -> str:
    return csv_text(HEADERS, response_rows(round_))


def responses_xlsx(round_: Round) -> bytes:
    return xlsx_bytes({"Responses": (HEADERS, response_rows(round_))})

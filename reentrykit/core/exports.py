"""Writing tables for people to open in spreadsheets, safely.

A cell that starts with =, +, -, @ (or a tab or carriage return) would be run as
a formula by Excel or LibreOffice; every export prefixes such text with a quote.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


def csv_text(header: Sequence[str], rows: Iterable[Iterable[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(safe_row(row))
    return buffer.getvalue()


def xlsx_bytes(sheets: dict[str, tuple[Sequence[str], Iterable[Iterable[Any]]]]) -> bytes:
    """An XLSX workbook with one sheet per entry; text cells never become formulas."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, (header, rows) in sheets.items():
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append(list(header))
        for row in rows:
            sheet.append(safe_row(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_download(
    *, name: str, filename: str, header: Sequence[str], rows: list[list[Any]], xlsx: bool
) -> HttpResponse:
    """One table as an attachment: an XLSX workbook (its sheet called ``name``) or CSV."""
    if xlsx:
        response = HttpResponse(xlsx_bytes({name: (header, rows)}), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    response = HttpResponse(csv_text(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response

"""Writing tables and documents for people to open in spreadsheets and Word, safely.

A cell that starts with =, +, -, @ (or a tab or carriage return) would be run as
a formula by Excel or LibreOffice; every export prefixes such text with a quote.
XLSX and DOCX are XML, which cannot hold most control characters; text pasted from
Word brings some (its line break within a paragraph is U+000B), so they are replaced
(:func:`xml_text`) rather than left to fail the download.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.http import HttpResponse

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Word's line and page breaks within a paragraph; the other characters XML 1.0 refuses.
_BREAKS = re.compile("[\x0b\x0c]")
_NOT_XML = re.compile("[\x00-\x08\x0e-\x1f\ufffe\uffff]")


def xml_text(value: str) -> str:
    """``value`` as XML can hold it: Word's breaks become line breaks, and other
    control characters are dropped."""
    return _NOT_XML.sub("", _BREAKS.sub("\n", value))


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


# Excel opens a CSV file as UTF-8 only when it starts with a byte order mark; without
# one it reads the computer's legacy code page, and "José" shows as "JosÃ©". Downloads
# meant for a spreadsheet start with it (imports read files with or without it).
EXCEL_UTF8 = "\ufeff"


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
            # Cleaned before the formula guard: "\x01=..." would lose its first character
            # after it, and openpyxl writes text that starts with = as a formula.
            sheet.append(safe_row(_xlsx_cell(value) for value in row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(value: Any) -> Any:
    return xml_text(value) if isinstance(value, str) else value


class WordDocument:
    """A DOCX document built a heading, a paragraph and a table at a time; it takes any
    text (see :func:`xml_text`)."""

    def __init__(self, title: str) -> None:
        from docx import Document

        self._document = Document()
        self._document.core_properties.title = xml_text(title)

    def heading(self, text: str, *, level: int) -> None:
        self._document.add_heading(xml_text(text), level=level)

    def paragraph(self, text: str, *, style: str | None = None) -> None:
        self._document.add_paragraph(xml_text(text), style=style)

    def bullet(self, text: str) -> None:
        self.paragraph(text, style="List Bullet")

    def table(self, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
        table = self._document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, label in zip(table.rows[0].cells, header, strict=True):
            cell.text = xml_text(label)
        for row in rows:
            for cell, value in zip(table.add_row().cells, row, strict=True):
                cell.text = xml_text(value)

    def content(self) -> bytes:
        buffer = io.BytesIO()
        self._document.save(buffer)
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
    return csv_attachment(csv_text(header, rows), f"{filename}.csv")


def csv_attachment(text: str, filename: str) -> HttpResponse:
    """CSV ``text`` as a download for a spreadsheet (with :data:`EXCEL_UTF8`)."""
    response = HttpResponse(EXCEL_UTF8 + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def download_formats(*formats: str) -> Callable[[Callable[..., HttpResponse]], Any]:
    """Gives a download view the ``format`` its address asks for, as ``file_format``
    (the first of ``formats`` when it asks for none). A format the download does not
    come in is refused (400) with a message naming those it does, rather than sending
    another kind of file under the name the reader expects."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
            asked = request.GET.get("format") or formats[0]
            if asked not in formats:
                message = (
                    f"This download does not come as {asked!r}; ask for format "
                    + " or ".join(repr(name) for name in formats)
                    + "."
                )
                return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
            return view(request, *args, file_format=asked, **kwargs)

        return wrapped

    return decorate

"""Reading uploaded files (CSV, XLSX, Parquet) into a DuckDB staging table.

Nothing here trusts the file: its size, type, encoding and shape are checked
first, and every problem is a ``FileProblem`` with a message a data analyst can
act on. Large files are streamed by DuckDB, never read into memory whole.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import logging
import re
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO, Protocol

import duckdb
from charset_normalizer import from_bytes
from django.conf import settings

from reentrykit.data.store import sql_literal

logger = logging.getLogger(__name__)

SAMPLE_BYTES = 1 << 20
DELIMITERS = (",", ";", "\t")
# An XLSX is a ZIP; refuse archives that inflate far beyond their size (ZIP bombs).
XLSX_MAX_UNCOMPRESSED = 512 * 1024 * 1024
XLSX_MAX_RATIO = 200
# A header that is a number or a date (1984-03-02, 3/2/1984, 12:30): the first row is
# data, so the file has no header row.
_DATA_LIKE_HEADER = re.compile(r"[-+]?\d[\d.,/:\- ]*")


DAMAGED = (
    "The saved upload could not be opened: it is damaged or was saved for another "
    "coalition. Upload the file again."
)


UNREADABLE_WORKBOOK = (
    "The spreadsheet could not be opened: it may be damaged or not an .xlsx file. "
    "Open it in Excel, save it again as .xlsx (or as “CSV UTF-8”) and upload that."
)


class FileProblem(Exception):
    """The file cannot be read; the message says why and what to do."""


class DataFile(Protocol):
    """A file to read: a plain file on disk (:class:`LocalFile`) or a sealed upload
    read in place (``sealed.SealedFile``)."""

    name: str

    def size(self) -> int: ...

    def open(self) -> BinaryIO: ...

    def duckdb_path(self, con: duckdb.DuckDBPyConnection) -> str:
        """The path ``con`` reads the file by (registering what it needs on ``con``)."""
        ...


@dataclass(frozen=True)
class LocalFile:
    """A plain file on disk, such as the one given to ``reentrykit data import``."""

    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    def size(self) -> int:
        return self.path.stat().st_size

    def open(self) -> BinaryIO:
        return self.path.open("rb")

    def duckdb_path(self, con: duckdb.DuckDBPyConnection) -> str:
        return str(self.path)


def data_file(file: Path | DataFile) -> DataFile:
    return LocalFile(file) if isinstance(file, Path) else file


@dataclass(frozen=True)
class FileInfo:
    file: DataFile
    format: str  # csv, xlsx or parquet
    delimiter: str
    headers: tuple[str, ...]
    size: int
    types: tuple[str, ...] = ()  # a Parquet file's column types (DuckDB's names)
    # A text file's first rows after the headers, as read (for guessing how it writes
    # dates); person-level, so kept in memory only.
    sample: tuple[tuple[str, ...], ...] = ()


def quote_identifier(name: str) -> str:
    # Column names come from the uploaded file; DuckDB identifiers cannot be bound.
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class FileScan:
    """What one pass over the file's bytes gives: its digest, and for a CSV how many
    lines it has up to its last text (blank lines at the end not counted)."""

    sha256: str
    lines: int


def _breaks(data: bytes) -> int:
    returns = data.count(b"\r")
    # Counting a two-byte \r\n is the slow count: only files with \r pay it.
    return data.count(b"\n") + (returns - data.count(b"\r\n") if returns else 0)


class _LineCounter:
    """Counts a file's line breaks (LF, CRLF or CR), block by block."""

    def __init__(self) -> None:
        self.breaks = 0
        self.trailing = 0  # the breaks after the last text
        self.text = False
        self._after_cr = False

    def add(self, block: bytes) -> None:
        text = block.rstrip(b"\r\n")
        # A \r\n cut between two blocks is one break, not two.
        breaks = _breaks(block) - (self._after_cr and block.startswith(b"\n"))
        tail = _breaks(block[len(text) :]) if text else breaks
        self.breaks += breaks
        self.trailing = tail if text else self.trailing + tail
        self.text = self.text or bool(text)
        self._after_cr = block.endswith(b"\r")

    def lines(self) -> int:
        return self.breaks - self.trailing + 1 if self.text else 0


def scan_file(file: DataFile) -> FileScan:
    digest = hashlib.sha256()
    counter = _LineCounter()
    with file.open() as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            counter.add(block)
    return FileScan(digest.hexdigest(), counter.lines())


def _human(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.1f} {unit}" if unit != "bytes" else f"{size} bytes"
        size /= 1024  # type: ignore[assignment]
    return f"{size} bytes"


def check_size(file: DataFile) -> int:
    size = file.size()
    if size == 0:
        raise FileProblem("The file is empty.")
    limit = settings.DATA_MAX_UPLOAD_BYTES
    if size > limit:
        raise FileProblem(
            f"The file is {_human(size)}; the limit is {_human(limit)}. "
            "Split it (for example by year) and upload the parts."
        )
    return size


def detect_format(head: bytes) -> str:
    """csv, xlsx or parquet, from the file's first bytes; FileProblem for anything else."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"%PDF"):
        raise FileProblem(
            "This is a PDF, which holds pages rather than rows of data. Export the records "
            "from the partner's system as CSV or Excel (.xlsx) and upload that."
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # the container of .xls and .doc files
        raise FileProblem(
            "This is an older Excel (.xls) or Word file. Open it in Excel and save it as "
            "“Excel Workbook (.xlsx)” or “CSV UTF-8”, then upload that."
        )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileProblem(
            "The file is UTF-16 text. Save it as “CSV UTF-8” (comma delimited) and upload again."
        )
    if b"\x00" in head:
        raise FileProblem("This is not a CSV, XLSX or Parquet file (it contains binary data).")
    return "csv"


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def check_workbook_name(name: str, head: bytes) -> None:
    """A file named as a workbook that is not one (damaged, cut short, or text renamed
    .xlsx) is refused as a workbook, rather than read as CSV with its first line for
    column names."""
    if name.lower().endswith(WORKBOOK_SUFFIXES) and not head.startswith(b"PK\x03\x04"):
        raise FileProblem(UNREADABLE_WORKBOOK)


def _check_utf8(head: bytes) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)
    except UnicodeDecodeError as error:
        guess = from_bytes(head).best()
        encoding = f", probably {guess.encoding}" if guess is not None else ""
        line = head[: error.start].count(b"\n") + 1
        raise FileProblem(
            f"The file is saved in an older text encoding{encoding}, not UTF-8: line {line} "
            "has a character (often an accented letter or a curly quote) that cannot be "
            "read. In Excel, choose Save As and “CSV UTF-8 (Comma delimited)”, then upload "
            "that file."
        ) from error


def _detect_delimiter(text: str) -> str:
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if not lines:
        raise FileProblem("The file has no header row.")
    try:
        return csv.Sniffer().sniff("\n".join(lines[:20]), delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        counts = {d: lines[0].count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _csv_headers(text: str, delimiter: str) -> tuple[str, ...]:
    try:
        first = next(csv.reader(text.lstrip("\ufeff").splitlines()[:1], delimiter=delimiter), [])
    except csv.Error:
        # Python's reader stops at a value over its size limit: a quotation mark that
        # is never closed, or no line breaks at all.
        raise FileProblem(
            f"The first row cannot be read: a value in it runs past "
            f"{csv.field_size_limit():,} characters. Check for a quotation mark that is "
            "never closed."
        ) from None
    headers = tuple(name.strip() for name in first)
    if not headers or all(not name for name in headers):
        raise FileProblem("The first row must name the columns; it is empty.")
    blanks = [str(i + 1) for i, name in enumerate(headers) if not name]
    if blanks:
        raise FileProblem(f"Column {', '.join(blanks)} has no name in the header row.")
    data_like = [str(i + 1) for i, name in enumerate(headers) if _DATA_LIKE_HEADER.fullmatch(name)]
    if data_like:
        # The cells are not quoted back: they would be a person's details.
        raise FileProblem(
            "The first row looks like data, not column names: column "
            f"{', '.join(data_like[:3])} holds a number or a date. Add a row naming the "
            "columns at the top of the file and upload it again."
        )
    seen: set[str] = set()
    for name in headers:
        if name.lower() in seen:
            raise FileProblem(f"The column “{name}” appears twice in the header row.")
        seen.add(name.lower())
    return headers


def _check_zip(file: DataFile) -> None:
    try:
        with file.open() as handle, zipfile.ZipFile(handle) as archive:
            total = 0
            for entry in archive.infolist():
                total += entry.file_size
                ratio = entry.file_size / max(entry.compress_size, 1)
                if ratio > XLSX_MAX_RATIO or total > XLSX_MAX_UNCOMPRESSED:
                    raise FileProblem(
                        "The spreadsheet expands to far more data than its size suggests "
                        "(a compressed archive that could exhaust the server); it was refused."
                    )
            if "xl/workbook.xml" not in archive.namelist():
                raise FileProblem("This ZIP file is not an Excel workbook (.xlsx).")
    except zipfile.BadZipFile as error:
        raise FileProblem("The spreadsheet is damaged and cannot be opened.") from error


def _xlsx_to_csv(file: DataFile, scratch: Path) -> DataFile:
    """The first sheet as UTF-8 CSV, sealed in ``scratch`` (it holds the workbook's
    rows). Cell formulas are kept as their text."""
    # Here, not at the top: the sealed module reads its problems from this one.
    from reentrykit.data.sealed import SealedFile

    _check_zip(file)
    target = scratch / f"{uuid.uuid4().hex}.csv.sealed"
    return SealedFile.write(target, _xlsx_csv_bytes(file), name=f"{file.name}.csv")


def _xlsx_csv_bytes(file: DataFile) -> Iterator[bytes]:
    try:
        yield from _xlsx_rows_csv(file)
    except FileProblem:
        raise
    except Exception as error:
        # openpyxl raises whatever its XML and ZIP readers meet in a damaged workbook
        # (XMLSyntaxError, KeyError, BadZipFile, ...): all of them mean the same here.
        raise FileProblem(UNREADABLE_WORKBOOK) from error


def _xlsx_rows_csv(file: DataFile) -> Iterator[bytes]:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    text = io.StringIO()
    writer = csv.writer(text)
    width = 0  # the header row's, to its last named column
    empty_rows = 0  # empty rows not written yet: none after the last row with a value is
    # Opened as a file, not by name: openpyxl judges a name by its extension.
    with file.open() as source:
        workbook = load_workbook(source, read_only=True, data_only=False)
        try:
            # Cells, not values alone: a number's format can hold its leading zeros.
            rows = workbook.worksheets[0].iter_rows()
            for number, row in enumerate(rows, start=1):
                # The sheet reaches as far as its last formatted cell, empty or not: the
                # columns past the header's last name and the rows past the last value are
                # no data, unless a value is there.
                cells = [_cell_text(cell.value, cell.number_format) for cell in row]
                filled = [i for i, cell in enumerate(cells) if cell.strip()]
                if number == 1:
                    width = filled[-1] + 1 if filled else len(cells)
                elif filled and filled[-1] >= width:
                    raise FileProblem(
                        f"Row {number} has a value in column {get_column_letter(filled[-1] + 1)}, "
                        "which has no name in the header row. Name the column, or clear the cell."
                    )
                elif not filled:
                    empty_rows += 1
                    continue
                for _ in range(empty_rows):
                    writer.writerow([""] * width)
                empty_rows = 0
                writer.writerow(cells[:width])
                if text.tell() >= SAMPLE_BYTES:
                    yield text.getvalue().encode("utf-8")
                    text.seek(0)
                    text.truncate()
        finally:
            workbook.close()
    yield text.getvalue().encode("utf-8")


# Number formats that pad a whole number with zeros: Excel's "Zip Code" (00000) and
# "Zip Code + 4" (00000-0000), or an id's (000000).
ZERO_PADDED = re.compile(r"0+(-0+)?")


def _cell_text(value: object, number_format: str | None = "General") -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and value >= 0 and ZERO_PADDED.fullmatch(number_format or ""):
            # As the sheet shows it: ZIP 02134 is kept as the number 2134.
            digits = str(int(value)).zfill(number_format.count("0"))
            if "-" not in number_format:
                return digits
            tail = len(number_format.split("-")[1])
            return f"{digits[:-tail]}-{digits[-tail:]}"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
    return str(value)


def inspect_file(file: Path | DataFile, scratch: Path) -> FileInfo:
    """Check the file and learn its format, delimiter and headers. A workbook is
    turned into CSV in ``scratch``, which the returned info reads from then on."""
    file = data_file(file)
    size = check_size(file)
    with file.open() as handle:
        head = handle.read(SAMPLE_BYTES)
    check_workbook_name(file.name, head)
    kind = detect_format(head)
    if kind == "xlsx":
        converted = _xlsx_to_csv(file, scratch)
        return replace(inspect_file(converted, scratch), format="xlsx")
    if kind == "parquet":
        con = duckdb.connect()
        try:
            names = con.execute(
                "DESCRIBE SELECT * FROM read_parquet(?)", [file.duckdb_path(con)]
            ).fetchall()
        except duckdb.Error as error:
            raise FileProblem("The Parquet file is damaged and cannot be read.") from error
        finally:
            con.close()
        headers, types = tuple(row[0] for row in names), tuple(row[1] for row in names)
        return FileInfo(file, "parquet", ",", headers, size, types)
    _check_utf8(head)
    text = head.decode("utf-8", errors="ignore")
    delimiter = _detect_delimiter(text.lstrip("\ufeff"))
    headers = _csv_headers(text, delimiter)
    return FileInfo(
        file, "csv", delimiter, headers, size, sample=_csv_sample(text, delimiter, len(head))
    )


SAMPLE_ROWS = 50


def _csv_sample(text: str, delimiter: str, read: int) -> tuple[tuple[str, ...], ...]:
    """Up to :data:`SAMPLE_ROWS` rows after the header row of a file's first bytes (the
    last line left out when the bytes stop inside it); none where they cannot be read."""
    lines = text.lstrip("\ufeff").splitlines()[1:]
    if read >= SAMPLE_BYTES:
        lines = lines[:-1]
    try:
        return tuple(tuple(row) for row in csv.reader(lines[:SAMPLE_ROWS], delimiter=delimiter))
    except csv.Error:
        return ()


def load_staging(con: duckdb.DuckDBPyConnection, info: FileInfo, table: str = "staging") -> None:
    """Make ``table`` a view of the file's rows, every value as text (an empty one
    NULL), in file order.

    Nothing is read yet: validation reads the file once, into its typed table, and
    reports a file that cannot be read through ``explain_read_error``.
    """
    path = sql_literal(info.file.duckdb_path(con))
    if info.format == "parquet":
        # An empty text is NULL, as an empty CSV field is.
        select = ", ".join(
            f"NULLIF({_parquet_text(quote_identifier(n), t)}, '') AS {quote_identifier(n)}"
            for n, t in zip(info.headers, info.types, strict=True)
        )
        source = f"read_parquet({path})"
    else:
        select = ", ".join(quote_identifier(name) for name in info.headers)
        # The columns are given, not sniffed: the sniffer fails on a short or long row
        # among its sample without saying where, and names the columns after such a row.
        # Given them, DuckDB reports the line of the first row that does not fit.
        columns = ", ".join(f"{sql_literal(name)}: 'VARCHAR'" for name in info.headers)
        source = (
            f"read_csv({path}, header = true, auto_detect = false, columns = {{{columns}}}, "
            f"delim = {sql_literal(info.delimiter)}, quote = '\"', escape = '\"', "
            "strict_mode = true, null_padding = false)"
        )
    # Views take no bound parameters; the path and delimiter are quoted literals.
    con.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT {select} FROM {source}")  # noqa: S608


def _parquet_text(column: str, sql_type: str) -> str:
    """A Parquet column as text. A whole number in a floating-point column (an id column
    with a gap, as pandas writes it) reads as the number, not '12345.0'; a time with a
    time zone, as its day where the server is (the coalition's time zone)."""
    if sql_type == "TIMESTAMP WITH TIME ZONE":
        return f"CAST(CAST({column} AS DATE) AS VARCHAR)"
    if sql_type in ("DOUBLE", "FLOAT") or sql_type.startswith("DECIMAL"):
        return (
            f"CASE WHEN {column} = trunc({column}) AND abs({column}) < 1e15 "
            f"THEN CAST(CAST({column} AS BIGINT) AS VARCHAR) ELSE CAST({column} AS VARCHAR) END"
        )
    return f"CAST({column} AS VARCHAR)"


def row_lines(info: FileInfo, scan: FileScan, rows: int) -> list[int] | None:
    """The line of the file each row starts on, or None when row i is on line i + 2.

    In a CSV a blank line, or a quoted value over several lines, moves the rows after
    it down; only then (the file has more lines than rows) is it read again, here, to
    number them. A workbook's rows are the sheet's (one record per sheet row), a
    Parquet file's rows have no lines: both are numbered i + 2.
    """
    if info.format != "csv" or scan.lines == rows + 1:
        return None
    lines = _record_lines(info)
    # Read as DuckDB read it, the rows are the same; should the two readers ever split
    # them differently, no line can be trusted and the rows are numbered in order.
    return lines if lines is not None and len(lines) == rows else None


def _record_lines(info: FileInfo) -> list[int] | None:
    """The line each record after the header starts on; None if Python's reader
    refuses the file (a value longer than its limit)."""
    lines: list[int] = []
    with info.file.open() as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
        reader = csv.reader(text, delimiter=info.delimiter)
        start = 1
        try:
            for record in reader:
                if record:  # a blank line gives none, as it does to DuckDB
                    lines.append(start)
                start = reader.line_num + 1
        except csv.Error:
            return None
    return lines[1:]


def explain_read_error(error: duckdb.Error) -> str:
    """What to tell the user when DuckDB cannot read the uploaded file: what is wrong
    and on which line, never DuckDB's own words (they quote the file's cells)."""
    message = str(error)
    if DAMAGED in message:  # a sealed upload's chunk did not open as DuckDB read it
        return DAMAGED
    line = _ERROR_LINE.search(message)
    where = f"Line {line.group(1)}" if line else "A row"
    columns = _ERROR_COLUMNS.search(message)
    if columns:
        return _wrong_columns(where, expected=int(columns.group(1)), found=int(columns.group(2)))
    lowered = message.lower()
    if "invalid unicode" in lowered:
        return f"{where} is not UTF-8 text. Save the file as “CSV UTF-8” and upload it again."
    if "unterminated quote" in lowered or "quote should be followed" in lowered:
        return (
            f"{where} has a quotation mark that is not closed, or text after a closing one. "
            "A value in quotation marks must end with one, and a quotation mark inside "
            'it must be doubled ("").'
        )
    if "maximum line size" in lowered:
        return f"{where} is longer than 2 MB; no row of a partner's file should be."
    logger.warning("DuckDB could not read an upload: %s", type(error).__name__)
    return (
        f"{'The file' if not line else where} could not be read. Save it as “CSV UTF-8” "
        "and upload it again."
    )


_ERROR_LINE = re.compile(r"CSV Error on Line: (\d+)")
_ERROR_COLUMNS = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")


def _wrong_columns(where: str, *, expected: int, found: int) -> str:
    if found < expected:
        return (
            f"{where} has {found} value{'s' if found != 1 else ''}, but the header row names "
            f"{expected} columns. Each row needs a place for every column: leave a value "
            "empty, not out."
        )
    # DuckDB stops counting at the first value too many.
    return (
        f"{where} has more values than the {expected} columns the header row names. A value "
        "that holds the delimiter must be in quotation marks; otherwise there is a "
        "delimiter too many."
    )

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

SAMPLE_BYTES = 1 << 20
DELIMITERS = (",", ";", "\t")
# An XLSX is a ZIP; refuse archives that inflate far beyond their size (ZIP bombs).
XLSX_MAX_UNCOMPRESSED = 512 * 1024 * 1024
XLSX_MAX_RATIO = 200


DAMAGED = (
    "The saved upload could not be opened: it is damaged or was saved for another "
    "coalition. Upload the file again."
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


def quote_identifier(name: str) -> str:
    # Column names come from the uploaded file; DuckDB identifiers cannot be bound.
    return '"' + name.replace('"', '""') + '"'


def file_sha256(file: DataFile) -> str:
    digest = hashlib.sha256()
    with file.open() as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileProblem(
            "The file is UTF-16 text. Save it as “CSV UTF-8” (comma delimited) and upload again."
        )
    if b"\x00" in head:
        raise FileProblem("This is not a CSV, XLSX or Parquet file (it contains binary data).")
    return "csv"


def _check_utf8(head: bytes) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)
    except UnicodeDecodeError as error:
        guess = from_bytes(head).best()
        encoding = f" (it looks like {guess.encoding})" if guess is not None else ""
        raise FileProblem(
            f"The file is not UTF-8 text{encoding}: byte {error.start + 1} cannot be read. "
            "Save it as “CSV UTF-8” and upload again."
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
    first = next(csv.reader(text.lstrip("\ufeff").splitlines()[:1], delimiter=delimiter), [])
    headers = tuple(name.strip() for name in first)
    if not headers or all(not name for name in headers):
        raise FileProblem("The first row must name the columns; it is empty.")
    blanks = [str(i + 1) for i, name in enumerate(headers) if not name]
    if blanks:
        raise FileProblem(f"Column {', '.join(blanks)} has no name in the header row.")
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
    from openpyxl import load_workbook

    text = io.StringIO()
    writer = csv.writer(text)
    # Opened as a file, not by name: openpyxl judges a name by its extension.
    with file.open() as source:
        workbook = load_workbook(source, read_only=True, data_only=False)
        try:
            for row in workbook.worksheets[0].iter_rows(values_only=True):
                writer.writerow(["" if cell is None else _cell_text(cell) for cell in row])
                if text.tell() >= SAMPLE_BYTES:
                    yield text.getvalue().encode("utf-8")
                    text.seek(0)
                    text.truncate()
        finally:
            workbook.close()
    yield text.getvalue().encode("utf-8")


def _cell_text(cell: object) -> str:
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def inspect_file(file: Path | DataFile, scratch: Path) -> FileInfo:
    """Check the file and learn its format, delimiter and headers. A workbook is
    turned into CSV in ``scratch``, which the returned info reads from then on."""
    file = data_file(file)
    size = check_size(file)
    with file.open() as handle:
        head = handle.read(SAMPLE_BYTES)
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
        return FileInfo(file, "parquet", ",", tuple(row[0] for row in names), size)
    _check_utf8(head)
    text = head.decode("utf-8", errors="ignore")
    delimiter = _detect_delimiter(text.lstrip("\ufeff"))
    return FileInfo(file, "csv", delimiter, _csv_headers(text, delimiter), size)


def load_staging(con: duckdb.DuckDBPyConnection, info: FileInfo, table: str = "staging") -> None:
    """Make ``table`` a view of the file's rows, every value as text, in file order.

    Nothing is read yet: validation reads the file once, into its typed table, and
    reports a file that cannot be read through ``explain_read_error``.
    """
    path = sql_literal(info.file.duckdb_path(con))
    if info.format == "parquet":
        select = ", ".join(
            f"CAST({quote_identifier(n)} AS VARCHAR) AS {quote_identifier(n)}" for n in info.headers
        )
        source = f"read_parquet({path})"
    else:
        select = ", ".join(quote_identifier(name) for name in info.headers)
        source = (
            f"read_csv({path}, header = true, "
            f"delim = {sql_literal(info.delimiter)}, quote = '\"', escape = '\"', "
            "all_varchar = true, strict_mode = true, null_padding = false, sample_size = 20480)"
        )
    # Views take no bound parameters; the path and delimiter are quoted literals.
    con.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT {select} FROM {source}")  # noqa: S608


def explain_read_error(error: duckdb.Error) -> str:
    """What to tell the user when DuckDB cannot read the uploaded file."""
    if DAMAGED in str(error):  # a sealed upload's chunk did not open as DuckDB read it
        return DAMAGED
    if isinstance(error, duckdb.InvalidInputException):
        return _explain_read_error(str(error))
    return f"The file could not be read: {_first_line(str(error))}"


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0][:300]


def _explain_read_error(message: str) -> str:
    lowered = message.lower()
    if "unicode" in lowered or "utf-8" in lowered or "utf8" in lowered:
        return "The file is not UTF-8 text further down. Save it as “CSV UTF-8” and upload again."
    if "expected" in lowered and "column" in lowered:
        return f"A row has a different number of columns than the header. {_first_line(message)}"
    return f"The file could not be read: {_first_line(message)}"

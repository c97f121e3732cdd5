"""Validation of every uploaded row, vectorized in DuckDB, before anything is written.

``validate_staging`` turns the staging table (file headers, all text) into a typed
table ``checked`` with the canonical columns, and lists every rule broken:
file row, column, value and rule. The report keeps the first ``MAX_LISTED``
problems and the totals of all of them. A file that breaks no rule is read once,
lean; only one that does is read again with its text, for the report.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
from django.utils import timezone

from reentrykit.data.reader import explain_read_error, quote_identifier
from reentrykit.data.schema import (
    DATE_ORDER_RULES,
    RECORD_TYPES,
    Column,
    ColumnType,
    RecordType,
    column_label,
)
from reentrykit.data.store import sql_literal

MAX_LISTED = 200
# The column of a problem with the whole row (a duplicate), which has no one value.
WHOLE_ROW = "(whole row)"
EARLIEST_DATE = dt.date(1900, 1, 1)
ISO_DATE = "%Y-%m-%d"
TRUE_WORDS = ("true", "t", "yes", "y", "1")
FALSE_WORDS = ("false", "f", "no", "n", "0")
ZIP_PATTERN = r"^[0-9]{5}(-[0-9]{4})?$"
# An ISO date, optionally with a time of day (a workbook's date-time cell). TRY_CAST
# alone is too lenient: it reads 'epoch' as 1970-01-01 and drops text after a date
# ('2023-01-05 garbage', '2023-01-5x'), so the text is checked first.
ISO_DATE_PATTERN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?"
# The same for a date alone, as a (much cheaper) GLOB.
ISO_DAY_GLOB = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
# The ways partners' files commonly write dates, in the order a guess tries them: of
# month/day and day/month, which both read a file whose days are all 12 or less, the
# American order first.
# The day a date format is shown by (its example): day and month told apart.
DATE_EXAMPLE = dt.date(2024, 3, 31)
COMMON_DATE_FORMATS = (ISO_DATE, "%m/%d/%Y", "%m/%d/%y", "%d/%m/%Y", "%Y%m%d", "%d-%b-%Y")


class MappingProblem(ValueError):
    """A column mapping that cannot be used; the message names the key at fault."""


@dataclass
class Mapping:
    """How an upload's headers and codes map onto the canonical ones."""

    columns: dict[str, str] = field(default_factory=dict)  # canonical -> file header
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # canonical -> raw -> code
    date_format: str = ISO_DATE

    @classmethod
    def from_json(cls, data: Any) -> Mapping:
        """The mapping of a JSON object (the command line's --mapping file, the API's
        ``mapping``, a saved one); ``MappingProblem`` naming the key at fault."""
        if not isinstance(data, dict):
            raise MappingProblem(
                "A mapping is a JSON object with 'columns', 'values' and 'date_format'."
            )
        unknown = set(data) - {"columns", "values", "date_format"}
        if unknown:
            raise MappingProblem(f"Unknown keys in the mapping: {', '.join(sorted(unknown))}")
        columns = _object(data.get("columns"), "'columns'", '{"release_date": "Released"}')
        values = _object(data.get("values"), "'values'", '{"sex": {"M": "male"}}')
        _known_columns(columns, "'columns'", _COLUMN_NAMES, "such column")
        _known_columns(values, "'values'", _CODE_COLUMNS, "column with codes")
        return cls(
            columns=_texts(columns, "'columns'"),
            values={column: _codes(column, pairs) for column, pairs in values.items()},
            date_format=_date_format(data.get("date_format")),
        )

    @classmethod
    def from_text(cls, text: str | bytes) -> Mapping:
        """The mapping of JSON text; ``MappingProblem`` when it is not JSON or not a mapping."""
        try:
            data = json.loads(text)
        except UnicodeDecodeError:
            raise MappingProblem("It is not UTF-8 text.") from None
        except json.JSONDecodeError as error:
            raise MappingProblem(
                f"It is not JSON: {error.msg[:1].lower()}{error.msg[1:]} "
                f"(line {error.lineno}, column {error.colno})."
            ) from None
        return cls.from_json(data)

    def to_json(self) -> dict[str, Any]:
        return {"columns": self.columns, "values": self.values, "date_format": self.date_format}


_COLUMN_NAMES = {c.name for record_type in RECORD_TYPES.values() for c in record_type.columns}
_CODES_OF = {
    c.name: c.codes
    for record_type in RECORD_TYPES.values()
    for c in record_type.columns
    if c.type == ColumnType.CODE
}
_CODE_COLUMNS = set(_CODES_OF)


def _object(value: Any, key: str, example: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MappingProblem(f"{key} must be a JSON object, like {example}.")
    return value


def _known_columns(value: dict[str, Any], key: str, names: set[str], what: str) -> None:
    unknown = sorted(set(value) - names)
    if unknown:
        raise MappingProblem(f"{key} names no {what}: {', '.join(unknown)}.")


def _texts(pairs: dict[str, Any], key: str) -> dict[str, str]:
    for name, text in pairs.items():
        if not isinstance(text, str):
            raise MappingProblem(f"{key} → '{name}' must be text, in double quotes.")
    return pairs


def _codes(column: str, pairs: Any) -> dict[str, str]:
    key = f"'values' → '{column}'"
    codes = _texts(_object(pairs, key, '{"M": "male"}'), key)
    problem = value_mapping_problem(column, list(codes.items()))
    if problem:
        raise MappingProblem(f"{key}: {problem}")
    return {raw.strip().lower(): code.strip().lower() for raw, code in codes.items()}


def value_mapping_problem(column: str, pairs: Sequence[tuple[str, str]]) -> str | None:
    """What is wrong with the translations (file value, code) of a column with codes, or
    None: a code the column does not have, or one file value given two codes (values
    are compared as the import reads them, whatever their case)."""
    allowed = _CODES_OF.get(column, ())
    chosen: dict[str, tuple[str, str]] = {}
    for raw, code in pairs:
        if code.strip().lower() not in allowed:
            return (
                f"“{code.strip()}” is not a code of {column}; the codes are {', '.join(allowed)}."
            )
        earlier = chosen.setdefault(raw.strip().lower(), (raw.strip(), code.strip().lower()))
        if earlier[1] != code.strip().lower():
            return (
                f"“{earlier[0]}” and “{raw.strip()}” are one file value (case does not count) "
                f"given two codes, {earlier[1]} and {code.strip().lower()}: keep one."
            )
    return None


def _date_format(value: Any) -> str:
    if value is None or value == "":
        return ISO_DATE
    if not isinstance(value, str):
        raise MappingProblem("'date_format' must be text, like \"%m/%d/%Y\".")
    problem = date_format_problem(value)
    if problem:
        raise MappingProblem(f"'date_format': {problem}")
    return value


# The directives DuckDB's strptime reads (and %% for a percent sign), but for the time
# zone ones (%z, %Z): a date read with a zone would move to another day in the server's.
DATE_DIRECTIVES = frozenset("aAbBcdfgGhHIjmMnpSTuUVwWxXyY%")
DASHED_DATE_DIRECTIVES = frozenset("dHIjmMSy")  # %-d: without a leading zero
_DIRECTIVE = re.compile(r"%(-?)(.?)", re.DOTALL)


def date_format_problem(date_format: str) -> str | None:
    """What is wrong with a format for reading dates (DuckDB's strptime), or None."""
    if not date_format.strip():
        return "give the format, for example %m/%d/%Y for 03/31/2024."
    for match in _DIRECTIVE.finditer(date_format):
        dash, letter = match.groups()
        if letter not in (DASHED_DATE_DIRECTIVES if dash else DATE_DIRECTIVES):
            return _unknown_directive(match.group())
    return None


def guess_date_format(values: list[str], *, first: str | None = None) -> str | None:
    """The first of ``first`` and :data:`COMMON_DATE_FORMATS` that reads every one of
    ``values`` (a file's first dates), or None when none does or there are none."""
    values = [value.strip() for value in values if value.strip()]
    if not values:
        return None
    for date_format in ((first,) if first else ()) + COMMON_DATE_FORMATS:
        if all(_reads(value, date_format) for value in values):
            return date_format
    return None


def _reads(value: str, date_format: str) -> bool:
    if date_format == ISO_DATE:  # a workbook's date-time cells too, as the import
        return re.fullmatch(ISO_DATE_PATTERN, value) is not None
    try:
        time.strptime(value, date_format)
    except ValueError:
        return False
    return True


def two_digit_year(date_format: str) -> bool:
    """Whether the format reads the year from two digits (%y or %-y)."""
    return any(match.group(2) == "y" for match in _DIRECTIVE.finditer(date_format))


def _unknown_directive(directive: str) -> str:
    if directive in ("%", "%-"):
        return "it ends with a lone %; write %% for a percent sign."
    if directive in ("%z", "%Z"):
        return f"{directive} (a time zone) cannot be used: it would move dates to another day."
    return (
        f"{directive} is not a date code. Use %Y (year), %m (month), %d (day), "
        "%b (month name) and the like, for example %m/%d/%Y."
    )


def data_through_problem(day: dt.date, today: dt.date | None = None) -> str | None:
    """What is wrong with a declared “data complete through” date, or None."""
    today = today or timezone.localdate()
    if EARLIEST_DATE <= day <= today:
        return None
    return (
        f"The date the data is complete through must be between {EARLIEST_DATE.isoformat()} "
        f"and today ({today.isoformat()}); {day.isoformat()} is not."
    )


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    value: str | None
    rule: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "rule": self.rule}


@dataclass
class Report:
    file_name: str
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)  # "column: rule" -> count
    error_count: int = 0
    file_errors: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_errors and self.error_count == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file_name,
            "rows": self.rows,
            "error_count": self.error_count + len(self.file_errors),
            "file_errors": self.file_errors,
            "problems": [p.as_dict() for p in self.problems],
            "totals": self.totals,
            "ignored_columns": self.ignored_columns,
        }

    def as_text(self) -> str:
        lines = [
            f"{self.file_name}: {self.error_count + len(self.file_errors)} problem(s) "
            f"in {self.rows} row(s); nothing was imported."
        ]
        lines += [f"  {message}" for message in self.file_errors]
        for p in self.problems:
            if p.column == WHOLE_ROW:
                lines.append(f"  row {p.row}: {p.rule}")
                continue
            shown = "(empty)" if p.value in (None, "") else repr(p.value)
            lines.append(f"  row {p.row}, column {p.column}: {shown}: {p.rule}")
        if self.error_count > len(self.problems):
            lines.append(f"  ... and {self.error_count - len(self.problems)} more. Totals:")
            lines += [f"    {key}: {count}" for key, count in sorted(self.totals.items())]
        return "\n".join(lines)


def normalize_header(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def resolve_columns(
    record_type: RecordType, headers: tuple[str, ...], mapping: Mapping
) -> tuple[dict[str, str], list[str], list[str]]:
    """Canonical column -> file header; missing required columns; ignored headers."""
    by_normal = _headers_by_normal(headers)
    ambiguous = ambiguous_columns(record_type, headers, mapping)
    resolved: dict[str, str] = {}
    errors: list[str] = []
    for column in record_type.columns:
        header = mapping.columns.get(column.name)
        if header == "":
            # Named as not in the file: a header that means it by name stays unused.
            continue
        if header is not None:
            if header not in headers:
                errors.append(
                    f"The mapping names the column “{header}” for {column.name}, "
                    "but the file has no such column."
                )
                continue
            resolved[column.name] = header
        elif column.name in ambiguous:
            errors.append(_ambiguous(column.name, by_normal[column.name]))
        elif column.name in by_normal:
            resolved[column.name] = by_normal[column.name][0]
    missing = [n for n in record_type.required_names if n not in resolved and n not in ambiguous]
    if missing:
        errors.append(
            "Required column(s) missing: "
            + ", ".join(missing)
            + ". Rename the file's columns or map them in the column-mapping step."
        )
    used = set(resolved.values())
    ignored = [h for h in headers if h not in used]
    return resolved, errors, ignored


def _headers_by_normal(headers: tuple[str, ...]) -> dict[str, list[str]]:
    by_normal: dict[str, list[str]] = {}
    for header in headers:
        by_normal.setdefault(normalize_header(header), []).append(header)
    return by_normal


def ambiguous_columns(
    record_type: RecordType, headers: tuple[str, ...], mapping: Mapping
) -> list[str]:
    """Canonical columns that two or more of the headers name, the mapping choosing
    none of them: taking either would be a guess."""
    by_normal = _headers_by_normal(headers)
    return [
        column.name
        for column in record_type.columns
        if column.name not in mapping.columns and len(by_normal.get(column.name, ())) > 1
    ]


def _ambiguous(name: str, headers: list[str]) -> str:
    quoted = [f"“{header}”" for header in headers]
    named = ", ".join(quoted[:-1]) + " and " + quoted[-1]
    every = "both" if len(headers) == 2 else "all"
    return (
        f"The columns {named} {every} mean {name}. Keep one (rename or remove the others), "
        "or choose which to use in the column-mapping step."
    )


def _raw(resolved: dict[str, str], name: str) -> str:
    header = resolved.get(name)
    if not header:
        return "CAST(NULL AS VARCHAR)"
    quoted = quote_identifier(header)
    # An empty value is already NULL (``reader.load_staging``); one of spaces alone
    # becomes NULL here. trim() only where a value has a space at either end: a third
    # of the cost on big files.
    return (
        f"CASE WHEN starts_with({quoted}, ' ') OR ends_with({quoted}, ' ') "
        f"THEN NULLIF(trim({quoted}), '') ELSE {quoted} END"
    )


def _keeps_raw(column: Column) -> bool:
    """Whether the typed value can differ from the text in the file (kept for the report)."""
    return column.type in (ColumnType.DATE, ColumnType.BOOL, ColumnType.CODE)


def _raw_ref(column: Column) -> str:
    return f"{column.name}__raw" if _keeps_raw(column) else column.name


def _typed_expression(
    column: Column, raw: str, optional: bool, mapping: Mapping, typed_dates: bool = False
) -> str:
    if column.type == ColumnType.DATE:
        # A GLOB first: it accepts the plain dates, nearly every one, at a third of the
        # regular expression's cost; the expression is left for dates with a time.
        iso = f"({raw} GLOB '{ISO_DAY_GLOB}' OR regexp_full_match({raw}, '{ISO_DATE_PATTERN}'))"
        if mapping.date_format == ISO_DATE:
            # the fast path for ISO dates
            return f"CASE WHEN {iso} THEN TRY_CAST({raw} AS DATE) END"
        formatted = f"CAST(try_strptime({raw}, $date_format) AS DATE)"
        if two_digit_year(mapping.date_format):
            # %y reads 00-68 as 2000-2068, so a birth in 1955 would be in 2055: every
            # date here is on or before today, and one after it is of the century before.
            formatted = (
                f"CASE WHEN {formatted} > current_date "
                f"THEN CAST({formatted} - INTERVAL 100 YEAR AS DATE) ELSE {formatted} END"
            )
        if typed_dates:
            # A workbook's date cells reach here as ISO dates (``reader._cell_text``),
            # however Excel shows them, and a Parquet file's date columns too: the
            # format is for the dates typed as text.
            return f"CASE WHEN {iso} THEN TRY_CAST({raw} AS DATE) ELSE {formatted} END"
        return formatted
    if column.type == ColumnType.BOOL:
        # list_contains, not IN: DuckDB turns an IN list of six or more items into a
        # join, and a join would lose the file's row order that row numbers rely on.
        true_words = ", ".join(f"'{w}'" for w in TRUE_WORDS)
        false_words = ", ".join(f"'{w}'" for w in FALSE_WORDS)
        return (
            f"CASE WHEN list_contains([{true_words}], lower({raw})) THEN true "
            f"WHEN list_contains([{false_words}], lower({raw})) THEN false END"
        )
    if column.type == ColumnType.CODE:
        translations = mapping.values.get(column.name) or {}
        mapped = f"lower({raw})"
        if translations:
            whens = " ".join(
                f"WHEN {sql_literal(raw_value)} THEN {sql_literal(code)}"
                for raw_value, code in sorted(translations.items())
            )
            mapped = f"CASE lower({raw}) {whens} ELSE lower({raw}) END"
        if optional and "unknown" in column.codes:
            return f"COALESCE({mapped}, 'unknown')"
        return mapped
    return raw


def _absent_value(column: Column) -> str:
    """The value of a column the file does not have: "unknown" for coded descriptors."""
    if column.type == ColumnType.CODE and "unknown" in column.codes:
        return "'unknown'"
    sql_type = {ColumnType.DATE: "DATE", ColumnType.BOOL: "BOOLEAN"}.get(column.type, "VARCHAR")
    return f"CAST(NULL AS {sql_type})"


def _typed_select(
    record_type: RecordType, resolved: dict[str, str], mapping: Mapping, typed_dates: bool
) -> tuple[str, dict[str, str]]:
    """The select list that types ``staging``'s text, and its parameters: each column
    typed, and for those whose type can differ from the text, the text too."""
    required = set(record_type.required_names)
    selects = []
    for column in record_type.columns:
        if column.name not in resolved:
            selects.append(f"{_absent_value(column)} AS {column.name}")
            continue
        raw = _raw(resolved, column.name)
        if _keeps_raw(column):
            selects.append(f"{raw} AS {column.name}__raw")
        typed = _typed_expression(column, raw, column.name not in required, mapping, typed_dates)
        selects.append(f"{typed} AS {column.name}")
    params = {} if mapping.date_format == ISO_DATE else {"date_format": mapping.date_format}
    return ", ".join(selects), params


def checked_query(
    record_type: RecordType, resolved: dict[str, str], mapping: Mapping, typed_dates: bool = False
) -> tuple[str, dict[str, str]]:
    """The statement that makes ``checked`` from ``staging``, with the file's text
    beside the typed values for the report, and its parameters (``typed_dates``: the
    file was a workbook or Parquet, whose dates are typed and reach here as ISO text).

    One pass over the file. It must stay a plain projection (no join): the temp table
    then keeps the file's order, so a row's line in the file follows from its
    ``rowid`` (``number_rows``) without a window function over five million rows.
    """
    selects, params = _typed_select(record_type, resolved, mapping, typed_dates)
    sql = f"CREATE OR REPLACE TEMP TABLE checked AS SELECT {selects} FROM staging"  # noqa: S608
    return sql, params


def lean_checked_query(
    record_type: RecordType,
    resolved: dict[str, str],
    mapping: Mapping,
    rules: list[Rule],
    hint: Sequence[str],
    typed_dates: bool = False,
) -> tuple[str, dict[str, str]]:
    """Like ``checked_query`` but without the file's text, which only a report of
    problems needs: the typed columns, whether the row breaks any rule
    (``flagged``) and a hash of its ``hint`` columns (``hint_hash``).

    Keeping the text costs about a third of reading a large file; nearly every file
    passes, and only one that does not is read again the detailed way.
    """
    selects, params = _typed_select(record_type, resolved, mapping, typed_dates)
    names = ", ".join(column.name for column in record_type.columns)
    flagged = " OR ".join(f"({rule.condition})" for rule in rules) or "false"
    hint_text = ", ".join(_raw_ref(record_type.column(name)) for name in hint)
    sql = (
        f"CREATE OR REPLACE TEMP TABLE checked AS SELECT {names}, {flagged} AS flagged, "  # noqa: S608
        f"hash({hint_text}) AS hint_hash FROM (SELECT {selects} FROM staging)"
    )
    return sql, params


# Given how many rows the file has, the line each starts on (None: row i on line i + 2).
RowLines = Callable[[int], Sequence[int] | None]


def validate_staging(
    con: duckdb.DuckDBPyConnection,
    *,
    record_type: RecordType,
    headers: tuple[str, ...],
    mapping: Mapping,
    file_name: str,
    today: dt.date | None = None,
    row_lines: RowLines | None = None,
    typed_dates: bool = False,
) -> Report:
    """Check every row; the typed rows stay in the temp table ``checked`` for loading,
    and ``file_line(rowid)`` gives the line of the file each came from.

    Reading the file happens here (``staging`` is a view over it), so problems with
    the file's shape come back as file errors in the report.
    """
    report = Report(file_name=file_name)
    resolved, file_errors, ignored = resolve_columns(record_type, headers, mapping)
    report.ignored_columns = ignored
    if file_errors:
        report.file_errors = file_errors
        return report
    rules = _rules(record_type, resolved, mapping, today or timezone.localdate())
    hint = [n for n in record_type.distinct_hint if n in resolved] or record_type.required_names
    try:
        con.execute(*lean_checked_query(record_type, resolved, mapping, rules, hint, typed_dates))
    except duckdb.Error as error:
        report.file_errors.append(explain_read_error(error))
        return report
    row = con.execute(
        "SELECT count(*), count_if(flagged), count(DISTINCT hint_hash) FROM checked"
    ).fetchone()
    assert row is not None
    report.rows, flagged, hints = (int(n or 0) for n in row)
    if report.rows == 0:
        report.file_errors.append("The file has a header row but no data rows.")
        return report
    typed_text = ", ".join(c.name for c in record_type.columns if c.name in resolved)
    row_text = ", ".join(_raw_ref(c) for c in record_type.columns if c.name in resolved)
    # Rows with different values differ in the file too; rows whose values are equal
    # may not ('Male' and 'male'), and only the file's text tells.
    if flagged or (hints < report.rows and _distinct_hashes(con, typed_text) < report.rows):
        con.execute(*checked_query(record_type, resolved, mapping, typed_dates))
        report.totals = _count_problems(con, rules, row_text, report.rows)
        report.error_count = sum(report.totals.values())
    number_rows(con, row_lines(report.rows) if row_lines else None)
    if report.error_count:
        failing = [rule for rule in rules if rule.key in report.totals]
        duplicates = DUPLICATE_KEY in report.totals
        report.problems = _list_problems(con, failing, row_text if duplicates else None)
    return report


def number_rows(con: duckdb.DuckDBPyConnection, lines: Sequence[int] | None) -> None:
    """Define ``file_line(rowid)``, the line of the file a row of ``checked`` is on.

    Row i is on line i + 2 (the header is line 1) unless the file says otherwise; then
    its lines are looked up, which costs a join, so only such files pay it.
    """
    if lines is None:
        con.execute("CREATE OR REPLACE TEMP MACRO file_line(r) AS r + 2")
        return
    import numpy  # here, not at the top: only such files need them
    import pyarrow

    numbered = pyarrow.table(
        {
            "record": pyarrow.array(numpy.arange(len(lines), dtype=numpy.int64)),
            "line": pyarrow.array(numpy.asarray(lines, dtype=numpy.int64)),
        }
    )
    con.register("record_lines_given", numbered)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE record_lines AS FROM record_lines_given")
    finally:
        con.unregister("record_lines_given")
    con.execute(
        "CREATE OR REPLACE TEMP MACRO file_line(r) AS "
        "(SELECT line FROM record_lines WHERE record = r)"
    )


DUPLICATE_KEY = f"{WHOLE_ROW}: same as an earlier row"


@dataclass(frozen=True)
class Rule:
    column: Column
    label: str
    condition: str  # SQL over ``checked``; true where the row breaks the rule
    message: str

    @property
    def key(self) -> str:
        return f"{self.label}: {self.message}"


def _count_problems(
    con: duckdb.DuckDBPyConnection, rules: list[Rule], row_text: str, rows: int
) -> dict[str, int]:
    """Every rule counted in one scan, and the rows equal to an earlier row."""
    counts = [f"count(*) FILTER (WHERE {rule.condition})" for rule in rules]
    counts.append(f"count(DISTINCT hash({row_text}))")
    row = con.execute(f"SELECT {', '.join(counts)} FROM checked").fetchone()  # noqa: S608
    assert row is not None
    totals = {rule.key: int(n) for rule, n in zip(rules, row, strict=False) if n}
    if int(row[-1]) < rows:  # equal hashes: compare those rows in full
        duplicates = con.execute(
            f"SELECT count(*) FROM ({_duplicates_query(row_text)})"  # noqa: S608
        ).fetchone()
        if duplicates and duplicates[0]:
            totals[DUPLICATE_KEY] = int(duplicates[0])
    return totals


def _distinct_hashes(con: duckdb.DuckDBPyConnection, columns: str) -> int:
    row = con.execute(f"SELECT count(DISTINCT hash({columns})) FROM checked").fetchone()  # noqa: S608
    return int(row[0]) if row else 0


def _duplicates_query(row_text: str) -> str:
    """Rows equal to an earlier row, by ``rowid``, with that row's (``first_rowid``).

    Rows whose hashes collide are few, so only they are compared column by column.
    ``row_text`` is canonical column names only; no file value enters the SQL.
    """
    return (
        "SELECT rowid, first_rowid FROM ("  # noqa: S608
        f"SELECT rowid, min(rowid) OVER (PARTITION BY {row_text}) AS first_rowid "
        "FROM checked WHERE rowid IN ("
        f"SELECT rowid FROM (SELECT rowid, count(*) OVER (PARTITION BY hash({row_text})) AS n "
        "FROM checked) WHERE n > 1)"
        ") WHERE rowid <> first_rowid"
    )


def _list_problems(
    con: duckdb.DuckDBPyConnection, rules: list[Rule], duplicate_text: str | None
) -> list[Problem]:
    queries = []
    for rule in rules:
        queries.append(
            f"SELECT file_line(rowid) AS row, {sql_literal(rule.label)} AS col, "  # noqa: S608
            f"{_raw_ref(rule.column)} AS value, {sql_literal(rule.message)} AS rule "
            f"FROM checked WHERE {rule.condition}"
        )
    if duplicate_text:
        queries.append(
            f"SELECT file_line(rowid) AS row, '{WHOLE_ROW}' AS col, NULL AS value, "  # noqa: S608
            "'duplicate of row ' || CAST(file_line(first_rowid) AS VARCHAR) AS rule "
            f"FROM ({_duplicates_query(duplicate_text)})"
        )
    listed = con.execute(
        f"SELECT row, col, value, rule FROM ({' UNION ALL '.join(queries)}) "  # noqa: S608
        "ORDER BY row, col LIMIT ?",
        [MAX_LISTED],
    ).fetchall()
    return [Problem(int(r), str(c), v, str(rule)) for r, c, v, rule in listed]


def _label(resolved: dict[str, str], name: str) -> str:
    header = resolved.get(name, name)
    return header if normalize_header(header) == name else f"{header} ({name})"


def _rules(
    record_type: RecordType, resolved: dict[str, str], mapping: Mapping, today: dt.date
) -> list[Rule]:
    rules: list[Rule] = []
    required = set(record_type.required_names)
    columns = {column.name: column for column in record_type.columns}

    def add(name: str, condition: str, message: str) -> None:
        rules.append(Rule(columns[name], _label(resolved, name), condition, message))

    # By example, as the column mapping offers formats: March 31, 2024 written its way.
    fmt = f"written like {DATE_EXAMPLE.strftime(mapping.date_format)}"
    for column in record_type.columns:
        if column.name not in resolved:
            continue
        name, raw = column.name, _raw_ref(column)
        if name in required:
            add(name, f"{raw} IS NULL", "a value is required")
        if column.type == ColumnType.DATE:
            add(name, f"{raw} IS NOT NULL AND {name} IS NULL", f"not a valid date {fmt}")
            add(
                name,
                f"{name} < DATE '{EARLIEST_DATE.isoformat()}' "
                f"OR {name} > DATE '{today.isoformat()}'",
                f"date must be between {EARLIEST_DATE.isoformat()} and today",
            )
        elif column.type == ColumnType.CODE:
            allowed = ", ".join(f"'{code}'" for code in column.codes)
            # list_contains, not NOT IN: see the booleans in ``_typed_expression``.
            add(
                name,
                f"{raw} IS NOT NULL AND NOT list_contains([{allowed}], {name})",
                f"unknown code; allowed: {', '.join(column.codes)}",
            )
        elif column.type == ColumnType.BOOL:
            add(name, f"{raw} IS NOT NULL AND {name} IS NULL", "must be true or false")
        elif column.type == ColumnType.ZIP:
            add(
                name,
                f"{raw} IS NOT NULL AND NOT regexp_full_match({raw}, '{ZIP_PATTERN}')",
                "not a ZIP code (5 digits, or ZIP+4)",
            )
    for earlier, later in DATE_ORDER_RULES.get(record_type.kind, ()):
        if earlier in resolved and later in resolved:
            add(earlier, f"{earlier} > {later}", f"{_words(earlier)} is after {_words(later)}")
    return rules


def _words(column: str) -> str:
    """A column as a rule's message names it: "the admission date"."""
    return f"the {column_label(column).lower()}"

"""Validation of every uploaded row, vectorized in DuckDB, before anything is written.

``validate_staging`` turns the staging table (file headers, all text) into a typed
table ``checked`` with the canonical columns, and lists every rule broken:
file row, column, value and rule. The report keeps the first ``MAX_LISTED``
problems and the totals of all of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import duckdb
from django.utils import timezone

from reentrykit.data.reader import quote_identifier
from reentrykit.data.schema import DATE_ORDER_RULES, Column, ColumnType, RecordType

MAX_LISTED = 200
EARLIEST_DATE = dt.date(1900, 1, 1)
ISO_DATE = "%Y-%m-%d"
TRUE_WORDS = ("true", "t", "yes", "y", "1")
FALSE_WORDS = ("false", "f", "no", "n", "0")
ZIP_PATTERN = r"^[0-9]{5}(-[0-9]{4})?$"


@dataclass
class Mapping:
    """How an upload's headers and codes map onto the canonical ones."""

    columns: dict[str, str] = field(default_factory=dict)  # canonical -> file header
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # canonical -> raw -> code
    date_format: str = ISO_DATE

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Mapping:
        if not isinstance(data, dict):
            raise ValueError(
                "A mapping is a JSON object with 'columns', 'values' and 'date_format'."
            )
        unknown = set(data) - {"columns", "values", "date_format"}
        if unknown:
            raise ValueError(f"Unknown keys in the mapping: {', '.join(sorted(unknown))}")
        values = {
            column: {
                str(raw).strip().lower(): str(code).strip().lower() for raw, code in pairs.items()
            }
            for column, pairs in (data.get("values") or {}).items()
        }
        return cls(
            columns={str(k): str(v) for k, v in (data.get("columns") or {}).items()},
            values=values,
            date_format=str(data.get("date_format") or ISO_DATE),
        )

    def to_json(self) -> dict[str, Any]:
        return {"columns": self.columns, "values": self.values, "date_format": self.date_format}


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
    by_normal = {normalize_header(h): h for h in headers}
    resolved: dict[str, str] = {}
    errors: list[str] = []
    for column in record_type.columns:
        header = mapping.columns.get(column.name)
        if header is not None:
            if header not in headers:
                errors.append(
                    f"The mapping names the column “{header}” for {column.name}, "
                    "but the file has no such column."
                )
                continue
            resolved[column.name] = header
        elif column.name in by_normal:
            resolved[column.name] = by_normal[column.name]
    missing = [name for name in record_type.required_names if name not in resolved]
    if missing:
        errors.append(
            "Required column(s) missing: "
            + ", ".join(missing)
            + ". Rename the file's columns or map them in the column-mapping step."
        )
    used = set(resolved.values())
    ignored = [h for h in headers if h not in used]
    return resolved, errors, ignored


def _raw(resolved: dict[str, str], name: str) -> str:
    header = resolved.get(name)
    return f"NULLIF(trim({quote_identifier(header)}), '')" if header else "CAST(NULL AS VARCHAR)"


def _typed_expression(column: Column, raw: str, optional: bool, mapped_codes: bool) -> str:
    if column.type == ColumnType.DATE:
        return f"CAST(try_strptime({raw}, $date_format) AS DATE)"
    if column.type == ColumnType.BOOL:
        true_words = ", ".join(f"'{w}'" for w in TRUE_WORDS)
        false_words = ", ".join(f"'{w}'" for w in FALSE_WORDS)
        return (
            f"CASE WHEN lower({raw}) IN ({true_words}) THEN true "
            f"WHEN lower({raw}) IN ({false_words}) THEN false END"
        )
    if column.type == ColumnType.CODE:
        # A join to the code translations only when the mapping has some for this column.
        mapped = (
            f"COALESCE(map_{column.name}.code, lower({raw}))" if mapped_codes else f"lower({raw})"
        )
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


def _value_map_joins(
    con: duckdb.DuckDBPyConnection,
    record_type: RecordType,
    resolved: dict[str, str],
    mapping: Mapping,
) -> str:
    joins = []
    for column in record_type.columns:
        if column.type != ColumnType.CODE or column.name not in resolved:
            continue
        if not mapping.values.get(column.name):
            continue
        table = f"map_{column.name}"
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} (raw VARCHAR, code VARCHAR)")
        pairs = list(mapping.values.get(column.name, {}).items())
        if pairs:
            con.executemany(f"INSERT INTO {table} VALUES (?, ?)", pairs)  # noqa: S608
        joins.append(f"LEFT JOIN {table} ON {table}.raw = lower({_raw(resolved, column.name)})")
    return " ".join(joins)


def validate_staging(
    con: duckdb.DuckDBPyConnection,
    *,
    record_type: RecordType,
    headers: tuple[str, ...],
    mapping: Mapping,
    file_name: str,
    today: dt.date | None = None,
) -> Report:
    """Check every row; the typed rows stay in the temp table ``checked`` for loading."""
    report = Report(file_name=file_name)
    row = con.execute("SELECT count(*) FROM staging").fetchone()
    report.rows = int(row[0]) if row else 0
    resolved, file_errors, ignored = resolve_columns(record_type, headers, mapping)
    report.ignored_columns = ignored
    if file_errors:
        report.file_errors = file_errors
        return report
    required = set(record_type.required_names)
    joins = _value_map_joins(con, record_type, resolved, mapping)
    selects = ["staging.__row AS __row"]
    for column in record_type.columns:
        raw = _raw(resolved, column.name)
        selects.append(f"{raw} AS {column.name}__raw")
        if column.name in resolved:
            typed = _typed_expression(
                column, raw, column.name not in required, bool(mapping.values.get(column.name))
            )
        else:
            typed = _absent_value(column)
        selects.append(f"{typed} AS {column.name}")
    params = {"date_format": mapping.date_format}
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE checked AS SELECT {', '.join(selects)} FROM staging {joins}",  # noqa: S608
        params,
    )
    checks = _rule_queries(record_type, resolved, mapping, today or timezone.localdate())
    union = " UNION ALL ".join(checks)
    con.execute(f"CREATE OR REPLACE TEMP TABLE problems AS {union}")  # noqa: S608
    totals = con.execute(
        "SELECT col, rule, count(*) FROM problems GROUP BY col, rule ORDER BY col, rule"
    ).fetchall()
    report.totals = {f"{col}: {rule}": int(count) for col, rule, count in totals}
    report.error_count = sum(report.totals.values())
    listed = con.execute(
        "SELECT row, col, value, rule FROM problems ORDER BY row, col LIMIT ?", [MAX_LISTED]
    ).fetchall()
    report.problems = [Problem(int(r), str(c), v, str(rule)) for r, c, v, rule in listed]
    return report


def _label(resolved: dict[str, str], name: str) -> str:
    header = resolved.get(name, name)
    return header if normalize_header(header) == name else f"{header} ({name})"


def _rule_queries(
    record_type: RecordType, resolved: dict[str, str], mapping: Mapping, today: dt.date
) -> list[str]:
    queries: list[str] = []
    required = set(record_type.required_names)

    def add(name: str, condition: str, rule: str) -> None:
        label = _label(resolved, name).replace("'", "''")
        rule_sql = rule.replace("'", "''")
        queries.append(
            f"SELECT __row AS row, '{label}' AS col, {name}__raw AS value, '{rule_sql}' AS rule "  # noqa: S608
            f"FROM checked WHERE {condition}"
        )

    fmt = "YYYY-MM-DD" if mapping.date_format == ISO_DATE else mapping.date_format
    for column in record_type.columns:
        if column.name not in resolved:
            continue
        name = column.name
        if name in required:
            add(name, f"{name}__raw IS NULL", "a value is required")
        if column.type == ColumnType.DATE:
            add(name, f"{name}__raw IS NOT NULL AND {name} IS NULL", f"not a valid date ({fmt})")
            add(
                name,
                f"{name} < DATE '{EARLIEST_DATE.isoformat()}' "
                f"OR {name} > DATE '{today.isoformat()}'",
                f"date must be between {EARLIEST_DATE.isoformat()} and today",
            )
        elif column.type == ColumnType.CODE:
            allowed = ", ".join(f"'{code}'" for code in column.codes)
            add(
                name,
                f"{name}__raw IS NOT NULL AND {name} NOT IN ({allowed})",
                f"unknown code; allowed: {', '.join(column.codes)}",
            )
        elif column.type == ColumnType.BOOL:
            add(name, f"{name}__raw IS NOT NULL AND {name} IS NULL", "must be true or false")
        elif column.type == ColumnType.ZIP:
            add(
                name,
                f"{name}__raw IS NOT NULL AND NOT regexp_full_match({name}__raw, '{ZIP_PATTERN}')",
                "not a ZIP code (5 digits, or ZIP+4)",
            )
    for earlier, later in DATE_ORDER_RULES.get(record_type.kind, ()):
        if earlier in resolved and later in resolved:
            add(earlier, f"{earlier} > {later}", f"{earlier} is after {later}")
    raw_columns = ", ".join(f"{c.name}__raw" for c in record_type.columns if c.name in resolved)
    # Exact duplicates: rows whose hashes collide are few, so only they are compared
    # column by column. Canonical column names only; no file value enters the SQL.
    duplicates = (
        "SELECT __row AS row, '(whole row)' AS col, NULL AS value, "  # noqa: S608
        "'duplicate of row ' || CAST(first_row AS VARCHAR) AS rule FROM ("
        f"SELECT __row, min(__row) OVER (PARTITION BY {raw_columns}) AS first_row "
        "FROM checked WHERE __row IN ("
        f"SELECT __row FROM (SELECT __row, hash({raw_columns}) AS h, "
        "count(*) OVER (PARTITION BY h) AS n FROM ("
        f"SELECT __row, {raw_columns} FROM checked)) WHERE n > 1)"
        ") WHERE __row <> first_row"
    )
    queries.append(duplicates)
    return queries

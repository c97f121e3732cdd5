"""The analytic tables of a coalition as Ibis tables, on DuckDB (default) or Spark.

Every measure takes a :class:`Tables` and builds Ibis expressions on it, so the same
definition runs on the coalition's encrypted DuckDB store and on a local Spark
session (``reentrykit.metrics.spark``). Tests build a :class:`Tables` over an
in-memory DuckDB database with the store's table names (:func:`duckdb_tables`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import duckdb
import ibis
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import sqlglot as sg
import sqlglot.expressions as sge
from ibis.backends.duckdb.converter import DuckDBPyArrowData
from ibis.expr.types import Table

from reentrykit.data.analytic import RELEASE_SEQ
from reentrykit.data.schema import Kind
from reentrykit.data.store import StoreError, analytic_table, open_store

ENGINES = ("duckdb", "spark")
KINDS: tuple[str, ...] = tuple(kind.value for kind in Kind)


@dataclass(frozen=True)
class Tables:
    """The five analytic tables (``store.a_<kind>``) of one coalition."""

    releases: Table
    events: Table
    programs: Table
    assessments: Table
    outcomes: Table

    @property
    def engine(self) -> str:
        return "spark" if self.releases.get_backend().name == "pyspark" else "duckdb"


def duckdb_tables(con: duckdb.DuckDBPyConnection, *, database: str = "store") -> Tables:
    """The analytic tables of the database attached as ``database`` on ``con``."""
    present = {
        row[0]
        for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [database]
        ).fetchall()
    }
    missing = [analytic_table(kind) for kind in KINDS if analytic_table(kind) not in present]
    if missing:
        raise StoreError(
            "The data has not been linked yet, so there are no analytic tables to measure."
        )
    backend = ibis.duckdb.from_connection(con)
    tables = Tables(
        **{kind: backend.table(analytic_table(kind), database=database) for kind in KINDS}
    )
    if RELEASE_SEQ not in tables.releases.columns:
        raise StoreError(
            "The analytic tables were built by an older version of ReentryKit; "
            "run linkage again to rebuild them."
        )
    return tables


@contextmanager
def coalition_tables(*, coalition_id: int, engine: str = "duckdb") -> Iterator[Tables]:
    """The coalition's analytic tables for as long as the ``with`` block runs."""
    if engine == "duckdb":
        with open_store(coalition_id) as con:
            yield duckdb_tables(con)
    elif engine == "spark":
        from reentrykit.metrics.spark import spark_tables

        with spark_tables(coalition_id=coalition_id) as tables:
            yield tables
    else:
        raise ValueError(f"Unknown engine {engine!r}; use one of {', '.join(ENGINES)}.")


@contextmanager
def _any_row_order(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Lets DuckDB write a table's rows in whatever order its threads finish them:
    what reads a materialized table aggregates it, and keeping the order cost a
    tenth of the write at a million rows."""
    (before,) = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()
    con.execute("SET preserve_insertion_order = false")
    try:
        yield
    finally:
        con.execute(f"SET preserve_insertion_order = {'true' if before else 'false'}")


def _create_temporary(backend: Any, select: str, name: str) -> str:
    """One CREATE TEMPORARY TABLE ... AS of a compiled query: Ibis's ``create_table``
    would copy the whole query tree into an INSERT first, and its ``cache()`` cannot
    drop its DuckDB tables with the sqlglot release installed here. The query is
    compiled to text once (generating it again from its tree took a tenth of a second
    at a million releases)."""
    table = sg.table(name, quoted=True).sql(backend.dialect)
    return f"CREATE TEMPORARY TABLE {table} AS {select}"


def _write(con: duckdb.DuckDBPyConnection, create: str) -> None:
    with _any_row_order(con):
        con.execute(create)


def _drop_temporary(backend: Any, name: str) -> None:
    backend.raw_sql(sge.Drop(kind="TABLE", tables=[sg.table(name, quoted=True)], exists=True))


@contextmanager
def materialized(expr: Table) -> Iterator[Table]:
    """``expr`` computed once and kept while the block runs, for several aggregations.

    On DuckDB this is a temporary table in the in-memory catalog (never in the
    encrypted store); other engines cache it their own way.
    """
    backend = expr.get_backend()
    if backend.name != "duckdb":
        with expr.cache() as cached:
            yield cached
        return
    name = f"_metrics_{uuid.uuid4().hex}"
    _write(backend.con, _create_temporary(backend, backend.compile(expr), name))
    try:
        yield backend.table(name)
    finally:
        _drop_temporary(backend, name)


@dataclass
class Pending:
    """A table :func:`materializing` is writing: ``table`` stands for it in expressions
    (:class:`Compiled` queries of them wait for the write before they run)."""

    table: Table
    backend: Any
    written: Future[None] | None = None

    def wait(self) -> None:
        if self.written is not None:
            self.written.result()


@contextmanager
def materializing(expr: Table) -> Iterator[Pending]:
    """:func:`materialized`, but on DuckDB the table is written by a second thread while
    the block builds and compiles the queries that read it (:class:`Compiled`): Ibis's
    compiling is Python work of a few tenths of a second a query, which otherwise
    leaves the second core idle. Nothing else may use the connection meanwhile.
    """
    backend = expr.get_backend()
    if backend.name != "duckdb":
        with materialized(expr) as table:
            yield Pending(table=table, backend=backend)
        return
    name = f"_metrics_{uuid.uuid4().hex}"
    select = backend.compile(expr)
    # An unbound table of the same name and columns stands for it: expressions over it
    # compile to the same SQL as over the written table. Its columns have the types
    # the engine gives them (asked of the query, not run), as the written table's will:
    # Ibis's own can differ (it takes a year for 32 bits, DuckDB gives 64).
    placeholder = ibis.table(backend.sql(select).schema(), name=name)
    with ThreadPoolExecutor(max_workers=1) as writer:
        pending = Pending(
            table=placeholder,
            backend=backend,
            written=writer.submit(_write, backend.con, _create_temporary(backend, select, name)),
        )
        try:
            yield pending
            pending.wait()  # a failed write is reported even if nothing read the table
        finally:
            # Whatever the block did, the write ends before the table is dropped.
            wait([pending.written])
            _drop_temporary(backend, name)


def to_frame(expr: Table) -> pd.DataFrame:
    """``expr``'s result as a pandas frame, converted by Arrow.

    Ibis's ``to_pandas`` converts the fetched Arrow table again column by column in
    Python; for the refresh's tens of thousands of count rows that took as long as the
    query. Arrow's own conversion gives the same types (a nullable integer column
    becomes floats in both) in a fraction of the time.
    """
    return expr.to_pyarrow().to_pandas()


PART = "_part"


def stacked(parts: Mapping[str, Table]) -> Table:
    """``parts`` as one table (:func:`compute_together`): each part's columns, null
    where a part lacks one, and ``_part`` naming the part."""
    types: dict[str, Any] = {}
    for key, part in parts.items():
        for name, dtype in part.schema().items():
            if types.setdefault(name, dtype) != dtype:
                raise ValueError(f"Column {name!r} of part {key!r} is {dtype}, not {types[name]}.")
    return ibis.union(
        *[
            part.select(
                **{PART: ibis.literal(key)},
                **{
                    name: part[name] if name in part.columns else ibis.null(dtype)
                    for name, dtype in types.items()
                },
            )
            for key, part in parts.items()
        ]
    )


def compute_together(parts: Mapping[str, Table]) -> dict[str, pd.DataFrame]:
    """Several results as one query: each of ``parts`` as a frame of its own columns.

    The parts are stacked into one table (:func:`stacked`): one query pays once for
    being compiled, started and read, and a part of the query that several of them
    read (the same grouped or joined table) is computed once. Parts sharing a column
    name must give it one type.
    """
    return _split(parts, stacked(parts).to_pyarrow())


def _split(parts: Mapping[str, Table], result: pa.Table) -> dict[str, pd.DataFrame]:
    labels = result.column(PART)
    return {
        key: result.filter(pc.equal(labels, key)).select(list(part.columns)).to_pandas()
        for key, part in parts.items()
    }


class Compiled:
    """:func:`compute_together`'s query, compiled now and run later by :meth:`run`,
    once ``after`` (the tables it reads that are being written) are written.

    On DuckDB the SQL is made when this is made; other engines compile as they run.
    """

    def __init__(self, parts: Mapping[str, Table], *, after: Pending) -> None:
        self.parts, self.after = parts, after
        self.expr = stacked(parts)
        backend = after.backend
        self.sql = backend.compile(self.expr) if backend.name == "duckdb" else None

    def run(self) -> dict[str, pd.DataFrame]:
        self.after.wait()
        if self.sql is None:
            return _split(self.parts, self.expr.to_pyarrow())
        # As Ibis's own to_pyarrow does with the query it compiles.
        fetched = self.after.backend.con.sql(self.sql).to_arrow_table()
        return _split(
            self.parts, self.expr.__pyarrow_result__(fetched, data_mapper=DuckDBPyArrowData)
        )


def source_names(
    tables: Tables, *, event_types: Iterable[str] = (), kinds: Iterable[str] = ()
) -> set[str]:
    """Sources that feed a measure: every source of releases, the sources of events of
    ``event_types``, and every source of the tables named in ``kinds``."""
    parts = [tables.releases.select("source")]
    parts += [getattr(tables, kind).select("source") for kind in kinds]
    types = list(event_types)
    if types:
        events = tables.events
        parts.append(events.filter(events.event_type.isin(types)).select("source"))
    frame = ibis.union(*parts, distinct=True).to_pandas()
    return {str(name) for name in frame["source"].dropna()}


def data_through(
    *,
    coalition_id: int,
    tables: Tables,
    event_types: Iterable[str] = (),
    kinds: Iterable[str] = (),
) -> dt.date | None:
    """The date a measure's data is complete through: the earliest ``data_through`` of
    the sources that feed it (:func:`source_names`).

    A recidivism measure passes its qualifying event types, so a death-records source
    does not count: a vital-records extract is "complete through" its last death by
    default, which lags behind the justice sources because deaths are rare, and it
    would shorten every follow-up window for nothing. Deaths still leave the
    denominator and censor the survival times wherever they are recorded.
    """
    from reentrykit.data.models import Source

    names = source_names(tables, event_types=event_types, kinds=kinds)
    dates = [
        source.data_through
        for source in Source.objects.filter(coalition_id=coalition_id, name__in=names)
        if source.data_through is not None
    ]
    return min(dates) if dates else None

"""The engine's stacked queries (``compute_together``, ``Compiled``) and the tables it
keeps while they run (``materialized``, ``materializing``)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from reentrykit.metrics.engine import Compiled, compute_together, materialized, materializing
from reentrykit.metrics.tests.builders import memory_tables, release


def test_parts_computed_together_come_back_apart() -> None:
    tables = memory_tables(
        releases=[release("p1", dt.date(2024, 3, 1)), release("p2", dt.date(2023, 5, 2))]
    )
    r = tables.releases
    frames = compute_together(
        {
            "count": r.aggregate(n=r.count()),
            "keys": r.select("person_key").order_by("person_key"),
        }
    )
    assert frames["count"].to_dict("list") == {"n": [2]}
    assert sorted(frames["keys"]["person_key"]) == ["p1", "p2"]


def test_parts_with_one_name_for_two_types_are_refused() -> None:
    tables = memory_tables(releases=[release("p1", dt.date(2024, 3, 1))])
    r = tables.releases
    with pytest.raises(ValueError, match="Column 'x' of part 'b'"):
        compute_together({"a": r.select(x=r.person_key), "b": r.select(x=r.age_at_release)})


def _temporary_tables(tables) -> list[str]:  # type: ignore[no-untyped-def]
    con = tables.releases.get_backend().con
    return [
        row[0]
        for row in con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()
    ]


def test_queries_compiled_while_the_table_is_written_give_what_they_give_on_it() -> None:
    tables = memory_tables(
        releases=[
            release("p1", dt.date(2024, 3, 1)),
            release("p2", dt.date(2023, 5, 2)),
            release("p3", dt.date(2024, 7, 9)),
        ]
    )
    r = tables.releases
    narrowed = r.select("person_key", year=r.release_date.year())

    def parts(table):  # type: ignore[no-untyped-def]
        by_year = table.group_by("year").aggregate(n=table.count()).order_by("year")
        return {"by_year": by_year, "people": table.select("person_key")}

    with materialized(narrowed) as table:
        expected = compute_together(parts(table))
    with materializing(narrowed) as pending:
        # Compiled against a stand-in for the table before it is written.
        query = Compiled(parts(pending.table), after=pending)
        frames = query.run()
        assert len(_temporary_tables(tables)) == 1
    assert frames["by_year"].to_dict("list") == {"year": [2023, 2024], "n": [1, 2]}
    assert sorted(frames["people"]["person_key"]) == sorted(expected["people"]["person_key"])
    assert frames["by_year"].dtypes.to_dict() == expected["by_year"].dtypes.to_dict()
    assert _temporary_tables(tables) == []


def test_a_failing_block_still_lets_the_write_finish_and_drops_the_table() -> None:
    tables = memory_tables(releases=[release("p1", dt.date(2024, 3, 1))])
    failing = pytest.raises(RuntimeError, match="the block failed")
    with failing, materializing(tables.releases.select("person_key")):
        raise RuntimeError("the block failed")
    assert _temporary_tables(tables) == []


def test_a_failed_write_is_reported_even_when_nothing_read_the_table() -> None:
    tables = memory_tables(releases=[release("p1", dt.date(2024, 3, 1))])
    r = tables.releases
    # The cast fails only as the rows are written.
    unwritable = r.select(n=r.person_key.cast("int64"))
    with pytest.raises(duckdb.ConversionException, match="p1"), materializing(unwritable):
        pass
    assert _temporary_tables(tables) == []

"""The engine's stacked queries (``compute_together``)."""

from __future__ import annotations

import datetime as dt

import pytest

from reentrykit.metrics.engine import compute_together
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

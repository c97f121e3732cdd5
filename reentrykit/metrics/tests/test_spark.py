"""The same measures on a local Spark session give the same results as on DuckDB."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from reentrykit.data.models import Source
from reentrykit.data.store import coalition_dir
from reentrykit.metrics import flows, intermediate, rates, survival
from reentrykit.metrics.cohorts import (
    MEASURES,
    Period,
    cohort,
    epoch_day,
    person_outcomes,
    unmeasured,
)
from reentrykit.metrics.engine import Tables, coalition_tables
from reentrykit.metrics.models import MetricSnapshot
from reentrykit.metrics.needs import need_prevalence
from reentrykit.metrics.refresh import refresh_coalition
from reentrykit.metrics.tests import test_intermediate as q
from reentrykit.metrics.tests import test_rates as p
from reentrykit.metrics.tests.builders import write_store
from reentrykit.testing import World

pytest.importorskip("pyspark")

THROUGH = dt.date(2025, 12, 31)
YEAR = Period.calendar_year(2024)


def _measures(tables: Tables) -> dict[str, pd.DataFrame]:
    people = person_outcomes(tables, period=Period(dt.date(2023, 1, 1), THROUGH), by_year=True)
    return {
        "rates": rates.recidivism_rates(
            tables=tables,
            measure="rearrest",
            window=365,
            data_through=THROUGH,
            period=YEAR,
            by="program:housing",
        ),
        "table": rates.rate_table(
            people,
            through_day=epoch_day(THROUGH),
            breakdowns=["sex", "age_group", "risk_level", "program_completed:any"],
            measures=MEASURES,
            windows=[180, 365, 730],
        ),
        "survival": survival.survival_counts(
            tables=tables, measure="rearrest", data_through=THROUGH, period=YEAR, by="sex"
        ),
        "intermediate": intermediate.intermediate_measures(
            tables=tables, period=YEAR, data_through=THROUGH
        ),
        "flow": flows.population_flow(tables=tables, period=YEAR, data_through=THROUGH),
        "needs": need_prevalence(tables=tables, cohort_table=cohort(tables, period=YEAR)),
        # The measures without any linked record of their events.
        "unmeasured": pd.DataFrame({"measure": list(unmeasured(tables))}, dtype=object),
    }


def _write_fixtures(world: World) -> None:
    """Both hand-worked fixtures in the coalition's store, under one source of releases
    with data through :data:`THROUGH`."""
    write_store(
        world.coalition.pk,
        releases=p.RELEASES + q.RELEASES,
        events=p.EVENTS + q.EVENTS,
        programs=p.PROGRAMS + q.PROGRAMS,
        # Needs flagged on some assessments, missing on others.
        assessments=[
            {**row, "need_housing": index % 2 == 0, "need_family": None if index else True}
            for index, row in enumerate(q.ASSESSMENTS)
        ],
        outcomes=q.OUTCOMES,
    )
    Source.objects.create(
        coalition=world.coalition, name="County Jail", declared_data_through=THROUGH
    )


@pytest.mark.spark
def test_it_gives_identical_results_on_spark_and_duckdb(world: World) -> None:
    _write_fixtures(world)
    with coalition_tables(coalition_id=world.coalition.pk) as tables:
        expected = _measures(tables)
    with coalition_tables(coalition_id=world.coalition.pk, engine="spark") as tables:
        assert tables.engine == "spark"
        got = _measures(tables)
    # The Parquet copy of the person-level tables is gone.
    assert not (coalition_dir(world.coalition.pk) / "spark").exists()
    for name, frame in expected.items():
        pd.testing.assert_frame_equal(
            got[name].reset_index(drop=True), frame.reset_index(drop=True), check_dtype=False
        )
    housing = expected["needs"].set_index("key").loc["housing"]
    # Of the 2024 releases assessed before release (q1, q3), both are flagged.
    assert (housing["numerator"], housing["denominator"]) == (2, 2)
    # The fixtures have arrests, bookings and convictions but no incarceration or
    # revocation records.
    assert list(expected["unmeasured"]["measure"]) == ["reincarceration", "revocation"]
    counts = expected["rates"].set_index("group")
    assert (counts.loc["all", "cohort"], counts.loc["all", "recidivists"]) == (13, 5)


@pytest.mark.spark
def test_the_refresh_caches_the_same_figures_on_spark_and_duckdb(world: World) -> None:
    _write_fixtures(world)
    payloads = {}
    for engine in ("duckdb", "spark"):
        result = refresh_coalition(world.coalition, engine=engine)
        payloads[engine] = MetricSnapshot.objects.get(pk=result["snapshot"]).payload
    assert payloads["duckdb"]["rates"], "the fixture has figures to compare"
    assert payloads["spark"] == payloads["duckdb"]

"""Snapshots the refresh keeps: the latest few of each coalition, nothing of another's."""

from __future__ import annotations

import datetime as dt

from reentrykit.data.models import Source
from reentrykit.metrics.models import AdjustedComparison, MetricSnapshot
from reentrykit.metrics.refresh import KEPT_SNAPSHOTS, refresh_coalition
from reentrykit.metrics.tests.builders import event, rearrest_indicator, release, write_store
from reentrykit.testing import World


def test_the_refresh_keeps_the_latest_snapshots_of_its_coalition_only(world: World) -> None:
    write_store(
        world.coalition.pk,
        releases=[release("p1", "2024-02-01")],
        events=[event("p1", "2024-05-01", "arrest")],
    )
    for name in ("County Jail", "City Police"):
        Source.objects.create(
            coalition=world.coalition, name=name, declared_data_through=dt.date(2025, 12, 31)
        )
    elsewhere = MetricSnapshot.objects.create(coalition=world.other, payload={"empty": True})
    oldest = MetricSnapshot.objects.create(coalition=world.coalition, payload={"empty": True})
    AdjustedComparison.objects.create(
        snapshot=oldest, measure="rearrest", program_type="any", cohort_year=2024
    )
    made = [refresh_coalition(world.coalition)["snapshot"] for _ in range(KEPT_SNAPSHOTS + 1)]
    ours = MetricSnapshot.objects.filter(coalition=world.coalition)
    kept = list(ours.values_list("pk", flat=True))
    assert kept == made[::-1][:KEPT_SNAPSHOTS]  # the latest first
    assert ours.get(pk=made[-1]).payload["rates"]
    assert not AdjustedComparison.objects.exists()  # went with its snapshot
    assert MetricSnapshot.objects.filter(pk=elsewhere.pk).exists()


def test_the_refresh_computes_each_indicators_baseline_and_latest_cohort(world: World) -> None:
    from reentrykit.coalitions.models import Role
    from reentrykit.core.access import ROLE_CAPABILITIES, CoalitionAccess, as_viewer
    from reentrykit.metrics.selectors import indicator_rows

    write_store(
        world.coalition.pk,
        releases=[
            # The 2022 baseline: p1 rearrested within the year, p2 after it (1 of 2).
            release("p1", "2022-03-01"),
            release("p2", "2022-04-01"),
            # The latest cohort with a full year of follow-up by 2025-12-31 is 2024's:
            # p3 and p5 rearrested within the year, p4 not (2 of 3).
            release("p3", "2024-02-01"),
            release("p4", "2024-03-01"),
            release("p5", "2024-07-01"),
            # 2025's releases have no full year yet and count in neither.
            release("p6", "2025-02-01"),
        ],
        events=[
            event("p1", "2022-06-01", "arrest"),
            event("p2", "2023-06-01", "arrest"),
            event("p3", "2024-05-01", "arrest"),
            event("p5", "2025-01-15", "booking"),
            event("p6", "2025-03-01", "arrest"),
        ],
    )
    for name in ("County Jail", "City Police"):
        Source.objects.create(
            coalition=world.coalition, name=name, declared_data_through=dt.date(2025, 12, 31)
        )
    indicator = rearrest_indicator(world.coalition)
    refresh_coalition(world.coalition)
    world.coalition.suppression_k = 5
    world.coalition.save()
    [row] = indicator_rows(as_viewer(world.coalition))
    assert row["indicator"] == indicator
    # Counts this small are hidden from anyone but a data steward.
    assert row["display"] == row["latest_display"] == "suppressed"
    steward = CoalitionAccess(
        world.coalition,
        frozenset({Role.DATA_STEWARD}),
        False,
        ROLE_CAPABILITIES[Role.DATA_STEWARD],
    )
    [raw] = indicator_rows(steward)
    assert (raw["baseline"]["recidivists"], raw["baseline"]["cohort"]) == (1, 2)
    assert (raw["latest"]["recidivists"], raw["latest"]["cohort"]) == (2, 3)
    assert raw["latest_year"] == 2024
    assert raw["display"] is None and raw["latest_display"] is None

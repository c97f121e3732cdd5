"""Snapshots the refresh keeps: the latest few of each coalition, nothing of another's."""

from __future__ import annotations

import datetime as dt

from reentrykit.data.models import Source
from reentrykit.metrics.models import AdjustedComparison, MetricSnapshot
from reentrykit.metrics.refresh import KEPT_SNAPSHOTS, refresh_coalition
from reentrykit.metrics.tests.builders import event, release, write_store
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

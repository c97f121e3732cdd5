from __future__ import annotations

from reentrykit.core.demo import seed_demo
from reentrykit.data import store
from reentrykit.data.models import ImportBatch, LinkageRun


def test_it_gives_each_demo_coalition_a_linked_synthetic_county(db, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEMO_SYNTH_PEOPLE = 40
    world = seed_demo()
    batches = ImportBatch.objects.count()
    assert LinkageRun.objects.count() == 5
    for coalition in world.coalitions.values():
        with store.open_store(coalition.pk) as con:
            assert store.table_count(con, "a_releases") > 0
    seed_demo()
    assert ImportBatch.objects.count() == batches  # seeding again adds nothing
    assert LinkageRun.objects.count() == 5

"""The refresh after a linkage, when another job (a second worker's import) holds the
store: it is queued again a little later, not lost."""

from __future__ import annotations

import pytest

from reentrykit.data import store
from reentrykit.metrics import tasks
from reentrykit.testing import World

DUMMY = {
    "default": {
        "BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "QUEUES": ["default", "analysis"],
    }
}


def test_a_refresh_that_finds_the_store_busy_is_queued_again(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = DUMMY
    with store.open_store(world.coalition.pk, write=True):  # an import writing meanwhile
        tasks.refresh_measures.call(world.coalition.pk)
    queued = tasks.refresh_measures.get_backend().results
    assert [(result.task.name, result.args) for result in queued] == [
        ("refresh_measures", [world.coalition.pk])
    ]
    assert queued[0].task.run_after is not None


def test_a_refresh_of_a_coalition_without_data_is_not_queued_again(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = DUMMY
    with pytest.raises(store.StoreError):
        tasks.refresh_measures.call(world.coalition.pk)
    assert tasks.refresh_measures.get_backend().results == []

"""REENTRYKIT_DATA_THREADS (settings.DATA_THREADS) limits the threads DuckDB uses on a
coalition's store, as the README says; 0 leaves DuckDB all the cores."""

from __future__ import annotations

import duckdb

from reentrykit.data import store
from reentrykit.testing import World


def _threads(world: World) -> int:
    with store.open_store(world.coalition.pk, write=True) as con:
        return int(con.execute("SELECT current_setting('threads')").fetchone()[0])


def test_the_store_uses_the_configured_threads(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_THREADS = 1
    assert _threads(world) == 1


def test_zero_threads_means_every_core(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_THREADS = 0
    default = duckdb.connect().execute("SELECT current_setting('threads')").fetchone()[0]
    assert _threads(world) == int(default)

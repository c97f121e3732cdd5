"""A linkage that stops midway leaves the store as the last linkage left it."""

from __future__ import annotations

from pathlib import Path

import pytest

from reentrykit.data import linking, store
from reentrykit.data.synth import synth_county
from reentrykit.data.synthetic_load import import_synthetic_county
from reentrykit.testing import World

TABLES = ("person_map", "review_pairs", "a_releases", "a_outcomes")


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("county-t")
    synth_county(people=200, seed=7, out_dir=directory)
    return directory


def _contents(world: World) -> dict[str, list[tuple]]:
    with store.open_store(world.coalition.pk) as con:
        return {
            table: sorted(
                con.execute(f"SELECT * FROM store.{table}").fetchall(),  # noqa: S608
                key=repr,
            )
            for table in TABLES
        }


def test_a_linkage_that_fails_after_writing_leaves_the_last_linkage_in_place(
    world: World, county: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_synthetic_county(coalition=world.coalition, directory=county)
    linking.link_coalition(coalition=world.coalition, threshold=0.99)
    before = _contents(world)

    def fail(con: object) -> list[list[float]]:
        raise RuntimeError("the disk filled up")

    monkeypatch.setattr(linking, "_weight_histogram", fail)
    with pytest.raises(RuntimeError):
        # Another threshold: a finished run would give another person map.
        linking.link_coalition(coalition=world.coalition, threshold=0.55)
    assert _contents(world) == before

"""A linkage that stops midway leaves the store as the last linkage left it."""

from __future__ import annotations

from pathlib import Path

import pytest

from reentrykit.data import linking, store
from reentrykit.data.models import LinkageRun
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


def test_a_run_that_cannot_be_recorded_leaves_the_last_linkage_in_place(
    world: World, county: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The results would stand with no run recorded: the data page would describe the
    # last run, and no refresh would follow.
    import_synthetic_county(coalition=world.coalition, directory=county)
    linking.link_coalition(coalition=world.coalition, threshold=0.99)
    before = _contents(world)

    def fail(**fields: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(LinkageRun.objects, "create", fail)
    with pytest.raises(RuntimeError):
        linking.link_coalition(coalition=world.coalition, threshold=0.55)
    assert _contents(world) == before


def test_a_store_that_cannot_commit_leaves_no_run_recorded(
    world: World, county: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_synthetic_county(coalition=world.coalition, directory=county)
    linking.link_coalition(coalition=world.coalition, threshold=0.99)
    before = _contents(world)
    real_create = LinkageRun.objects.create

    def create_then_fail_the_commit(**fields: object) -> LinkageRun:
        run = real_create(**fields)
        monkeypatch.setattr(linking, "_commit", fail_the_commit)
        return run

    def fail_the_commit(con: object) -> None:
        raise RuntimeError("no space left on the device")

    monkeypatch.setattr(LinkageRun.objects, "create", create_then_fail_the_commit)
    with pytest.raises(RuntimeError, match="no space"):
        linking.link_coalition(coalition=world.coalition, threshold=0.55)
    assert LinkageRun.objects.filter(coalition=world.coalition).count() == 1
    assert _contents(world) == before

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


@pytest.fixture
def linked(world: World, county: Path) -> dict[str, list[tuple]]:
    """The county imported and linked at a high threshold: the store's contents then."""
    import_synthetic_county(coalition=world.coalition, directory=county)
    linking.link_coalition(coalition=world.coalition, threshold=0.99)
    return _contents(world)


def _fails(*args: object, **kwargs: object) -> None:
    raise RuntimeError("the disk filled up")


@pytest.mark.parametrize(
    "broken",
    [
        (linking, "_weight_histogram"),
        # The results would stand with no run recorded: the data page would describe
        # the last run, and no refresh would follow.
        (LinkageRun.objects, "create"),
    ],
)
def test_a_linkage_that_fails_after_writing_leaves_the_last_linkage_in_place(
    world: World, linked: dict, broken: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(*broken, _fails)
    with pytest.raises(RuntimeError):
        # Another threshold: a finished run would give another person map.
        linking.link_coalition(coalition=world.coalition, threshold=0.55)
    assert _contents(world) == linked


def test_a_store_that_cannot_commit_leaves_no_run_recorded(
    world: World, linked: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_create = LinkageRun.objects.create

    def create_then_fail_the_commit(**fields: object) -> LinkageRun:
        run = real_create(**fields)
        monkeypatch.setattr(linking, "_commit", _fails)
        return run

    monkeypatch.setattr(LinkageRun.objects, "create", create_then_fail_the_commit)
    with pytest.raises(RuntimeError, match="disk filled"):
        linking.link_coalition(coalition=world.coalition, threshold=0.55)
    assert LinkageRun.objects.filter(coalition=world.coalition).count() == 1
    assert _contents(world) == linked

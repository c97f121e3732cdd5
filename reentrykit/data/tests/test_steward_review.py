"""Review pairs: the page's closest calls are the ones closest to the run's threshold."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import timezone

from reentrykit.data import store
from reentrykit.data.imports import import_file
from reentrykit.data.models import LinkageRun
from reentrykit.testing import World

PEOPLE = (
    "source_person_id,first_name,last_name,date_of_birth,release_date,facility_type\n"
    "J1,Ann,Lee,1980-01-02,2024-03-01,jail\n"
    "J2,Anne,Lee,1980-01-02,2024-04-01,jail\n"
    "J3,Bo,Cruz,1975-06-07,2024-04-01,jail\n"
    "J4,Bob,Cruz,1975-06-07,2024-05-01,jail\n"
)


def _store_pairs(world: World, tmp_path: Path, threshold: float) -> None:
    path = tmp_path / "releases.csv"
    path.write_text(PEOPLE)
    assert import_file(coalition=world.coalition, kind="releases", source_name="Jail", path=path).ok
    with store.open_store(world.coalition.pk, write=True) as con:
        con.executemany(
            "INSERT INTO store.review_pairs VALUES ('Jail', ?, 'Jail', ?, ?, log2(? / (1 - ?)))",
            [["J1", "J2", 0.9, 0.9, 0.9], ["J3", "J4", 0.985, 0.985, 0.985]],
        )
    LinkageRun.objects.create(
        coalition=world.coalition, threshold=threshold, pairs_for_review=2,
        finished_at=timezone.now(),
    )  # fmt: skip


@pytest.mark.parametrize(("threshold", "first"), [(0.99, "J3"), (0.9, "J1")])
def test_the_review_page_shows_the_pairs_closest_to_the_runs_threshold_first(
    threshold: float, first: str, world: World, tmp_path: Path, signed_in, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """With a threshold of 0.99, a pair scored 0.985 is the close call, not one scored
    0.9 (which is far below it and stays two people): the page of pairs shows it first."""
    from reentrykit.data import views

    _store_pairs(world, tmp_path, threshold)
    monkeypatch.setattr(views, "REVIEW_PAGE", 1)
    page = signed_in(world.steward).get("/c/riverton/data/linkage/review/").content.decode()
    shown = re.findall(r'name="id_l" value="([^"]+)"', page)
    assert shown == [first]

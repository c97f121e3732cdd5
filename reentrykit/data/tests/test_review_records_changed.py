"""Clerical review: a decision is about the records the page showed, and each view of
the pairs is logged with the records it showed."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils import timezone

from reentrykit.data import store
from reentrykit.data.imports import import_file
from reentrykit.data.models import LinkageRun, PersonLevelAccess
from reentrykit.testing import World

PEOPLE = (
    "source_person_id,first_name,last_name,date_of_birth,release_date,facility_type\n"
    "J1,Ann,Lee,1980-01-02,2024-03-01,jail\n"
    "J2,Anne,Lee,1980-01-02,2024-04-01,jail\n"
    "J3,Annie,Lee,1980-01-02,2024-05-01,jail\n"
)


def _import(world: World, tmp_path: Path, text: str, replace: bool = False) -> None:
    path = tmp_path / "releases.csv"
    path.write_text(text)
    assert import_file(
        coalition=world.coalition, kind="releases", source_name="Jail", path=path, replace=replace
    ).ok


def _linked_with_pairs(world: World, tmp_path: Path, pairs: list[tuple[str, str]]) -> None:
    """As a linkage run leaves it: every record mapped, ``pairs`` for review."""
    _import(world, tmp_path, PEOPLE)
    with store.open_store(world.coalition.pk, write=True) as con:
        con.executemany(
            "INSERT INTO store.person_map VALUES ('Jail', ?, ?, NULL)",
            [["J1", "k1"], ["J2", "k2"], ["J3", "k3"]],
        )
        con.executemany(
            "INSERT INTO store.review_pairs VALUES ('Jail', ?, 'Jail', ?, 0.9, log2(9))",
            [list(pair) for pair in pairs],
        )
    LinkageRun.objects.create(
        coalition=world.coalition, threshold=0.9, pairs_for_review=len(pairs),
        finished_at=timezone.now(),
    )  # fmt: skip


def _form(page: str) -> dict[str, str]:
    """The first pair's form on the review page, as the browser would send it."""
    form = page.split('action="/c/riverton/data/linkage/review/decide/"', 1)[1].split("</form>")[0]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    return {**fields, "decision": "accept"}


def _decisions(world: World) -> list[tuple]:
    with store.open_store(world.coalition.pk) as con:
        return con.execute(
            "SELECT source_person_id_l, source_person_id_r, decision FROM store.review_decisions"
        ).fetchall()


def test_a_decision_on_a_record_replaced_since_the_page_showed_it_is_refused(
    world: World, tmp_path: Path, signed_in
) -> None:  # type: ignore[no-untyped-def]
    """The jail sends its file again, and J2 is now someone else: the steward's "same
    person", given on Ann and Anne, must not join Ann with him at the next run."""
    _linked_with_pairs(world, tmp_path, [("J1", "J2")])
    client = signed_in(world.steward)
    form = _form(client.get("/c/riverton/data/linkage/review/").content.decode())
    _import(world, tmp_path, PEOPLE.replace("J2,Anne,Lee,1980-01-02", "J2,Zed,Ortiz,1999-09-09"),
            replace=True)  # fmt: skip
    page = client.post("/c/riverton/data/linkage/review/decide/", form, follow=True)
    assert "changed since" in page.content.decode()
    assert _decisions(world) == []


def test_a_decision_on_records_as_the_page_showed_them_is_saved(
    world: World, tmp_path: Path, signed_in
) -> None:  # type: ignore[no-untyped-def]
    """Sent twice (a double click) or after the same file came again, it is one decision."""
    _linked_with_pairs(world, tmp_path, [("J1", "J2")])
    client = signed_in(world.steward)
    form = _form(client.get("/c/riverton/data/linkage/review/").content.decode())
    _import(world, tmp_path, PEOPLE, replace=True)
    for _ in range(2):
        page = client.post("/c/riverton/data/linkage/review/decide/", form, follow=True)
        assert "Decision saved" in page.content.decode()
    assert _decisions(world) == [("J1", "J2", "accept")]


def test_a_view_of_pairs_logs_the_records_it_showed(
    world: World, tmp_path: Path, signed_in
) -> None:  # type: ignore[no-untyped-def]
    """Two pairs about three records show three people's details, not four."""
    _linked_with_pairs(world, tmp_path, [("J1", "J2"), ("J1", "J3")])
    signed_in(world.steward).get("/c/riverton/data/linkage/review/")
    assert PersonLevelAccess.objects.get().rows == 3

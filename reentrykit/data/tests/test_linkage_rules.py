"""Linkage rules of DATA.md on small crafted files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reentrykit.data import store
from reentrykit.data.imports import import_file
from reentrykit.data.linking import link_coalition
from reentrykit.testing import World

HEADER = (
    "source_person_id,first_name,last_name,date_of_birth,sex,state_id,fbi_number,"
    "release_date,facility_type\n"
)
FIRST = ("Aaron", "Beth", "Carl", "Dina", "Evan", "Fay", "Gus", "Hana", "Ivan", "Jill")
LAST = ("Adams", "Baker", "Clark", "Davis", "Evans", "Foxx", "Green", "Hill", "Irwin", "James")


def _people(prefix: str, count: int, facility: str = "jail") -> list[str]:
    """``count`` distinct people, the same ones under every prefix (so two sources hold
    the same people, for Splink to learn from)."""
    born = dt.date(1950, 1, 1)
    return [
        f"{prefix}{i},{FIRST[i % 10]},{LAST[i // 10 % 10]},{born + dt.timedelta(days=37 * i)},"
        f"{('female', 'male')[i % 2]},,,2024-01-{1 + i % 28:02d},{facility}"
        for i in range(count)
    ]


def _import(world: World, tmp_path: Path, source: str, rows: list[str]) -> None:
    path = tmp_path / f"{source}.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n")
    result = import_file(coalition=world.coalition, kind="releases", source_name=source, path=path)
    assert result.ok, result.report


def _keys(world: World) -> dict[tuple[str, str], str]:
    with store.open_store(world.coalition.pk) as con:
        rows = con.execute("SELECT source, source_person_id, person_key FROM store.person_map")
        return {(source, pid): key for source, pid, key in rows.fetchall()}


@pytest.mark.parametrize("placeholder", ["unknown", "N/A", "0000000"])
def test_a_placeholder_for_a_missing_state_id_or_fbi_number_links_nobody(
    placeholder: str, world: World, tmp_path: Path
) -> None:
    """DATA.md writes an unknown optional value as ``unknown``; partners also write N/A,
    NONE, NULL or zeros. Such a value is no identifier: two different people who both
    carry it are not one person, and it does not keep a person apart from their record
    in another source that has the real state id."""
    ours = [
        f"A,Quentin,Marsh,1971-05-19,male,{placeholder},{placeholder},2024-02-01,jail",
        f"B,Winona,Tal,1994-11-23,female,{placeholder},{placeholder},2024-03-01,jail",
    ]
    theirs = ["P,Quentin,Marsh,1971-05-19,male,SID771,FBI771,2024-06-01,prison"]
    _import(world, tmp_path, "Jail", _people("J", 120) + ours)
    _import(world, tmp_path, "Prison", _people("P", 120, "prison") + theirs)
    link_coalition(coalition=world.coalition)
    keys = _keys(world)
    assert keys["Jail", "A"] != keys["Jail", "B"]
    assert keys["Jail", "A"] == keys["Prison", "P"]


def _review_pairs(world: World) -> set[tuple[str, str]]:
    with store.open_store(world.coalition.pk) as con:
        rows = con.execute("SELECT source_person_id_l, source_person_id_r FROM store.review_pairs")
        return set(rows.fetchall())


def test_a_pair_its_state_ids_keep_apart_is_not_given_to_the_steward_to_decide(
    world: World, tmp_path: Path
) -> None:
    """Records with two different state ids are never one person, whatever a steward
    decides (an accepted pair stays two people): such a pair near the threshold is no
    question for clerical review. The same pair without the ids is one."""
    ours = [
        "A,Irma,Vasquez,1981-03-17,female,SID1,,2024-02-01,jail",
        "C,Lydia,Moreau,1985-02-10,female,,,2024-02-01,jail",
    ]
    theirs = [
        "B,Irma,Vasquez,1982-06-25,female,SID2,,2024-05-01,prison",
        "D,Lydia,Moreau,1986-05-20,female,,,2024-05-01,prison",
    ]
    _import(world, tmp_path, "Jail", _people("J", 120) + ours)
    _import(world, tmp_path, "Prison", _people("P", 120, "prison") + theirs)
    run = link_coalition(coalition=world.coalition)
    pairs = _review_pairs(world)
    assert ("C", "D") in pairs
    assert ("A", "B") not in pairs
    assert run.pairs_for_review == len(pairs)


def _releases(
    prefix: str, person: int, born: str, sex: str, count: int, facility: str
) -> list[str]:
    name = f"{FIRST[person % 10]},{LAST[person % 10]}son"
    return [
        f"{prefix}{person},{name},{born},{sex},,,2023-{1 + n:02d}-15,{facility}"
        for n in range(count)
    ]


def test_a_persons_birth_date_and_sex_are_those_most_of_their_rows_give(
    world: World, tmp_path: Path
) -> None:
    """Two records of one person disagree on the birth date (day and month swapped) and
    on sex: one record stands on four releases, the other on one. The person's age at
    release and sex are taken from the four, whichever source holds them, not from
    whichever record DuckDB happens to meet first."""
    jail, prison, truth = [], [], {}
    for person in range(12):
        born = f"19{70 + person}-0{1 + person % 9}-1{person % 3}"
        year, month, day = born.split("-")
        swapped = f"{year}-{day}-{month}"
        truth[person] = (dt.date.fromisoformat(born), "male")
        if person % 2:
            jail += _releases("J", person, born, "male", 4, "jail")
            prison += _releases("P", person, swapped, "female", 1, "prison")
        else:
            jail += _releases("J", person, swapped, "female", 1, "jail")
            prison += _releases("P", person, born, "male", 4, "prison")
    _import(world, tmp_path, "Jail", _people("X", 120) + jail)
    _import(world, tmp_path, "Prison", _people("X", 120, "prison") + prison)
    link_coalition(coalition=world.coalition)
    keys = _keys(world)
    with store.open_store(world.coalition.pk) as con:
        dobs = dict(
            con.execute("SELECT person_key, age_reference_dob FROM store.person_map").fetchall()
        )
        sexes = dict(
            con.execute("SELECT DISTINCT person_key, sex FROM store.a_releases").fetchall()
        )
    found = {}
    for person in truth:
        key = keys["Jail", f"J{person}"]
        assert key == keys["Prison", f"P{person}"]
        found[person] = (dobs[key], sexes[key])
    assert found == truth


def test_a_source_added_later_leaves_the_keys_of_people_already_linked(
    world: World, tmp_path: Path
) -> None:
    """A person's key follows their record in the source the coalition had first, not
    whichever source's name sorts first: the court added later sorts before both."""
    _import(world, tmp_path, "Jail", _people("J", 120))
    _import(world, tmp_path, "Prison", _people("P", 120, "prison"))
    link_coalition(coalition=world.coalition)
    before = _keys(world)
    assert before["Jail", "J5"] == before["Prison", "P5"]
    _import(world, tmp_path, "Adams County Court", _people("C", 120))
    link_coalition(coalition=world.coalition)
    after = _keys(world)
    assert after["Adams County Court", "C5"] == after["Jail", "J5"]
    assert {key: after[key] for key in before} == before

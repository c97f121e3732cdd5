"""Linkage against a synthetic county whose true people are known."""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import pytest

from reentrykit.data import store
from reentrykit.data.evaluation import pairwise_quality
from reentrykit.data.linking import link_coalition
from reentrykit.data.synth import synth_county
from reentrykit.data.synthetic_load import import_synthetic_county
from reentrykit.testing import World


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("county")
    synth_county(people=1500, seed=11, out_dir=directory)
    return directory


@pytest.fixture(scope="module")
def small_county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("small-county")
    synth_county(people=300, seed=5, out_dir=directory)
    return directory


def _pair_in_one_person(world: World, condition: str) -> tuple[str, str, str, str]:
    """Two records of one person (a, b) meeting ``condition`` on their state ids and FBI
    numbers (``a.sid``, ``a.fbi``...) and the number of records of the person (``n``)."""
    with store.open_store(world.coalition.pk) as con:
        row = con.execute(
            f"""
            WITH ids AS (
                SELECT source, source_person_id, max(state_id) AS sid, max(fbi_number) AS fbi
                FROM store.identity_records GROUP BY 1, 2
            ), sizes AS (SELECT person_key, count(*) AS n FROM store.person_map GROUP BY 1),
            mapped AS (
                SELECT * FROM store.person_map JOIN ids USING (source, source_person_id)
                JOIN sizes USING (person_key)
            )
            SELECT a.source, a.source_person_id, b.source, b.source_person_id
            FROM mapped a JOIN mapped b ON a.person_key = b.person_key
             AND (a.source, a.source_person_id) < (b.source, b.source_person_id)
            WHERE {condition}
            ORDER BY 1, 2, 3, 4 LIMIT 1
            """  # noqa: S608 - the tests' own conditions
        ).fetchone()
    assert row is not None
    return row


def _pair_linked_by_probability(world: World) -> tuple[str, str, str, str]:
    """Two records in one person of two that share no state id or FBI number."""
    return _pair_in_one_person(
        world, "(a.sid IS NULL OR b.sid IS NULL) AND (a.fbi IS NULL OR b.fbi IS NULL) AND a.n = 2"
    )


def _keys(world: World, pair: tuple[str, str, str, str]) -> list[tuple[str]]:
    with store.open_store(world.coalition.pk) as con:
        return con.execute(
            "SELECT DISTINCT person_key FROM store.person_map "
            "WHERE (source, source_person_id) IN ((?, ?), (?, ?))",
            list(pair),
        ).fetchall()


def test_it_links_a_county_correctly_and_pseudonymizes_it(
    world: World, county: Path, tmp_path: Path
) -> None:
    import_synthetic_county(coalition=world.coalition, directory=county)
    target = tmp_path / "clusters.csv"
    run = link_coalition(coalition=world.coalition, export_clusters=target)
    assert run.records > run.people > 0
    with store.open_store(world.coalition.pk) as con:
        quality = pairwise_quality(con, county / "truth" / "records.csv")
        before = dict(
            con.execute(
                "SELECT source || '|' || source_person_id, person_key FROM store.person_map"
            ).fetchall()
        )
        _assert_no_identity_in_analytic_tables(con)
    assert quality.precision >= 0.95, quality
    assert quality.recall >= 0.95, quality
    # The export: one row per distinct source person, with the contract's columns.
    with target.open() as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["source", "source_person_id", "person_key"]
    assert len(rows) == run.records == len({(r["source"], r["source_person_id"]) for r in rows})
    # Person keys are stable when linkage runs again on the same data.
    link_coalition(coalition=world.coalition)
    with store.open_store(world.coalition.pk) as con:
        after = dict(
            con.execute(
                "SELECT source || '|' || source_person_id, person_key FROM store.person_map"
            ).fetchall()
        )
    assert before == after


def _assert_no_identity_in_analytic_tables(con) -> None:  # type: ignore[no-untyped-def]
    identity = {
        "first_name",
        "last_name",
        "middle_name",
        "date_of_birth",
        "state_id",
        "fbi_number",
        "source_person_id",
    }
    for kind in ("releases", "events", "programs", "assessments", "outcomes"):
        columns = {row[0] for row in con.execute(f"DESCRIBE store.a_{kind}").fetchall()}
        assert "person_key" in columns
        assert not columns & identity, kind
    ages = con.execute(
        "SELECT min(age_at_release), max(age_at_release) FROM store.a_releases"
    ).fetchone()
    assert ages[0] >= 16 and ages[1] <= 90
    names = {
        row[0]
        for row in con.execute("SELECT DISTINCT last_name FROM store.identity_records").fetchall()
    }
    values = {
        str(v) for row in con.execute("SELECT * FROM store.a_releases").fetchall() for v in row
    }
    assert not values & names


def test_a_rejected_pair_stays_two_people_inside_a_larger_one(
    world: World, small_county: Path
) -> None:
    """Both records of the rejected pair link to the person's other records, which
    would join them again: linkage leaves out the weaker links instead."""
    from reentrykit.data.review import review_decide

    import_synthetic_county(coalition=world.coalition, directory=small_county)
    link_coalition(coalition=world.coalition)
    pair = _pair_in_one_person(world, "a.sid IS NULL AND a.fbi IS NULL AND a.n >= 3")
    review_decide(coalition=world.coalition, pair=pair, decision="reject", user=world.steward)
    link_coalition(coalition=world.coalition)
    keys = _keys(world, pair)
    assert len(keys) == 2


def test_review_decisions_persist_across_reruns(world: World, small_county: Path) -> None:
    from reentrykit.data.review import review_decide

    import_synthetic_county(coalition=world.coalition, directory=small_county)
    link_coalition(coalition=world.coalition)
    pair = _pair_linked_by_probability(world)
    review_decide(coalition=world.coalition, pair=pair, decision="reject", user=world.steward)
    # A decision on records a source no longer has (replaced since) counts for nothing.
    with store.open_store(world.coalition.pk, write=True) as con:
        con.execute(
            "INSERT INTO store.review_decisions VALUES (?, 'gone-1', ?, 'gone-2', 'accept', "
            "NULL, now())",
            [pair[0], pair[2]],
        )
    run = link_coalition(coalition=world.coalition)
    keys = _keys(world, pair)
    assert len(keys) == 2
    assert run.pairs_reviewed == 1
    # Accepting it again joins them once more.
    review_decide(coalition=world.coalition, pair=pair, decision="accept", user=world.steward)
    link_coalition(coalition=world.coalition)
    keys = _keys(world, pair)
    assert len(keys) == 1


def test_a_decision_on_a_record_linkage_never_saw_is_refused(
    world: World, small_county: Path, signed_in
) -> None:  # type: ignore[no-untyped-def]
    import_synthetic_county(coalition=world.coalition, directory=small_county)
    link_coalition(coalition=world.coalition)
    source, known = _pair_linked_by_probability(world)[:2]
    page = signed_in(world.steward).post(
        "/c/riverton/data/linkage/review/decide/",
        {"decision": "accept", "source_l": source, "id_l": known, "source_r": source,
         "id_r": "NO-SUCH-ID"},
        follow=True,
    )  # fmt: skip
    assert "No linked record &#x27;NO-SUCH-ID&#x27;" in page.content.decode()
    with store.open_store(world.coalition.pk) as con:
        assert con.execute("SELECT count(*) FROM store.review_decisions").fetchone() == (0,)


def test_linkage_refuses_after_identities_are_purged(world: World, small_county: Path) -> None:
    from reentrykit.data.linkage import LinkageError

    import_synthetic_county(coalition=world.coalition, directory=small_county)
    store.purge_identities(world.coalition.pk)
    with pytest.raises(LinkageError, match="purged"):
        link_coalition(coalition=world.coalition)


def test_the_review_page_says_how_many_pairs_it_shows_of_all(
    world: World, small_county: Path, signed_in, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.data import views

    import_synthetic_county(coalition=world.coalition, directory=small_county)
    run = link_coalition(coalition=world.coalition)
    assert run.pairs_for_review > 2
    monkeypatch.setattr(views, "REVIEW_PAGE", 2)
    page = signed_in(world.steward).get("/c/riverton/data/linkage/review/").content.decode()
    assert f"Here are 2 of the {run.pairs_for_review} pairs the last run was unsure about" in page
    # Each pair says what happens to it without a decision, by the run's threshold.
    assert f"at least the threshold, {run.threshold}, is linked" in page
    captions = re.findall(
        r"<caption>Pair \d: match probability ([0-9.]+) — ([^<]+)</caption>", page
    )
    assert len(captions) == 2
    for probability, fate in captions:
        linked = float(probability) >= run.threshold
        assert fate == (
            "linked unless you decide otherwise"
            if linked
            else ("kept apart unless you decide they are the same person")
        )
    # The report puts the threshold on the weights' scale, in the row that holds it.
    report = signed_in(world.steward).get("/c/riverton/data/linkage/").content.decode()
    weight = math.log2(run.threshold / (1 - run.threshold))
    assert f"a match weight of {weight:.1f}" in report
    marked = [low for low, _ in run.weight_histogram if low <= weight < low + 1]
    assert report.count("in this range") == len(marked) <= 1
    for low in marked:
        assert re.search(
            rf"<td>{low}</td><td class=\"text-right\">\d+</td><td>Threshold \({weight:.1f}\)",
            report,
        )
    # And on the chart, as a line at that weight.
    assert 'aria-label="Chart of the compared pairs by match weight"' in report


def test_a_first_small_file_links_though_no_two_records_share_a_field(
    world: World, tmp_path: Path
) -> None:
    """Three people, no shared birth date or name: nothing to learn from, yet linking
    runs (with Splink's default agreement rates) and gives each their own key."""
    from reentrykit.data.imports import import_file

    path = tmp_path / "releases.csv"
    path.write_text(
        "source_person_id,first_name,last_name,date_of_birth,release_date,facility_type\n"
        "J1,Ann,Lee,1980-01-02,2024-03-01,jail\n"
        "J2,Bo,Cruz,1975-06-07,2024-04-01,jail\n"
        "J3,Cy,Dunn,1990-09-10,2024-05-01,jail\n"
    )
    assert import_file(coalition=world.coalition, kind="releases", source_name="Jail", path=path).ok
    run = link_coalition(coalition=world.coalition)
    assert (run.records, run.people) == (3, 3)

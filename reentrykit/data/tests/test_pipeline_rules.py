"""The pipeline against DATA.md's rules: strict dates, whole replacements, the latest
date a source holds, purged identities (birth dates too) and re-linkage after a purge,
and formulas escaped in the measures' CSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from reentrykit.data import store
from reentrykit.data.imports import import_file
from reentrykit.data.models import BatchStatus, ImportBatch, Source
from reentrykit.testing import World

HEADER = "source_person_id,first_name,last_name,date_of_birth,sex,release_date,facility_type\n"
RELEASES = (
    HEADER + "J1,Ann,Lee,1980-01-02,female,2023-05-01,jail\n"
    "J2,Bo,Cruz,1975-06-07,male,2023-03-01,jail\n"
)


def _import(world: World, path: Path, source: str = "County Jail", **kwargs):  # type: ignore[no-untyped-def]
    return import_file(
        coalition=world.coalition, kind="releases", source_name=source, path=path, **kwargs
    )


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


# --- (c) bad input: unparseable dates are accepted ------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "epoch",  # DuckDB's special date word: would be stored as 1970-01-01
        "2023-01-05 garbage",  # text after the date is dropped silently
        "2023-01-05xyz",
    ],
)
def test_an_unparseable_date_is_refused(world: World, tmp_path: Path, value: str) -> None:
    """DATA.md: 'Dates are ISO YYYY-MM-DD'; validation: 'types parse'. Issue, Bad input:
    'unparseable ... dates' get a clear error and write nothing. DuckDB's
    TRY_CAST(... AS DATE) reads 'epoch' as 1970-01-01 and drops trailing text."""
    text = HEADER + f"J1,Ann,Lee,1980-01-02,female,{value},jail\n"
    result = _import(world, _write(tmp_path, "r.csv", text))
    assert not result.ok, "an unparseable release_date was imported"
    assert any(p.column == "release_date" for p in result.report.problems)


def test_an_unparseable_birth_date_is_refused(world: World, tmp_path: Path) -> None:
    """Same defect on an identity date: 'epoch' becomes a 1970-01-01 birth date that
    then drives linkage and age at release."""
    text = HEADER + "J1,Ann,Lee,epoch,female,2023-01-05,jail\n"
    result = _import(world, _write(tmp_path, "r.csv", text))
    assert not result.ok, "date_of_birth 'epoch' was imported as 1970-01-01"


# --- (a) atomicity: a replacement that fails after the store commit loses the old data --


def test_a_replacement_that_fails_late_keeps_the_old_rows(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue: 'Atomic: a file is imported whole or not at all'; 'imports are atomic under
    a failure injected mid-write'. With --replace, the old batch's rows are deleted in
    the DuckDB transaction, which commits before the Django batches are switched. A
    failure in between (here: reading the latest date, after the store COMMIT) leaves
    the old batch 'imported' in Django but with no rows left in the store."""
    from reentrykit.data import imports

    first = _import(world, _write(tmp_path, "a.csv", RELEASES))
    assert first.ok
    newer = RELEASES.replace("J2,Bo", "J3,Bo")

    def fail(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("database is locked")

    monkeypatch.setattr(imports, "_latest_date", fail)
    with pytest.raises(RuntimeError):
        _import(world, _write(tmp_path, "b.csv", newer), replace=True)
    first.batch.refresh_from_db()
    assert first.batch.status == BatchStatus.IMPORTED  # Django still counts the old file
    with store.open_store(world.coalition.pk) as con:
        old_rows = con.execute(
            "SELECT count(*) FROM store.raw_releases WHERE batch_id = ?", [first.batch.pk]
        ).fetchone()[0]
    assert old_rows == 2, "the old file's rows were deleted though the replacement failed"


# --- (a) replace semantics ---------------------------------------------------------------


def test_replacing_the_same_file_under_another_source_does_not_double_it(
    world: World, tmp_path: Path
) -> None:
    """DATA.md: 'Re-importing the same file is detected (content hash) and refused unless
    asked to replace'. The refusal says 'Choose replace to import it again in place of
    the earlier data', but replace only replaces batches of the *new* source: the same
    file imported under another source name with replace leaves both imported, so every
    row is counted twice."""
    path = _write(tmp_path, "a.csv", RELEASES)
    assert _import(world, path).ok
    refused = _import(world, path, source="Sheriff")
    assert not refused.ok and "in place of the earlier data" in refused.report.as_text()
    assert _import(world, path, source="Sheriff", replace=True).ok
    imported = ImportBatch.objects.filter(status=BatchStatus.IMPORTED).count()
    assert imported == 1, "the same file is now imported twice (as two sources)"


def test_data_through_follows_a_replacement(world: World, tmp_path: Path) -> None:
    """DATA.md: data_through is 'by default the latest event date in that source'.
    After a replacement drops the latest rows, the source keeps the replaced file's
    latest date (latest_date only ever grows), so the measures' full-follow-up
    denominators use data that is no longer there."""
    assert _import(world, _write(tmp_path, "a.csv", RELEASES)).ok
    assert str(Source.objects.get().data_through) == "2023-05-01"
    corrected = HEADER + "J2,Bo,Cruz,1975-06-07,male,2023-03-01,jail\n"
    assert _import(world, _write(tmp_path, "b.csv", corrected), replace=True).ok
    assert str(Source.objects.get().data_through) == "2023-03-01"


# --- (b) purge-identities leaves birth dates ----------------------------------------------


def test_purge_removes_every_birth_date(world: World, tmp_path: Path) -> None:
    """DATA.md: 'Identity fields stay only in the coalition's encrypted store for
    re-linkage, and a command purges them.' purge_identities empties identity_records
    but person_map.age_reference_dob (each person's date of birth, written by linkage)
    survives the purge and the file rewrite."""
    from reentrykit.data.linking import link_coalition

    assert _import(world, _write(tmp_path, "a.csv", RELEASES)).ok
    link_coalition(coalition=world.coalition)
    store.purge_identities(world.coalition.pk)
    with store.open_store(world.coalition.pk) as con:
        assert store.table_count(con, "identity_records") == 0
        dobs = con.execute(
            "SELECT count(*) FROM store.person_map WHERE age_reference_dob IS NOT NULL"
        ).fetchone()[0]
    assert dobs == 0, f"{dobs} birth dates remain in person_map after purge-identities"


def test_sources_imported_again_after_a_purge_can_be_linked(world: World, tmp_path: Path) -> None:
    """After a purge, linkage says: 'Import the sources again to link them.' Doing so
    (with replace) stores the identities again, yet the purge flag is never cleared,
    so linkage is refused for ever."""
    from reentrykit.data.linking import link_coalition

    path = _write(tmp_path, "a.csv", RELEASES)
    assert _import(world, path).ok
    store.purge_identities(world.coalition.pk)
    assert _import(world, path, replace=True).ok
    run = link_coalition(coalition=world.coalition)  # LinkageError: '... were purged ...'
    assert run.records == 2


# --- (d) linkage: decisions and identifiers are overridden through a third record --------


def _cluster(pairs: list[tuple[int, int, float]], decisions, ids) -> list[int]:  # type: ignore[no-untyped-def]
    """Run the linkage's edge and cluster steps over three hand-made records."""
    import duckdb

    from reentrykit.data import linkage

    con = duckdb.connect()
    con.execute("ATTACH ':memory:' AS store")
    con.execute(
        "CREATE TABLE store.review_decisions (source_l VARCHAR, source_person_id_l VARCHAR, "
        "source_r VARCHAR, source_person_id_r VARCHAR, decision VARCHAR, decided_by VARCHAR, "
        "decided_at TIMESTAMP)"
    )
    con.execute(
        "CREATE TABLE records (unique_id BIGINT, source VARCHAR, source_person_id VARCHAR, "
        "state_id VARCHAR, fbi_number VARCHAR)"
    )
    for i, (source, spid, state_id) in enumerate(ids):
        con.execute("INSERT INTO records VALUES (?, ?, ?, ?, NULL)", [i, source, spid, state_id])
    con.execute(
        "CREATE TABLE scored_pairs AS SELECT l.unique_id AS unique_id_l, r.unique_id AS "
        "unique_id_r, 0.0::DOUBLE AS match_probability, 0.0::DOUBLE AS match_weight, "
        "l.source AS source_l, "
        "l.source_person_id AS source_person_id_l, r.source AS source_r, "
        "r.source_person_id AS source_person_id_r, l.state_id AS state_id_l, "
        "r.state_id AS state_id_r, l.fbi_number AS fbi_number_l, r.fbi_number AS fbi_number_r "
        "FROM records l, records r WHERE false"
    )
    for left, right, probability in pairs:
        con.execute(
            "INSERT INTO scored_pairs SELECT l.unique_id, r.unique_id, ?, 0, l.source, "
            "l.source_person_id, r.source, r.source_person_id, l.state_id, r.state_id, "
            "NULL, NULL FROM records l, records r WHERE l.unique_id = ? AND r.unique_id = ?",
            [probability, left, right],
        )
    for left, right, decision in decisions:
        con.execute(
            "INSERT INTO store.review_decisions VALUES (?, ?, ?, ?, ?, 'steward', now())",
            [*ids[left][:2], *ids[right][:2], decision],
        )
    edges = linkage.probabilistic_edges(con, 0.9)
    deterministic = linkage.deterministic_edges(con)
    import numpy as np

    all_edges = np.concatenate([deterministic, edges]) if len(edges) else deterministic
    return list(linkage.clusters(len(ids), all_edges, linkage.records_apart(con)))


def test_a_rejected_pair_stays_two_people() -> None:
    """A pair the steward rejected stays two people even when both records link to a
    third: the weaker of the links that would join them is left out."""
    ids = [("City Police", "P1", None), ("County Jail", "J1", None), ("Probation", "X1", None)]
    alone = _cluster([(0, 1, 0.92)], [(0, 1, "reject")], ids)
    assert alone[0] != alone[1]
    labels = _cluster([(0, 2, 0.99), (1, 2, 0.95), (0, 1, 0.92)], [(0, 1, "reject")], ids)
    assert labels[0] != labels[1]
    assert labels[0] == labels[2]  # the stronger link (0.99) is kept, the 0.95 left out


def test_records_with_different_state_ids_are_not_one_person() -> None:
    """Records whose state ids differ are never one person, through a third record
    without one either."""
    ids = [("City Police", "P1", "S2"), ("County Jail", "J1", "S1"), ("Probation", "X1", None)]
    labels = _cluster([(0, 2, 0.97), (1, 2, 0.99)], [], ids)
    assert labels[0] != labels[1]
    assert labels[1] == labels[2]


def test_records_apart_change_nothing_elsewhere() -> None:
    """Components without records kept apart are the plain connected components."""
    ids = [("City Police", "P1", "S1"), ("County Jail", "J1", None), ("Probation", "X1", None)]
    assert len(set(_cluster([(0, 1, 0.99), (1, 2, 0.95)], [], ids))) == 1


# --- (d) person_key stability ----------------------------------------------------------


# --- (c) formulas: a CSV export that does not escape them -------------------------------


def test_the_measures_csv_escapes_a_formula_in_a_source_name(world: World, tmp_path: Path) -> None:
    """Issue, Bad input: formulas '— stored as text and escaped in every export'. The
    source name is free text (web form, API, --source); `reentrykit metrics ... --by
    source --format csv` writes it raw, while core.exports.safe_cell would quote it."""
    from io import StringIO

    from django.core.management import call_command

    from reentrykit.data.linking import link_coalition

    formula = '=HYPERLINK("http://evil.example/","click")'
    import datetime as dt

    path = _write(tmp_path, "a.csv", RELEASES)
    assert _import(world, path, source=formula, data_through=dt.date(2024, 12, 31)).ok
    # An arrest of J1's, from the same source: rearrest is measured only with such records.
    arrests = "source_person_id,first_name,last_name,date_of_birth,event_date,event_type\n"
    arrests += "J1,Ann,Lee,1980-01-02,2023-07-01,arrest\n"
    events = import_file(
        coalition=world.coalition,
        kind="events",
        source_name=formula,
        path=_write(tmp_path, "e.csv", arrests),
        data_through=dt.date(2024, 12, 31),
    )
    assert events.ok, events
    link_coalition(coalition=world.coalition)
    out = StringIO()
    call_command(
        "metrics", "recidivism", "--coalition", world.coalition.slug, "--by", "source",
        "--measure", "rearrest", "--window", "180",
        "--cohort-start", "2023-01-01", "--cohort-end", "2023-12-31", "--unsuppressed",
        "--format", "csv", stdout=out, stderr=StringIO(),
    )  # fmt: skip
    text = out.getvalue()
    assert "HYPERLINK" in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text, text
    assert ',"=HYPERLINK' not in text and '\n"=HYPERLINK' not in text, text


def test_a_first_import_that_fails_after_the_store_commit_leaves_nothing(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue: 'Bad input ... writes nothing'; 'imports are atomic under a failure
    injected mid-write'. A failure after the store's COMMIT (checkpoint, latest date,
    or the final Django save) leaves a 'loading' batch, the new source and every row,
    names included, in the store, with nothing that ever removes them."""
    from reentrykit.data import imports

    def fail(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("database is locked")

    monkeypatch.setattr(imports, "_latest_date", fail)
    with pytest.raises(RuntimeError):
        _import(world, _write(tmp_path, "a.csv", RELEASES))
    assert not ImportBatch.objects.exists(), "a 'loading' batch is left behind"
    assert not Source.objects.exists()
    with store.open_store(world.coalition.pk) as con:
        assert store.table_count(con, "raw_releases") == 0
        assert store.table_count(con, "identity_records") == 0

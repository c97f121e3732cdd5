"""The synthetic county: deterministic, canonical, noisy where linkage needs it, and
with recidivism shaped like the national figures in DATA.md."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reentrykit.data import synth_names
from reentrykit.data.schema import RECORD_TYPES, ColumnType, Kind
from reentrykit.data.synth import FILES, PROGRAM_NAMES, synth_county

THROUGH = date(2025, 12, 31)


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("county")
    synth_county(people=2000, seed=11, out_dir=out)
    return out


@pytest.fixture(scope="module")
def large_county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # 20,000 people: enough for the rates to settle; a few seconds.
    out = tmp_path_factory.mktemp("large")
    synth_county(people=20_000, seed=5, out_dir=out)
    return out


@pytest.fixture(scope="module")
def frames(county: Path) -> dict[str, pd.DataFrame]:
    return {name: _read(county / name) for name in FILES}


def _first_prison_releases(truth: pd.DataFrame) -> pd.DataFrame:
    excluded = {"death", "transfer", "escape", "temporary"}
    prison = truth[(truth["facility_type"] == "prison") & ~truth["release_type"].isin(excluded)]
    prison = prison.sort_values(["release_date", "person_id"], kind="stable")
    return prison.drop_duplicates("person_id")


def _rate_within(releases: pd.DataFrame, days: int, column: str = "first_rearrest_date") -> float:
    released = pd.to_datetime(releases["release_date"])
    full = released + pd.Timedelta(days=days) <= pd.Timestamp(THROUGH)
    event = pd.to_datetime(releases[column])
    hit = (event - released).dt.days <= days
    return float(hit[full].mean())


def _plain(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return re.sub(
        r"[^a-z]", "", "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    )


def test_it_is_deterministic_for_a_seed(county: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    other = tmp_path / "other"
    synth_county(people=2000, seed=11, out_dir=again)
    synth_county(people=2000, seed=12, out_dir=other)
    written = sorted(p.relative_to(county) for p in county.rglob("*") if p.is_file())
    assert len(written) == len(FILES) + 4  # data files, manifest, three truth files
    for relative in written:
        assert (county / relative).read_bytes() == (again / relative).read_bytes(), relative
    assert (county / "events_police.csv").read_bytes() != (other / "events_police.csv").read_bytes()


def test_it_writes_the_manifest_in_import_order(county: Path) -> None:
    manifest = json.loads((county / "manifest.json").read_text())
    assert manifest["seed"] == 11
    assert manifest["people"] == 2000
    assert manifest["data_through"] == "2025-12-31"
    kinds = [entry["kind"] for entry in manifest["files"]]
    assert kinds[:2] == ["releases", "releases"]
    assert [entry["file"] for entry in manifest["files"]] == list(FILES)
    assert {entry["source"] for entry in manifest["files"]} >= {"County Jail", "City Police"}


def test_it_writes_only_canonical_columns_and_codes(frames: dict[str, pd.DataFrame]) -> None:
    for name, frame in frames.items():
        record_type = RECORD_TYPES[Kind(FILES[name][0])]
        assert set(record_type.required_names) <= set(frame.columns), name
        assert set(frame.columns) <= set(record_type.column_names), name
        assert len(frame) > 0, name
        for column in frame.columns:
            spec = record_type.column(column)
            values = set(frame[column].dropna())
            if spec.type == ColumnType.CODE:
                assert values <= set(spec.codes), (name, column, values - set(spec.codes))
            if spec.type == ColumnType.BOOL:
                assert values <= {"true", "false"}, (name, column)
            if spec.type == ColumnType.ZIP:
                assert all(re.fullmatch(r"\d{5}", value) for value in values), (name, column)


def test_it_writes_valid_dates_in_order(frames: dict[str, pd.DataFrame], county: Path) -> None:
    for name, frame in frames.items():
        for column in [c for c in frame.columns if c.endswith("_date") or c == "date_of_birth"]:
            values = frame[column].dropna()
            assert values.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all(), (name, column)
            parsed = pd.to_datetime(values, format="%Y-%m-%d")
            assert parsed.min() >= pd.Timestamp("1900-01-01"), (name, column)
            assert parsed.max() <= pd.Timestamp(THROUGH), (name, column)
    for name in ("releases_jail.csv", "releases_prison.csv"):
        releases = frames[name]
        assert (releases["admission_date"] <= releases["release_date"]).all()
    programs = frames["programs.csv"]
    started = programs.dropna(subset=["end_date"])
    assert (started["start_date"] <= started["end_date"]).all()
    referred = programs[programs["status"] == "referred"]
    assert referred["start_date"].isna().all() and referred["end_date"].isna().all()
    truth = _read(county / "truth" / "releases.csv")
    ages = truth["age_at_release"].astype(int)
    assert ages.min() >= 18 and ages.max() <= 75


def test_it_keeps_release_types_and_supervision_consistent(frames: dict[str, pd.DataFrame]) -> None:
    releases = pd.concat([frames["releases_jail.csv"], frames["releases_prison.csv"]])
    pairs = set(zip(releases["release_type"], releases["supervision_type"], strict=True))
    assert ("to_parole", "parole") in pairs
    expected = {"to_parole": "parole", "to_probation": "probation", "sentence_served": "none"}
    for release_type, supervision in expected.items():
        chosen = releases[releases["release_type"] == release_type]
        assert (chosen["supervision_type"] == supervision).all(), release_type
    assert releases["release_type"].isin(["death", "transfer", "temporary"]).any()
    years = pd.to_datetime(releases["release_date"]).dt.year
    assert years.min() == 2016 and years.max() == 2025
    per_person = frames["releases_jail.csv"]["source_person_id"].value_counts()
    assert (per_person > 1).mean() > 0.3


def test_it_writes_no_exact_duplicate_rows(frames: dict[str, pd.DataFrame]) -> None:
    for name, frame in frames.items():
        assert not frame.duplicated().any(), name


def test_each_agency_numbers_people_its_own_way(frames: dict[str, pd.DataFrame]) -> None:
    assert frames["releases_jail.csv"]["source_person_id"].str.fullmatch(r"J\d{7}").all()
    assert frames["releases_prison.csv"]["source_person_id"].str.fullmatch(r"DOC\d{6}").all()
    events_ids = frames["events_police.csv"]["event_id"]
    assert events_ids.is_unique


def test_truth_covers_every_source_person(frames: dict[str, pd.DataFrame], county: Path) -> None:
    records = _read(county / "truth" / "records.csv")
    assert not records.duplicated(["file", "source_person_id"]).any()
    # Within one source a person id is one person, across all its files.
    per_source = records.drop_duplicates(["source", "source_person_id", "person_id"])
    assert not per_source.duplicated(["source", "source_person_id"]).any()
    for name, frame in frames.items():
        listed = set(records.loc[records["file"] == name, "source_person_id"])
        assert listed == set(frame["source_person_id"]), name
    people = _read(county / "truth" / "people.csv")
    assert set(records["person_id"]) <= set(people["person_id"])
    released = set(people.loc[people["released"] == "true", "person_id"])
    release_people = set(records.loc[records["file"].str.startswith("releases"), "person_id"])
    assert release_people <= released
    police_people = set(records.loc[records["file"] == "events_police.csv", "person_id"])
    assert len(police_people - released) > 1000  # arrests of people never released


def test_state_ids_are_true_where_present(frames: dict[str, pd.DataFrame], county: Path) -> None:
    records = _read(county / "truth" / "records.csv")
    people = _read(county / "truth" / "people.csv").set_index("person_id")
    assert 0.03 < people["state_id"].isna().mean() < 0.08
    for name in ("releases_jail.csv", "events_police.csv", "events_court.csv"):
        rows = frames[name].merge(records[records["file"] == name], on="source_person_id")
        present = rows.dropna(subset=["state_id"])
        assert (
            present["state_id"].to_numpy() == people.loc[present["person_id"], "state_id"]
        ).all()
    police_missing = frames["events_police.csv"]["state_id"].isna().mean()
    court_missing = frames["events_court.csv"]["state_id"].isna().mean()
    assert 0.35 < police_missing < 0.5 and 0.15 < court_missing < 0.3


def test_names_and_birth_dates_are_noisy(frames: dict[str, pd.DataFrame], county: Path) -> None:
    records = _read(county / "truth" / "records.csv")
    people = _read(county / "truth" / "people.csv").set_index("person_id")
    police = frames["events_police.csv"].merge(
        records[records["file"] == "events_police.csv"], on="source_person_id"
    )
    true = people.loc[police["person_id"]]
    recorded_first = police["first_name"].map(_plain).to_numpy()
    true_first = true["first_name"].map(_plain).to_numpy()
    differs = recorded_first != true_first
    assert 0.03 < differs.mean() < 0.2
    nicknames = {
        (formal, nick) for formal, nicks in synth_names.NICKNAMES.items() for nick in nicks
    }
    used = {(t, r) for t, r in zip(true_first[differs], recorded_first[differs], strict=True)}
    assert used & nicknames, "no nicknames"
    assert police["first_name"].str.isupper().mean() > 0.9
    swapped = recorded_first == true["last_name"].map(_plain).to_numpy()
    assert 0.003 < swapped.mean() < 0.03
    recorded_dob = pd.to_datetime(police["date_of_birth"])
    true_dob = pd.to_datetime(true["date_of_birth"].to_numpy())
    transposed = (
        (recorded_dob.dt.day.to_numpy() == true_dob.month)
        & (recorded_dob.dt.month.to_numpy() == true_dob.day)
        & (true_dob.day != true_dob.month)
    )
    assert 0.005 < transposed.mean() < 0.03
    # Common names collide: several people share a full name.
    full_names = people["first_name"] + " " + people["last_name"]
    assert full_names.value_counts().iloc[0] >= 3


def test_events_exercise_the_measure_rules(frames: dict[str, pd.DataFrame], county: Path) -> None:
    records = _read(county / "truth" / "records.csv")
    truth = _read(county / "truth" / "releases.csv")
    police = frames["events_police.csv"].merge(
        records[records["file"] == "events_police.csv"], on="source_person_id"
    )
    same_day = police.merge(
        truth, left_on=["person_id", "event_date"], right_on=["person_id", "release_date"]
    )
    assert (same_day["event_type"] == "booking").any()
    arrests = police[police["event_type"] == "arrest"]
    prior = arrests.merge(truth, on="person_id")
    gap = (pd.to_datetime(prior["release_date"]) - pd.to_datetime(prior["event_date"])).dt.days
    assert ((gap > 0) & (gap <= 3 * 365)).any()
    assert frames["events_vital.csv"]["event_type"].eq("death").all()
    assert set(frames["events_court.csv"]["event_type"]) >= {"conviction"}
    assert set(frames["events_probation.csv"]["event_type"]) == {"revocation"}


def test_programs_and_assessments_look_like_a_reentry_system(
    frames: dict[str, pd.DataFrame],
) -> None:
    programs = frames["programs.csv"]
    assert set(programs["phase"]) == {"pre_release", "post_release"}
    enrolled = programs[programs["status"] != "referred"]
    completed = (enrolled["status"] == "completed").mean()
    assert 0.45 < completed < 0.65
    assessments = frames["assessments.csv"]
    assert set(assessments["risk_level"]) <= {"low", "moderate", "high", "very_high"}
    assert len(assessments) > 0.5 * (
        len(frames["releases_jail.csv"]) + len(frames["releases_prison.csv"])
    )


def test_rearrest_follows_the_national_figures(large_county: Path) -> None:
    truth = _read(large_county / "truth" / "releases.csv")
    first = _first_prison_releases(truth)
    assert abs(_rate_within(first, 365) - 0.43) < 0.08
    assert abs(_rate_within(first, 1095) - 0.68) < 0.08
    assert abs(_rate_within(first, 1825) - 0.77) < 0.08
    ages = first["age_at_release"].astype(int)
    assert _rate_within(first[ages < 25], 1825) > _rate_within(first[ages >= 40], 1825)
    risk = first["risk_level"]
    assert _rate_within(first[risk == "low"], 1095) < _rate_within(first[risk == "high"], 1095)


def test_completers_are_rearrested_less(large_county: Path) -> None:
    # Higher-risk people are referred more often, so compare within each risk level.
    truth = _read(large_county / "truth" / "releases.csv")
    main = truth[truth["release_type"].isin(["to_parole", "sentence_served", "to_probation"])]
    differences, weights = [], []
    for _, level in main.groupby("risk_level"):
        completers = level[level["program_completed"] == "true"]
        others = level[level["program_participated"] == "false"]
        if len(completers) >= 50:
            differences.append(_rate_within(completers, 365) - _rate_within(others, 365))
            weights.append(len(completers))
    assert sum(weights) > 500
    assert np.average(differences, weights=weights) < -0.02


def test_nickname_table_and_lists_are_safe_to_write() -> None:
    assert len(synth_names.NICKNAMES) >= 30
    assert synth_names.NICKNAMES["william"][0] == "bill"
    assert "christopher" in synth_names.NICKNAME_TO_FORMALS["chris"]
    words = [
        *synth_names.MALE_FIRST,
        *synth_names.FEMALE_FIRST,
        *synth_names.SURNAMES,
        *synth_names.HISPANIC_SURNAMES,
        *(name for names in PROGRAM_NAMES for name in names),
    ]
    # The CSVs are written without quoting: nothing may need it.
    assert not [word for word in words if re.search(r'[,"\r\n]', word)]


def test_it_refuses_an_empty_county(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="people"):
        synth_county(people=0, seed=1, out_dir=tmp_path)


def test_it_reports_progress(tmp_path: Path) -> None:
    seen: list[float] = []
    summary = synth_county(
        people=50, seed=2, out_dir=tmp_path, progress=lambda f, m: seen.append(f)
    )
    assert seen == sorted(seen) and seen[-1] == 1.0
    assert summary.files["releases_jail.csv"] + summary.files["releases_prison.csv"] >= 50
    assert np.isfinite(summary.seconds)


def test_it_ends_the_data_at_data_through(tmp_path: Path) -> None:
    summary = synth_county(people=300, seed=3, out_dir=tmp_path, data_through=date(2022, 6, 30))
    assert summary.data_through == date(2022, 6, 30)
    releases = _read(tmp_path / "releases_jail.csv")
    events = _read(tmp_path / "events_police.csv")
    assert releases["release_date"].max() <= "2022-06-30"
    assert releases["release_date"].min() >= "2013-01-01"
    assert events["event_date"].max() <= "2022-06-30"


def test_background_population_size_is_a_parameter(tmp_path: Path) -> None:
    # The linkage benchmark needs about five arrests per release: a larger background.
    small = synth_county(people=200, seed=4, out_dir=tmp_path / "small")
    large = synth_county(people=200, seed=4, out_dir=tmp_path / "large", background_people=1000)
    people = _read(tmp_path / "large" / "truth" / "people.csv")
    assert (people["released"] == "false").sum() == 1000
    assert large.background_people == 1000 and small.background_people == 200
    assert large.files["events_police.csv"] > 2 * small.files["events_police.csv"]
    with pytest.raises(ValueError, match="background_people"):
        synth_county(people=10, seed=1, out_dir=tmp_path / "none", background_people=0)

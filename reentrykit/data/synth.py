"""A synthetic multi-agency county: ``reentrykit data synth``.

``synth_county`` writes the extracts that a county's partners would upload (jail
and prison releases; police, court, probation and vital-records events; a provider's
programs; risk assessments; workforce outcomes), each with its own person ids and
its own way of garbling names, and a ``truth/`` folder with the true person behind
every record and the true first event after every release, to check linkage and
measures against. The same seed gives byte-identical files.

``people`` is the number of people released at least once; about as many again
appear only in arrests (the background population linkage must not match).

The simulation is in ``synth_careers``, identities and their noise in
``synth_identity``, and name lists in ``synth_names``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv

from reentrykit.data import synth_careers as sim
from reentrykit.data import synth_identity as ids
from reentrykit.data.synth_identity import NEVER, Identities

EPOCH = date(1970, 1, 1)

# file -> (kind, source), in the order they should be imported.
FILES: dict[str, tuple[str, str]] = {
    "releases_prison.csv": ("releases", "State Department of Corrections"),
    "releases_jail.csv": ("releases", "County Jail"),
    "events_police.csv": ("events", "City Police"),
    "events_court.csv": ("events", "District Court"),
    "events_probation.csv": ("events", "Adult Probation"),
    "events_vital.csv": ("events", "State Vital Records"),
    "assessments.csv": ("assessments", "Adult Probation"),
    "programs.csv": ("programs", "Second Chance Works"),
    "outcomes.csv": ("outcomes", "Workforce Board"),
}

# source -> (prefix, digits) of its person ids; each agency numbers people its own way.
ID_SCHEMES: dict[str, tuple[str, int]] = {
    "County Jail": ("J", 7),
    "State Department of Corrections": ("DOC", 6),
    "City Police": ("CP", 8),
    "District Court": ("DC", 8),
    "Adult Probation": ("AP", 7),
    "State Vital Records": ("VR", 9),
    "Second Chance Works": ("SCW-", 6),
    "Workforce Board": ("WB", 8),
}

EVENT_PREFIX = {
    "City Police": "CP",
    "District Court": "CR",
    "Adult Probation": "PV",
    "State Vital Records": "DTH",
}

PROGRAM_NAMES: tuple[tuple[str, ...], ...] = (
    ("Bridge Housing", "Rapid Rehousing", "Recovery Residence"),
    ("Ready to Work", "Second Chance Jobs", "Transitional Jobs"),
    ("GED Prep", "Community College Bridge"),
    ("Reentry Mental Health", "Integrated Care Clinic"),
    ("Intensive Outpatient", "MAT Continuity", "Recovery Coaching"),
    ("Thinking for a Change", "Moral Reconation Therapy"),
    ("Peer Mentors", "Reentry Navigators"),
    ("Family Reunification", "Parenting Inside Out"),
    ("Record Clearing Clinic", "Legal Aid Reentry"),
    ("ID Drive", "Vital Documents Desk"),
    ("Reentry Resource Fair", "Transportation Assistance"),
)

IDENTITY = ("first_name", "last_name", "date_of_birth", "sex")
COLUMNS: dict[str, tuple[str, ...]] = {
    "releases": (
        "source_person_id",
        "first_name",
        "middle_name",
        "last_name",
        "date_of_birth",
        "sex",
        "state_id",
        "fbi_number",
        "admission_date",
        "release_date",
        "facility_type",
        "release_type",
        "supervision_type",
        "risk_level",
        "offense_category",
        "race",
        "ethnicity",
        "residence_zip",
    ),
    "events": (
        "source_person_id",
        *IDENTITY,
        "state_id",
        "event_id",
        "event_date",
        "event_type",
        "offense_category",
        "source_agency",
    ),
    "programs": (
        "source_person_id",
        *IDENTITY,
        "program_type",
        "program_name",
        "status",
        "phase",
        "referral_date",
        "start_date",
        "end_date",
    ),
    "assessments": (
        "source_person_id",
        *IDENTITY,
        "assessment_date",
        "risk_level",
        "tool",
        *(f"need_{need}" for need in sim.NEEDS),
    ),
    "outcomes": (
        "source_person_id",
        "first_name",
        "last_name",
        "date_of_birth",
        "outcome_date",
        "outcome_type",
    ),
}


@dataclass
class SynthSummary:
    out_dir: Path
    seed: int
    people: int
    background_people: int
    data_through: date
    files: dict[str, int] = field(default_factory=dict)  # file -> rows
    seconds: float = 0.0


def _days(day: date) -> int:
    return (day - EPOCH).days


def _no_progress(fraction: float, message: str) -> None:
    return None


def synth_county(
    *,
    people: int,
    seed: int,
    out_dir: Path,
    data_through: date = date(2025, 12, 31),
    progress: Callable[[float, str], None] | None = None,
    background_people: int | None = None,
) -> SynthSummary:
    """Write a synthetic county of ``people`` released people into ``out_dir``.

    ``background_people`` (default: as many as ``people``) are arrested but never
    released in the data; more of them make linkage harder.
    """
    if people < 1:
        raise ValueError("people must be at least 1")
    background_people = people if background_people is None else background_people
    if background_people < 1:
        raise ValueError("background_people must be at least 1")
    started = time.monotonic()
    report = progress or _no_progress
    out_dir = Path(out_dir)
    (out_dir / "truth").mkdir(parents=True, exist_ok=True)
    window = sim.Window(
        events_from=_days(date(data_through.year - 12, 1, 1)),
        releases_from=_days(date(data_through.year - 9, 1, 1)),
        through=_days(data_through),
    )
    # Independent streams per stage, so tuning one stage leaves the others' draws alone.
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(8)]
    report(0.02, "Simulating careers")
    careers = sim.simulate_careers(streams[0], people=people, window=window)
    report(0.2, "Simulating the background population")
    background, bg_dob, bg_female = sim.simulate_background(
        streams[1], people=background_people, first_person=people, window=window
    )
    report(0.3, "Drawing identities")
    ident = ids.make_identities(
        streams[2],
        dob=np.concatenate([careers.dob, bg_dob]),
        female=np.concatenate([careers.female, bg_female]),
    )
    _relate(streams[2], ident, people=people, background=background)
    county = _County(
        ident=ident,
        window=window,
        careers=careers,
        background=background,
        risk=np.concatenate([careers.first_risk, np.full(background_people, 4, dtype=np.int8)]),
    )
    report(0.4, "Assessments and outcomes")
    county.simulate_services(streams[3])
    summary = SynthSummary(
        out_dir=out_dir,
        seed=seed,
        people=people,
        background_people=background_people,
        data_through=data_through,
    )
    writer = _Writer(out_dir=out_dir, county=county, rng=streams[4], summary=summary)
    writer.write_all(report)
    report(0.9, "Writing the truth")
    _write_manifest(out_dir, summary)
    writer.write_truth()
    summary.seconds = round(time.monotonic() - started, 1)
    report(1.0, "Done")
    return summary


def _relate(
    rng: np.random.Generator, ident: Identities, *, people: int, background: pd.DataFrame
) -> None:
    first_arrest = background.groupby("person")["date"].min()
    latest_dob = np.full(ident.dob.size, NEVER, dtype=np.int64)
    latest_dob[first_arrest.index.to_numpy()] = first_arrest.to_numpy() - int(18 * sim.YEAR)
    candidates = min(people, ident.dob.size - people)  # background people who may be kin
    relatives = people + np.flatnonzero(rng.random(candidates) < 0.05)
    of = rng.integers(0, people, relatives.size)
    ids.add_relatives(rng, ident, relatives=relatives, of=of, latest_dob=latest_dob)


PHASES = ("post_release", "pre_release")
CODES: dict[str, tuple[str, ...]] = {
    "facility_type": sim.FACILITY,
    "release_type": sim.RELEASE_TYPES,
    "supervision_type": sim.SUPERVISION,
    "risk_level": sim.RISK,
    "offense_category": sim.OFFENSES,
    "race": ids.RACE,
    "ethnicity": ids.ETHNICITY,
    "sex": ids.SEX,
    "event_type": sim.EVENT_TYPES,
    "source_agency": sim.AGENCIES,
    "program_type": sim.PROGRAM_TYPES,
    "status": sim.PROGRAM_STATUS,
    "phase": PHASES,
}


@dataclass
class _County:
    """The true state of the county, before any agency writes it down."""

    ident: Identities
    window: sim.Window
    careers: sim.Careers
    background: pd.DataFrame
    risk: np.ndarray  # per person: risk level at first release (unknown for background)
    releases: pd.DataFrame = field(init=False)
    events: pd.DataFrame = field(init=False)
    programs: pd.DataFrame = field(init=False)
    assessments: pd.DataFrame = field(init=False)
    outcomes: pd.DataFrame = field(init=False)

    def simulate_services(self, rng: np.random.Generator) -> None:
        window = self.window
        releases = self.careers.releases
        releases = releases[
            (releases["release"] >= window.releases_from) & (releases["release"] <= window.through)
        ]
        self.releases = releases.reset_index(drop=True)
        events = pd.concat([self.careers.events, self.background], ignore_index=True)
        self.events = events[
            (events["date"] >= window.events_from) & (events["date"] <= window.through)
        ].reset_index(drop=True)
        kept = self.releases.loc[self.releases["main"], ["release_id", "person"]]
        programs = self.careers.programs.merge(kept, on="release_id", how="inner")
        self.programs = programs[programs["referral_date"] <= window.through].reset_index(drop=True)
        self.assessments = sim.simulate_assessments(rng, self.releases, window=window)
        self.outcomes = sim.simulate_outcomes(rng, self.releases, self.programs, window=window)


def _ordered(frame: pd.DataFrame, *by: str) -> pd.DataFrame:
    keys = [frame[column].to_numpy() for column in (*by, "person")]
    return frame.iloc[np.lexsort(keys[::-1])].reset_index(drop=True)


class _Writer:
    """Writes each agency's extract: its rows, its ids, its identity noise."""

    def __init__(
        self, *, out_dir: Path, county: _County, rng: np.random.Generator, summary: SynthSummary
    ) -> None:
        self.out_dir = out_dir
        self.county = county
        self.rng = rng
        self.summary = summary
        self.records: list[tuple[str, str, np.ndarray]] = []  # file, source, people

    def frames(self) -> dict[str, pd.DataFrame]:
        county, rng = self.county, self.rng
        frames: dict[str, pd.DataFrame] = {}
        releases = self._release_rows()
        frames["releases_prison.csv"] = _ordered(
            releases[releases["facility_type"] == 1], "release_date"
        )
        frames["releases_jail.csv"] = _ordered(
            releases[releases["facility_type"] == 0], "release_date"
        )
        events = county.events.rename(
            columns={"date": "event_date", "offense": "offense_category", "agency": "source_agency"}
        )
        groups = {
            "events_police.csv": (0, 1, 2),
            "events_court.csv": (3,),
            "events_probation.csv": (4,),
            "events_vital.csv": (5,),
        }
        for name, agencies in groups.items():
            frames[name] = _ordered(
                events[events["source_agency"].isin(agencies)], "event_date", "event_type"
            )
        # Two releases close together can put two assessments on one day; a probation
        # office records one.
        assessments = county.assessments.rename(
            columns={"date": "assessment_date", "risk": "risk_level"}
        ).drop_duplicates(["person", "assessment_date"])
        frames["assessments.csv"] = _ordered(assessments, "assessment_date")
        programs = county.programs.copy()
        programs["phase"] = programs["pre_release"].astype(np.int8)
        # Six columns: every list's length divides six, so each name is equally likely.
        names = np.array([[n[i % len(n)] for i in range(6)] for n in PROGRAM_NAMES], dtype=object)
        choice = rng.integers(0, 6, len(programs))
        programs["program_name"] = names[programs["program_type"].to_numpy(), choice]
        frames["programs.csv"] = _ordered(
            programs.drop_duplicates(
                [
                    "person",
                    "program_type",
                    "program_name",
                    "status",
                    "referral_date",
                    "start_date",
                    "end_date",
                ]
            ),
            "referral_date",
        )
        outcomes = county.outcomes.rename(columns={"date": "outcome_date"})
        frames["outcomes.csv"] = _ordered(outcomes, "outcome_date")
        return frames

    def _release_rows(self) -> pd.DataFrame:
        county, rng = self.county, self.rng
        rel = county.releases
        n = len(rel)
        person = rel["person"].to_numpy()
        prison = rel["facility"].to_numpy() == 1
        before = county.assessments[county.assessments["before_release"]]
        assessed = pd.Series(before["risk"].to_numpy(), index=before["release_id"].to_numpy())
        assessed = assessed[~assessed.index.duplicated()]
        recorded = rel["release_id"].map(assessed).to_numpy()
        classified = prison & (rng.random(n) < 0.7)
        risk = np.where(np.isnan(recorded), np.where(classified, rel["risk"], 4), recorded)
        race = county.ident.race[person].copy()
        draw = rng.random(n)
        race[draw < 0.03] = 6
        race[(draw >= 0.03) & (draw < 0.05)] = rng.integers(0, 6, n)[(draw >= 0.03) & (draw < 0.05)]
        ethnicity = county.ident.ethnicity[person].copy()
        ethnicity[rng.random(n) < 0.07] = 2
        zips = np.asarray(ids.COUNTY_ZIPS + ids.NEARBY_ZIPS, dtype=object)
        residence = county.ident.zip[person].copy()
        moved = rng.random(n) < 0.2
        residence[moved] = zips[rng.integers(0, len(ids.COUNTY_ZIPS), n)][moved]
        wrong = rng.random(n) < 0.02
        residence[wrong] = zips[rng.integers(0, len(zips), n)][wrong]
        residence[rng.random(n) < 0.05] = None
        fbi = county.ident.fbi_number[person].copy()
        fbi[rng.random(n) >= np.where(prison, 0.9, 0.55)] = None
        return pd.DataFrame(
            {
                "person": person,
                "admission_date": rel["admission"].to_numpy(),
                "release_date": rel["release"].to_numpy(),
                "facility_type": rel["facility"].to_numpy(),
                "release_type": rel["release_type"].to_numpy(),
                "supervision_type": rel["supervision"].to_numpy(),
                "risk_level": risk.astype(np.int8),
                "offense_category": rel["offense"].to_numpy(),
                "race": race,
                "ethnicity": ethnicity,
                "residence_zip": residence,
                "fbi_number": fbi,
                "release_id": rel["release_id"].to_numpy(),
            }
        )

    def write_all(self, report: Callable[[float, str], None]) -> None:
        frames = self.frames()
        self.source_ids = self._source_ids(frames)
        self.release_rows: list[pd.DataFrame] = []
        # Arrow writes one file on the second core while the next file's noise is drawn.
        with ThreadPoolExecutor(max_workers=1) as writer:
            pending: Future[None] | None = None
            for step, (name, frame) in enumerate(frames.items()):
                report(0.45 + 0.45 * step / len(frames), f"Writing {name}")
                table = self._file(name, frame)
                if pending is not None:
                    pending.result()
                pending = writer.submit(write_csv, self.out_dir / name, table)
            if pending is not None:
                pending.result()

    def _file(self, name: str, frame: pd.DataFrame) -> pa.Table:
        kind, source = FILES[name]
        lookup, id_values = self.source_ids[source]
        spid = id_values.take(pa.array(lookup[frame["person"].to_numpy()]))
        table = self._table(kind, source, frame, spid)
        self.summary.files[name] = table.num_rows
        self.records.append((name, source, _distinct(frame["person"].to_numpy())))
        if kind == "releases":
            spids = spid.to_numpy(zero_copy_only=False)
            self.release_rows.append(frame.assign(source=source, source_person_id=spids))
        return table

    def _source_ids(
        self, frames: dict[str, pd.DataFrame]
    ) -> dict[str, tuple[np.ndarray, pa.Array]]:
        total = self.county.ident.dob.size
        result: dict[str, tuple[np.ndarray, pa.Array]] = {}
        for source, (prefix, digits) in ID_SCHEMES.items():
            persons = _distinct(
                np.concatenate(
                    [
                        frame["person"].to_numpy()
                        for name, frame in frames.items()
                        if FILES[name][1] == source
                    ]
                )
            )
            while persons.size > 4 * 10 ** (digits - 1):
                digits += 1  # a bigger county than the scheme was made for
            numbers = ids.unique_numbers(
                self.rng, persons.size, low=10 ** (digits - 1), high=10**digits
            )
            lookup = np.full(total, -1, dtype=np.int64)
            lookup[persons] = np.arange(persons.size)
            result[source] = (
                lookup,
                pc.binary_join_element_wise(prefix, ids.padded(numbers, digits), ""),
            )
        return result

    def _table(self, kind: str, source: str, frame: pd.DataFrame, spid: pa.Array) -> pa.Table:
        identity = ids.noisy_identity(
            self.rng, self.county.ident, frame["person"].to_numpy(), ids.STYLES[source]
        )
        columns: dict[str, pa.Array] = {}
        for column in COLUMNS[kind]:
            if column == "source_person_id":
                columns[column] = spid
            elif column == "event_id":
                columns[column] = _event_ids(EVENT_PREFIX[source], frame["event_date"].to_numpy())
            elif column in identity:
                columns[column] = to_arrow(column, identity[column])
            else:
                columns[column] = to_arrow(column, frame[column].to_numpy())
        return pa.table(columns)

    def write_truth(self) -> None:
        truth = self.out_dir / "truth"
        files, sources, spids, people = [], [], [], []
        for name, source, persons in self.records:
            lookup, id_values = self.source_ids[source]
            files.append(pa.array(np.full(persons.size, name)))
            sources.append(pa.array(np.full(persons.size, source)))
            spids.append(id_values.take(pa.array(lookup[persons])))
            people.append(persons)
        records = {
            "file": pa.chunked_array(files),
            "source": pa.chunked_array(sources),
            "source_person_id": pa.chunked_array(spids),
            "person_id": _person_ids(np.concatenate(people)),
        }
        write_csv(truth / "records.csv", pa.table(records))
        write_csv(truth / "people.csv", self._people())
        write_csv(truth / "releases.csv", self._release_truth())

    def _people(self) -> pa.Table:
        ident = self.county.ident
        n = ident.dob.size
        return pa.table(
            {
                "person_id": _person_ids(np.arange(n)),
                "first_name": ident.vocabulary.text(ident.first),
                "middle_name": ident.vocabulary.text(ident.middle),
                "last_name": ident.vocabulary.text(ident.last),
                "suffix": ident.vocabulary.text(ident.suffix),
                "date_of_birth": to_arrow("date_of_birth", ident.dob),
                "sex": to_arrow("sex", ident.sex),
                "race": to_arrow("race", ident.race),
                "ethnicity": to_arrow("ethnicity", ident.ethnicity),
                "state_id": to_arrow("state_id", ident.state_id),
                "fbi_number": to_arrow("fbi_number", ident.fbi_number),
                "residence_zip": to_arrow("residence_zip", ident.zip),
                "risk_level": to_arrow("risk_level", self.county.risk),
                "released": pa.array(np.arange(n) < self.summary.people),
            }
        )

    def _release_truth(self) -> pa.Table:
        county = self.county
        rel = pd.concat(self.release_rows, ignore_index=True)
        rel = rel.sort_values(["release_date", "person", "release_id"], kind="stable").reset_index(
            drop=True
        )
        events = county.events
        firsts = {
            "first_rearrest_date": (0, 1),
            "first_reconviction_date": (2,),
            "first_reincarceration_date": (3, 4),
        }
        columns: dict[str, pa.Array] = {
            "person_id": _person_ids(rel["person"].to_numpy()),
            "source": pa.array(rel["source"]),
            "source_person_id": pa.array(rel["source_person_id"]),
        }
        for name in (
            "admission_date",
            "release_date",
            "facility_type",
            "release_type",
            "supervision_type",
        ):
            columns[name] = to_arrow(name, rel[name].to_numpy())
        rows = np.searchsorted(
            county.releases["release_id"].to_numpy(), rel["release_id"].to_numpy()
        )
        columns["risk_level"] = to_arrow("risk_level", county.releases["risk"].to_numpy()[rows])
        age = (
            rel["release_date"].to_numpy() - county.ident.dob[rel["person"].to_numpy()]
        ) / sim.YEAR
        columns["age_at_release"] = pa.array(np.floor(age).astype(np.int64))
        for name, types in firsts.items():
            chosen = events[events["event_type"].isin(types)]
            columns[name] = to_arrow(name, first_after(rel, chosen, strict=True))
        deaths = events[events["event_type"] == sim.EV["death"]]
        columns["death_date"] = to_arrow("death_date", first_after(rel, deaths, strict=False))
        participated, completed = _participation(rel, county.programs)
        columns["program_participated"] = pa.array(participated)
        columns["program_completed"] = pa.array(completed)
        return pa.table(columns)


def first_after(releases: pd.DataFrame, events: pd.DataFrame, *, strict: bool) -> np.ndarray:
    """Each release's first event of the person after the release day (or on it)."""
    left = pd.DataFrame(
        {
            "person": releases["person"].to_numpy(),
            "day": releases["release_date"].to_numpy(),
            "row": np.arange(len(releases)),
        }
    )
    left = left.sort_values("day", kind="stable")
    right = pd.DataFrame(
        {"person": events["person"].to_numpy(), "event": events["date"].to_numpy()}
    )
    right = right.sort_values("event", kind="stable")
    right["day"] = right["event"]
    merged = pd.merge_asof(
        left, right, on="day", by="person", direction="forward", allow_exact_matches=not strict
    )
    out = np.full(len(releases), NEVER, dtype=np.int64)
    found = merged["event"].notna().to_numpy()
    out[merged["row"].to_numpy()[found]] = merged["event"].to_numpy()[found].astype(np.int64)
    return out


def _participation(releases: pd.DataFrame, programs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """DATA.md's rule, on true identities: a program enrolled or completed whose start is
    between admission (or 365 days before release) and 90 days after release."""
    active = programs[programs["status"].isin((sim.ST["enrolled"], sim.ST["completed"]))]
    rel = pd.DataFrame(
        {
            "person": releases["person"].to_numpy(),
            "admission": releases["admission_date"].to_numpy(),
            "release": releases["release_date"].to_numpy(),
            "row": np.arange(len(releases)),
        }
    )
    pairs = rel.merge(active[["person", "start_date", "status"]], on="person", how="inner")
    inside = (pairs["start_date"] >= pairs["admission"]) & (
        pairs["start_date"] <= pairs["release"] + 90
    )
    pairs = pairs[inside]
    participated = np.zeros(len(releases), dtype=bool)
    participated[pairs["row"].to_numpy()] = True
    completed = np.zeros(len(releases), dtype=bool)
    completed[pairs.loc[pairs["status"] == sim.ST["completed"], "row"].to_numpy()] = True
    return participated, completed


def _distinct(people: np.ndarray) -> np.ndarray:
    """Sorted distinct person numbers, by marking (np.unique's hashing is slow here)."""
    seen = np.zeros(people.max(initial=-1) + 1, dtype=bool)
    seen[people] = True
    return np.flatnonzero(seen)


def _person_ids(person: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise("P", ids.padded(person + 1, 8), "")


def _event_ids(prefix: str, days: np.ndarray) -> pa.Array:
    year = days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    width = max(7, len(str(days.size)))
    return pc.binary_join_element_wise(
        prefix, ids.padded(year, 4), "-", ids.padded(np.arange(1, days.size + 1), width), ""
    )


def to_arrow(column: str, values: np.ndarray | pa.Array) -> pa.Array:
    if column in CODES:
        return pa.array(CODES[column]).take(pa.array(np.asarray(values, dtype=np.int32)))
    if column.endswith("_date") or column == "date_of_birth":
        days = np.asarray(values, dtype=np.int64)
        missing = days == NEVER
        return pa.array(np.where(missing, 0, days).astype(np.int32), mask=missing).cast(pa.date32())
    if isinstance(values, pa.Array):
        return values
    if values.dtype == bool:
        return pa.array(values)
    return pa.array(values, type=pa.string(), from_pandas=True)


def write_csv(path: Path, table: pa.Table) -> None:
    """Plain CSV: a bare header and no quotes, like most agencies' exports."""
    # Quoting is off: no name, code or program name holds a comma, quote or line break
    # (the tests check the lists), and typos only insert letters.
    with path.open("wb") as out:
        out.write((",".join(table.column_names) + "\n").encode())
        pv.write_csv(table, out, pv.WriteOptions(include_header=False, quoting_style="none"))


def _write_manifest(out_dir: Path, summary: SynthSummary) -> None:
    manifest = {
        "seed": summary.seed,
        "people": summary.people,
        "data_through": summary.data_through.isoformat(),
        "files": [
            {"file": name, "kind": kind, "source": source, "rows": summary.files[name]}
            for name, (kind, source) in FILES.items()
        ],
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")

"""Simulated justice careers for the synthetic county: custody spells, releases, events.

Each released person's career is a chain, simulated for everyone at once with numpy,
one link per loop turn: at liberty from a release, the person is rearrested, has
supervision revoked, dies, or reaches the end of the data, whichever comes first; an
arrest leads to a citation, a short jail stay, or detention until conviction and a
jail or prison sentence, and the next release starts the next link.

Time to rearrest follows a Weibull proportional-hazards model (shape below 1: the
hazard falls with time since release) tuned so that first prison releases are
rearrested at about the national rates in DATA.md (43% in a year, 68% in three,
77% in five). Completing a program multiplies the hazard by the program's ratio
from the program's start on, which is what an adjusted comparison should recover.

Dates are whole days since 1970-01-01 (int64) until the files are written. The module
is long because the chain, the programs that change it and the services that follow
from it share one set of codes and constants; splitting it would scatter them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reentrykit.data import schema

YEAR = 365.25
NEVER = np.iinfo(np.int64).max // 4

# The canonical code lists of DATA.md, in their schema order (codes index into them).
FACILITY = schema.FACILITY_TYPE
RELEASE_TYPES = schema.RELEASE_TYPE
SUPERVISION = schema.SUPERVISION_TYPE
RISK = schema.RISK_LEVEL
OFFENSES = schema.OFFENSE_CATEGORY
EVENT_TYPES = schema.EVENT_TYPE
AGENCIES = (
    "City Police",
    "County Sheriff",
    "State Patrol",
    "District Court",
    "Adult Probation",
    "State Vital Records",
)
PROGRAM_TYPES = schema.PROGRAM_TYPE
PROGRAM_STATUS = schema.PROGRAM_STATUS

Codes = np.ndarray | int  # one code per row, or one for all rows

RT = {name: code for code, name in enumerate(RELEASE_TYPES)}
SUP = {name: code for code, name in enumerate(SUPERVISION)}
EV = {name: code for code, name in enumerate(EVENT_TYPES)}
AG = {name: code for code, name in enumerate(AGENCIES)}
ST = {name: code for code, name in enumerate(PROGRAM_STATUS)}

# Custody spells.
SHORT, JAIL_SENTENCE, PRISON, PAROLE_REVOKED, PROBATION_REVOKED = range(5)

# Hazard of rearrest: H(t) = SCALE * exp(lp) * t**SHAPE, t in years.
SHAPE = 0.75
SCALE = 0.6
RISK_EFFECT = np.array([-0.65, -0.15, 0.25, 0.55])
AGE_SLOPE = -0.012  # per year of age at release, around 33
FEMALE_EFFECT = -0.15
JAIL_EFFECT = 0.14
FRAILTY_SD = 0.35

# Completing a program of this type multiplies the hazard by this much from its start.
PROGRAM_HAZARD_RATIO = np.array([0.75, 0.75, 0.88, 0.88, 0.85, 0.72, 0.9, 0.92, 1.0, 0.97, 1.0])
PROGRAM_WEIGHTS = np.array([0.12, 0.2, 0.08, 0.1, 0.15, 0.15, 0.06, 0.04, 0.03, 0.05, 0.02])
PROGRAM_DAYS = np.array([120, 90, 150, 120, 90, 70, 180, 60, 30, 14, 60])
REFERRAL_BY_RISK = np.array([0.22, 0.35, 0.5, 0.58])
COMPLETION_BY_RISK = np.array([0.7, 0.63, 0.56, 0.5])

_RELEASE_TYPE_MIX: dict[tuple[int, bool], dict[str, float]] = {
    (SHORT, True): {"pretrial_release": 0.5, "bond": 0.45, "other": 0.05},
    (SHORT, False): {
        "dismissed": 0.3,
        "pretrial_release": 0.35,
        "bond": 0.3,
        "other": 0.03,
        "unknown": 0.02,
    },
    (JAIL_SENTENCE, True): {
        "sentence_served": 0.6,
        "to_probation": 0.33,
        "to_other_supervision": 0.04,
        "other": 0.03,
    },
    (PRISON, True): {
        "to_parole": 0.47,
        "sentence_served": 0.33,
        "to_probation": 0.1,
        "to_other_supervision": 0.05,
        "other": 0.03,
        "unknown": 0.02,
    },
    (PAROLE_REVOKED, True): {"to_parole": 0.5, "sentence_served": 0.5},
    (PROBATION_REVOKED, True): {"sentence_served": 0.65, "to_probation": 0.35},
}


@dataclass(frozen=True)
class Window:
    """The days (since 1970) that the partner extracts cover."""

    events_from: int
    releases_from: int
    through: int


class Rows:
    """Columns collected in parts and concatenated once."""

    def __init__(self) -> None:
        self._parts: dict[str, list[np.ndarray]] = {}
        self.count = 0

    def add(self, **columns: np.ndarray) -> np.ndarray:
        sizes = {np.asarray(values).size for values in columns.values()}
        size = sizes.pop()
        if sizes:
            raise ValueError("columns of different lengths")
        for name, values in columns.items():
            self._parts.setdefault(name, []).append(np.asarray(values))
        ids = np.arange(self.count, self.count + size)
        self.count += size
        return ids

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame({name: np.concatenate(parts) for name, parts in self._parts.items()})


def pick(
    rng: np.random.Generator, mix: dict[str, float], size: int, codes: dict[str, int]
) -> np.ndarray:
    """Codes drawn from a {name: probability} mix."""
    names = list(mix)
    probabilities = np.array([mix[name] for name in names])
    drawn = rng.choice(len(names), size=size, p=probabilities / probabilities.sum())
    return np.array([codes[name] for name in names])[drawn]


def uniform_days(rng: np.random.Generator, low: int, high: int, size: int) -> np.ndarray:
    return rng.integers(low, high + 1, size).astype(np.int64)


def conviction_lag(rng: np.random.Generator, size: int) -> np.ndarray:
    return np.clip(30 + rng.gamma(1.6, 50.0, size), 30, 300).astype(np.int64)


def risk_category(
    rng: np.random.Generator, *, z: np.ndarray, age: np.ndarray, releases_before: np.ndarray
) -> np.ndarray:
    """The assessed risk level of a release: latent risk, youth and a record of returns."""
    score = (
        z
        + 0.35 * rng.standard_normal(z.size)
        - 0.025 * (age - 33)
        + 0.12 * np.minimum(releases_before, 5)
    )
    return np.digitize(score, [-0.6, 0.35, 1.2]).astype(np.int8)


@dataclass
class Spells:
    """Custody spells for a set of people: the main release, and for most prison
    sentences the jail stay before it, ending in a transfer."""

    kind: np.ndarray
    facility: np.ndarray
    admission: np.ndarray
    release: np.ndarray
    release_type: np.ndarray
    jail_first: np.ndarray  # bool: a jail stay came first
    jail_admission: np.ndarray
    jail_release: np.ndarray  # when transferred to prison


def custody_spells(
    rng: np.random.Generator,
    *,
    kind: np.ndarray,
    convicted: np.ndarray,
    arrested: np.ndarray,
    trigger: np.ndarray,
    conviction: np.ndarray,
    revocation: np.ndarray,
    offense: np.ndarray,
) -> Spells:
    """Admission and release of each spell, started at ``trigger`` (arrest or revocation)."""
    n = kind.size
    facility = np.where(np.isin(kind, (PRISON, PAROLE_REVOKED)), 1, 0).astype(np.int8)
    short_stay = (
        rng.geometric(0.35, n) - 1 + np.where(rng.random(n) < 0.1, rng.integers(3, 31, n), 0)
    )
    jail_sentence = np.clip(np.exp(rng.normal(np.log(60), 0.8, n)), 5, 365).astype(np.int64)
    prison_stay = np.exp(rng.normal(np.log(480), 0.6, n)) * np.where(offense == 0, 1.4, 1.0)
    prison_stay = np.clip(prison_stay, 120, 3650).astype(np.int64)
    admission = trigger.copy()
    release = trigger + short_stay
    sentenced = kind == JAIL_SENTENCE
    release[sentenced] = conviction[sentenced] + jail_sentence[sentenced]
    to_prison = kind == PRISON
    admission[to_prison] = conviction[to_prison]
    release[to_prison] = conviction[to_prison] + prison_stay[to_prison]
    parole = kind == PAROLE_REVOKED
    parole_stay = np.where(arrested, uniform_days(rng, 180, 720, n), uniform_days(rng, 90, 540, n))
    admission[parole] = revocation[parole]
    release[parole] = revocation[parole] + parole_stay[parole]
    probation = kind == PROBATION_REVOKED
    release[probation] = revocation[probation] + uniform_days(rng, 30, 240, n)[probation]
    # Some are summoned rather than held until sentencing: no jail stay before prison.
    summoned = to_prison & (rng.random(n) < 0.4)
    jail_first = (to_prison & ~summoned) | (parole & arrested)
    jail_release = np.where(to_prison, conviction, revocation)
    release_type = np.full(n, RT["unknown"], dtype=np.int8)
    for (spell_kind, was_convicted), mix in _RELEASE_TYPE_MIX.items():
        rows = (kind == spell_kind) & (convicted == was_convicted if spell_kind == SHORT else True)
        release_type[rows] = pick(rng, mix, int(rows.sum()), RT)
    return Spells(
        kind=kind,
        facility=facility,
        admission=admission,
        release=release,
        release_type=release_type,
        jail_first=jail_first,
        jail_admission=trigger.copy(),
        jail_release=jail_release,
    )


def supervision_for(rng: np.random.Generator, release_type: np.ndarray) -> np.ndarray:
    """Supervision consistent with the release type (to_parole -> parole, ...)."""
    supervision = np.full(release_type.size, SUP["none"], dtype=np.int8)
    supervision[release_type == RT["to_parole"]] = SUP["parole"]
    supervision[release_type == RT["to_probation"]] = SUP["probation"]
    supervision[release_type == RT["to_other_supervision"]] = SUP["other"]
    supervision[release_type == RT["unknown"]] = SUP["unknown"]
    draw = rng.random(release_type.size)
    # Some pretrial releases go to pretrial services; "other" releases are badly coded.
    supervision[(release_type == RT["pretrial_release"]) & (draw < 0.35)] = SUP["other"]
    supervision[(release_type == RT["other"]) & (draw < 0.3)] = SUP["unknown"]
    return supervision


def arrest_days(
    rng: np.random.Generator, *, lp: np.ndarray, ratio: np.ndarray, start: np.ndarray
) -> np.ndarray:
    """Days to rearrest; the hazard is multiplied by ``ratio`` from day ``start`` on."""
    c = SCALE * np.exp(lp)
    s = start / YEAR
    e = rng.exponential(1.0, lp.size)
    before = c * s**SHAPE
    after = np.maximum(e - before, 0.0)
    years = np.where(
        e <= before, (e / c) ** (1 / SHAPE), (s**SHAPE + after / (ratio * c)) ** (1 / SHAPE)
    )
    return np.maximum(np.ceil(years * YEAR), 1).astype(np.int64)


def death_days(rng: np.random.Generator, age: np.ndarray) -> np.ndarray:
    """Days to death: about 1% a year at 35, rising 6% per year of age."""
    rate = 0.01 * np.exp(0.06 * (age - 35))
    years = rng.exponential(1.0, age.size) / rate
    return np.maximum(np.ceil(np.minimum(years, 200) * YEAR), 1).astype(np.int64)


def arrest_offense(rng: np.random.Generator, preferred: np.ndarray) -> np.ndarray:
    """People tend to be arrested for the same kind of offense again."""
    other = rng.choice(5, size=preferred.size, p=[0.22, 0.3, 0.25, 0.18, 0.05])
    return np.where(rng.random(preferred.size) < 0.5, preferred, other).astype(np.int8)


@dataclass
class ProgramEffect:
    ratio: np.ndarray  # hazard ratio for the next rearrest
    start: np.ndarray  # days after release from which it applies


def assign_programs(
    rng: np.random.Generator,
    programs: Rows,
    *,
    release_ids: np.ndarray,
    stay: np.ndarray,
    admission: np.ndarray,
    release: np.ndarray,
    risk: np.ndarray,
    kind: np.ndarray,
    through: int,
) -> ProgramEffect:
    """Referrals for new releases: high risk more often, but not always."""
    n = release_ids.size
    by_kind = np.select([kind == SHORT, kind == PRISON], [0.2, 1.0], 0.75)
    referred = rng.random(n) < REFERRAL_BY_RISK[risk] * by_kind
    draw = rng.random(n)
    count = np.where(referred, 1 + (draw < 0.25) + (draw < 0.05), 0)
    owner = np.repeat(np.arange(n), count)
    m = owner.size
    kind_of = rng.choice(len(PROGRAM_TYPES), size=m, p=PROGRAM_WEIGHTS)
    pre = (stay[owner] >= 45) & (rng.random(m) < 0.45)
    referral_post = release[owner] + np.where(
        rng.random(m) < 0.75, rng.integers(-10, 31, m), rng.integers(31, 151, m)
    )
    referral_pre = admission[owner] + (rng.uniform(0.1, 0.7, m) * stay[owner]).astype(np.int64)
    referral = np.where(pre, referral_pre, referral_post)
    start_pre = np.clip(referral + rng.integers(0, 22, m), referral, release[owner] - 1)
    start_post = np.maximum(referral, release[owner] + 1) + rng.integers(0, 31, m)
    start = np.maximum(np.where(pre, start_pre, start_post), referral)
    only_referred = rng.random(m) < 0.2
    completes = ~only_referred & (rng.random(m) < COMPLETION_BY_RISK[risk[owner]])
    status = np.where(rng.random(m) < 0.55, ST["dropped"], ST["terminated"])
    status[completes] = ST["completed"]
    status[only_referred] = ST["referred"]
    length = PROGRAM_DAYS[kind_of] * rng.uniform(0.7, 1.3, m)
    length = np.where(completes, length, length * rng.uniform(0.1, 0.8, m))
    end = start + np.maximum(length.astype(np.int64), 1)
    # What the provider's extract shows at the end of the data.
    shown = status.copy()
    shown[(~only_referred) & (end > through)] = ST["enrolled"]
    shown[start > through] = ST["referred"]
    has_start = shown != ST["referred"]
    has_end = np.isin(shown, (ST["completed"], ST["dropped"], ST["terminated"]))
    programs.add(
        release_id=release_ids[owner],
        program_type=kind_of.astype(np.int8),
        pre_release=pre,
        status=shown.astype(np.int8),
        completes=completes,
        referral_date=referral,
        start_date=np.where(has_start, start, NEVER),
        end_date=np.where(has_end, end, NEVER),
    )
    log_ratio = np.zeros(n)
    np.add.at(log_ratio, owner, np.where(completes, np.log(PROGRAM_HAZARD_RATIO[kind_of]), 0.0))
    first_start = np.full(n, NEVER, dtype=np.int64)
    np.minimum.at(first_start, owner[completes], (start - release[owner])[completes])
    effect_start = np.where(first_start == NEVER, 0, np.maximum(first_start, 0))
    return ProgramEffect(ratio=np.exp(np.maximum(log_ratio, np.log(0.6))), start=effect_start)


@dataclass
class Careers:
    """Released people's true attributes and every record their careers left."""

    dob: np.ndarray
    female: np.ndarray
    first_risk: np.ndarray
    releases: pd.DataFrame
    events: pd.DataFrame
    programs: pd.DataFrame


class _Chain:
    """Where each released person's career stands between two links."""

    def __init__(self, rng: np.random.Generator, n: int, window: Window) -> None:
        self.rng = rng
        self.window = window
        self.female = rng.random(n) < 0.19
        self.z = rng.standard_normal(n)
        self.frailty = rng.normal(0.0, FRAILTY_SD, n)
        self.preferred = rng.choice(5, size=n, p=[0.22, 0.3, 0.25, 0.18, 0.05]).astype(np.int8)
        self.dob = np.zeros(n, dtype=np.int64)
        self.at_liberty = np.zeros(n, dtype=np.int64)
        self.facility = np.zeros(n, dtype=np.int8)
        self.supervision = np.zeros(n, dtype=np.int8)
        self.risk = np.zeros(n, dtype=np.int8)
        self.first_risk = np.full(n, -1, dtype=np.int8)
        self.ratio = np.ones(n)
        self.effect_start = np.zeros(n, dtype=np.int64)
        self.releases_so_far = np.zeros(n, dtype=np.int64)
        self.releases = Rows()
        self.events = Rows()
        self.programs = Rows()

    def event(
        self, who: np.ndarray, date: np.ndarray, kind: str, offense: Codes, agency: Codes
    ) -> None:
        size = who.size
        self.events.add(
            person=who,
            date=np.asarray(date, dtype=np.int64),
            event_type=np.full(size, EV[kind], dtype=np.int8),
            offense=np.broadcast_to(np.asarray(offense, dtype=np.int8), size),
            agency=np.broadcast_to(np.asarray(agency, dtype=np.int8), size),
        )

    def arrest_event(self, who: np.ndarray, date: np.ndarray, offense: np.ndarray) -> None:
        agency = self.rng.choice(3, size=who.size, p=[0.7, 0.2, 0.1]).astype(np.int8)
        self.event(who, date, "arrest", offense, agency)

    def court_events(
        self,
        who: np.ndarray,
        *,
        convicted: np.ndarray,
        date: np.ndarray,
        offense: np.ndarray,
        kind: np.ndarray,
    ) -> None:
        # Most convictions are for the offense charged; pleas bargain some down.
        pleaded = np.where(self.rng.random(who.size) < 0.15, 3, offense)
        self.event(
            who[convicted], date[convicted], "conviction", pleaded[convicted], AG["District Court"]
        )
        locked_up = np.isin(kind, (PRISON, JAIL_SENTENCE))
        self.event(
            who[locked_up],
            date[locked_up],
            "incarceration",
            offense[locked_up],
            AG["District Court"],
        )

    def prior_arrests(self, who: np.ndarray, before: np.ndarray) -> None:
        """Arrests in the years before the first release in the data (a criminal history)."""
        rng = self.rng
        recent = rng.poisson(0.55 * np.exp(0.35 * self.z[who]))
        older = rng.poisson(0.5, who.size)
        owner = np.concatenate(
            [np.repeat(np.arange(who.size), recent), np.repeat(np.arange(who.size), older)]
        )
        span_low = np.concatenate([np.full(recent.sum(), 1), np.full(older.sum(), 1096)])
        span_high = np.concatenate([np.full(recent.sum(), 1095), np.full(older.sum(), 2920)])
        date = before[owner] - rng.integers(span_low, span_high + 1)
        adult = date - self.dob[who[owner]] >= 18 * YEAR
        owner, date = owner[adult], date[adult]
        people = who[owner]
        offense = arrest_offense(rng, self.preferred[people])
        self.arrest_event(people, date, offense)
        convicted = rng.random(people.size) < 0.5
        conviction = date + conviction_lag(rng, people.size)
        self.court_events(
            people,
            convicted=convicted,
            date=conviction,
            offense=offense,
            kind=np.full(people.size, SHORT),
        )

    def record(self, who: np.ndarray, spells: Spells, offense: np.ndarray) -> np.ndarray:
        """Write the spells' release rows and start the next link; returns who goes on."""
        rng, n = self.rng, who.size
        age = (spells.release - self.dob[who]) / YEAR
        risk = risk_category(rng, z=self.z[who], age=age, releases_before=self.releases_so_far[who])
        release_type = spells.release_type.copy()
        oldest = self.dob[who] + int(75 * YEAR) - 1
        release = np.maximum(np.minimum(spells.release, oldest), spells.admission)
        stay = release - spells.admission
        died = (stay >= 30) & (rng.random(n) < 0.003)
        release[died] = (
            spells.admission[died] + (rng.random(died.sum()) * stay[died]).astype(np.int64) + 1
        )
        release_type[died] = RT["death"]
        self.event(
            who[died], release[died], "death", OFFENSES.index("unknown"), AG["State Vital Records"]
        )
        jail = spells.jail_first
        self.releases.add(
            person=who[jail],
            facility=np.zeros(jail.sum(), dtype=np.int8),
            admission=spells.jail_admission[jail],
            release=spells.jail_release[jail],
            release_type=np.full(jail.sum(), RT["transfer"], dtype=np.int8),
            supervision=np.full(jail.sum(), SUP["none"], dtype=np.int8),
            risk=risk[jail],
            offense=offense[jail],
            kind=spells.kind[jail],
            main=np.zeros(jail.sum(), dtype=bool),
        )
        # A few leave custody for a while and come back (furlough, hospital, escape).
        away = (stay >= 20) & ~died & (rng.random(n) < 0.007)
        away_day = (
            spells.admission[away]
            + (rng.random(away.sum()) * (stay[away] - 1)).astype(np.int64)
            + 1
        )
        away_type = np.where(rng.random(away.sum()) < 0.15, RT["escape"], RT["temporary"])
        self.releases.add(
            person=who[away],
            facility=spells.facility[away],
            admission=spells.admission[away],
            release=away_day,
            release_type=away_type.astype(np.int8),
            supervision=np.full(away.sum(), SUP["none"], dtype=np.int8),
            risk=risk[away],
            offense=offense[away],
            kind=spells.kind[away],
            main=np.zeros(away.sum(), dtype=bool),
        )
        supervision = supervision_for(rng, release_type)
        ids = self.releases.add(
            person=who,
            facility=spells.facility,
            admission=spells.admission,
            release=release,
            release_type=release_type,
            supervision=supervision,
            risk=risk,
            offense=offense,
            kind=spells.kind,
            main=~died,
        )
        # Booked again on the day of release (a hold or warrant): must not count as rearrest.
        hold = ~died & (rng.random(n) < 0.02)
        self.event(who[hold], release[hold], "booking", offense[hold], AG["County Sheriff"])
        effect = assign_programs(
            rng,
            self.programs,
            release_ids=ids,
            stay=stay,
            admission=spells.admission,
            release=release,
            risk=risk,
            kind=spells.kind,
            through=self.window.through,
        )
        self.at_liberty[who] = release
        self.facility[who] = spells.facility
        self.supervision[who] = supervision
        self.risk[who] = risk
        self.ratio[who] = effect.ratio
        self.effect_start[who] = effect.start
        self.releases_so_far[who] += 1
        first = self.first_risk[who] < 0
        self.first_risk[who[first]] = risk[first]
        return who[~died & (release <= self.window.through)]

    def start(self) -> np.ndarray:
        """Everyone's first release in the data, worked back to its arrest and birth date."""
        rng, window = self.rng, self.window
        n = self.dob.size
        who = np.arange(n)
        span = window.through - window.releases_from
        # People already cycling through custody come out early in the window.
        early = window.releases_from + np.minimum(rng.exponential(365.0, n), span).astype(np.int64)
        release = np.where(
            rng.random(n) < 0.35, early, window.releases_from + rng.integers(0, span + 1, n)
        )
        kind = rng.choice([SHORT, JAIL_SENTENCE, PRISON], size=n, p=[0.45, 0.25, 0.3])
        convicted = (kind != SHORT) | (rng.random(n) < 0.4)
        offense = arrest_offense(rng, self.preferred)
        lag = conviction_lag(rng, n)
        zero = np.zeros(n, dtype=np.int64)
        spells = custody_spells(
            rng,
            kind=kind,
            convicted=convicted,
            arrested=np.ones(n, dtype=bool),
            trigger=zero,
            conviction=lag,
            revocation=zero,
            offense=offense,
        )
        shift = release - spells.release
        for name in ("admission", "release", "jail_admission", "jail_release"):
            setattr(spells, name, getattr(spells, name) + shift)
        arrest = shift
        age = np.clip(18 + rng.gamma(2.0, 8.0, n), 18, 68)
        self.dob[:] = arrest - (age * YEAR).astype(np.int64)
        self.arrest_event(who, arrest, offense)
        self.court_events(who, convicted=convicted, date=arrest + lag, offense=offense, kind=kind)
        self.prior_arrests(who, arrest)
        return self.record(who, spells, offense)

    def step(self, who: np.ndarray) -> np.ndarray:
        """One link for everyone at liberty: returns who is at liberty again afterwards."""
        rng, through = self.rng, self.window.through
        liberty = self.at_liberty[who]
        age = (liberty - self.dob[who]) / YEAR
        lp = (
            RISK_EFFECT[self.risk[who]]
            + AGE_SLOPE * (age - 33)
            + FEMALE_EFFECT * self.female[who]
            + JAIL_EFFECT * (self.facility[who] == 0)
            + self.frailty[who]
        )
        to_arrest = arrest_days(rng, lp=lp, ratio=self.ratio[who], start=self.effect_start[who])
        to_death = death_days(rng, age)
        supervision = self.supervision[who]
        supervised = np.isin(supervision, (SUP["parole"], SUP["probation"]))
        violates = supervised & (
            rng.random(who.size) < np.where(supervision == SUP["parole"], 0.22, 0.15)
        )
        to_violation = np.where(violates, uniform_days(rng, 60, 900, who.size), NEVER)
        first = np.minimum(np.minimum(to_arrest, to_death), to_violation)
        # Nobody leaves custody older than 75 in the data: stop careers at 74.
        going_on = (first <= through - liberty) & (liberty + first - self.dob[who] < 74 * YEAR)
        dies = going_on & (to_death == first)
        violated = going_on & ~dies & (to_violation == first)
        arrested = going_on & ~dies & ~violated
        self.event(who[dies], liberty[dies] + to_death[dies], "death", 5, AG["State Vital Records"])
        cited, locked_up = self._arrests(who[arrested], liberty[arrested] + to_arrest[arrested])
        revoked = self._violations(who[violated], liberty[violated] + to_violation[violated])
        return np.sort(np.concatenate([cited, locked_up, revoked]))

    def _arrests(self, who: np.ndarray, arrest: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        rng, n = self.rng, who.size
        offense = arrest_offense(rng, self.preferred[who])
        self.arrest_event(who, arrest, offense)
        risk = self.risk[who]
        supervision = self.supervision[who]
        revoked = np.isin(supervision, (SUP["parole"], SUP["probation"])) & (rng.random(n) < 0.35)
        convicted = rng.random(n) < np.array([0.5, 0.57, 0.62, 0.66])[risk]
        to_prison = 0.15 + 0.05 * risk + 0.1 * (offense == 0)
        draw = rng.random(n)
        kind = np.where(
            convicted & (draw < to_prison),
            PRISON,
            np.where(convicted & (draw < to_prison + 0.35), JAIL_SENTENCE, SHORT),
        )
        kind = np.where(revoked & (supervision == SUP["parole"]), PAROLE_REVOKED, kind)
        kind = np.where(revoked & (supervision == SUP["probation"]), PROBATION_REVOKED, kind)
        cited = (kind == SHORT) & (rng.random(n) < np.where(convicted, 0.15, 0.25))
        conviction = arrest + conviction_lag(rng, n)
        revocation = arrest + uniform_days(rng, 7, 60, n)
        self.court_events(who, convicted=convicted, date=conviction, offense=offense, kind=kind)
        self.event(who[revoked], revocation[revoked], "revocation", 4, AG["Adult Probation"])
        booked = ~cited & (rng.random(n) < 0.1)
        self.event(who[booked], arrest[booked], "booking", offense[booked], AG["County Sheriff"])
        # A citation leaves the person at liberty: the next arrest is drawn from this one.
        self.at_liberty[who[cited]] = arrest[cited]
        self.ratio[who[cited]] = 1.0
        self.effect_start[who[cited]] = 0
        custody = ~cited
        spells = custody_spells(
            rng,
            kind=kind[custody],
            convicted=convicted[custody],
            arrested=np.ones(custody.sum(), dtype=bool),
            trigger=arrest[custody],
            conviction=conviction[custody],
            revocation=revocation[custody],
            offense=offense[custody],
        )
        return who[cited], self.record(who[custody], spells, offense[custody])

    def _violations(self, who: np.ndarray, revocation: np.ndarray) -> np.ndarray:
        """Technical violations: revoked without a new arrest."""
        n = who.size
        self.event(who, revocation, "revocation", 4, AG["Adult Probation"])
        parole = self.supervision[who] == SUP["parole"]
        kind = np.where(parole, PAROLE_REVOKED, PROBATION_REVOKED)
        offense = np.full(n, 4, dtype=np.int8)
        spells = custody_spells(
            self.rng,
            kind=kind,
            convicted=np.ones(n, dtype=bool),
            arrested=np.zeros(n, dtype=bool),
            trigger=revocation,
            conviction=revocation,
            revocation=revocation,
            offense=offense,
        )
        return self.record(who, spells, offense)


def simulate_careers(rng: np.random.Generator, *, people: int, window: Window) -> Careers:
    chain = _Chain(rng, people, window)
    at_liberty = chain.start()
    while at_liberty.size:
        at_liberty = chain.step(at_liberty)
    releases = chain.releases.frame()
    releases.insert(0, "release_id", np.arange(len(releases)))
    return Careers(
        dob=chain.dob,
        female=chain.female,
        first_risk=chain.first_risk,
        releases=releases,
        events=chain.events.frame(),
        programs=chain.programs.frame(),
    )


def simulate_background(
    rng: np.random.Generator, *, people: int, first_person: int, window: Window
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Arrests of people never released in the data: the non-matches linkage must reject.

    Returns their events, dates of birth and whether each is female.
    """
    n = people
    owner = np.repeat(np.arange(n), 1 + rng.poisson(0.7, n))
    arrest = rng.integers(window.events_from, window.through + 1, owner.size).astype(np.int64)
    first_arrest = np.full(n, NEVER, dtype=np.int64)
    np.minimum.at(first_arrest, owner, arrest)
    last_arrest = np.zeros(n, dtype=np.int64)
    np.maximum.at(last_arrest, owner, arrest)
    dob = first_arrest - (np.clip(18 + rng.gamma(2.0, 9.0, n), 18, 80) * YEAR).astype(np.int64)
    female = rng.random(n) < 0.25
    offense = rng.choice(5, size=owner.size, p=[0.18, 0.3, 0.25, 0.22, 0.05]).astype(np.int8)
    convicted = rng.random(owner.size) < 0.45
    conviction = arrest + conviction_lag(rng, owner.size)
    revoked = convicted & (rng.random(owner.size) < 0.08)
    revocation = conviction + uniform_days(rng, 60, 700, owner.size)
    died = rng.random(n) < 0.02
    death = last_arrest + uniform_days(rng, 1, 2000, n)
    m = int(convicted.sum())
    parts = [
        (owner, arrest, EV["arrest"], offense, rng.choice(3, size=owner.size, p=[0.7, 0.2, 0.1])),
        (
            owner[convicted],
            conviction[convicted],
            EV["conviction"],
            offense[convicted],
            np.full(m, 3),
        ),
        (owner[revoked], revocation[revoked], EV["revocation"], np.full(revoked.sum(), 4), 4),
        (np.flatnonzero(died), death[died], EV["death"], 5, 5),
    ]
    events = Rows()
    for who, date, kind, off, agency in parts:
        events.add(
            person=first_person + who,
            date=date,
            event_type=np.full(who.size, kind, dtype=np.int8),
            offense=np.broadcast_to(np.asarray(off, dtype=np.int8), who.size),
            agency=np.broadcast_to(np.asarray(agency, dtype=np.int8), who.size),
        )
    return events.frame(), dob, female


NEEDS = ("housing", "employment", "education", "substance_use", "mental_health", "family")
_NEED_BASE = np.array([0.2, 0.3, 0.2, 0.3, 0.15, 0.1])
_NEED_SLOPE = np.array([0.08, 0.08, 0.05, 0.08, 0.04, 0.04])


def simulate_assessments(
    rng: np.random.Generator, releases: pd.DataFrame, *, window: Window
) -> pd.DataFrame:
    """Risk/needs assessments: most before release, some after, some never."""
    main = releases[releases["main"] & (releases["release"] <= window.through)]
    n = len(main)
    kind = main["kind"].to_numpy()
    before_share = np.select(
        [kind == SHORT, kind == PRISON, kind == JAIL_SENTENCE], [0.55, 0.88, 0.75], 0.8
    )
    draw = rng.random(n)
    before = draw < before_share
    after = ~before & (draw < before_share + 0.12 * (1 - before_share))
    admission = main["admission"].to_numpy()
    release = main["release"].to_numpy()
    stay = release - admission
    date = np.where(
        before,
        admission + (rng.random(n) * (stay + 1)).astype(np.int64),
        release + uniform_days(rng, 1, 60, n),
    )
    date = np.where(before, np.minimum(date, release), date)
    assessed = before | after
    risk = main["risk"].to_numpy().astype(np.int64)
    # Tools and assessors disagree now and then by one level.
    shift = np.where(rng.random(n) < 0.1, rng.choice([-1, 1], size=n), 0)
    measured = np.clip(risk + shift, 0, 3)
    prison_tool = np.isin(kind, (PRISON, PAROLE_REVOKED))
    frame = pd.DataFrame(
        {
            "release_id": main["release_id"].to_numpy(),
            "person": main["person"].to_numpy(),
            "date": date,
            "before_release": before,
            "risk": measured.astype(np.int8),
            "tool": np.where(prison_tool, "LSI-R", "ORAS-CST"),
        }
    )
    for need, base, slope in zip(NEEDS, _NEED_BASE, _NEED_SLOPE, strict=True):
        frame[f"need_{need}"] = rng.random(n) < base + slope * measured
    frame = frame[assessed & (date <= window.through)]
    return frame.reset_index(drop=True)


def simulate_outcomes(
    rng: np.random.Generator, releases: pd.DataFrame, programs: pd.DataFrame, *, window: Window
) -> pd.DataFrame:
    """Workforce Board records: jobs after programs, and some after release anyway."""
    finished = programs[
        (programs["status"] == ST["completed"])
        & ~programs["pre_release"]
        & (programs["end_date"] <= window.through)
    ]
    ptype = finished["program_type"].to_numpy()
    end = finished["end_date"].to_numpy()
    rows = np.searchsorted(releases["release_id"].to_numpy(), finished["release_id"].to_numpy())
    owner = releases["person"].to_numpy()[rows]
    m = len(finished)
    employed = rng.random(m) < np.where(ptype == PROGRAM_TYPES.index("employment"), 0.55, 0.35)
    housed = (ptype == PROGRAM_TYPES.index("housing")) & (rng.random(m) < 0.5)
    schooled = (ptype == PROGRAM_TYPES.index("education")) & (rng.random(m) < 0.4)
    main = releases[releases["main"]]
    n = len(main)
    who = main["person"].to_numpy()
    release = main["release"].to_numpy()
    draw = rng.random(n)
    job = draw < 0.12
    benefits = (draw >= 0.12) & (draw < 0.18)
    other = (draw >= 0.18) & (draw < 0.2)
    parts = [
        (owner, end + uniform_days(rng, 1, 90, m), employed, "employed"),
        (owner, end + uniform_days(rng, 0, 30, m), housed, "housed"),
        (owner, end + uniform_days(rng, 0, 60, m), schooled, "enrolled_education"),
        (who, release + uniform_days(rng, 30, 365, n), job, "employed"),
        (who, release + uniform_days(rng, 1, 120, n), benefits, "benefits_enrolled"),
        (who, release + uniform_days(rng, 1, 365, n), other, "other"),
    ]
    frame = pd.DataFrame(
        {
            "person": np.concatenate([people[rows] for people, _, rows, _ in parts]),
            "date": np.concatenate([dates[rows] for _, dates, rows, _ in parts]),
            "outcome_type": np.concatenate(
                [np.full(rows.sum(), kind) for _, _, rows, kind in parts]
            ),
        }
    )
    frame = frame[frame["date"] <= window.through].drop_duplicates()
    return frame.reset_index(drop=True)

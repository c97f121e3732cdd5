"""True identities of the synthetic county's people, and each agency's way of recording them.

Every source record gets its own noise, drawn independently: nicknames, typos,
swapped first and last names, day and month of birth transposed, accents and
punctuation dropped, upper case, missing state ids. These are the cases that
DATA.md says linkage must survive, at rates close to what clerks produce.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from reentrykit.data import synth_names as names

NEVER = np.iinfo(np.int64).max // 4
SEX = ("female", "male", "other", "unknown")
RACE = ("aian", "asian", "black", "nhpi", "white", "other", "unknown")
ETHNICITY = ("hispanic", "not_hispanic", "unknown")
COUNTY_ZIPS = tuple(str(code) for code in range(53201, 53249))
NEARBY_ZIPS = tuple(str(code) for code in range(53001, 53099, 7))


@dataclass(frozen=True)
class Style:
    """How one agency records identities: its conventions, and how often each slip happens."""

    upper: bool  # names in capitals
    ascii: bool  # accents dropped
    punctuation: tuple[float, float, float]  # as written, loosened, squeezed (see names)
    nickname: float
    typo: float
    swap: float  # first and last name swapped
    dob_swap: float  # day and month transposed (where the day is 12 or less)
    dob_other: float  # year or day off
    dob_missing: float = 0.0
    state_id_missing: float = 0.0
    suffix: float = 0.5  # "Jr"/"III" appended to the last name when the person has one
    other_case: float = 0.02
    sex_unknown: float = 0.004
    middle: tuple[float, float, float] = (0.6, 0.25, 0.15)  # full, initial, missing


# fmt: off
STYLES: dict[str, Style] = {
    "County Jail": Style(
        upper=True, ascii=True, punctuation=(0.3, 0.4, 0.3), nickname=0.06, typo=0.03,
        swap=0.012, dob_swap=0.015, dob_other=0.005, state_id_missing=0.08, suffix=0.6,
        middle=(0.45, 0.25, 0.3),
    ),
    "State Department of Corrections": Style(
        upper=True, ascii=True, punctuation=(0.8, 0.15, 0.05), nickname=0.02, typo=0.015,
        swap=0.005, dob_swap=0.008, dob_other=0.003, state_id_missing=0.02, suffix=0.8,
        middle=(0.7, 0.2, 0.1),
    ),
    "City Police": Style(
        upper=True, ascii=True, punctuation=(0.1, 0.5, 0.4), nickname=0.08, typo=0.04,
        swap=0.012, dob_swap=0.02, dob_other=0.006, dob_missing=0.005, state_id_missing=0.4,
        suffix=0.4,
    ),
    "District Court": Style(
        upper=False, ascii=False, punctuation=(0.9, 0.08, 0.02), nickname=0.03, typo=0.02,
        swap=0.008, dob_swap=0.012, dob_other=0.004, state_id_missing=0.2, suffix=0.7,
    ),
    "Adult Probation": Style(
        upper=False, ascii=True, punctuation=(0.7, 0.2, 0.1), nickname=0.05, typo=0.025,
        swap=0.01, dob_swap=0.015, dob_other=0.005, state_id_missing=0.1,
    ),
    "State Vital Records": Style(
        upper=False, ascii=False, punctuation=(0.95, 0.05, 0.0), nickname=0.005, typo=0.008,
        swap=0.002, dob_swap=0.004, dob_other=0.001, state_id_missing=0.92, suffix=0.9,
    ),
    "Second Chance Works": Style(
        upper=False, ascii=True, punctuation=(0.6, 0.25, 0.15), nickname=0.2, typo=0.04,
        swap=0.01, dob_swap=0.02, dob_other=0.008, dob_missing=0.01, suffix=0.2,
        other_case=0.05,
    ),
    "Workforce Board": Style(
        upper=False, ascii=True, punctuation=(0.6, 0.3, 0.1), nickname=0.1, typo=0.03,
        swap=0.008, dob_swap=0.015, dob_other=0.005, dob_missing=0.01, suffix=0.3,
    ),
}
# fmt: on


class Vocabulary:
    """Every name string gets a code; rows carry codes, so the work per row is numpy's
    and Python touches each distinct string once."""

    def __init__(self) -> None:
        self.strings: list[str] = []
        self._codes: dict[str, int] = {}

    def code(self, value: str) -> int:
        code = self._codes.get(value)
        if code is None:
            code = self._codes[value] = len(self.strings)
            self.strings.append(value)
        return code

    def codes(self, values: list[str] | tuple[str, ...]) -> np.ndarray:
        return np.array([self.code(value) for value in values], dtype=np.int64)

    def text(self, codes: np.ndarray) -> pa.Array:
        """Codes as an Arrow string array; -1 is null."""
        return pa.array(self.strings, type=pa.string()).take(pa.array(codes, mask=codes < 0))

    def mapped(self, codes: np.ndarray, change: Callable[[str], str | None]) -> np.ndarray:
        """``change`` applied to each distinct string behind ``codes``."""
        size = len(self.strings)  # before ``change`` adds strings
        used = _present(codes[codes >= 0], size)
        table = np.full(size + 1, -1, dtype=np.int64)
        for code in used:
            changed = change(self.strings[code])
            table[code] = -1 if changed is None else self.code(changed)
        return table[np.where(codes < 0, size, codes)]


def _present(values: np.ndarray, size: int) -> np.ndarray:
    """The distinct values among non-negative ints below ``size``, sorted (O(n), no hashing)."""
    seen = np.zeros(size, dtype=bool)
    seen[values] = True
    return np.flatnonzero(seen)


@dataclass
class Identities:
    """One entry per true person. Names are vocabulary codes (-1 where absent)."""

    vocabulary: Vocabulary
    first: np.ndarray
    middle: np.ndarray
    last: np.ndarray
    suffix: np.ndarray
    dob: np.ndarray
    sex: np.ndarray
    race: np.ndarray
    ethnicity: np.ndarray
    state_id: np.ndarray  # object: str or None
    fbi_number: np.ndarray  # object: str or None
    zip: np.ndarray  # object: str


def unique_numbers(rng: np.random.Generator, size: int, *, low: int, high: int) -> np.ndarray:
    """``size`` distinct integers in [low, high), in random order."""
    if size > (high - low) // 2:
        raise ValueError("number space too small for distinct ids")
    drawn = np.empty(0, dtype=np.int64)
    while drawn.size < size:
        more = rng.integers(low, high, int((size - drawn.size) * 1.1) + 16)
        pooled = np.concatenate([drawn, more])
        _, first_seen = np.unique(pooled, return_index=True)
        drawn = pooled[np.sort(first_seen)]
    return drawn[:size]


def join_text(*parts: str | pa.Array) -> np.ndarray:
    """Element-wise concatenation through Arrow (fast); an object array of str."""
    joined = pc.binary_join_element_wise(*parts, "")
    return joined.to_numpy(zero_copy_only=False)


def padded(numbers: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(pc.cast(pa.array(numbers), pa.string()), width=width, padding="0")


def _pooled(
    rng: np.random.Generator,
    vocabulary: Vocabulary,
    size: int,
    choices: list[tuple[np.ndarray, tuple[str, ...]]],
) -> np.ndarray:
    """Names drawn (Zipf-weighted) from the first pool whose mask holds."""
    out = np.full(size, -1, dtype=np.int64)
    taken = np.zeros(size, dtype=bool)
    for mask, pool in choices:
        rows = mask & ~taken
        drawn = rng.choice(len(pool), size=int(rows.sum()), p=names.name_weights(len(pool)))
        out[rows] = vocabulary.codes(pool)[drawn]
        taken |= rows
    return out


def _pairs(vocabulary: Vocabulary, left: np.ndarray, right: np.ndarray, glue: str) -> np.ndarray:
    """Codes of "left{glue}right" for each row, built once per distinct pair."""
    width = len(vocabulary.strings) + 1  # before the joined names are added
    pairs, inverse = np.unique(left * width + right, return_inverse=True)
    joined = [
        vocabulary.code(vocabulary.strings[k // width] + glue + vocabulary.strings[k % width])
        for k in pairs
    ]
    return np.asarray(joined, dtype=np.int64)[inverse]


def make_identities(rng: np.random.Generator, *, dob: np.ndarray, female: np.ndarray) -> Identities:
    n = dob.size
    vocabulary = Vocabulary()
    hispanic = rng.random(n) < 0.18
    race_hispanic = rng.choice(7, size=n, p=[0.05, 0.0, 0.05, 0.0, 0.55, 0.2, 0.15])
    race_other = rng.choice(7, size=n, p=[0.02, 0.025, 0.4, 0.005, 0.52, 0.01, 0.02])
    race = np.where(hispanic, race_hispanic, race_other).astype(np.int8)
    ethnicity = np.where(hispanic, 0, np.where(rng.random(n) < 0.04, 2, 1)).astype(np.int8)
    sex = np.where(female, 0, 1).astype(np.int8)
    sex[rng.random(n) < 0.001] = 2
    male = sex != 0
    everyone = np.ones(n, dtype=bool)
    black, asian, aian = race == 2, race == 1, race == 0
    draw = rng.random(n)
    male_first = _pooled(rng, vocabulary, n, [
        (hispanic & (draw < 0.65), names.HISPANIC_MALE_FIRST),
        (black & (draw < 0.3), names.BLACK_MALE_FIRST),
        (asian & (draw < 0.45), names.ASIAN_MALE_FIRST),
        (everyone, names.MALE_FIRST),
    ])  # fmt: skip
    female_first = _pooled(rng, vocabulary, n, [
        (hispanic & (draw < 0.65), names.HISPANIC_FEMALE_FIRST),
        (black & (draw < 0.3), names.BLACK_FEMALE_FIRST),
        (asian & (draw < 0.45), names.ASIAN_FEMALE_FIRST),
        (everyone, names.FEMALE_FIRST),
    ])  # fmt: skip
    first = np.where(male, male_first, female_first)
    draw = rng.random(n)
    surname_pools = [
        (hispanic & (draw < 0.85), names.HISPANIC_SURNAMES),
        (black & (draw < 0.25), names.BLACK_SURNAMES),
        (asian & (draw < 0.75), names.ASIAN_SURNAMES),
        (aian & (draw < 0.4), names.NATIVE_SURNAMES),
        (everyone, names.SURNAMES),
    ]
    last = _pooled(rng, vocabulary, n, surname_pools)
    second = _pooled(rng, vocabulary, n, surname_pools)
    double = (hispanic & (rng.random(n) < 0.08)) | (~male & (rng.random(n) < 0.02))
    double &= second != last
    last[double] = _pairs(vocabulary, last[double], second[double], "-")
    middle = np.where(
        male,
        _pooled(rng, vocabulary, n, [(everyone, names.MALE_FIRST)]),
        _pooled(rng, vocabulary, n, [(everyone, names.FEMALE_FIRST)]),
    )
    middle[rng.random(n) >= 0.65] = -1
    # Many Hispanic names reach county records without their accents even in truth.
    plain = rng.random(n) >= 0.6
    first = np.where(plain, vocabulary.mapped(first, names.strip_accents), first)
    last = np.where(plain, vocabulary.mapped(last, names.strip_accents), last)
    suffix = np.full(n, -1, dtype=np.int64)
    juniors = male & (rng.random(n) < 0.03)
    suffix[juniors] = vocabulary.codes(("Jr", "III", "II"))[
        rng.choice(3, size=int(juniors.sum()), p=[0.8, 0.15, 0.05])
    ]
    state_id = np.full(n, None, dtype=object)
    has_sid = rng.random(n) < 0.95
    sids = unique_numbers(rng, int(has_sid.sum()), low=10**7, high=10**8)
    state_id[has_sid] = join_text("S", padded(sids, 8))
    fbi_number = np.full(n, None, dtype=object)
    has_fbi = rng.random(n) < 0.7
    fbi_number[has_fbi] = _fbi_numbers(rng, int(has_fbi.sum()))
    zips = np.asarray(COUNTY_ZIPS, dtype=object)
    zip_code = zips[rng.choice(len(zips), size=n, p=names.name_weights(len(zips), offset=3))]
    return Identities(
        vocabulary=vocabulary, first=first, middle=middle, last=last, suffix=suffix,
        dob=dob.astype(np.int64), sex=sex, race=race, ethnicity=ethnicity, state_id=state_id,
        fbi_number=fbi_number, zip=zip_code,
    )  # fmt: skip


def _fbi_numbers(rng: np.random.Generator, size: int) -> np.ndarray:
    """FBI numbers shaped like the real ones: six digits, two letters, one digit."""
    numbers = unique_numbers(rng, size, low=0, high=10**6 * 676 * 10)
    letters = pa.array(list("ABCDEFGHJKLMNPRSTUVWXYZQIO"))
    pair = (numbers // 10) % 676
    return join_text(
        padded(numbers // 6760, 6),
        letters.take(pa.array(pair // 26)),
        letters.take(pa.array(pair % 26)),
        pc.cast(pa.array(numbers % 10), pa.string()),
    )


def add_relatives(
    rng: np.random.Generator,
    ident: Identities,
    *,
    relatives: np.ndarray,
    of: np.ndarray,
    latest_dob: np.ndarray,
) -> None:
    """Make some background people relatives of released ones: same surname and ZIP,
    a parent with the same first name, or a twin. Linkage must tell them apart."""
    ident.last[relatives] = ident.last[of]
    ident.zip[relatives] = ident.zip[of]
    twin = (rng.random(relatives.size) < 0.2) & (ident.dob[of] <= latest_dob[relatives])
    parent_dob = ident.dob[of] - (rng.uniform(20, 35, relatives.size) * 365.25).astype(np.int64)
    parent_dob = np.minimum(parent_dob, latest_dob[relatives])
    ident.dob[relatives] = np.where(twin, ident.dob[of], parent_dob)
    same_sex = ident.sex[relatives] == ident.sex[of]
    namesake = ~twin & same_sex & (rng.random(relatives.size) < 0.4)
    ident.first[relatives[namesake]] = ident.first[of[namesake]]


def _nicknames(
    rng: np.random.Generator, vocabulary: Vocabulary, first: np.ndarray, rate: float
) -> np.ndarray:
    size = len(vocabulary.strings)  # before nicknames are added
    used = _present(first[first >= 0], size)
    table = np.full((size + 1, 4), -1, dtype=np.int64)
    count = np.zeros(size + 1, dtype=np.int64)
    for code in used:
        options = names.NICKNAMES.get(names.strip_accents(vocabulary.strings[code]).lower(), ())
        count[code] = len(options)
        table[code, : len(options)] = vocabulary.codes([option.title() for option in options])
    rows = np.where(first < 0, size, first)
    chosen = (rng.random(first.size) < rate) & (count[rows] > 0)
    pick = (rng.random(first.size) * count[rows]).astype(np.int64)
    return np.where(chosen, table[rows, np.minimum(pick, 3)], first)


def _typos(
    rng: np.random.Generator, vocabulary: Vocabulary, codes: np.ndarray, rate: float
) -> np.ndarray:
    out = codes.copy()
    rows = np.flatnonzero((rng.random(codes.size) < rate) & (codes >= 0))
    operations = rng.integers(0, 4, rows.size)
    positions = rng.random(rows.size)
    letters = rng.integers(0, 26, rows.size)
    strings = vocabulary.strings
    # A few per cent of rows get a typo, so a Python loop over them stays cheap.
    for row, operation, position, letter in zip(rows, operations, positions, letters, strict=True):
        slipped = names.typo(
            strings[out[row]], operation=int(operation), position=position, letter=int(letter)
        )
        out[row] = vocabulary.code(slipped)
    return out


def _render(
    rng: np.random.Generator, vocabulary: Vocabulary, codes: np.ndarray, style: Style
) -> pa.Array:
    """The source's punctuation, accent and case conventions, with some variation."""
    used = _present(codes[codes >= 0], len(vocabulary.strings))
    written: list[str] = []
    for code in used:
        for variant in names.punctuation_variants(vocabulary.strings[code]):
            text = names.strip_accents(variant) if style.ascii else variant
            written.extend((text.upper(), text) if style.upper else (text, text.upper()))
    slot = np.zeros(len(vocabulary.strings), dtype=np.int64)
    slot[used] = np.arange(used.size) * 6
    variant = rng.choice(3, size=codes.size, p=style.punctuation)
    flip = rng.random(codes.size) < style.other_case
    index = slot[np.maximum(codes, 0)] + 2 * variant + flip
    return pa.array(written, type=pa.string()).take(pa.array(index, mask=codes < 0))


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    day = days.astype("datetime64[D]")
    month = day.astype("datetime64[M]")
    year = day.astype("datetime64[Y]")
    return (
        year.astype(np.int64) + 1970,
        (month - year.astype("datetime64[M]")).astype(np.int64) + 1,
        (day - month.astype("datetime64[D]")).astype(np.int64) + 1,
    )


def _days(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    months = ((year - 1970) * 12 + (month - 1)).astype("datetime64[M]")
    return months.astype("datetime64[D]").astype(np.int64) + (day - 1)


def _noisy_dob(rng: np.random.Generator, dob: np.ndarray, style: Style) -> np.ndarray:
    year, month, day = _ymd(dob)
    n = dob.size
    out = dob.copy()
    swap = (rng.random(n) < style.dob_swap) & (day <= 12) & (day != month)
    out[swap] = _days(year[swap], day[swap], month[swap])
    other = rng.random(n) < style.dob_other
    year_off = other & (rng.random(n) < 0.5)
    shifted_year = year + rng.choice([-1, 1], size=n)
    out[year_off] = _days(shifted_year[year_off], month[year_off], np.minimum(day, 28)[year_off])
    day_off = other & ~year_off
    out[day_off] += rng.choice([-3, -2, -1, 1, 2, 3], size=int(day_off.sum()))
    out[rng.random(n) < style.dob_missing] = NEVER
    return out


def _initial(value: str) -> str:
    return value[0]


def noisy_identity(
    rng: np.random.Generator, ident: Identities, person: np.ndarray, style: Style
) -> dict[str, pa.Array | np.ndarray]:
    """Identity columns as one agency recorded them, for the rows of ``person``.

    Names come back as Arrow strings; the date of birth as days (NEVER if missing), sex as
    codes and the state id as an object array.
    """
    n = person.size
    vocabulary = ident.vocabulary
    first = _nicknames(rng, vocabulary, ident.first[person], style.nickname)
    last = ident.last[person]
    swap = rng.random(n) < style.swap
    first, last = np.where(swap, last, first), np.where(swap, first, last)
    first = _typos(rng, vocabulary, first, style.typo)
    last = _typos(rng, vocabulary, last, style.typo)
    suffixed = (ident.suffix[person] >= 0) & (rng.random(n) < style.suffix)
    last[suffixed] = _pairs(vocabulary, last[suffixed], ident.suffix[person][suffixed], " ")
    middle = _typos(rng, vocabulary, ident.middle[person], style.typo / 2)
    form = rng.choice(3, size=n, p=style.middle)
    middle = np.where(form == 1, vocabulary.mapped(middle, _initial), middle)
    middle[form == 2] = -1
    sex = ident.sex[person].copy()
    sex[rng.random(n) < style.sex_unknown] = 3
    state_id = ident.state_id[person].copy()
    state_id[rng.random(n) < style.state_id_missing] = None
    return {
        "first_name": _render(rng, vocabulary, first, style),
        "middle_name": _render(rng, vocabulary, middle, style),
        "last_name": _render(rng, vocabulary, last, style),
        "date_of_birth": _noisy_dob(rng, ident.dob[person], style),
        "sex": sex,
        "state_id": state_id,
    }

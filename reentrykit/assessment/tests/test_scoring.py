"""Scoring, checked against numbers worked out by hand.

The fixture (conftest.HAND_WORKED, instrument rpca-t1) and its arithmetic:

  1.1.a  A3 B2 C2 D3     2,2,3,3: even count, lower middle   -> 2 (median)
  1.1.b  A0 B2 C? D1     Don't know left out; 0,1,2          -> 1 (median); spread 2: disagreement
  1.1.c  all Don't know  not scored                          -> knowledge gap
  component 1.1: (2 + 1) / (3 x 2) = 50.0%                   -> developing

  1.2.a  A1 B3           median 1, consensus 2 recorded     -> 2 (consensus); spread 2: disagreement
  1.2.b  A2 B2 C2                                            -> 2 (median)
  1.2.c  A3 B1 C2 D0     0,1,2,3: lower middle               -> 1 (median); spread 3: disagreement
  component 1.2: (2 + 2 + 1) / 9 = 55.555…% -> 55.6%         -> solid

  section 1, pooled over its 5 scored items: (2+1+2+2+1) / 15 = 53.333…% -> 53.3% -> developing
  (the mean of the component scores would be 52.8: pooling is the documented choice)

  2.1.a  A3 B3                                               -> 3
  2.1.b  A2 B?                                               -> 2
  2.1.c  no answers                                          -> knowledge gap
  component 2.1 and section 2: (3 + 2) / 6 = 83.333…% -> 83.3% -> strong

  overall: (2+1+2+2+1+3+2) / 21 = 61.904…% -> 61.9%          -> solid
  disagreements: 1.1.b, 1.2.a, 1.2.c
"""

from __future__ import annotations

import pytest

from reentrykit.assessment.instrument import load_instrument_file
from reentrykit.assessment.scoring import (
    Band,
    band_for,
    is_disagreement,
    item_score,
    median_rating,
    percent_of_max,
    score_round,
)
from reentrykit.assessment.tests.conftest import (
    FIXTURE_INSTRUMENTS,
    HAND_WORKED,
    HAND_WORKED_CONSENSUS,
    HAND_WORKED_RESULTS,
)


def _score():  # type: ignore[no-untyped-def]
    instrument = load_instrument_file(FIXTURE_INSTRUMENTS / "rpca-t1.yaml")
    answers = {key: list(by_letter.values()) for key, by_letter in HAND_WORKED.items()}
    return score_round(instrument, answers, HAND_WORKED_CONSENSUS)


def test_it_scores_the_hand_worked_round() -> None:
    assert _score().as_json() == HAND_WORKED_RESULTS


def test_it_marks_where_each_item_rating_came_from() -> None:
    items = {item.key: item for item in _score().items}
    assert (items["1.1.a"].rating, items["1.1.a"].source) == (2, "median")
    assert (items["1.2.a"].rating, items["1.2.a"].source) == (2, "consensus")
    assert (items["1.1.c"].rating, items["1.1.c"].source) == (None, None)
    assert items["1.1.c"].knowledge_gap and items["2.1.c"].knowledge_gap
    assert items["1.1.b"].dont_know == 1 and items["1.1.b"].ratings == (0, 1, 2)


def test_it_lists_knowledge_gaps_in_instrument_order() -> None:
    assert _score().knowledge_gaps == ["1.1.c", "2.1.c"]


def test_it_takes_the_lower_middle_value_of_an_even_count() -> None:
    assert median_rating([3, 0]) == 0  # 0,3 -> 0
    assert median_rating([1, 2, 3, 3]) == 2  # middle pair 2,3 -> 2
    assert median_rating([2, 0, 3]) == 2  # odd count: the middle
    assert median_rating([]) is None


def test_it_lets_consensus_override_the_median_and_fill_a_gap() -> None:
    assert item_score("x", [0, 0, 0], consensus=3).rating == 3
    # Everyone said Don't know, but the meeting agreed a rating: scored, not a gap.
    agreed = item_score("x", [None, None], consensus=1)
    assert (agreed.rating, agreed.source, agreed.knowledge_gap) == (1, "consensus", False)


def test_it_flags_ratings_two_or_more_levels_apart() -> None:
    assert is_disagreement([1, 3])
    assert is_disagreement([0, 1, 2])
    assert not is_disagreement([1, 2, 2])
    assert not is_disagreement([])
    assert item_score("x", [None, 0, None, 1]).disagreement is False  # Don't know is no level


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (100.0, Band.STRONG),
        (65.0, Band.STRONG),
        (64.9, Band.SOLID),
        (55.0, Band.SOLID),
        (54.9, Band.DEVELOPING),
        (46.0, Band.DEVELOPING),
        (45.9, Band.NEEDS_FOCUS),
        (0.0, Band.NEEDS_FOCUS),
        (None, None),
    ],
)
def test_it_bands_scores_at_the_boundaries(score: float | None, band: Band | None) -> None:
    assert band_for(score) == band


def test_it_rounds_half_up_to_one_decimal() -> None:
    # 3 points of 48 (16 items): 6.25% exactly, which rounds half up to 6.3 (not 6.2).
    assert percent_of_max([1, 1, 1] + [0] * 13) == 6.3
    assert percent_of_max([2, 2, 2]) == 66.7  # 66.666…
    assert percent_of_max([1, 1, 1]) == 33.3  # 33.333…
    assert percent_of_max([]) is None


def test_it_bands_the_rounded_score() -> None:
    # 3,897 of 6,000 points (2,000 items) is exactly 64.95%: shown as 65.0, so 'strong',
    # although the unrounded value is below 65.
    ratings = [3] * 1299 + [0] * 701
    assert percent_of_max(ratings) == 65.0
    assert band_for(percent_of_max(ratings)) == Band.STRONG

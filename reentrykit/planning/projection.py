"""Impact projection of a proposed improvement (Tools for Change, "Cultivate buy-in").

Events averted each year = people it reaches × the indicator's baseline rate × the
expected relative reduction; jail bed-days saved = events averted × bed-days per
event; dollars saved = bed-days saved × the cost of a bed-day. The baseline rate is
the reader's disclosed one: where it is hidden from the reader, so is the projection,
since the rate could be worked back from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reentrykit.planning.models import Improvement


@dataclass(frozen=True)
class Projection:
    # Whichever could be computed; ``reason`` says why there is no figure at all.
    events_averted: float | None = None
    bed_days: float | None = None
    dollars: float | None = None
    baseline_rate: float | None = None
    reason: str = ""
    # What is averted, e.g. "rearrests".
    noun: str = ""


def project(improvement: Improvement, measure: dict[str, Any] | None) -> Projection | None:
    """The projection of ``improvement`` from ``measure`` (its indicator's row of
    ``metrics.selectors.indicator_rows`` for the reader); None when no projection is
    asked for (no indicator, people or reduction given)."""
    people, effect = improvement.people_per_year, improvement.effect_percent
    if improvement.indicator_id is None or people is None or effect is None:
        return None
    if measure is not None and measure.get("unmeasured"):
        return Projection(
            reason="Not yet: none of the records the indicator's measure counts are linked."
        )
    if measure is None or measure["baseline"] is None:
        return Projection(reason="Not yet: the indicator's baseline is not computed.")
    if measure["display"] or measure["baseline"].get("rate") is None:
        return Projection(reason="Not shown: the baseline rate rests on too few people.")
    rate = float(measure["baseline"]["rate"])
    noun = f"{measure['indicator'].get_measure_display().lower()}s"
    events = people * rate * effect / 100
    bed_days = events * improvement.bed_days_per_event if improvement.bed_days_per_event else None
    cost = improvement.cost_per_bed_day
    dollars = bed_days * float(cost) if bed_days is not None and cost is not None else None
    return Projection(events, bed_days, dollars, rate, noun=noun)

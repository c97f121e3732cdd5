"""Needs against capacity (Tools for Change, "Needs versus resources").

For each need: the people released a year × the share of them with the need gives the
estimated people with that need a year, set against the yearly capacity of the
coalition's services that meet it. The figures come from the coalition's data (the
latest complete cohort's size and its needs at assessment, both disclosed for the
reader) unless the coalition entered its own. Where a data figure is hidden from the
reader, so is every estimate built on it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from reentrykit.core.access import CoalitionAccess
from reentrykit.data.schema import NEED_LABELS
from reentrykit.metrics import selectors as measures
from reentrykit.resources.models import NeedAssumption, ReleaseVolume, Service

DATA, YOURS = "your data", "your figure"
OPEN_TO_HIGH_RISK = Q(target_risk__in=("any", "high"), record_restrictions="")


@dataclass(frozen=True)
class Figure:
    """A number and where it came from; ``hidden`` when the data has it but the reader
    may not see it."""

    value: float | None = None
    source: str = ""
    hidden: bool = False


@dataclass(frozen=True)
class NeedEstimate:
    key: str
    label: str
    share: Figure
    people: Figure
    capacity: int
    # The services whose capacity is summed: those with a capacity entered.
    services_with_capacity: int
    # The capacity of services meant for any or high risk and without criminal-record
    # restrictions: what the people most likely to return can actually use.
    open_to_high_risk: int = 0

    @property
    def need(self) -> float | None:
        """Estimated people with the need a year."""
        if self.share.value is None or self.people.value is None:
            return None
        return self.people.value * self.share.value

    @property
    def gap(self) -> int | None:
        """Estimated need, in whole people as the page shows it, less capacity: above
        zero, people the services cannot reach (100 x 7% is 7 people, not a fraction
        more, and a need of 100.4 beside 100 places is none)."""
        return None if self.need is None else whole(self.need) - self.capacity


def whole(value: float) -> int:
    """``value`` to the nearest whole person, halves up, as the pages round it
    (``floatformat``)."""
    return int(Decimal(repr(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Estimates:
    rows: list[NeedEstimate]
    cohort_year: int | None

    @property
    def gaps(self) -> list[NeedEstimate]:
        return [row for row in self.rows if row.gap is not None and row.gap > 0]


def needs_against_capacity(access: CoalitionAccess) -> Estimates:
    coalition = access.coalition
    keys = ("needs", "flow", "latest_complete_year")
    payload = measures.latest_payload(coalition, *keys) or {}
    data_shares = _data_shares(access, payload)
    people = _people(access, payload)
    assumed = {a.need: a.percent / 100 for a in NeedAssumption.objects.filter(coalition=coalition)}
    services = {
        row["need"]: row
        for row in Service.objects.filter(coalition=coalition)
        .values("need")
        .annotate(
            capacity=Sum("capacity_per_year"),
            count=Count("id", filter=Q(capacity_per_year__isnull=False)),
            open=Sum("capacity_per_year", filter=OPEN_TO_HIGH_RISK),
        )
    }
    rows = []
    for key, label in NEED_LABELS.items():
        share = Figure(assumed[key], YOURS) if key in assumed else data_shares.get(key, Figure())
        offered = services.get(key, {})
        rows.append(
            NeedEstimate(
                key=key,
                label=label,
                share=share,
                people=people,
                capacity=int(offered.get("capacity") or 0),
                services_with_capacity=int(offered.get("count") or 0),
                open_to_high_risk=int(offered.get("open") or 0),
            )
        )
    return Estimates(rows=rows, cohort_year=payload.get("latest_complete_year"))


def _data_shares(access: CoalitionAccess, payload: dict[str, Any]) -> dict[str, Figure]:
    table = measures.needs(access, payload)
    shares = {}
    for index, row in enumerate(table.rows):
        if table.display(index, "rate"):
            shares[row["key"]] = Figure(source=DATA, hidden=True)
        elif row.get("rate") is not None:
            shares[row["key"]] = Figure(float(row["rate"]), DATA)
    return shares


def _people(access: CoalitionAccess, payload: dict[str, Any]) -> Figure:
    volume = ReleaseVolume.objects.filter(coalition=access.coalition).first()
    if volume is not None:
        return Figure(volume.per_year, YOURS)
    table = measures.flow(access, payload)
    for index, row in enumerate(table.rows):
        if row["key"] == "cohort":
            if table.display(index, "count"):
                return Figure(source=DATA, hidden=True)
            return Figure(row["count"], DATA)
    return Figure()


def funding_totals(sources: Any, *, today: dt.date) -> list[dict[str, Any]]:
    """The funding scan's amounts summed per level, current and prospective apart, and
    a total row (``level`` "all"). A source whose period ended before ``today`` is left
    out, current or prospective alike: money the coalition no longer has, or can no
    longer win."""
    from reentrykit.resources.models import FundingSource

    running = Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    totals = {
        row["level"]: row
        for row in sources.values("level").annotate(
            current=Sum("amount", filter=Q(status=FundingSource.Status.CURRENT) & running),
            prospective=Sum("amount", filter=Q(status=FundingSource.Status.PROSPECTIVE) & running),
        )
    }
    rows = []
    for level, label in FundingSource.Level.choices:
        entry = totals.get(level, {})
        rows.append(
            {
                "level": level,
                "label": label,
                "current": entry.get("current") or Decimal(0),
                "prospective": entry.get("prospective") or Decimal(0),
            }
        )
    rows.append(
        {
            "level": "all",
            "label": "All",
            "current": sum((row["current"] for row in rows), Decimal(0)),
            "prospective": sum((row["prospective"] for row in rows), Decimal(0)),
        }
    )
    return rows


def for_review(access: CoalitionAccess) -> list[Service]:
    """Services worth a second look before adding capacity: those rated ineffective or
    harmful, and those that left more than half their places unused last year."""
    services = Service.objects.filter(coalition=access.coalition)
    return [s for s in services if s.evidence_against or s.under_used]

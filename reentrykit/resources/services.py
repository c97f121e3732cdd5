"""Writes that keep the resources consistent."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from reentrykit.assessment.models import CandidatePriority
from reentrykit.coalitions.models import Coalition
from reentrykit.coalitions.services import coalition_hold
from reentrykit.data.schema import NEED_LABELS
from reentrykit.resources.estimates import NeedEstimate, whole
from reentrykit.resources.models import (
    MapCell,
    NeedAssumption,
    ReleaseVolume,
    SustainabilityLead,
)
from reentrykit.resources.reentry_map import gap_label

SOURCE = "resources"
MAP_SOURCE = "map"


@transaction.atomic
def figures_save(
    *, coalition: Coalition, per_year: int | None, shares: dict[str, float | None]
) -> None:
    """The coalition's own figures; None clears one, so its data's is used again."""
    if per_year is None:
        ReleaseVolume.objects.filter(coalition=coalition).delete()
    else:
        ReleaseVolume.objects.update_or_create(coalition=coalition, defaults={"per_year": per_year})
    for need in NEED_LABELS:
        percent = shares.get(need)
        if percent is None:
            NeedAssumption.objects.filter(coalition=coalition, need=need).delete()
        else:
            NeedAssumption.objects.update_or_create(
                coalition=coalition, need=need, defaults={"percent": percent}
            )


@transaction.atomic
def gap_candidate(*, coalition: Coalition, estimate: NeedEstimate, user: Any) -> CandidatePriority:
    """The gap as a candidate priority (the same one when it is one already)."""
    # Without a round, the uniqueness rule does not keep two of the same gap apart.
    coalition_hold(coalition_id=coalition.pk)
    existing = CandidatePriority.objects.filter(
        coalition=coalition, source=SOURCE, component_key=estimate.key
    ).first()
    if existing is not None:
        return existing
    return CandidatePriority.objects.create(
        coalition=coalition,
        source=SOURCE,
        component_key=estimate.key,
        title=f"Close the gap in {estimate.label.lower()} services",
        note=_gap_note(estimate),
        created_by=user,
    )


def _gap_note(estimate: NeedEstimate) -> str:
    """The gap in words, from figures as the coalition's viewers read them (``estimate``
    holds no number they may not see)."""
    label = estimate.label.lower()
    need = f"{'an' if label[0] in 'aeiou' else 'a'} {label} need"
    serves = f"the directory's services can serve {estimate.capacity:,}."
    if estimate.need is None:
        return f"People leave custody with {need} (hidden here to protect small counts); {serves}"
    return f"About {whole(estimate.need):,} people a year leave custody with {need}; {serves}"


def lead_save(*, coalition: Coalition, name: str) -> None:
    """The sustainability lead; an empty name removes it."""
    name = name.strip()
    if name:
        SustainabilityLead.objects.update_or_create(coalition=coalition, defaults={"name": name})
    else:
        SustainabilityLead.objects.filter(coalition=coalition).delete()


@transaction.atomic
def map_gap_candidate(*, cell: MapCell, user: Any) -> CandidatePriority:
    """A gap in the reentry map as a candidate priority (the same one when it is one
    already), keyed ``<point>.<system>``."""
    # Without a round, the uniqueness rule does not keep two of the same gap apart.
    coalition_hold(coalition_id=cell.coalition_id)
    candidate, _ = CandidatePriority.objects.get_or_create(
        coalition_id=cell.coalition_id,
        source=MAP_SOURCE,
        component_key=f"{cell.point}.{cell.system}",
        round=None,
        defaults={
            "title": gap_label(f"{cell.point}.{cell.system}"),
            "note": cell.missing,
            "created_by": user,
        },
    )
    return candidate

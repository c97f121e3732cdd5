"""The consensus step: the spread of ratings by sector, and the coalition's agreed rating.

The list shows every item; the meeting mode shows one item per screen in large
type, for a projector, with previous and next.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from reentrykit.assessment import selectors, services
from reentrykit.assessment.forms import ConsensusForm
from reentrykit.assessment.models import ConsensusRating, Round
from reentrykit.assessment.scoring import Answer, is_disagreement, median_rating
from reentrykit.assessment.views.common import error_text, get_round_for
from reentrykit.coalitions.sectors import Sector
from reentrykit.core.access import Capability, post_only

COLUMNS = ("0", "1", "2", "3", "dont_know")


@dataclass
class ConsensusItem:
    position: int  # 1-based, over all items of the round
    key: str
    dom_id: str
    statement: str
    section: str
    component: str
    levels: list[tuple[int, str, str]]
    rows: list[dict[str, Any]]  # per sector: label and counts per column
    totals: dict[str, int]
    median: int | None
    disagreement: bool
    consensus: ConsensusRating | None
    notes: list[tuple[str, str]]
    form: ConsensusForm
    # What the form shows as recorded (``services.consensus_seen``).
    seen: str = ""
    local: bool = False

    @property
    def responses(self) -> int:
        return sum(self.totals.values())


def _distribution(
    answers_by_sector: dict[str, list[Answer]],
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    rows = []
    totals = dict.fromkeys(COLUMNS, 0)
    for sector in sorted(answers_by_sector, key=lambda code: Sector(code).label):
        counts = dict.fromkeys(COLUMNS, 0)
        for answer in answers_by_sector[sector]:
            column = "dont_know" if answer is None else str(answer)
            counts[column] += 1
            totals[column] += 1
        rows.append(
            {"label": Sector(sector).label, "counts": [counts[column] for column in COLUMNS]}
        )
    return rows, totals


def consensus_items(round_: Round) -> list[ConsensusItem]:
    instrument = round_.instrument
    by_sector = selectors.answers_by_sector(round_=round_)
    consensus = selectors.round_consensus(round_=round_)
    notes = selectors.notes_by_item(round_=round_)
    entries: list[tuple[Any, ...]] = []
    for section in instrument.sections:
        for component in section.components:
            for item in component.items:
                levels = [
                    (level.rating, level.label, item.levels[level.rating])
                    for level in instrument.scale
                ]
                entries.append(
                    (
                        item.key,
                        item.dom_id,
                        item.statement,
                        section.label,
                        component.label,
                        levels,
                        False,
                    )
                )
    for local in round_.local_items.all():
        levels = [(level.rating, level.label, level.summary) for level in instrument.scale]
        entries.append((local.key, local.dom_id, local.statement, "Local items", "", levels, True))
    items = []
    for position, (key, dom_id, statement, section, component, levels, is_local) in enumerate(
        entries, start=1
    ):
        answers = [answer for answers in by_sector.get(key, {}).values() for answer in answers]
        numeric = [answer for answer in answers if answer is not None]
        rows, totals = _distribution(by_sector.get(key, {}))
        agreed = consensus.get(key)
        form = ConsensusForm(
            prefix=dom_id,
            initial={
                "rating": str(agreed.rating) if agreed else "",
                "note": agreed.note if agreed else "",
            },
        )
        items.append(
            ConsensusItem(
                position=position,
                key=key,
                dom_id=dom_id,
                statement=statement,
                section=section,
                component=component,
                levels=levels,
                rows=rows,
                totals=totals,
                median=median_rating(numeric),
                disagreement=is_disagreement(numeric),
                consensus=agreed,
                notes=notes.get(key, []),
                form=form,
                seen=services.consensus_seen(agreed),
                local=is_local,
            )
        )
    return items


def _context(access: Any, round_: Round, items: list[ConsensusItem]) -> dict[str, Any]:
    return {
        "access": access,
        "round": round_,
        "items": items,
        "flagged": sum(1 for item in items if item.disagreement),
        "agreed": sum(1 for item in items if item.consensus),
        "scale": round_.instrument.scale,
    }


@login_required
def consensus(request: HttpRequest, coalition_slug: str, round_id: int) -> HttpResponse:
    access, round_ = get_round_for(request, coalition_slug, round_id, need=Capability.MANAGE)
    items = consensus_items(round_)
    only_flagged = request.GET.get("show") == "flagged"
    context = _context(access, round_, items)
    context["shown_items"] = (
        [item for item in items if item.disagreement] if only_flagged else items
    )
    context["only_flagged"] = only_flagged
    return render(request, "assessment/consensus.html", context)


@login_required
def meeting(request: HttpRequest, coalition_slug: str, round_id: int) -> HttpResponse:
    access, round_ = get_round_for(request, coalition_slug, round_id, need=Capability.MANAGE)
    items = consensus_items(round_)
    try:
        position = min(max(int(request.GET.get("item", "1")), 1), len(items))
    except ValueError:
        position = 1
    context = _context(access, round_, items)
    context.update(
        item=items[position - 1],
        previous=position - 1 if position > 1 else None,
        next=position + 1 if position < len(items) else None,
        total=len(items),
    )
    return render(request, "assessment/meeting.html", context)


@login_required
@post_only
def record(request: HttpRequest, coalition_slug: str, round_id: int) -> HttpResponse:
    """Record (or clear) the consensus on one item; htmx gets the item's status back (the
    form stays, so the focus stays on it, and the live region stays to announce it)."""
    access, round_ = get_round_for(request, coalition_slug, round_id, need=Capability.MANAGE)
    item_key = request.POST.get("item_key", "")
    items = consensus_items(round_)
    item = next((entry for entry in items if entry.key == item_key), None)
    error = ""
    if item is None:
        error = f"{item_key!r} is not an item of this round."
    else:
        form = ConsensusForm(request.POST, prefix=item.dom_id)
        if form.is_valid():
            try:
                services.consensus_record(
                    round_=round_,
                    item_key=item_key,
                    rating=form.cleaned_data["rating"],
                    note=form.cleaned_data["note"],
                    decided_by=request.user,
                    seen=request.POST.get("seen") or None,
                )
            except ValidationError as exc:
                error = error_text(exc)
        else:
            # Each problem with the field it is about ("Agreed rating: …").
            error = " ".join(
                f"{form.fields[name].label}: {' '.join(errors)}"
                if name in form.fields
                else " ".join(errors)
                for name, errors in form.errors.items()
            )
    if request.htmx and item is not None:  # type: ignore[attr-defined]
        refreshed = next(entry for entry in consensus_items(round_) if entry.key == item_key)
        return render(
            request,
            "assessment/consensus.html#consensus-status",
            {
                "access": access,
                "round": round_,
                "item": refreshed,
                "error": error,
                "saved": not error,
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"Saved the consensus for {item_key}.")
    return redirect(_return_url(request, round_, item, advance=not error))


def _return_url(
    request: HttpRequest, round_: Round, item: ConsensusItem | None, *, advance: bool
) -> str:
    """Back to where the form was: the meeting screen (next item on success) or the list."""
    kwargs = {"coalition_slug": round_.coalition.slug, "round_id": round_.pk}
    if request.POST.get("mode") == "meeting" and item is not None:
        step = 1 if advance and "next" in request.POST else 0
        return reverse("assessment:meeting", kwargs=kwargs) + f"?item={item.position + step}"
    anchor = f"#{item.dom_id}" if item is not None else ""
    return reverse("assessment:consensus", kwargs=kwargs) + anchor

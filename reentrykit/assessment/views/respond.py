"""Answering a round, section by section.

With JavaScript, each item posts itself when it changes (htmx) and only that item
is saved. Without it, the section's form saves the items whose answer or note
differs from what the page showed, so a stale tab cannot overwrite answers given
in another tab meanwhile.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from reentrykit.assessment import selectors, services
from reentrykit.assessment.instrument import Instrument, Item
from reentrykit.assessment.models import LocalItem, Respondent, Response, Round
from reentrykit.assessment.views.common import error_text, get_round_for
from reentrykit.core.access import Capability, CoalitionAccess, post_only

LOCAL = "local"


@dataclass
class ItemView:
    key: str
    dom_id: str
    statement: str
    levels: list[tuple[str, str, str]]  # (value, label, description)
    guidance: str = ""
    questions: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    sectors: list[str] = field(default_factory=list)
    indicator: str = ""
    indicator_key: str = ""
    indicator_value: str = ""
    local: bool = False
    answer: str = ""
    note: str = ""
    saved_at: Any = None
    error: str = ""

    @property
    def shown(self) -> str:
        return shown_token(self.answer, self.note)

    @property
    def answered(self) -> bool:
        return self.answer != ""


def shown_token(answer: str, note: str) -> str:
    """A short fingerprint of what the page showed, to tell edited items from stale ones."""
    return hashlib.sha256(f"{answer}\n{note.strip()}".encode()).hexdigest()[:16]


def _item_view(instrument: Instrument, item: Item, response: Response | None) -> ItemView:
    return ItemView(
        key=item.key,
        dom_id=item.dom_id,
        statement=item.statement,
        levels=[
            (str(level.rating), f"{level.rating} · {level.label}", item.levels[level.rating])
            for level in instrument.scale
        ],
        guidance=item.guidance,
        questions=item.questions,
        evidence=item.evidence,
        sectors=item.sector_labels,
        indicator=instrument.indicator_label(item.data_indicator) if item.data_indicator else "",
        indicator_key=item.data_indicator or "",
        answer=response.answer if response else "",
        note=response.note if response else "",
        saved_at=response.updated_at if response else None,
    )


def _local_view(instrument: Instrument, item: LocalItem, response: Response | None) -> ItemView:
    return ItemView(
        key=item.key,
        dom_id=item.dom_id,
        statement=item.statement,
        levels=[
            (str(level.rating), f"{level.rating} · {level.label}", level.summary)
            for level in instrument.scale
        ],
        guidance=item.guidance,
        local=True,
        answer=response.answer if response else "",
        note=response.note if response else "",
        saved_at=response.updated_at if response else None,
    )


def _add_indicator_values(access: Any, sections: list[dict[str, Any]]) -> None:
    """The live value of each item's data indicator, as the coalition's viewers read it:
    suppressed for a data steward answering too, since ratings and notes are shared with
    the whole group."""
    from reentrykit.core.access import as_viewer
    from reentrykit.metrics.selectors import indicator_values

    values = indicator_values(as_viewer(access.coalition))
    for section in sections:
        for component in section.get("components", []):
            for item in component["items"]:
                item.indicator_value = values.get(item.indicator_key, "")


def _sections(round_: Round, responses: dict[str, Response]) -> list[dict[str, Any]]:
    instrument = round_.instrument
    sections = [
        {
            "key": section.key,
            "title": section.label,
            "summary": section.summary,
            "components": [
                {
                    "label": component.label,
                    "summary": component.summary,
                    "items": [
                        _item_view(instrument, item, responses.get(item.key))
                        for item in component.items
                    ],
                }
                for component in section.components
            ],
        }
        for section in instrument.sections
    ]
    local = list(round_.local_items.all())
    if local:
        sections.append(
            {
                "key": LOCAL,
                "title": "Local items",
                "summary": (
                    "Practices your coalition added to this round. They are scored on their own."
                ),
                "components": [
                    {
                        "label": "",
                        "summary": "",
                        "items": [
                            _local_view(instrument, item, responses.get(item.key)) for item in local
                        ],
                    }
                ],
            }
        )
    for section in sections:
        items = [item for component in section["components"] for item in component["items"]]
        section["answered"] = sum(1 for item in items if item.answered)
        section["total"] = len(items)
    return sections


def _respondent_or_403(access: CoalitionAccess, round_: Round, user: Any) -> Respondent:
    respondent = selectors.respondent_for(round_=round_, user=user)
    if respondent is None:
        raise PermissionDenied(
            "You are not a respondent of this round. Ask your coordinator to invite you."
        )
    return respondent


def _progress(sections: list[dict[str, Any]]) -> tuple[int, int]:
    return sum(section["answered"] for section in sections), sum(
        section["total"] for section in sections
    )


@login_required
def respond(request: HttpRequest, coalition_slug: str, round_id: int) -> HttpResponse:
    access, round_ = get_round_for(request, coalition_slug, round_id, need=Capability.CONTRIBUTE)
    respondent = _respondent_or_403(access, round_, request.user)
    sections = _sections(round_, selectors.responses_of(respondent=respondent))
    _add_indicator_values(access, sections)
    keys = [section["key"] for section in sections]
    current_key = request.GET.get("section") or keys[0]
    if current_key not in keys:
        current_key = keys[0]
    current = sections[keys.index(current_key)]
    if request.method == "POST":
        return _save_section(request, round_, respondent, current, keys)
    answered, total = _progress(sections)
    position = keys.index(current_key)
    return render(
        request,
        "assessment/respond.html",
        {
            "access": access,
            "round": round_,
            "respondent": respondent,
            "sections": sections,
            "section": current,
            "next_section": sections[position + 1] if position + 1 < len(sections) else None,
            "previous_section": sections[position - 1] if position > 0 else None,
            "answered": answered,
            "total": total,
            "scale": round_.instrument.scale,
            "note_max_length": services.NOTE_MAX_LENGTH,
        },
    )


@dataclass
class Edit:
    key: str
    answer: str
    note: str


def _edits(request: HttpRequest, section: dict[str, Any]) -> list[Edit]:
    """The section's items whose answer or note differs from what the page showed."""
    edits = []
    for component in section["components"]:
        for item in component["items"]:
            answer = request.POST.get(f"rating-{item.key}", "")
            note = request.POST.get(f"note-{item.key}", "")
            shown = request.POST.get(f"shown-{item.key}")
            if shown is None or shown == shown_token(answer, note):
                continue  # not on that page, or untouched there: leave what is saved
            edits.append(Edit(item.key, answer, note))
    return edits


def _save_all(round_: Round, respondent: Respondent, edits: list[Edit]) -> list[str]:
    """Save every edit or none: the problems, each naming its item, when none was saved."""
    problems = []
    for pending in edits:
        for check, value in (
            (services.Answer.parse, pending.answer),
            (services.check_note, pending.note),
        ):
            try:
                check(value)
            except ValidationError as error:
                problems.append(f"Item {pending.key}: {error_text(error)}")
    if problems:
        return problems
    edit: Edit | None = None
    try:
        with transaction.atomic():
            for edit in edits:
                services.response_save(
                    round_=round_,
                    respondent=respondent,
                    item_key=edit.key,
                    answer=edit.answer,
                    note=edit.note,
                )
    except ValidationError as error:
        # Refused while saving (the round closed meanwhile, say): the earlier saves
        # are rolled back with it.
        return [f"Item {edit.key}: {error_text(error)}" if edit else error_text(error)]
    return []


def _save_section(
    request: HttpRequest,
    round_: Round,
    respondent: Respondent,
    section: dict[str, Any],
    keys: list[str],
) -> HttpResponse:
    url = reverse(
        "assessment:respond",
        kwargs={"coalition_slug": round_.coalition.slug, "round_id": round_.pk},
    )
    if not round_.is_open:
        messages.error(request, "This round is closed; its answers can no longer change.")
        return redirect(f"{url}?section={section['key']}")
    edits = _edits(request, section)
    problems = _save_all(round_, respondent, edits)
    if problems:
        messages.error(request, "Nothing in this section was saved. " + " ".join(problems[:5]))
        return redirect(f"{url}?section={section['key']}")
    changed = len(edits)
    messages.success(
        request,
        f"Saved {changed} answer{'s' if changed != 1 else ''}."
        if changed
        else "Nothing had changed.",
    )
    target = section["key"]
    if "next" in request.POST:
        position = keys.index(section["key"])
        target = keys[min(position + 1, len(keys) - 1)]
    return redirect(f"{url}?section={target}")


@login_required
@post_only
def answer(request: HttpRequest, coalition_slug: str, round_id: int) -> HttpResponse:
    """Save one item (htmx): answers with the item's status and the updated progress."""
    access, round_ = get_round_for(request, coalition_slug, round_id, need=Capability.CONTRIBUTE)
    respondent = _respondent_or_403(access, round_, request.user)
    item_key = request.POST.get("item_key", "")
    error = ""
    try:
        services.response_save(
            round_=round_,
            respondent=respondent,
            item_key=item_key,
            answer=request.POST.get(f"rating-{item_key}", ""),
            note=request.POST.get(f"note-{item_key}"),
        )
    except ValidationError as exc:
        error = error_text(exc)
    if not request.htmx:  # type: ignore[attr-defined]
        if error:
            messages.error(request, error)
        return redirect("assessment:respond", coalition_slug=coalition_slug, round_id=round_id)
    responses = selectors.responses_of(respondent=respondent)
    sections = _sections(round_, responses)
    answered, total = _progress(sections)
    item = next(
        (
            view
            for section in sections
            for component in section["components"]
            for view in component["items"]
            if view.key == item_key
        ),
        None,
    )
    if item is not None:
        item.error = error
    return render(
        request,
        "assessment/respond.html#item-status",
        {
            "item": item,
            "item_key": item_key,
            "error": error,
            "answered": answered,
            "total": total,
            "oob": True,
        },
        status=200,
    )

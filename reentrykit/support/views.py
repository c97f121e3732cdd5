"""Support pages: one page with the influencers, the messages (their live figures
filled in, suppressed) and the tactics chart, and a form page for each entry. Everyone
in the coalition reads them; members and coordinators write them."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from reentrykit.core.access import Capability, get_coalition_for, get_object_in
from reentrykit.library.merge import FIELDS, merged
from reentrykit.support.forms import InfluencerForm, MessageForm, TacticForm
from reentrykit.support.models import Influencer, Message, Tactic


@dataclass(frozen=True)
class Part:
    model: type[Model]
    form: type[forms.ModelForm]  # type: ignore[type-arg]
    name: str
    intro: str


PARTS = {
    "influencer": Part(
        Influencer,
        InfluencerForm,
        "influencer",
        "Someone beyond the coalition whose voice carries: a pastor, a business "
        "association, a columnist, people who came home. Say which decision maker they reach.",
    ),
    "message": Part(
        Message,
        MessageForm,
        "message",
        "The problem and talking points for one audience. Merge fields quote your live "
        "figures, suppressed as in every document: [[one_year_rearrest]] for example.",
    ),
    "tactic": Part(
        Tactic,
        TacticForm,
        "tactic",
        "One row of the tactics chart: what you will do, why, when, for whom, who carries "
        "the message, and how it went.",
    ),
}


@login_required
def home(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug)
    coalition = access.coalition
    texts = [
        (
            message,
            merged(message.problem, coalition),
            [line for line in merged(message.talking_points, coalition).splitlines() if line],
        )
        for message in Message.objects.filter(coalition=coalition)
    ]
    return render(
        request,
        "support/home.html",
        {
            "access": access,
            "influencers": Influencer.objects.filter(coalition=coalition).select_related("reaches"),
            "texts": texts,
            "tactics": Tactic.objects.filter(coalition=coalition),
            "can_edit": access.can(Capability.CONTRIBUTE),
        },
    )


def _part(part: str) -> Part:
    if part not in PARTS:
        raise Http404("No such kind of entry")
    return PARTS[part]


@login_required
def entry(
    request: HttpRequest, coalition_slug: str, part: str, entry_id: int | None = None
) -> HttpResponse:
    """A new entry of ``part``, or (with ``entry_id``) one to change or remove."""
    access = get_coalition_for(request, coalition_slug, need=Capability.CONTRIBUTE)
    kind = _part(part)
    instance = (
        get_object_in(access, kind.model._default_manager.all(), pk=entry_id)
        if entry_id is not None
        else None
    )
    form = kind.form(request.POST or None, instance=instance, coalition=access.coalition)
    back = redirect("support:home", coalition_slug=coalition_slug)
    if request.method == "POST":
        if instance is not None and request.POST.get("delete") == "yes":
            instance.delete()
            messages.success(request, f"The {kind.name} is removed.")
            return back
        if form.is_valid():
            saved = form.save(commit=False)
            saved.coalition = access.coalition
            saved.save()
            messages.success(request, "Saved.")
            back["Location"] += f"#{part}-{saved.pk}"
            return back
    return render(
        request,
        "support/form.html",
        {
            "access": access,
            "form": form,
            "kind": kind,
            "instance": instance,
            "fields": FIELDS if part == "message" else (),
        },
    )

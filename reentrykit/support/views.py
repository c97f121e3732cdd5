"""Support pages: one page with the influencers, the messages (their live figures
filled in, suppressed) and the tactics chart, and a form page for each entry. Everyone
in the coalition reads them; members and coordinators write them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reentrykit.core.access import Capability, get_coalition_for
from reentrykit.core.entries import Part, entry_page
from reentrykit.library.merge import FIELDS, NOT_YET, NOT_YET_NOTICE, merged
from reentrykit.support.forms import InfluencerForm, MessageForm, TacticForm
from reentrykit.support.models import Influencer, Message, Tactic

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
    unmeasured = any(
        NOT_YET in problem or NOT_YET in "".join(points) for _, problem, points in texts
    )
    return render(
        request,
        "support/home.html",
        {
            "access": access,
            "influencers": Influencer.objects.filter(coalition=coalition).select_related("reaches"),
            "texts": texts,
            "not_yet": NOT_YET_NOTICE if unmeasured else "",
            "tactics": Tactic.objects.filter(coalition=coalition),
            "can_edit": access.can(Capability.CONTRIBUTE),
        },
    )


@login_required
def entry(
    request: HttpRequest, coalition_slug: str, part: str, entry_id: int | None = None
) -> HttpResponse:
    """A new entry of ``part``, or (with ``entry_id``) one to change or remove."""
    return entry_page(
        request,
        coalition_slug,
        PARTS,
        part,
        entry_id,
        listing="support:home",
        fields=FIELDS if part == "message" else (),
    )

"""Coaching pages: a coalition's sessions, action items and requests for help, and a
network reader's overview of them across their sites.

Everyone in the coalition reads its coaching record, and a coach the part of it from
the networks they coach it in; its coaches write sessions, add action items and answer
requests; members and coordinators ask for help and mark action items done.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from reentrykit.core.access import (
    Capability,
    CoalitionAccess,
    get_coalition_for,
    get_network_for,
    post_only,
)
from reentrykit.network import selectors, services
from reentrykit.network.forms import (
    SESSION_NOTES,
    ActionItemForm,
    AssistanceAnswerForm,
    AssistanceRequestForm,
    CoachingSessionForm,
)
from reentrykit.network.models import (
    ActionItem,
    AssistanceRequest,
    CoachingSession,
    NetworkSite,
)


def _sites(access: CoalitionAccess) -> list[NetworkSite]:
    return list(
        NetworkSite.objects.filter(coalition=access.coalition).select_related(
            "network", "coalition"
        )
    )


def _readable_sites(request: HttpRequest, access: CoalitionAccess) -> list[NetworkSite]:
    """The sites whose coaching the reader reads: all of the coalition's for its own
    people; for a coach who is not in the coalition, those they coach, since another
    network's coaching stays closed to them as that network's pages and library do."""
    if access.roles:
        return _sites(access)
    return selectors.coached_sites(access.coalition, request.user)


def _coaches(request: HttpRequest, access: CoalitionAccess, site_id: int) -> bool:
    """Whether the user coaches this site of the coalition (in a coalition that joined
    two networks, each network's coaches write only to their own site)."""
    sites = selectors.coached_sites(access.coalition, request.user)
    return any(site.pk == site_id for site in sites)


def _can_mark(request: HttpRequest, access: CoalitionAccess, site_id: int) -> bool:
    """Members and coordinators mark any of the coalition's action items done; a coach
    those of the sites they coach."""
    return access.can(Capability.CONTRIBUTE) or _coaches(request, access, site_id)


@login_required
def coaching(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    """The coalition's coaching record; members and coordinators ask for help here."""
    access = get_coalition_for(request, coalition_slug)
    sites = _sites(access)
    ask = AssistanceRequestForm(request.POST or None, sites=sites, prefix="ask")
    if request.method == "POST":
        access = get_coalition_for(request, coalition_slug, need=Capability.CONTRIBUTE)
        if not sites:
            raise Http404("The coalition is not part of a network.")
        if ask.is_valid():
            services.assistance_request_make(
                site=ask.chosen_site(), requested_by=request.user, **_model_fields(ask)
            )
            messages.success(request, "Your request is with your coaches.")
            return redirect("coalition_network:coaching", coalition_slug=coalition_slug)
    readable = _readable_sites(request, access)
    sessions = list(selectors.coalition_sessions(access.coalition).filter(site__in=readable))
    today = timezone.localdate()
    open_items = [
        item for session in sessions for item in session.action_items.all() if not item.done_on
    ]
    return render(
        request,
        "network/coaching.html",
        {
            "access": access,
            "sites": sites,
            "sessions": sessions,
            "open_items": sorted(open_items, key=lambda item: (item.due_on, item.pk)),
            "today": today,
            "requests": selectors.coalition_requests(access.coalition).filter(site__in=readable),
            "ask_form": ask,
            "can_ask": access.can(Capability.CONTRIBUTE),
            "can_mark": access.can(Capability.CONTRIBUTE),
            "coached": {
                site.pk for site in selectors.coached_sites(access.coalition, request.user)
            },
        },
    )


def _model_fields(form: AssistanceRequestForm | CoachingSessionForm | ActionItemForm) -> dict:
    """The cleaned values of a model form's own fields (not the site choice)."""
    return {name: form.cleaned_data[name] for name in form._meta.fields}  # type: ignore[union-attr]


@login_required
def session_new(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug, need=Capability.COACH)
    sites = selectors.coached_sites(access.coalition, request.user)
    if not sites:
        raise PermissionDenied("You do not coach this coalition.")
    form = CoachingSessionForm(
        request.POST or None, sites=sites, initial={"held_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        session = services.coaching_session_record(
            site=form.chosen_site(), coach=request.user, **_model_fields(form)
        )
        messages.success(request, "Session recorded. Add the action items agreed.")
        return redirect(
            "coalition_network:session", coalition_slug=coalition_slug, session_id=session.pk
        )
    return render(request, "network/session_new.html", {"access": access, "form": form})


def _session_in(request: HttpRequest, access: CoalitionAccess, session_id: int) -> CoachingSession:
    session = (
        CoachingSession.objects.filter(
            pk=session_id,
            site__coalition=access.coalition,
            site__in=_readable_sites(request, access),
        )
        .select_related("site__network", "coach")
        .first()
    )
    if session is None:
        raise Http404("No such session")
    return session


@login_required
def session(request: HttpRequest, coalition_slug: str, session_id: int) -> HttpResponse:
    """One session; its coach (or another coach of the site) adds action items here."""
    access = get_coalition_for(request, coalition_slug)
    entry = _session_in(request, access, session_id)
    form = ActionItemForm(request.POST or None, session=entry)
    can_add = _coaches(request, access, entry.site_id)
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied("Only the site's coaches add action items.")
        if form.is_valid():
            services.action_item_add(session=entry, **_model_fields(form))
            messages.success(request, "Action item added.")
            return redirect(
                "coalition_network:session", coalition_slug=coalition_slug, session_id=entry.pk
            )
    return render(
        request,
        "network/session.html",
        {
            "access": access,
            "session": entry,
            "items": entry.action_items.all(),
            "notes": [
                (CoachingSession._meta.get_field(name).verbose_name, getattr(entry, name))
                for name in SESSION_NOTES
            ],
            "today": timezone.localdate(),
            "form": form,
            "can_add": can_add,
            "can_mark": _can_mark(request, access, entry.site_id),
        },
    )


@login_required
@post_only
def item_mark(request: HttpRequest, coalition_slug: str, item_id: int) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug)
    # Only an item the user reads: for another network's item, 404 as on reading it,
    # since a refusal would tell a coach of another network that the item exists.
    item = ActionItem.objects.filter(
        pk=item_id,
        session__site__coalition=access.coalition,
        session__site__in=_readable_sites(request, access),
    ).first()
    if item is None:
        raise Http404("No such action item")
    if not _can_mark(request, access, item.session.site_id):
        raise PermissionDenied("Your role does not allow marking this action item.")
    done = request.POST.get("done") == "yes"
    services.action_item_mark(item=item, done=done, today=timezone.localdate())
    messages.success(request, f"“{item.description}” is {'done' if done else 'open again'}.")
    back = request.POST.get("back")
    if back == "session":
        return redirect(
            "coalition_network:session", coalition_slug=coalition_slug, session_id=item.session_id
        )
    return redirect("coalition_network:coaching", coalition_slug=coalition_slug)


@login_required
@post_only
def request_answer(request: HttpRequest, coalition_slug: str, request_id: int) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug, need=Capability.COACH)
    entry = _request_in(request, access, request_id)
    if not _coaches(request, access, entry.site_id):
        raise PermissionDenied("Only the coaches the request went to answer it.")
    form = AssistanceAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write the answer to send to the site.")
    else:
        try:
            services.assistance_request_answer(
                request=entry, answered_by=request.user, answer=form.cleaned_data["answer"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Answered “{entry.topic}”.")
    return redirect("coalition_network:coaching", coalition_slug=coalition_slug)


def _request_in(
    request: HttpRequest, access: CoalitionAccess, request_id: int
) -> AssistanceRequest:
    """The request for help if the user reads it, or 404 as for a session: a coach of
    another network learns nothing of a request to this network's coaches."""
    entry = AssistanceRequest.objects.filter(
        pk=request_id,
        site__coalition=access.coalition,
        site__in=_readable_sites(request, access),
    ).first()
    if entry is None:
        raise Http404("No such request")
    return entry


@login_required
def overview(request: HttpRequest, network_slug: str) -> HttpResponse:
    """A network reader's coaching work: overdue and coming action items, open requests,
    and when each site was last coached."""
    access = get_network_for(request, network_slug)
    today = timezone.localdate()
    board = selectors.coaching_overview(access, request.user, today=today)
    sites = selectors.visible_sites(access, request.user)
    return render(
        request,
        "network/coaching_overview.html",
        {
            "access": access,
            "network": access.network,
            "overview": board,
            "site_rows": [(site, board.last_session.get(site.pk)) for site in sites],
            # Links into a coalition's pages only where the reader coaches it.
            "coached": set(selectors.coached_by(sites, request.user).values_list("pk", flat=True)),
            "today": today,
            "due_soon_days": selectors.DUE_SOON_DAYS,
        },
    )

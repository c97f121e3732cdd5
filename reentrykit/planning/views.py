"""The plan pages: the whole plan on one page, a form page for each part, and the plan
as a Word or PDF document. Everyone in the coalition reads it; members and
coordinators write it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from reentrykit.assessment.models import CandidatePriority
from reentrykit.core.access import (
    Capability,
    CoalitionAccess,
    get_coalition_for,
    get_object_in,
    post_only,
)
from reentrykit.core.audit_display import audit_rows
from reentrykit.core.entries import Part, back_to, entry_page, form_page, save_under
from reentrykit.metrics.selectors import sees_raw
from reentrykit.planning import selectors, services
from reentrykit.planning.forms import (
    ActionStepForm,
    AgencyRoleForm,
    GoalForm,
    ImprovementForm,
    PlanShareForm,
    PriorityForm,
    QualityCheckForm,
    RankForm,
    SafetyObjectiveForm,
    ScoreForm,
    StakeholderForm,
    StatusUpdateForm,
)
from reentrykit.planning.models import (
    ActionStep,
    AgencyRole,
    CandidateScore,
    Goal,
    Improvement,
    PlanShare,
    Priority,
    QualityCheck,
    SafetyObjective,
    Stakeholder,
    StatusUpdate,
)

M = TypeVar("M", bound=Model)


@login_required
def plan(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug)
    today = timezone.localdate()
    return render(
        request,
        "planning/plan.html",
        {
            "access": access,
            "plan": selectors.plan_of(access, today=today),
            "progress": selectors.progress_of(access.coalition, today=today),
            "candidates": [
                (entry, _score_form(entry.candidate, instance=entry.mine))
                for entry in selectors.open_candidates(access.coalition, reader=request.user)
            ],
            "can_edit": access.can(Capability.CONTRIBUTE),
            "raw": sees_raw(access),
        },
    )


def _score_form(candidate: CandidatePriority, **kwargs: Any) -> ScoreForm:
    # A prefix per candidate: the plan page holds one small form for each.
    return ScoreForm(prefix=f"candidate-{candidate.pk}", **kwargs)


@login_required
@post_only
def candidate_score(request: HttpRequest, coalition_slug: str, candidate_id: int) -> HttpResponse:
    """The reader's impact and feasibility scores of a candidate priority."""
    access = get_coalition_for(request, coalition_slug, need=Capability.CONTRIBUTE)
    candidate = get_object_in(access, CandidatePriority.objects.all(), pk=candidate_id)
    mine = CandidateScore.objects.filter(candidate=candidate, scorer=request.user).first()
    form = _score_form(candidate, data=request.POST, instance=mine)
    if form.is_valid():
        save_under(form, candidate=candidate, scorer=request.user)
        messages.success(request, f"Your scores of “{candidate.title}” are saved.")
    else:
        messages.error(
            request,
            f"Your scores of “{candidate.title}” were not saved: "
            "score impact and feasibility from 1 (least) to 5 (most).",
        )
    return back_to("planning:plan", coalition_slug, "candidates")


MONITORING_PARTS = {
    "role": Part(
        AgencyRole,
        AgencyRoleForm,
        "agency role",
        "What one partner organization does to carry out the plan: what it delivers, decides or "
        "reports, and toward which goals.",
    ),
    "check": Part(
        QualityCheck,
        QualityCheckForm,
        "quality check",
        "A recurring check that the work is done as designed: fidelity to a program's "
        "model, the data's quality, follow-through on referrals. Record when it was last "
        "done and what it found; it shows as due when its time comes round.",
    ),
}


@login_required
def monitoring(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    """Monitoring implementation: the member agencies' roles and the quality checks."""
    access = get_coalition_for(request, coalition_slug)
    today = timezone.localdate()
    checks = QualityCheck.objects.filter(coalition=access.coalition).select_related(
        "goal", "checked_by"
    )
    return render(
        request,
        "planning/monitoring.html",
        {
            "access": access,
            "agencies": selectors.agency_work(access.coalition, today=today),
            "checks": [(check, check.is_due(today)) for check in checks],
            "progress": selectors.progress_of(access.coalition, today=today),
            "can_edit": access.can(Capability.CONTRIBUTE),
        },
    )


@login_required
def monitoring_entry(
    request: HttpRequest, coalition_slug: str, part: str, entry_id: int | None = None
) -> HttpResponse:
    return entry_page(
        request, coalition_slug, MONITORING_PARTS, part, entry_id, listing="planning:monitoring"
    )


@login_required
def candidate_rank(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    """The reader's ranking of the open candidate priorities."""
    access = get_coalition_for(request, coalition_slug, need=Capability.CONTRIBUTE)
    entries = selectors.open_candidates(access.coalition, reader=request.user)
    candidates = [entry.candidate for entry in entries]
    initial = {f"candidate-{e.candidate.pk}": e.my_place for e in entries if e.my_place}
    form = RankForm(request.POST or None, candidates=candidates, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.ranking_save(ranker=request.user, places=form.places())
        messages.success(request, "Your ranking is saved.")
        return back_to("planning:plan", coalition_slug, "candidates")
    return render(
        request,
        "planning/rank.html",
        {"access": access, "form": form, "entries": entries},
    )


def _form_page(
    request: HttpRequest,
    access: CoalitionAccess,
    form: forms.ModelForm,  # type: ignore[type-arg]
    *,
    heading: str,
    intro: str,
    save: Callable[[Any], Model],
    part: str,
    deletable: Model | None = None,
    remove: Callable[[Any], None] | None = None,
    page: str = "planning:plan",
) -> HttpResponse:
    """One ``part`` of the plan in a form (``core.entries.form_page``); ``page`` is
    where the part is listed."""
    return form_page(
        request,
        access,
        form,
        part=part,
        name=PART_NAMES[part],
        heading=heading,
        intro=intro,
        save=save,
        listing=page,
        deletable=deletable,
        remove=remove,
        template="planning/form.html",
        cascades=REMOVAL_WARNINGS.get(part, ""),
    )


# What removing a part takes with it, and what stays without it, for the confirmation.
REMOVAL_WARNINGS = {
    "priority": "Its goals go too, with their action steps, status updates and improvements.",
    "goal": "Its action steps, status updates and improvements go too; quality checks and "
    "agency roles tied to it stay, without it.",
    "stakeholder": "The record of sharing the plan with them goes too; influencers who "
    "reach them stay, without a decision maker.",
}


# How each part of the plan reaches its coalition, for finding it in the reader's plan.
COALITION_PATH: dict[type[Model], str] = {
    Priority: "coalition",
    SafetyObjective: "coalition",
    Goal: "priority__coalition",
    Improvement: "goal__priority__coalition",
    StatusUpdate: "goal__priority__coalition",
    ActionStep: "goal__priority__coalition",
    Stakeholder: "coalition",
    PlanShare: "stakeholder__coalition",
}


def _part(access: CoalitionAccess, model: type[M], pk: int) -> M:
    """A part of the coalition's plan, or 404 (also for another coalition's)."""
    found = model._default_manager.filter(pk=pk, **{COALITION_PATH[model]: access.coalition})
    entry = found.first()
    if entry is None:
        raise Http404("Not found in this coalition's plan")
    return entry


PART_NAMES = {
    "priority": "priority",
    "goal": "goal",
    "improvement": "improvement",
    "update": "status update",
    "step": "action step",
    "objective": "public safety objective",
    "stakeholder": "stakeholder",
    "share": "record of the plan shared",
}
# The parts of the plan whose changes its history shows.
PLAN_MODELS = (
    "planning.Priority",
    "planning.Goal",
    "planning.Improvement",
    "planning.StatusUpdate",
    "planning.ActionStep",
    "planning.SafetyObjective",
    "planning.Stakeholder",
    "planning.PlanShare",
    "planning.AgencyRole",
    "planning.QualityCheck",
)
PRIORITY_INTRO = (
    "A priority is something the coalition chose to change. Say why: what the assessment, "
    "the measures or the people affected showed."
)
GOAL_INTRO = (
    "A goal is a measurable milestone of the priority. Choose the indicators that measure "
    "it: the plan shows their baseline, latest value and targets."
)
IMPROVEMENT_INTRO = (
    "What would change, and by which mechanism: a law, an agency's policy, a change in "
    "practice, funding, an agreement or training. Give the people it reaches and the "
    "reduction you expect to project the events, jail bed-days and dollars it would save."
)
BUY_IN_INTRO = (
    "Who can make the plan happen or stop it: how much power they have over it, how "
    "interested they are in reentry, and where they stand today."
)
SHARE_INTRO = "When and how the plan reached them, and how they answered."
SAFETY_INTRO = (
    "An objective of your jurisdiction's public safety strategic plan. Linking your "
    "reentry goals to it shows how reentry work serves the plan."
)
UPDATE_INTRO = (
    "Report on the goal at least once a month: is it on track, at risk or off track, "
    "and why. The plan shows the latest reports and flags a goal whose report is due."
)
STEP_INTRO = "An action step says who does what by when. Update its status as work moves."


@login_required
def priority_new(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug, need=Capability.CONTRIBUTE)
    form = PriorityForm(request.POST or None, coalition=access.coalition)
    return _form_page(
        request,
        access,
        form,
        heading="Add a priority",
        intro=PRIORITY_INTRO,
        save=lambda f: services.priority_create(
            coalition=access.coalition, user=request.user, **f.cleaned_data
        ),
        part="priority",
    )


@login_required
@post_only
def priority_adopt(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug, need=Capability.CONTRIBUTE)
    candidate = get_object_in(
        access, CandidatePriority.objects.all(), pk=request.POST.get("candidate") or 0
    )
    priority = services.priority_adopt(candidate=candidate, user=request.user)
    if not priority.external_factors:
        # Two questions the toolkit asks of every priority, which the candidate does
        # not answer: asked now, while it is being chosen, rather than never.
        messages.success(
            request,
            f"“{priority.title}” is a priority of the plan. Say whether people directly "
            "affected took part in choosing it and what outside factors bear on it; then "
            "add its goals.",
        )
        return redirect(
            "planning:priority_edit", coalition_slug=coalition_slug, priority_id=priority.pk
        )
    messages.success(request, f"“{priority.title}” is a priority of the plan. Add its goals.")
    return back_to("planning:plan", coalition_slug, f"priority-{priority.pk}")


@login_required
def priority_edit(request: HttpRequest, coalition_slug: str, priority_id: int) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug, need=Capability.CONTRIBUTE)
    priority = _part(access, Priority, priority_id)
    form = PriorityForm(request.POST or None, instance=priority, coalition=access.coalition)
    return _form_page(
        request,
        access,
        form,
        heading=f"Change “{priority.title}”",
        intro=PRIORITY_INTRO,
        save=lambda f: f.save(),
        part="priority",
        deletable=priority,
    )


@login_required
def history(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    """The plan's revision history: every change to its parts, newest first, from the
    coalition's audit trail."""
    access = get_coalition_for(request, coalition_slug)
    entries = access.coalition.audit_entries.filter(model__in=PLAN_MODELS).select_related("actor")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    rows = audit_rows(page, coalition_id=access.coalition.pk)
    return render(request, "planning/history.html", {"access": access, "page": page, "rows": rows})


@login_required
def safety(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    """The jurisdiction's public safety plan objectives and the reentry goals that serve
    each (the crosswalk); contributors add objectives here."""
    access = get_coalition_for(request, coalition_slug)
    can_edit = access.can(Capability.CONTRIBUTE)
    form = SafetyObjectiveForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Your role does not allow changing the plan.")
        if form.is_valid():
            objective = save_under(form, coalition=access.coalition)
            messages.success(request, "Saved. Link goals to it when you add or change them.")
            return back_to("planning:safety", coalition_slug, f"objective-{objective.pk}")
    objectives = SafetyObjective.objects.filter(coalition=access.coalition).prefetch_related(
        "goals__priority"
    )
    return render(
        request,
        "planning/safety.html",
        {"access": access, "objectives": objectives, "form": form, "can_edit": can_edit},
    )


@login_required
def safety_edit(request: HttpRequest, coalition_slug: str, objective_id: int) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug, need=Capability.CONTRIBUTE)
    objective = _part(access, SafetyObjective, objective_id)
    form = SafetyObjectiveForm(request.POST or None, instance=objective)
    return _form_page(
        request,
        access,
        form,
        heading="Change the public safety objective",
        intro=SAFETY_INTRO,
        save=save_under,
        part="objective",
        deletable=objective,
        remove=lambda entry: services.objective_delete(objective=entry),
        page="planning:safety",
    )


@login_required
def buy_in(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    """The plan's stakeholders on a power and interest grid, who received the plan and
    how they answered; contributors add stakeholders here."""
    access = get_coalition_for(request, coalition_slug)
    can_edit = access.can(Capability.CONTRIBUTE)
    form = StakeholderForm(request.POST or None, coalition=access.coalition)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Your role does not allow changing the plan.")
        if form.is_valid():
            entry = save_under(form, coalition=access.coalition)
            messages.success(request, f"{entry.name} is on the grid.")
            return back_to("planning:buy_in", coalition_slug, f"stakeholder-{entry.pk}")
    return render(
        request,
        "planning/buy_in.html",
        {
            "access": access,
            "quadrants": selectors.buy_in(access.coalition),
            "form": form,
            "can_edit": can_edit,
        },
    )


@login_required
def stakeholder_edit(
    request: HttpRequest, coalition_slug: str, stakeholder_id: int
) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug, need=Capability.CONTRIBUTE)
    entry = _part(access, Stakeholder, stakeholder_id)
    form = StakeholderForm(request.POST or None, instance=entry, coalition=access.coalition)
    return _form_page(
        request,
        access,
        form,
        heading=f"Change {entry.name}",
        intro=BUY_IN_INTRO,
        save=save_under,
        part="stakeholder",
        deletable=entry,
        page="planning:buy_in",
    )


@dataclass(frozen=True)
class ChildPart:
    """A part of the plan that hangs off another: made under its parent (the URL names
    the parent ``<parent_field>_id``), changed or removed by its own id (``<part>_id``)."""

    model: type[Model]
    form: type[forms.ModelForm]  # type: ignore[type-arg]
    parent: type[Model]
    parent_field: str
    intro: str
    # Formatted with the parent (a new one) or the entry (a change).
    new_heading: str
    edit_heading: str
    page: str = "planning:plan"
    # A date field that starts as today on a new one.
    today_field: str = ""
    # A field set to the writer on a new one.
    author_field: str = ""
    # Whether the form takes the coalition (for choices of its own records).
    takes_coalition: bool = True


CHILD_PARTS = {
    "goal": ChildPart(
        Goal,
        GoalForm,
        Priority,
        "priority",
        GOAL_INTRO,
        "Add a goal to “{parent.title}”",
        "Change the goal",
    ),
    "improvement": ChildPart(
        Improvement,
        ImprovementForm,
        Goal,
        "goal",
        IMPROVEMENT_INTRO,
        "Propose an improvement toward “{parent.statement}”",
        "Change the improvement",
    ),
    "update": ChildPart(
        StatusUpdate,
        StatusUpdateForm,
        Goal,
        "goal",
        UPDATE_INTRO,
        "Report on “{parent.statement}”",
        "Change the status update",
        today_field="reported_on",
        author_field="author",
        takes_coalition=False,
    ),
    "step": ChildPart(
        ActionStep,
        ActionStepForm,
        Goal,
        "goal",
        STEP_INTRO,
        "Add an action step to “{parent.statement}”",
        "Change the action step",
    ),
    "share": ChildPart(
        PlanShare,
        PlanShareForm,
        Stakeholder,
        "stakeholder",
        SHARE_INTRO,
        "Log the plan shared with {parent.name}",
        "Change the plan shared with {entry.stakeholder.name}",
        page="planning:buy_in",
        today_field="shared_on",
        takes_coalition=False,
    ),
}


def _child_form(
    spec: ChildPart, request: HttpRequest, access: CoalitionAccess, **kwargs: Any
) -> Any:
    if spec.takes_coalition:
        kwargs["coalition"] = access.coalition
    return spec.form(request.POST or None, **kwargs)


@login_required
def child_new(request: HttpRequest, coalition_slug: str, part: str, **ids: int) -> HttpResponse:
    """A new ``part`` under its parent."""
    spec = CHILD_PARTS[part]
    access = get_coalition_for(request, coalition_slug, need=Capability.CONTRIBUTE)
    parent = _part(access, spec.parent, ids[f"{spec.parent_field}_id"])
    initial = {spec.today_field: timezone.localdate()} if spec.today_field else None
    under = {spec.parent_field: parent}
    if spec.author_field:
        under[spec.author_field] = request.user
    return _form_page(
        request,
        access,
        _child_form(spec, request, access, initial=initial),
        heading=spec.new_heading.format(parent=parent),
        intro=spec.intro,
        save=lambda f: save_under(f, **under),
        part=part,
        page=spec.page,
    )


@login_required
def child_edit(request: HttpRequest, coalition_slug: str, part: str, **ids: int) -> HttpResponse:
    """One ``part`` to change or remove."""
    spec = CHILD_PARTS[part]
    access = get_coalition_for(request, coalition_slug, need=Capability.CONTRIBUTE)
    entry = _part(access, spec.model, ids[f"{part}_id"])
    return _form_page(
        request,
        access,
        _child_form(spec, request, access, instance=entry),
        heading=spec.edit_heading.format(entry=entry),
        intro=spec.intro,
        save=save_under,
        part=part,
        deletable=entry,
        page=spec.page,
    )

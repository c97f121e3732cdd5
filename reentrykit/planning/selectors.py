"""The plan as its pages and its document read it."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from statistics import mean
from typing import Any

from django.db.models import Prefetch

from reentrykit.assessment.models import CandidatePriority
from reentrykit.coalitions.models import Coalition, Membership, Role
from reentrykit.core.access import CoalitionAccess
from reentrykit.metrics.selectors import indicator_rows
from reentrykit.planning.models import (
    ActionStep,
    AgencyRole,
    CandidateRank,
    CandidateScore,
    Goal,
    Improvement,
    Priority,
    QualityCheck,
    Stakeholder,
    StatusUpdate,
)
from reentrykit.planning.projection import Projection, project

# Goals report their status monthly; the plan shows each goal's latest few reports.
UPDATE_EVERY_DAYS = 31
SHOWN_UPDATES = 3


@dataclass
class GoalView:
    goal: Goal
    # indicator_rows entries: each indicator with its baseline, latest value and targets,
    # disclosed for the reader.
    measures: list[dict[str, Any]]
    # Each proposed improvement with its impact projection (None when none is asked for).
    improvements: list[tuple[Improvement, Projection | None]]
    steps: list[ActionStep]
    overdue: set[int] = field(default_factory=set)
    # The latest status updates, newest first, and whether a new one is due.
    updates: list[StatusUpdate] = field(default_factory=list)
    update_due: bool = False


@dataclass
class PriorityView:
    priority: Priority
    goals: list[GoalView]


@dataclass(frozen=True)
class Progress:
    """How far a coalition's plan has come (counts of its parts, never of people)."""

    priorities: int
    goals: int
    steps: int
    done: int
    overdue: int
    # The mean percent complete of every step, 0 when there are none.
    percent: int
    # Goals whose latest status report says so.
    at_risk: int = 0
    off_track: int = 0
    # Quality-assurance checks never done or whose time has come round again.
    checks_due: int = 0

    @property
    def label(self) -> str:
        if not self.steps:
            return "No action steps yet"
        return f"{self.done} of {self.steps} steps done, {self.percent}% complete overall"


def plan_of(access: CoalitionAccess, *, today: dt.date) -> list[PriorityView]:
    """The coalition's priorities, their goals with their measures (suppressed as the
    reader's role requires) and their action steps."""
    measures = {row["indicator"].pk: row for row in indicator_rows(access)}
    steps = ActionStep.objects.select_related("owner_organization")
    priorities = Priority.objects.filter(coalition=access.coalition).prefetch_related(
        Prefetch("goals", queryset=Goal.objects.prefetch_related("indicators", "objectives")),
        "goals__improvements",
        Prefetch("goals__steps", queryset=steps),
        Prefetch("goals__updates", queryset=StatusUpdate.objects.select_related("author")),
    )
    return [
        PriorityView(
            priority=priority,
            goals=[
                GoalView(
                    goal=goal,
                    measures=[measures[i.pk] for i in goal.indicators.all() if i.pk in measures],
                    improvements=[
                        (entry, project(entry, measures.get(entry.indicator_id)))
                        for entry in goal.improvements.all()
                    ],
                    steps=list(goal.steps.all()),
                    overdue={s.pk for s in goal.steps.all() if s.is_overdue(today)},
                    updates=list(goal.updates.all())[:SHOWN_UPDATES],
                    update_due=update_due(list(goal.updates.all()), today),
                )
                for goal in priority.goals.all()
            ],
        )
        for priority in priorities
    ]


def update_due(updates: list[StatusUpdate], today: dt.date) -> bool:
    """A goal reports at least every :data:`UPDATE_EVERY_DAYS` once it has reported."""
    return bool(updates) and (today - updates[0].reported_on).days > UPDATE_EVERY_DAYS


def progress_of(coalition: Coalition, *, today: dt.date) -> Progress:
    """How far the plan's action steps have come."""
    steps = list(ActionStep.objects.filter(goal__priority__coalition=coalition))
    goals = list(Goal.objects.filter(priority__coalition=coalition).prefetch_related("updates"))
    # Updates come newest first: a goal's first one is its current status.
    statuses = [goal.updates.all()[0].rating for goal in goals if goal.updates.all()]
    return Progress(
        priorities=Priority.objects.filter(coalition=coalition).count(),
        goals=len(goals),
        at_risk=statuses.count(StatusUpdate.Rating.AT_RISK),
        off_track=statuses.count(StatusUpdate.Rating.OFF_TRACK),
        steps=len(steps),
        done=sum(1 for step in steps if step.status == ActionStep.Status.DONE),
        overdue=sum(1 for step in steps if step.is_overdue(today)),
        percent=round(sum(step.percent_complete for step in steps) / len(steps)) if steps else 0,
        checks_due=len(checks_due(coalition, today=today)),
    )


# The roles whose holders score and rank candidate priorities (PRODUCT.md).
DECIDING_ROLES = (Role.COORDINATOR, Role.MEMBER)


@dataclass(frozen=True)
class RankedCandidate:
    """A candidate priority with the group's result, by scores and by ranks, and the
    reader's own."""

    candidate: CandidatePriority
    scores: int
    impact: float | None
    feasibility: float | None
    mine: CandidateScore | None
    # Borda points: in each person's ranking of the open candidates, the first earns as
    # many points as there are open candidates, the next one fewer, and so on; a
    # candidate they left out earns none from them.
    points: int = 0
    rankers: int = 0
    my_place: int | None = None
    # Mean impact plus mean feasibility (2 to 10); 0 before anyone scores. Worked out as
    # the mean of each person's sum, so that equal totals are equal (a tie, which goes
    # by title) however the two means would round: 4/3 + 4/3 is 1 + 5/3.
    total: float = 0


def open_candidates(coalition: Coalition, *, reader: Any = None) -> list[RankedCandidate]:
    """Candidate priorities the plan has not taken up, one per title (the latest),
    ordered by the group's result in the coalition's way of deciding: the highest mean
    impact plus feasibility first, or the most Borda points first.

    Only the scores and rankings of the coalition's members and coordinators as they are
    now count: someone made a viewer or removed can no longer change theirs, so they
    must not go on deciding. Their scores and rankings are kept, and count again should
    they regain the role."""
    adopted = {title.casefold() for title in coalition.priorities.values_list("title", flat=True)}
    seen: set[str] = set()
    shown = []
    deciders = Membership.objects.filter(coalition=coalition, role__in=DECIDING_ROLES).values(
        "user_id"
    )
    candidates = CandidatePriority.objects.filter(coalition=coalition, adopted_as=None)
    for candidate in candidates.prefetch_related(
        Prefetch("scores", queryset=CandidateScore.objects.filter(scorer_id__in=deciders)),
        Prefetch("ranks", queryset=CandidateRank.objects.filter(ranker_id__in=deciders)),
    ):
        key = candidate.title.casefold()
        if key not in adopted and key not in seen:
            seen.add(key)
            shown.append(candidate)
    points, places = _borda(shown, reader)
    ranked = []
    for candidate in shown:
        scores = list(candidate.scores.all())
        ranked.append(
            RankedCandidate(
                candidate=candidate,
                scores=len(scores),
                impact=mean(s.impact for s in scores) if scores else None,
                feasibility=mean(s.feasibility for s in scores) if scores else None,
                mine=next((s for s in scores if reader and s.scorer_id == reader.pk), None),
                points=points[candidate.pk],
                rankers=len(candidate.ranks.all()),
                my_place=places.get(candidate.pk),
                total=mean(s.impact + s.feasibility for s in scores) if scores else 0,
            )
        )
    if coalition.priority_method == coalition.Decision.RANK:
        return sorted(ranked, key=lambda entry: (-entry.points, entry.candidate.title.casefold()))
    return sorted(ranked, key=lambda entry: (-entry.total, entry.candidate.title.casefold()))


def _borda(candidates: list[CandidatePriority], reader: Any) -> tuple[Counter[int], dict[int, int]]:
    """Each candidate's Borda points, and the reader's places (1 = first) among them."""
    orders: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for candidate in candidates:
        for rank in candidate.ranks.all():
            orders[rank.ranker_id].append((rank.position, candidate.pk))
    points: Counter[int] = Counter()
    places: dict[int, int] = {}
    for ranker, order in orders.items():
        for index, (_, pk) in enumerate(sorted(order)):
            points[pk] += len(candidates) - index
            if reader is not None and ranker == reader.pk:
                places[pk] = index + 1
    return points, places


@dataclass(frozen=True)
class Quadrant:
    """One cell of the power and interest grid, with what to do about its people."""

    power: str
    interest: str
    title: str
    advice: str
    stakeholders: list[Stakeholder]


QUADRANTS = (
    ("high", "high", "Manage closely", "Involve them in decisions and brief them first."),
    ("high", "low", "Keep satisfied", "Show how the plan serves what they care about."),
    ("low", "high", "Keep informed", "Share progress; ask them to speak for the plan."),
    ("low", "low", "Monitor", "Keep them on the mailing list."),
)


def buy_in(coalition: Coalition) -> list[Quadrant]:
    """The coalition's stakeholders on the power and interest grid, each with the
    plan's shares to them (newest first)."""
    people = list(Stakeholder.objects.filter(coalition=coalition).prefetch_related("shares"))
    return [
        Quadrant(
            power,
            interest,
            title,
            advice,
            [p for p in people if (p.power, p.interest) == (power, interest)],
        )
        for power, interest, title, advice in QUADRANTS
    ]


@dataclass(frozen=True)
class AgencyWork:
    """A member agency's part in carrying out the plan: its roles and the action steps
    it owns."""

    organization: Any
    roles: list[AgencyRole]
    steps: int
    done: int
    overdue: int


def agency_work(coalition: Coalition, *, today: dt.date) -> list[AgencyWork]:
    """Each member agency with a role in the plan or an action step, by name."""
    roles: dict[int, list[AgencyRole]] = defaultdict(list)
    for role in AgencyRole.objects.filter(coalition=coalition).prefetch_related("goals"):
        roles[role.organization_id].append(role)
    steps: dict[int, list[ActionStep]] = defaultdict(list)
    for step in ActionStep.objects.filter(
        goal__priority__coalition=coalition, owner_organization__isnull=False
    ):
        steps[step.owner_organization_id].append(step)  # type: ignore[index]
    return [
        AgencyWork(
            organization=organization,
            roles=roles[organization.pk],
            steps=len(steps[organization.pk]),
            done=sum(1 for s in steps[organization.pk] if s.status == ActionStep.Status.DONE),
            overdue=sum(1 for s in steps[organization.pk] if s.is_overdue(today)),
        )
        for organization in coalition.organizations.order_by("name")
        if organization.pk in roles or organization.pk in steps
    ]


def checks_due(coalition: Coalition, *, today: dt.date) -> list[QualityCheck]:
    return [
        check for check in QualityCheck.objects.filter(coalition=coalition) if check.is_due(today)
    ]


@dataclass(frozen=True)
class GoalStatus:
    priority: str
    goal: Goal
    latest: StatusUpdate | None


def goal_statuses(coalition: Coalition) -> list[GoalStatus]:
    """Each goal of the plan with its latest status report, by priority."""
    goals = (
        Goal.objects.filter(priority__coalition=coalition)
        .select_related("priority")
        .prefetch_related("updates")
        .order_by("priority_id", "id")
    )
    return [
        GoalStatus(goal.priority.title, goal, next(iter(goal.updates.all()), None))
        for goal in goals
    ]

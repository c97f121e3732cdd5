"""A demo plan for each demo coalition: its first candidate priority adopted, a goal
measured by its rearrest indicator, a proposed improvement with its impact projection,
and action steps due around the day of seeding (one done, one overdue, one ahead), so
the plan page shows every state."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from reentrykit.core.demo import DemoWorld, register_demo_seeder
from reentrykit.metrics.demo import DEMO_INDICATOR
from reentrykit.network.demo import demo_email
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
from reentrykit.planning.services import priority_adopt

# (what, owner partner's index, start in days from today, due in days, status, percent)
DEMO_STEPS = (
    ("Agree on one release-notice form with the jail", 0, -120, -30, "done", 100),
    ("Sign a data-sharing agreement with the police department", 0, -90, -7, "in_progress", 60),
    ("Train navigators on the new referral path", 1, -10, 60, "not_started", 0),
)


# (days before seeding, status, what happened) of the goal's monthly reports.
DEMO_UPDATES = (
    (45, "on_track", "The jail agreed to send release notices a week ahead."),
    (12, "at_risk", "The police department's counsel has not signed the data agreement yet."),
)
# (name, role, power, interest, stance, (how shared, response) or None); invented people.
DEMO_STAKEHOLDERS = (
    (
        "The county commission",
        "Funds the jail and reentry services",
        "high",
        "low",
        "neutral",
        ("Briefing at a work session", "Asked what the jobs program would save."),
    ),
    (
        "The sheriff",
        "Runs the jail",
        "high",
        "high",
        "supporter",
        ("Meeting with the jail administrator", "Will share release dates a week ahead."),
    ),
    ("The police chief", "Runs the city police department", "high", "low", "skeptic", None),
    (
        "A returning citizens' group",
        "People who came home and their families",
        "low",
        "high",
        "champion",
        ("Community meeting", "Offered to speak at the commission."),
    ),
)
# (who, impact, feasibility) of each candidate priority.
DEMO_SCORES = (("coordinator", 4, 3), ("member1", 5, 3), ("member2", 3, 4))


def seed_plans(world: DemoWorld) -> None:
    today = timezone.localdate()
    for slug, coalition in world.coalitions.items():
        if Priority.objects.filter(coalition=coalition).exists():
            continue  # seeded before, or the coalition has its own plan
        candidates = list(coalition.candidate_priorities.order_by("id"))
        if not candidates:
            continue
        # The group scored every candidate; the first became a priority.
        for candidate in candidates:
            for local, impact, feasibility in DEMO_SCORES:
                CandidateScore.objects.create(
                    candidate=candidate,
                    scorer=world.user(demo_email(slug, local)),
                    impact=impact,
                    feasibility=feasibility,
                )
        priority = priority_adopt(
            candidate=candidates[0], user=world.user(demo_email(slug, "coordinator"))
        )
        goal = Goal.objects.create(
            priority=priority,
            statement="Cut one-year rearrest to 40% for people released in 2026",
            milestone_on=dt.date(2027, 12, 31),
        )
        objective = SafetyObjective.objects.create(
            coalition=coalition,
            plan_name=f"{coalition.name.split(' Reentry')[0]} Public Safety Plan 2025–2029",
            objective="Reduce repeat bookings into the jail",
            lead_agency="Sheriff's Office",
        )
        goal.objectives.add(objective)
        indicator = coalition.indicators.filter(name=DEMO_INDICATOR).first()
        if indicator is not None:
            goal.indicators.add(indicator)
        Improvement.objects.create(
            goal=goal,
            description="Transitional jobs for people leaving the jail",
            mechanism=Improvement.Mechanism.FUNDING,
            criteria="Evidence of effect, and the county's workforce fund can pay for it.",
            stakeholders="Workforce board, employers, probation",
            decision_makers="County commissioners",
            indicator=indicator,
            people_per_year=150,
            effect_percent=10,
            bed_days_per_event=25,
            cost_per_bed_day=Decimal("92.00"),
        )
        for days_ago, rating, commentary in DEMO_UPDATES:
            StatusUpdate.objects.create(
                goal=goal,
                reported_on=today - dt.timedelta(days=days_ago),
                rating=rating,
                commentary=commentary,
                author=world.user(demo_email(slug, "coordinator")),
            )
        for name, role, power, interest, stance, shared in DEMO_STAKEHOLDERS:
            person = Stakeholder.objects.create(
                coalition=coalition,
                name=name,
                role=role,
                decision_maker=power == "high",
                power=power,
                interest=interest,
                stance=stance,
            )
            if shared is not None:
                how, response = shared
                PlanShare.objects.create(
                    stakeholder=person,
                    shared_on=today - dt.timedelta(days=20),
                    how=how,
                    response=response,
                )
        partners = world.organizations[slug]
        for what, partner, start, due, status, percent in DEMO_STEPS:
            ActionStep.objects.create(
                goal=goal,
                description=what,
                owner_organization=partners[partner % len(partners)],
                starts_on=today + dt.timedelta(days=start),
                due_on=today + dt.timedelta(days=due),
                status=status,
                percent_complete=percent,
            )
        role = AgencyRole.objects.create(
            coalition=goal.priority.coalition,
            organization=partners[0],
            role="Shares release and booking data with the coalition every month.",
        )
        role.goals.add(goal)
        QualityCheck.objects.create(
            coalition=goal.priority.coalition,
            what="Every high-risk release has a case plan before release day",
            goal=goal,
            checked_by=partners[0],
            every_months=3,
            last_checked_on=today - dt.timedelta(days=120),
            result=QualityCheck.Result.CONCERNS,
            notes="A sample of 20 releases: 4 had no case plan.",
        )


register_demo_seeder("plans", 40, seed_plans)

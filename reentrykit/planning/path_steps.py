"""The "set priorities and write the plan" step of the toolkit path: the coalition
chooses priorities from what the assessment and the data showed, sets measurable goals
measured by its indicators, and plans who does what by when."""

from __future__ import annotations

from reentrykit.coalitions.models import Coalition
from reentrykit.core.path import (
    PathStep,
    StepState,
    exists_each,
    register_step,
    state_from_checks,
)
from reentrykit.planning.models import ActionStep, Goal, Priority


def plan_step_state(coalition: Coalition) -> StepState:
    found = exists_each(
        coalition,
        priorities=Priority.objects.filter(coalition=coalition),
        measured=Goal.objects.filter(priority__coalition=coalition, indicators__isnull=False),
        steps=ActionStep.objects.filter(goal__priority__coalition=coalition),
    )
    checks = [
        ("Priorities chosen", found["priorities"]),
        ("Goals measured by an indicator", found["measured"]),
        ("Action steps with an owner and a due date", found["steps"]),
    ]
    return state_from_checks(checks)


register_step(
    PathStep(
        key="plan",
        order=50,
        title="Set priorities and write your plan",
        help=(
            "Choose what to work on from the weak spots the assessment found and what your "
            "measures show, set goals measured by your indicators, and plan who does what "
            "by when. The plan's measures update after every linkage."
        ),
        url_name="planning:plan",
        state=plan_step_state,
    )
)

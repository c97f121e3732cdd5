"""The "build community support" step of the toolkit path."""

from __future__ import annotations

from reentrykit.coalitions.models import Coalition
from reentrykit.core.path import (
    PathStep,
    StepState,
    exists_each,
    register_step,
    state_from_checks,
)
from reentrykit.library.starting_texts import for_step
from reentrykit.support.models import Influencer, Message, Tactic


def support_step_state(coalition: Coalition) -> StepState:
    found = exists_each(
        coalition,
        influencers=Influencer.objects.filter(coalition=coalition),
        messages=Message.objects.filter(coalition=coalition),
        tactics=Tactic.objects.filter(coalition=coalition),
    )
    checks = [
        ("Influencers beyond the coalition listed", found["influencers"]),
        ("A message for an audience written", found["messages"]),
        ("Communication tactics planned", found["tactics"]),
    ]
    return state_from_checks(checks)


register_step(
    PathStep(
        key="support",
        order=60,
        title="Build community support",
        help=(
            "Reach beyond the coalition: the people whose voices carry with decision makers, "
            "a message for each audience that quotes your live figures, and a chart of who "
            "says what, where and when."
        ),
        url_name="support:home",
        documents=for_step("talking_points", "press_release", "agenda"),
        state=support_step_state,
    )
)

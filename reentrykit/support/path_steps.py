"""The "build community support" step of the toolkit path."""

from __future__ import annotations

from reentrykit.coalitions.models import Coalition
from reentrykit.core.path import PathStep, StepState, register_step, state_from_checks
from reentrykit.support.models import Influencer, Message, Tactic


def support_step_state(coalition: Coalition) -> StepState:
    checks = [
        (
            "Influencers beyond the coalition listed",
            Influencer.objects.filter(coalition=coalition).exists(),
        ),
        ("A message for an audience written", Message.objects.filter(coalition=coalition).exists()),
        ("Communication tactics planned", Tactic.objects.filter(coalition=coalition).exists()),
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
        state=support_step_state,
    )
)

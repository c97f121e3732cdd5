"""The assessment step of the toolkit path: its status follows the coalition's rounds."""

from __future__ import annotations

from reentrykit.assessment.selectors import latest_rounds_state
from reentrykit.coalitions.models import Coalition
from reentrykit.core.access import Capability
from reentrykit.core.path import PathStep, StepState, StepStatus, register_step


def assessment_step_state(coalition: Coalition) -> StepState:
    counts = latest_rounds_state(coalition=coalition)
    checks = [
        ("An assessment round opened", counts["open"] + counts["closed"] > 0),
        ("A round closed with results", counts["closed"] > 0),
    ]
    if counts["closed"]:
        return StepState(
            status=StepStatus.COMPLETE,
            checklist=checks,
            next_action="Use the results to choose candidate priorities",
        )
    # Rounds are opened, gathered and closed by the coordinators; the others rate.
    if counts["open"]:
        return StepState(
            status=StepStatus.IN_PROGRESS,
            checklist=checks,
            next_action="Gather everyone's ratings, hold the consensus meeting and close the round",
            next_by=Capability.MANAGE,
            next_for_others="Give your ratings if your coordinator invited you to this round; "
            "your coordinator then holds the consensus meeting and closes it",
        )
    return StepState(
        status=StepStatus.NOT_STARTED,
        checklist=checks,
        next_action="Open an assessment round and invite your partners to rate",
        next_by=Capability.MANAGE,
        next_for_others="Your coordinator opens assessment rounds and invites partners to rate",
    )


register_step(
    PathStep(
        key="assessment",
        order=20,
        title="Assess your capacity",
        help=(
            "Partners rate the coalition's reentry practices on their own, then meet to agree. "
            "The results show strengths, gaps and where to focus."
        ),
        url_name="assessment:rounds",
        state=assessment_step_state,
    )
)

"""The assessment step of the toolkit path: its status follows the coalition's rounds."""

from __future__ import annotations

from reentrykit.assessment.selectors import latest_rounds_state
from reentrykit.coalitions.models import Coalition
from reentrykit.core.path import PathStep, StepState, StepStatus, register_step


def assessment_step_state(coalition: Coalition) -> StepState:
    counts = latest_rounds_state(coalition=coalition)
    checks = [
        ("An assessment round opened", counts["open"] + counts["closed"] > 0),
        ("A round closed with results", counts["closed"] > 0),
    ]
    if counts["closed"]:
        status = StepStatus.COMPLETE
        next_action = "Use the results to choose candidate priorities"
    elif counts["open"]:
        status = StepStatus.IN_PROGRESS
        next_action = "Gather everyone's ratings, hold the consensus meeting and close the round"
    else:
        status = StepStatus.NOT_STARTED
        next_action = "Open an assessment round and invite your partners to rate"
    return StepState(status=status, checklist=checks, next_action=next_action)


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

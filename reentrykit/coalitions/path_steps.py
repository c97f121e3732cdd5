"""The first step of the toolkit path: form the coalition."""

from __future__ import annotations

from reentrykit.coalitions.models import Coalition, Role
from reentrykit.core.access import Capability
from reentrykit.core.path import PathStep, StepState, register_step, state_from_checks
from reentrykit.library.starting_texts import for_step

# The coalition is formed when partners have joined it: the coordinators who set it up
# (one or several, made on the command line) are not yet a coalition.
PARTNERS_NEEDED = 2


def coalition_step_state(coalition: Coalition) -> StepState:
    coordinators = coalition.memberships.filter(role=Role.COORDINATOR).values("user")
    partner_count = (
        coalition.memberships.exclude(user__in=coordinators).values("user").distinct().count()
    )
    organization_count = coalition.organizations.count()
    checks = [
        (
            f"Partners on board (at least {PARTNERS_NEEDED} people besides the coordinators)",
            partner_count >= PARTNERS_NEEDED,
        ),
        ("Partner organizations listed", organization_count >= 1),
        ("Mission statement written", bool(coalition.mission_statement.strip())),
    ]
    # Invitations, organizations and the mission statement are the coordinators' to set.
    return state_from_checks(
        checks,
        by=Capability.MANAGE,
        for_others={
            Capability.MANAGE: "Your coordinator brings the partners on board, lists their "
            "organizations and writes the mission statement with them"
        },
    )


register_step(
    PathStep(
        key="coalition",
        order=10,
        title="Form the coalition",
        help=(
            "Bring the partners who shape reentry to the table — corrections, supervision, "
            "courts, providers, employers, and people with lived experience — and agree on "
            "a shared mission."
        ),
        # The overview shows every check of this step to every role; settings are
        # for coordinators only, and the overview links there for them.
        url_name="coalitions:overview",
        documents=for_step("charter", "mission", "mou"),
        state=coalition_step_state,
    )
)

"""The "bring your data" step of the toolkit path."""

from __future__ import annotations

from reentrykit.coalitions.models import Coalition
from reentrykit.core.access import Capability
from reentrykit.core.path import PathStep, StepState, register_step, state_from_checks
from reentrykit.data.models import BatchStatus, ImportBatch, LinkageRun
from reentrykit.library.starting_texts import for_step


def data_step_state(coalition: Coalition) -> StepState:
    kinds = set(
        ImportBatch.objects.filter(coalition=coalition, status=BatchStatus.IMPORTED).values_list(
            "kind", flat=True
        )
    )
    checks = [
        ("Releases from custody imported", "releases" in kinds),
        ("Arrests or other justice events imported", "events" in kinds),
        (
            "Records linked across sources",
            LinkageRun.objects.filter(coalition=coalition, finished_at__isnull=False).exists(),
        ),
    ]
    return state_from_checks(
        checks,
        by=Capability.PERSON_LEVEL,
        for_others={
            Capability.PERSON_LEVEL: "Your data steward uploads the partners' extracts and "
            "links them"
        },
    )


register_step(
    PathStep(
        key="data",
        order=30,
        title="Bring your data",
        help=(
            "Your data steward uploads partners' extracts — jail releases, arrests, court and "
            "supervision records, programs — and links them, so the coalition sees its own "
            "recidivism and progress measures."
        ),
        url_name="data:home",
        documents=for_step("data_sharing"),
        state=data_step_state,
    )
)

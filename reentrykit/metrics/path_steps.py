"""The "see your measures" step of the toolkit path: after the data is linked, the
coalition reads its own rates and saves the ones it will track."""

from __future__ import annotations

from reentrykit.coalitions.models import Coalition
from reentrykit.core.access import Capability
from reentrykit.core.path import PathStep, StepState, register_step, state_from_checks
from reentrykit.metrics.models import Indicator, MetricSnapshot


def measures_step_state(coalition: Coalition) -> StepState:
    # The latest snapshot's date only: its payload is large, and an empty one (no
    # linked data yet) has none.
    through = (
        MetricSnapshot.objects.filter(coalition=coalition)
        .values_list("data_through", flat=True)
        .first()
    )
    checks = [
        ("Measures computed from the linked data", through is not None),
        (
            "Indicators saved with a baseline and targets",
            Indicator.objects.filter(coalition=coalition, targets__isnull=False).exists(),
        ),
    ]
    # The measures come from the data steward's linkage; indicators are everyone's work.
    return state_from_checks(
        checks,
        by=[Capability.PERSON_LEVEL, Capability.CONTRIBUTE],
        for_others={
            Capability.PERSON_LEVEL: "Your data steward links the partners' data, and the "
            "measures are computed from it"
        },
    )


register_step(
    PathStep(
        key="measures",
        order=35,
        title="See your measures",
        help=(
            "Your coalition's own rearrest, reconviction and reincarceration rates, how "
            "soon people return, and the toolkit's progress measures, recomputed after "
            "every linkage. Save the ones you will track as indicators with a baseline and "
            "targets."
        ),
        url_name="metrics:dashboard",
        state=measures_step_state,
    )
)

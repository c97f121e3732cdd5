"""The coalition's cached measures in the JSON shapes of ``reentrykit metrics``.

Read from the latest snapshot (aggregates only, never the person-level store) and
disclosed for the caller's role by ``reentrykit.metrics.selectors``: hidden numbers
are null for every role but data stewards, who get the raw figures marked
``confidential``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from reentrykit.api.schemas import COALITION, ERRORS, Detail
from reentrykit.core.access import CoalitionAccess, get_coalition_for
from reentrykit.metrics import selectors

router = Router(tags=["measures"])
NO_MEASURES = "No measures yet: they are computed after the coalition's data is linked."


class RateRow(Schema):
    group: str
    cohort: int | None
    recidivists: int | None
    rate: float | None
    ci_low: float | None
    ci_high: float | None
    suppressed: bool
    unstable: bool | None  # unknown (null) when the events are hidden


class Recidivism(Schema):
    measure: str
    window_days: int
    data_through: str
    suppression_k: int
    rows: list[RateRow]
    cohort_year: int
    confidential: bool


class IntermediateRow(Schema):
    key: str
    label: str
    numerator: int | None
    denominator: int | None
    rate: float | None
    suppressed: bool


class Intermediate(Schema):
    rows: list[IntermediateRow]
    data_through: str
    cohort_year: int
    suppression_k: int
    confidential: bool


def _payload(access: CoalitionAccess) -> dict[str, Any] | None:
    snapshot = selectors.latest_snapshot(access.coalition)
    if snapshot is None or snapshot.payload.get("empty"):
        return None
    return snapshot.payload


@router.get(
    COALITION + "/measures/recidivism",
    response={200: Recidivism, 422: Detail, **ERRORS},
    url_name="measures_recidivism",
    operation_id="measures_recidivism",
    summary="A fixed-window recidivism rate, overall or by a breakdown",
)
def measures_recidivism(
    request: HttpRequest,
    coalition_slug: str,
    measure: str,
    window: int = 365,
    by: str | None = None,
) -> Any:
    """Like `reentrykit metrics recidivism --format json`, for the latest release year
    with full follow-up for the window (`cohort_year`). `measure`: rearrest,
    reconviction, reincarceration or revocation; `window`: 180, 365, 730, 1095 or 1825
    days; `by`: a breakdown such as sex, age_group or program:housing."""
    from reentrykit.metrics.breakdowns import parse_breakdown
    from reentrykit.metrics.cohorts import MEASURES, WINDOWS, unmeasured_reason

    access = get_coalition_for(request, coalition_slug)
    if measure not in MEASURES:
        raise HttpError(422, f"Unknown measure {measure!r}. Use one of {', '.join(MEASURES)}.")
    if window not in WINDOWS:
        raise HttpError(422, f"Unknown window {window}. Use one of {WINDOWS} days.")
    try:
        breakdown = parse_breakdown(by) if by else "all"
    except ValueError as error:
        raise HttpError(422, str(error)) from None
    payload = _payload(access)
    if payload is None:
        return Status(404, {"detail": NO_MEASURES})
    if measure in payload.get("unmeasured", []):
        return Status(404, {"detail": unmeasured_reason(measure)})
    return selectors.recidivism_answer(
        access, payload, measure=measure, window=window, breakdown=breakdown
    )


@router.get(
    COALITION + "/measures/intermediate",
    response={200: Intermediate, **ERRORS},
    url_name="measures_intermediate",
    operation_id="measures_intermediate",
    summary="The six intermediate measures",
)
def measures_intermediate(request: HttpRequest, coalition_slug: str) -> Any:
    """Like `reentrykit metrics intermediate --format json`, for the latest release
    year with a full year of follow-up (`cohort_year`)."""
    access = get_coalition_for(request, coalition_slug)
    payload = _payload(access)
    if payload is None:
        return Status(404, {"detail": NO_MEASURES})
    return selectors.intermediate_answer(access, payload)

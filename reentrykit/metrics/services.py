"""Writes: saved indicators and their targets."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from reentrykit.coalitions.models import Coalition
from reentrykit.metrics.models import Indicator, IndicatorTarget


@transaction.atomic
def indicator_create(*, coalition: Coalition, created_by: Any, **fields: Any) -> Indicator:
    indicator = Indicator(coalition=coalition, created_by=created_by, **fields)
    indicator.full_clean()
    indicator.save()
    return indicator


@transaction.atomic
def indicator_target_add(
    *, indicator: Indicator, label: str, cohort_year: int, target_rate: float
) -> IndicatorTarget:
    target = IndicatorTarget(
        indicator=indicator, label=label, cohort_year=cohort_year, target_rate=target_rate
    )
    target.full_clean()
    target.save()
    return target

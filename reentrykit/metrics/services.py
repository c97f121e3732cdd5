"""Writes: saved indicators and their targets, and adjusted comparisons."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from reentrykit.coalitions.models import Coalition
from reentrykit.core.forms import ensure_name_free
from reentrykit.data.store import StoreError
from reentrykit.metrics.models import (
    REQUEUE_AFTER,
    AdjustedComparison,
    Indicator,
    IndicatorTarget,
    MetricSnapshot,
)
from reentrykit.metrics.selectors import measured_release_years, measures_computed

# Before the data: a coalition without linked data yet has no release years to go by.
EARLIEST_BASELINE_YEAR = 1990


def _check_baseline_years(indicator: Indicator) -> None:
    """A baseline year before the coalition's first release has no one in its cohort
    (pages would show the baseline as suppressed, and projections as resting on too few
    people); one after this year has no releases yet."""
    data_years = measured_release_years(indicator.coalition)
    earliest = data_years[0] if data_years else EARLIEST_BASELINE_YEAR
    latest = timezone.localdate().year
    if data_years:
        first, last = data_years
        covered = f"{first}" if first == last else f"{first} to {last}"
        why = f" The coalition's linked data has releases from {covered}."
    else:
        why = ""
    errors = {
        field: f"Choose a year from {earliest} to {latest}.{why}"
        for field in ("baseline_first_year", "baseline_last_year")
        if getattr(indicator, field) is not None
        and not earliest <= getattr(indicator, field) <= latest
    }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def typed_group(coalition: Coalition, breakdown: str, group: str) -> tuple[str, str | None]:
    """A typed group of a breakdown without a list (a ZIP code, a source agency) as the
    measures store it, and what is wrong with it if anything: a group no release could
    have would read "not computed yet" for good."""
    from reentrykit.data.models import Source
    from reentrykit.data.validation import ZIP_PATTERN
    from reentrykit.metrics.breakdowns import UNKNOWN

    if breakdown == "residence_zip":
        if group == UNKNOWN or re.fullmatch(ZIP_PATTERN, group):
            return group, None
        return group, f"“{group[:20]}” is not a ZIP code: type 5 digits (or ZIP+4), e.g. 43215."
    if breakdown == "source":
        names = list(Source.objects.filter(coalition=coalition).values_list("name", flat=True))
        same = next((name for name in names if name.casefold() == group.casefold()), None)
        if same is not None:
            return same, None
        if not names:
            return group, "The coalition has no data sources yet: upload one first."
        return group, (
            f"No data source is named “{group[:60]}”. The coalition's sources are: "
            + ", ".join(f"“{name}”" for name in names)
            + "."
        )
    return group, None


def indicator_create(*, coalition: Coalition, created_by: Any, **fields: Any) -> Indicator:
    indicator = Indicator(coalition=coalition, created_by=created_by, **fields)
    ensure_name_free(
        indicator, Indicator.objects.filter(coalition=indicator.coalition), "an indicator"
    )
    _check_baseline_years(indicator)
    indicator.breakdown_group, problem = typed_group(
        coalition, indicator.breakdown, indicator.breakdown_group
    )
    if problem:
        raise ValidationError({"breakdown_group": problem})
    indicator.full_clean()
    indicator.save()
    if measures_computed(coalition):
        # The measures are computed already: a refresh now gives the new indicator its
        # baseline in moments, rather than after the next linkage (days away, perhaps).
        from reentrykit.metrics.tasks import refresh_measures

        transaction.on_commit(lambda: refresh_measures.enqueue(coalition.pk))
    return indicator


@transaction.atomic
def indicator_target_add(
    *, indicator: Indicator, label: str, cohort_year: int, target_rate: float
) -> IndicatorTarget:
    """The indicator's target for ``cohort_year``: a cohort has one target, so one for a
    year that has it already replaces it (a form sent twice, or a typo put right)."""
    target = indicator.targets.filter(cohort_year=cohort_year).first() or IndicatorTarget(
        indicator=indicator, cohort_year=cohort_year
    )
    target.label, target.target_rate = label, target_rate
    target.full_clean()
    target.save()
    indicator.targets.filter(cohort_year=cohort_year).exclude(pk=target.pk).delete()
    return target


@transaction.atomic
def indicator_delete(*, indicator: Indicator) -> None:
    """Removes the indicator and its targets, unless the plan measures by it: its goals
    would lose their measure and its improvements their projected impact unannounced."""
    from django.apps import apps

    goals = indicator.goals.count()
    improvements = apps.get_model("planning", "Improvement").objects.filter(indicator=indicator)
    improvements = improvements.count()
    uses = [
        f"{count} {noun}{'s' if count != 1 else ''}"
        for count, noun in ((goals, "goal"), (improvements, "improvement"))
        if count
    ]
    if uses:
        raise ValidationError(
            f"“{indicator.name}” is not removed: the plan measures {' and '.join(uses)} "
            "by it. Choose another indicator there first."
        )
    indicator.delete()


def adjusted_comparison_for(
    *,
    snapshot: MetricSnapshot,
    measure: str,
    program_type: str,
    completed_only: bool,
    cohort_year: int,
) -> AdjustedComparison:
    """The snapshot's comparison of ``measure`` by ``program_type``; the first ask
    starts its fit in a task (a fit reads the person-level store, which pages never do),
    and an ask after :data:`REQUEUE_AFTER` with the fit still pending starts it again."""
    from reentrykit.metrics.tasks import compute_adjusted_comparison

    comparison, created = AdjustedComparison.objects.get_or_create(
        snapshot=snapshot,
        measure=measure,
        program_type=program_type,
        completed_only=completed_only,
        cohort_year=cohort_year,
    )
    if created or _requeued(comparison):
        transaction.on_commit(lambda: compute_adjusted_comparison.enqueue(comparison.pk))
    return comparison


def _requeued(comparison: AdjustedComparison) -> bool:
    """Marks a pending comparison queued again when its task is overdue; True when this
    call did it (of several views at once, only one queues the fit)."""
    now = timezone.now()
    if comparison.status != AdjustedComparison.Status.PENDING:
        return False
    if comparison.enqueued_at > now - REQUEUE_AFTER:
        return False
    claimed = AdjustedComparison.objects.filter(
        pk=comparison.pk,
        status=AdjustedComparison.Status.PENDING,
        enqueued_at=comparison.enqueued_at,
    ).update(enqueued_at=now)
    if claimed:
        comparison.enqueued_at = now
    return claimed == 1


def adjusted_comparison_compute(comparison_id: int) -> None:
    """Fits the comparison as ``reentrykit metrics program-effect`` does, for the releases
    of its cohort year, followed up to its snapshot's ``data_through``."""
    from reentrykit.metrics import cox
    from reentrykit.metrics.cohorts import Period
    from reentrykit.metrics.engine import coalition_tables

    comparison = (
        AdjustedComparison.objects.select_related("snapshot").filter(pk=comparison_id).first()
    )
    # Nothing to do for a fit queued again while the first ran, or one whose snapshot a
    # later refresh has deleted meanwhile.
    if comparison is None or comparison.status != AdjustedComparison.Status.PENDING:
        return
    coalition_id = comparison.snapshot.coalition_id
    try:
        with coalition_tables(coalition_id=coalition_id) as tables:
            # The snapshot's date: the comparison sits beside that snapshot's table.
            through = comparison.snapshot.data_through
            if through is None:
                raise StoreError("No source says how far its data is complete.")
            effect = cox.program_effect(
                tables=tables,
                measure=comparison.measure,
                program_type=comparison.program_type,
                data_through=through,
                period=Period.calendar_year(comparison.cohort_year),
                completed_only=comparison.completed_only,
            )
    except StoreError as error:
        _failed(comparison, str(error))
        return
    except Exception:
        # The page must not say "being computed" for ever; the task log has the details.
        _failed(comparison, "an unexpected error stopped the fit; the operators can see why.")
        raise
    comparison.status = AdjustedComparison.Status.DONE
    comparison.result = {**effect.as_dict(), "data_through": through.isoformat()}
    comparison.save(update_fields=["status", "result"])


def _failed(comparison: AdjustedComparison, message: str) -> None:
    comparison.status, comparison.error = AdjustedComparison.Status.FAILED, message
    comparison.save(update_fields=["status", "error"])

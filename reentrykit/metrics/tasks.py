"""Recomputing the measures in the background after each linkage run."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks import task

from reentrykit.coalitions.models import Coalition
from reentrykit.core import queues


@task()
def refresh_measures(coalition_id: int) -> None:
    from reentrykit.metrics.refresh import refresh_coalition

    refresh_coalition(Coalition.objects.get(pk=coalition_id))


def on_linkage_finished(sender: Any, coalition: Coalition, **kwargs: Any) -> None:
    transaction.on_commit(lambda: refresh_measures.enqueue(coalition.pk))


# Minutes of CPU for a large coalition: on its own queue and worker (see core.queues).
@task(queue_name=queues.ANALYSIS)
def compute_adjusted_comparison(comparison_id: int) -> None:
    from reentrykit.metrics.services import adjusted_comparison_compute

    adjusted_comparison_compute(comparison_id)

"""Recomputing the measures in the background after each linkage run."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks import task

from reentrykit.coalitions.models import Coalition
from reentrykit.core import queues


@task()
def refresh_measures(coalition_id: int) -> None:
    from reentrykit.data.store import StoreBusy
    from reentrykit.metrics.refresh import refresh_coalition

    try:
        refresh_coalition(Coalition.objects.get(pk=coalition_id))
    except StoreBusy:
        # Another worker's job holds the store (an import started as the linkage ended):
        # the measures of that linkage come a minute later, rather than never.
        if not queues.retry_later(refresh_measures, coalition_id):
            raise


def on_linkage_finished(sender: Any, coalition: Coalition, **kwargs: Any) -> None:
    transaction.on_commit(lambda: refresh_measures.enqueue(coalition.pk))


# Minutes of CPU for a large coalition: on its own queue and worker (see core.queues).
@task(queue_name=queues.ANALYSIS)
def compute_adjusted_comparison(comparison_id: int) -> None:
    from reentrykit.metrics.services import adjusted_comparison_compute

    adjusted_comparison_compute(comparison_id)

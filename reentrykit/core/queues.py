"""The task queues, and which work goes on which.

Imports, linkage and the refresh of the measures after it go on ``default``. Model
fits that take minutes for a large coalition (the adjusted program comparison on the
measures page) go on ``analysis``: ``reentrykit run`` gives each queue its own
worker, so a fit someone opened never holds up a data steward's upload, and
``reentrykit worker`` alone serves both.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

DEFAULT = "default"
ANALYSIS = "analysis"
QUEUES = (DEFAULT, ANALYSIS)

# How long work that found a coalition's store busy (another job holds it) waits
# before it tries again.
BUSY_RETRY = dt.timedelta(minutes=1)


def retry_later(task: Any, *args: Any) -> bool:
    """Enqueue ``task(*args)`` again after :data:`BUSY_RETRY`; False when the task
    backend cannot run work later (the immediate backend of tests)."""
    if not task.get_backend().supports_defer:
        return False
    task.using(run_after=timezone.now() + BUSY_RETRY).enqueue(*args)
    return True

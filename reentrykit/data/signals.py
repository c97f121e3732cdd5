"""Signals other modules listen to, so the data module need not know them."""

from django.dispatch import Signal

# Sent after a linkage run has rebuilt the analytic tables; kwargs: coalition, run.
linkage_finished = Signal()

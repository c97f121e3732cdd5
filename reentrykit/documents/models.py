from __future__ import annotations

from django.conf import settings
from django.db import models

from reentrykit.core.audit import Audited


class CoalitionDocument(Audited, models.Model):
    """A coalition's own version of a built-in template (``reentrykit.documents.library``);
    a template the coalition has not changed has no row."""

    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["coalition", "kind"], name="document_unique_kind")
        ]

    def __str__(self) -> str:
        return self.title

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id

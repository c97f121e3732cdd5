from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

# The short name in a coalition's or a network's addresses. Lowercase only: a second
# coalition "Harlow-County" beside "harlow-county" would be told apart by case alone.
lowercase_slug = RegexValidator(
    r"^[a-z0-9_-]+$",
    "Use lowercase letters, digits and hyphens, e.g. harlow-county.",
    code="slug",
)


class AuditEntry(models.Model):
    """One recorded write to coalition data."""

    coalition = models.ForeignKey(
        "coalitions.Coalition",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_entries",
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    via = models.CharField(max_length=20, help_text="web, cli, admin, seed or system")
    action = models.CharField(max_length=10)
    model = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.action} {self.model} {self.object_id}"


class DailyRun(models.Model):
    """A daily task's work done on a day (``core.periodic.first_today``), so that it is
    done once however many workers run it."""

    name = models.CharField(max_length=100)
    day = models.DateField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="daily_run_once_a_day")]

    def __str__(self) -> str:
        return f"{self.name} on {self.day}"

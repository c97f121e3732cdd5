"""Building broad community support (Tools for Change, part C): the networks and
influencers beyond the coalition, the messages for each audience, and the
communication tactics chart."""

from __future__ import annotations

from django.db import models

from reentrykit.core.audit import Audited


class Influencer(Audited, models.Model):
    """A person or network beyond the coalition whose voice carries, and the decision
    maker they can reach."""

    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="influencers"
    )
    name = models.CharField(max_length=200)
    network = models.CharField(
        "Network or community", max_length=200, blank=True, help_text="e.g. faith leaders."
    )
    reaches = models.ForeignKey(
        "planning.Stakeholder",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="influencers",
        verbose_name="Decision maker they can reach",
    )
    how = models.CharField("How they can help", max_length=300, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id


class Message(Audited, models.Model):
    """The problem statement and talking points for one audience; ``[[merge fields]]``
    quote the coalition's live figures (suppressed, as in documents)."""

    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="messages"
    )
    audience = models.CharField(max_length=200, help_text="e.g. county commissioners.")
    problem = models.TextField("Problem statement")
    talking_points = models.TextField(
        "Talking points", help_text="One a line. [[one_year_rearrest]] quotes the live rate."
    )

    class Meta:
        ordering = ["audience", "id"]

    def __str__(self) -> str:
        return self.audience

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id


class Tactic(Audited, models.Model):
    """One row of the communication tactics chart."""

    class Kind(models.TextChoices):
        OUTREACH = "outreach", "Direct outreach"
        EDUCATION = "education", "Education and awareness"
        MEETINGS = "meetings", "Meetings and visits"
        SOCIAL = "social", "Social media"
        MEDIA = "media", "Traditional media"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        UNDER_WAY = "under_way", "Under way"
        DONE = "done", "Done"

    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="tactics"
    )
    kind = models.CharField("Tactic", max_length=12, choices=Kind.choices)
    purpose = models.CharField(max_length=300)
    timing = models.DateField("When")
    audience = models.CharField(max_length=200)
    messenger = models.CharField(max_length=200, help_text="Who carries the message.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["timing", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.purpose}"

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id

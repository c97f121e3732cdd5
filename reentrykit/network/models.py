from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from reentrykit.coalitions.models import Coalition
from reentrykit.core.audit import Audited
from reentrykit.core.models import lowercase_slug


def new_join_code() -> str:
    return secrets.token_urlsafe(12)


class NetworkRoleKind(models.TextChoices):
    NETWORK_ADMIN = "network_admin", "Network admin"
    COACH = "coach", "Coach"


class Network(models.Model):
    """A group of coalitions (a pilot or community of practice) with coaches."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True, validators=[lowercase_slug])
    description = models.TextField(blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    # A coordinator enters this code to bring their coalition into the network, so a
    # coalition joins by its own consent and no network admin browses other coalitions.
    join_code = models.CharField(max_length=32, unique=True, default=new_join_code)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="network_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date must be on or after the start date."})


class NetworkSite(Audited, models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="sites")
    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="network_sites")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["coalition__name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "coalition"], name="network_site_unique")
        ]

    def __str__(self) -> str:
        return f"{self.coalition} in {self.network}"

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id


class NetworkRole(Audited, models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_roles"
    )
    role = models.CharField(max_length=20, choices=NetworkRoleKind.choices)

    class Meta:
        ordering = ["network__name", "role", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["network", "user", "role"], name="network_role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} in {self.network}"

    def audit_coalition_id(self) -> int | None:
        # A network role belongs to no one coalition: its grants and removals are in
        # the operator's trail (the admin's audit entries), not a coalition's.
        return None


class CoachAssignment(Audited, models.Model):
    """A coach works with some of the network's sites, not all of them."""

    coach = models.ForeignKey(NetworkRole, on_delete=models.CASCADE, related_name="assignments")
    site = models.ForeignKey(
        NetworkSite, on_delete=models.CASCADE, related_name="coach_assignments"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["coach", "site"], name="coach_assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.coach.user} coaches {self.site.coalition}"

    def clean(self) -> None:
        if self.coach.role != NetworkRoleKind.COACH:
            raise ValidationError("Only coaches are assigned to sites.")
        if self.coach.network_id != self.site.network_id:
            raise ValidationError("The coach and the site belong to different networks.")

    def audit_coalition_id(self) -> int | None:
        return self.site.coalition_id


class CoachingSession(Audited, models.Model):
    """A coach's meeting with a site, with what was learned (PRODUCT.md, Coaching)."""

    site = models.ForeignKey(
        NetworkSite, on_delete=models.CASCADE, related_name="coaching_sessions"
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    held_on = models.DateField("Date")
    attendees = models.TextField("Who took part", blank=True)
    topics = models.TextField("Topics", blank=True)
    working = models.TextField("What is working", blank=True)
    challenges = models.TextField("Challenges", blank=True)
    goals = models.TextField("Goals", blank=True)
    next_steps = models.TextField("Next steps", blank=True)
    barriers = models.TextField("Barriers", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Coaching of {self.site.coalition} on {self.held_on:%Y-%m-%d}"

    def audit_coalition_id(self) -> int | None:
        return self.site.coalition_id


class ActionItem(Audited, models.Model):
    """Something a site or its coach agreed to do by a date, from a coaching session."""

    session = models.ForeignKey(
        CoachingSession, on_delete=models.CASCADE, related_name="action_items"
    )
    description = models.CharField("What", max_length=300)
    owner = models.CharField("Who", max_length=200, help_text="A person or an organization.")
    due_on = models.DateField("Due")
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description

    def audit_coalition_id(self) -> int | None:
        return self.session.site.coalition_id

    def is_overdue(self, today: dt.date) -> bool:
        return self.done_on is None and self.due_on < today


class AssistanceRequest(Audited, models.Model):
    """A site's request to its coaches for technical assistance, and the answer."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"

    site = models.ForeignKey(
        NetworkSite, on_delete=models.CASCADE, related_name="assistance_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    topic = models.CharField("What you need help with", max_length=200)
    detail = models.TextField("Details", blank=True)
    needed_by = models.DateField("Needed by", null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.topic

    def audit_coalition_id(self) -> int | None:
        return self.site.coalition_id


class Comment(Audited, models.Model):
    """A remark on part of a coalition's work (its assessment, resources or plan): a
    coach's feedback, and the coalition's members' answers (PRODUCT.md, roles)."""

    class Area(models.TextChoices):
        ASSESSMENT = "assessment", "Assessment"
        RESOURCES = "resources", "Resources"
        PLAN = "plan", "Plan"

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="comments")
    area = models.CharField(max_length=12, choices=Area.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Whether the author wrote as the coalition's coach (shown beside the comment).
    from_coach = models.BooleanField(default=False)
    body = models.TextField("Comment", max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["coalition", "area", "created_at"])]

    def __str__(self) -> str:
        return f"Comment on the {self.get_area_display().lower()} of {self.coalition}"

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id

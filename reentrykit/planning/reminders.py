"""Reminders for the plan (Monitor implementation): each coalition's coordinators get
one e-mail listing its overdue action steps, the goals whose status report is due and
the quality checks that are due."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from reentrykit.coalitions.models import Coalition, Role
from reentrykit.planning.models import ActionStep, Goal, QualityCheck
from reentrykit.planning.selectors import UPDATE_EVERY_DAYS, checks_due, update_due


@dataclass(frozen=True)
class Reminder:
    coalition: Coalition
    overdue: list[ActionStep]
    reports_due: list[Goal]
    recipients: list[str]
    checks_due: list[QualityCheck] = field(default_factory=list)

    @property
    def subject(self) -> str:
        return f"{self.coalition.name}: the plan needs attention"

    def body(self, *, base_url: str) -> str:
        lines = [f"Where {self.coalition.name}'s plan needs attention today:", ""]
        if self.overdue:
            lines.append("Action steps past their due date:")
            lines += [
                f"- {step.description} (due {step.due_on:%B %-d, %Y}, "
                f"{step.owner_person or step.owner_organization or 'no owner'})"
                for step in self.overdue
            ]
            lines.append("")
        if self.reports_due:
            lines.append(f"Goals without a status report in {UPDATE_EVERY_DAYS} days:")
            lines += [f"- {goal.statement}" for goal in self.reports_due]
            lines.append("")
        if self.checks_due:
            lines.append("Quality checks due:")
            lines += [f"- {check.what} ({_last_done(check)})" for check in self.checks_due]
            lines.append("")
        plan = reverse("planning:plan", kwargs={"coalition_slug": self.coalition.slug})
        lines.append(f"The plan: {base_url.rstrip('/')}{plan}")
        return "\n".join(lines)


def _last_done(check: QualityCheck) -> str:
    if check.last_checked_on is None:
        return "never done"
    return f"last done {check.last_checked_on:%B %-d, %Y}"


def reminders(*, today: dt.date, coalitions: list[Coalition]) -> list[Reminder]:
    """One reminder per coalition with something overdue or due (none otherwise)."""
    found = []
    for coalition in coalitions:
        steps = ActionStep.objects.filter(goal__priority__coalition=coalition)
        overdue = [
            step for step in steps.select_related("owner_organization") if step.is_overdue(today)
        ]
        goals = Goal.objects.filter(priority__coalition=coalition).prefetch_related("updates")
        reports_due = [goal for goal in goals if update_due(list(goal.updates.all()), today)]
        checks = checks_due(coalition, today=today)
        if not overdue and not reports_due and not checks:
            continue
        recipients = sorted(
            coalition.memberships.filter(role=Role.COORDINATOR, user__is_active=True).values_list(
                "user__email", flat=True
            )
        )
        found.append(Reminder(coalition, overdue, reports_due, recipients, checks))
    return found


def send(reminder: Reminder, *, base_url: str) -> int:
    """E-mails the reminder to the coalition's coordinators; the number sent (0 or 1)."""
    if not reminder.recipients:
        return 0
    return send_mail(
        reminder.subject,
        reminder.body(base_url=base_url),
        settings.DEFAULT_FROM_EMAIL,
        reminder.recipients,
    )

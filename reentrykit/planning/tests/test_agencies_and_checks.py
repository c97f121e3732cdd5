"""Monitoring implementation: the member agencies' roles, the action steps they own,
and quality-assurance checks that fall due."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from reentrykit.coalitions.services import organization_create
from reentrykit.planning.models import ActionStep, AgencyRole, Goal, Priority, QualityCheck
from reentrykit.testing import World, page_words

MONITORING = "/c/riverton/plan/monitoring/"


def _goal(world: World) -> Goal:
    priority = Priority.objects.create(coalition=world.coalition, title="Jobs")
    return Goal.objects.create(priority=priority, statement="Jobs within 90 days")


def test_a_quality_check_is_due_when_its_time_comes_round() -> None:
    check = QualityCheck(what="Case plans", every_months=3)
    assert check.next_due() is None and check.is_due(dt.date(2026, 1, 1))  # never done
    check.last_checked_on = dt.date(2025, 11, 30)
    # Three months after November 30 is the last day of February.
    assert check.next_due() == dt.date(2026, 2, 28)
    assert not check.is_due(dt.date(2026, 2, 27)) and check.is_due(dt.date(2026, 2, 28))
    check.every_months = 12
    assert check.next_due() == dt.date(2026, 11, 30)
    check.last_checked_on, check.every_months = dt.date(2024, 2, 29), 1
    assert check.next_due() == dt.date(2024, 3, 29)
    # A year mistyped before this was refused must not break the pages that list checks.
    check.last_checked_on, check.every_months = dt.date(9999, 12, 31), 12
    assert check.next_due() == dt.date.max and not check.is_due(dt.date(2026, 1, 1))


def test_agencies_show_their_roles_and_the_steps_they_own(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    goal = _goal(world)
    today = timezone.localdate()
    for description, due, status in (
        ("Sign the MOU", today - dt.timedelta(days=2), "in_progress"),
        ("Hire a navigator", today - dt.timedelta(days=9), "done"),
        ("Train staff", today + dt.timedelta(days=9), "not_started"),
    ):
        ActionStep.objects.create(
            goal=goal,
            description=description,
            due_on=due,
            status=status,
            owner_organization=world.provider,
        )
    member = signed_in(world.member)
    response = member.post(
        f"{MONITORING}role/new/",
        {"organization": world.jail.pk, "role": "Shares booking data monthly", "goals": goal.pk},
    )
    role = AgencyRole.objects.get()
    assert response["Location"] == f"{MONITORING}#role-{role.pk}"
    # The plan's history records it with the plan's other parts.
    history = page_words(member.get("/c/riverton/plan/history/"))
    assert "Morgan Member Added: Agency role “Riverton County Jail: Shares booking" in history
    assert "Partner organization: — → Riverton County Jail" in history
    table = page_words(member.get(MONITORING))
    # The jail has a role and no steps; the provider owns three steps, one done and one
    # overdue, and no role yet. Agencies come by name.
    jail, provider = world.jail.name, world.provider.name
    assert (
        f"{jail} Shares booking data monthly Toward: Jobs within 90 days Change "
        f"the role of {jail} 0 0 0"
    ) in table
    assert f"{provider} No role written yet 3 1 1" in table
    viewer = signed_in(world.viewer)
    assert "Shares booking data monthly" in viewer.get(MONITORING).content.decode()
    assert viewer.get(f"{MONITORING}role/{role.pk}/").status_code == 403
    outsider = signed_in(world.outsider)
    assert outsider.get(f"/c/elsewhere/plan/monitoring/role/{role.pk}/").status_code == 404
    assert "Shares booking" not in outsider.get("/c/elsewhere/plan/monitoring/").content.decode()


def test_a_role_takes_only_the_coalitions_own_agencies_and_goals(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    goal = _goal(world)
    theirs = organization_create(
        coalition=world.other, name="Their jail", sector="jail_administration"
    )
    their_goal = Goal.objects.create(
        priority=Priority.objects.create(coalition=world.other, title="Theirs"), statement="X"
    )
    member = signed_in(world.member)
    for fields in (
        {"organization": theirs.pk, "role": "Data"},
        {"organization": world.jail.pk, "role": "Data", "goals": their_goal.pk},
        {"organization": world.jail.pk, "role": ""},
    ):
        response = member.post(f"{MONITORING}role/new/", fields)
        assert response.status_code == 200 and response.context["form"].errors
    assert not AgencyRole.objects.exists()
    assert goal.agency_roles.count() == 0


def test_a_member_records_a_check_and_when_it_is_due(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    goal = _goal(world)
    member = signed_in(world.member)
    member.post(
        f"{MONITORING}check/new/",
        {"what": "Every high-risk release has a case plan", "goal": goal.pk, "every_months": 3},
    )
    check = QualityCheck.objects.get()
    assert "Never Check due" in page_words(member.get(MONITORING))
    response = member.post(
        f"{MONITORING}check/{check.pk}/",
        {
            "what": check.what,
            "goal": goal.pk,
            "checked_by": world.jail.pk,
            "every_months": 3,
            "last_checked_on": timezone.localdate().isoformat(),
            "result": "concerns",
            "notes": "Four of twenty had none.",
        },
    )
    assert response["Location"] == f"{MONITORING}#check-{check.pk}"
    words = page_words(member.get(MONITORING))
    assert "Check due" not in words
    assert "Concerns found Four of twenty had none." in words
    assert "Goal: Jobs within 90 days" in words


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"what": "Case plans", "every_months": 3, "result": "met"}, "last_checked_on"),
        ({"what": "Case plans", "every_months": 2}, "every_months"),
        ({"what": "", "every_months": 3}, "what"),
        ({"what": "X", "every_months": 3, "last_checked_on": "31/12/2026"}, "last_checked_on"),
        ({"what": "X", "every_months": 12, "last_checked_on": "9999-12-31"}, "last_checked_on"),
    ],
)
def test_a_bad_check_is_refused_and_changes_nothing(
    world: World, signed_in, fields: dict[str, object], field: str
) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(world.member).post(f"{MONITORING}check/new/", fields)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not QualityCheck.objects.exists()


def test_the_reminder_lists_the_checks_that_are_due(world: World) -> None:
    today = timezone.localdate()
    QualityCheck.objects.create(coalition=world.coalition, what="Case plans", every_months=1)
    QualityCheck.objects.create(
        coalition=world.coalition,
        what="Referral follow-through",
        every_months=1,
        last_checked_on=today - dt.timedelta(days=40),
        result="met",
    )
    QualityCheck.objects.create(
        coalition=world.coalition, what="Fresh", every_months=12, last_checked_on=today
    )
    out = StringIO()
    call_command("plan", "reminders", stdout=out)
    [email] = mail.outbox
    assert (
        "Quality checks due:\n- Case plans (never done)\n- Referral follow-through (last done"
        in (email.body)
    )
    assert "Fresh" not in email.body

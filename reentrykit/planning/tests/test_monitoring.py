"""Monitoring the plan: status reports on goals, reports falling due, and the plan's
revision history read from the audit trail."""

from __future__ import annotations

import datetime as dt
import html
import re

from django.utils import timezone

from reentrykit.metrics.tests.builders import rearrest_indicator
from reentrykit.planning.models import Goal, Priority, StatusUpdate
from reentrykit.planning.tests.test_plan import _word_text
from reentrykit.testing import World, page_words

PLAN = "/c/riverton/plan/"


def _goal(world: World) -> Goal:
    priority = Priority.objects.create(coalition=world.coalition, title="Jobs")
    return Goal.objects.create(priority=priority, statement="Jobs within 90 days")


def test_a_member_reports_on_a_goal_and_the_plan_shows_the_latest(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    goal = _goal(world)
    client = signed_in(world.member)
    today = timezone.localdate()
    form = client.get(f"{PLAN}goals/{goal.pk}/updates/new/").content.decode()
    assert f'value="{today.isoformat()}"' in form  # today by default
    assert "---------" not in form  # the rating's radio buttons have no blank choice
    client.post(
        f"{PLAN}goals/{goal.pk}/updates/new/",
        {"reported_on": "2026-09-30", "rating": "on_track", "commentary": "Two employers signed."},
    )
    response = client.post(
        f"{PLAN}goals/{goal.pk}/updates/new/",
        {"reported_on": today.isoformat(), "rating": "at_risk", "commentary": "A funder left."},
    )
    latest = StatusUpdate.objects.get(rating="at_risk")
    assert response["Location"] == f"{PLAN}#update-{latest.pk}"
    assert (latest.goal, latest.author) == (goal, world.member)
    page = client.get(PLAN).content.decode()
    heading = page[page.index(f'id="goal-{goal.pk}"') :]
    heading = heading[: heading.index("</h3>")]
    assert "At risk" in heading and "On track" not in heading and "Report due" not in heading
    words = page_words(client.get(PLAN))
    assert "At risk as of" in words and "(Morgan Member): A funder left." in words
    assert "On track as of Sep 30, 2026 (Morgan Member): Two employers signed." in words
    word = _word_text(client.get(f"{PLAN}download/?format=docx").content)
    assert f"Status as of {today:%B %-d, %Y}: At risk. A funder left." in word


def test_a_goal_whose_last_report_is_over_a_month_old_is_due(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    goal = _goal(world)
    client = signed_in(world.member)
    assert "Report due" not in client.get(PLAN).content.decode()  # never reported: not due
    today = timezone.localdate()
    StatusUpdate.objects.create(
        goal=goal, reported_on=today - dt.timedelta(days=31), rating="on_track", commentary="."
    )
    assert "Report due" not in client.get(PLAN).content.decode()
    StatusUpdate.objects.filter(goal=goal).update(reported_on=today - dt.timedelta(days=32))
    assert "Report due" in client.get(PLAN).content.decode()


def test_a_report_dated_after_today_is_refused(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    """A year typed wrong (2036 for 2026) would stand as the latest report for years,
    and the goal would never be due."""
    goal = _goal(world)
    client = signed_in(world.member)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        f"{PLAN}goals/{goal.pk}/updates/new/",
        {"reported_on": tomorrow.isoformat(), "rating": "on_track", "commentary": "Fine."},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "reported_on": ["A status report cannot be dated after today."]
    }
    assert not StatusUpdate.objects.exists()


def test_a_bad_report_is_refused_and_changes_nothing(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    goal = _goal(world)
    client = signed_in(world.member)
    response = client.post(
        f"{PLAN}goals/{goal.pk}/updates/new/",
        {"reported_on": "2026-13-01", "rating": "sideways", "commentary": ""},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"reported_on", "rating", "commentary"}
    assert "Select a valid choice. sideways is not one of the available choices." in html.unescape(
        response.content.decode()
    )
    assert not StatusUpdate.objects.exists()


def test_readers_cannot_report_and_outsiders_find_nothing(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    goal = _goal(world)
    update = StatusUpdate.objects.create(
        goal=goal, reported_on=dt.date(2026, 9, 1), rating="on_track", commentary="Fine."
    )
    viewer = signed_in(world.viewer)
    assert "Fine." in viewer.get(PLAN).content.decode()
    assert viewer.post(f"{PLAN}updates/{update.pk}/", {"delete": "yes"}).status_code == 403
    outsider = signed_in(world.outsider)
    assert outsider.get(f"/c/elsewhere/plan/updates/{update.pk}/").status_code == 404
    assert outsider.get(f"/c/elsewhere/plan/goals/{goal.pk}/updates/new/").status_code == 404
    assert StatusUpdate.objects.filter(pk=update.pk).exists()


def test_the_history_lists_every_change_to_the_plan_and_nothing_else(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    member = signed_in(world.member)
    member.post(f"{PLAN}priorities/new/", {"title": "Housing", "why": "Few beds."})
    priority = Priority.objects.get()
    member.post(f"{PLAN}priorities/{priority.pk}/", {"title": "Housing first", "why": "Few beds."})
    # Another coalition's plan and this coalition's other data are not in it.
    Priority.objects.create(coalition=world.other, title="Their priority")
    rearrest_indicator(world.coalition, "Not a plan part")
    assert world.coalition.audit_entries.filter(object_repr="Not a plan part").exists()
    viewer = signed_in(world.viewer)
    words = page_words(viewer.get(f"{PLAN}history/"))
    assert re.search(
        r"Morgan Member Changed: Priority “Housing first” Title: Housing → Housing first", words
    )
    assert "Morgan Member Added: Priority “Housing”" in words
    assert "Their priority" not in words and "Not a plan part" not in words

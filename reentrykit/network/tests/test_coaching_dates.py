"""A coaching session records one that was held: a date after today is a typo (2027 for
2026) that would stand as the site's latest session on the coach's overview for a
year; and an action item agreed at a session is not due before the session was held."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from reentrykit.network.models import ActionItem, CoachingSession
from reentrykit.network.services import coaching_session_record
from reentrykit.testing import World

COACHING = "/c/riverton/network/coaching/"


def test_a_session_dated_after_today_is_refused_and_nothing_saved(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    next_year = timezone.localdate() + dt.timedelta(days=365)
    response = signed_in(world.coach).post(
        f"{COACHING}new/", {"held_on": next_year.isoformat(), "topics": "Reentry map"}
    )
    assert response.status_code == 200
    assert "Date: A session cannot be dated after today." in response.content.decode()
    assert not CoachingSession.objects.exists()


def test_an_action_item_due_before_its_session_is_refused(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    held = timezone.localdate() - dt.timedelta(days=30)
    session = coaching_session_record(site=world.site, coach=world.coach, held_on=held)
    response = signed_in(world.coach).post(
        f"{COACHING}{session.pk}/",
        {
            "description": "Draft the MOU",
            "owner": "County jail",
            "due_on": (held - dt.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "Due: The item is due before the session that agreed it" in (response.content.decode())
    assert not ActionItem.objects.exists()

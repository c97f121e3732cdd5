"""Community support: influencers, messages quoting live (suppressed) figures, tactics."""

from __future__ import annotations

import datetime as dt
import html

import pytest

from reentrykit.metrics.models import MetricSnapshot
from reentrykit.metrics.tests.builders import dashboard_payload, rate_row
from reentrykit.planning.models import Stakeholder
from reentrykit.support.models import Influencer, Message, Tactic
from reentrykit.testing import World, page_words

BASE = "/c/riverton/support/"


def test_a_message_quotes_the_live_rate_suppressed_for_everyone(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    MetricSnapshot.objects.create(coalition=world.coalition, payload=dashboard_payload())
    client = signed_in(world.member)
    response = client.post(
        f"{BASE}message/new/",
        {
            "audience": "county commissioners",
            "problem": "Too many people come back to the jail within a year.",
            "talking_points": "One in [[one_year_rearrest]] ... is rearrested.\n\nJobs cut that.",
        },
    )
    message = Message.objects.get()
    assert response["Location"] == f"{BASE}#message-{message.pk}"
    words = page_words(client.get(BASE))
    assert "For county commissioners Too many people come back to the jail within a year." in words
    assert "45%" in words and "45.0%" not in words and "[[one_year_rearrest]]" not in words
    assert "Jobs cut that." in words
    # A small headline is suppressed even for the data steward: a message goes out.
    small = dashboard_payload()
    small["rates"] = [rate_row("all", "all", 7, 3)]
    small.pop("headline", None)
    MetricSnapshot.objects.create(coalition=world.coalition, payload=small)
    steward = page_words(signed_in(world.steward).get(BASE))
    assert "42.9%" not in steward


def test_an_unknown_merge_field_is_refused_and_nothing_saved(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(world.member).post(
        f"{BASE}message/new/",
        {"audience": "voters", "problem": "[[jail_budget]]", "talking_points": "A point."},
    )
    assert response.status_code == 200
    assert "[[jail_budget]] is not a merge field" in html.unescape(response.content.decode())
    assert not Message.objects.exists()


def test_influencers_reach_the_coalitions_own_decision_makers(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    sheriff = Stakeholder.objects.create(coalition=world.coalition, name="The sheriff")
    theirs = Stakeholder.objects.create(coalition=world.other, name="Their mayor")
    client = signed_in(world.member)
    form = client.get(f"{BASE}influencer/new/").content.decode()
    assert "The sheriff" in form and "Their mayor" not in form
    response = client.post(
        f"{BASE}influencer/new/",
        {"name": "Pastor Lee", "network": "Faith leaders", "reaches": theirs.pk},
    )
    assert "Select a valid choice" in html.unescape(response.content.decode())
    client.post(
        f"{BASE}influencer/new/",
        {"name": "Pastor Lee", "network": "Faith leaders", "reaches": sheriff.pk, "how": "Sermons"},
    )
    assert Influencer.objects.get().reaches == sheriff
    assert "Pastor Lee Faith leaders The sheriff Sermons" in page_words(client.get(BASE))
    again = client.post(f"{BASE}influencer/new/", {"name": "pastor lee ", "network": "Choir"})
    assert "The coalition already lists an influencer by this name." in html.unescape(
        again.content.decode()
    )
    assert Influencer.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"timing": "next spring"}, "timing"),
        ({"kind": "billboard"}, "kind"),
        ({"purpose": ""}, "purpose"),
    ],
)
def test_a_bad_tactic_is_refused_and_changes_nothing(
    world: World, signed_in, changes: dict[str, str], field: str
) -> None:  # type: ignore[no-untyped-def]
    fields = {
        "kind": "media",
        "purpose": "Op-ed on jobs at release",
        "timing": "2026-12-01",
        "audience": "Voters",
        "messenger": "A returning citizen",
        "status": "planned",
        **changes,
    }
    response = signed_in(world.member).post(f"{BASE}tactic/new/", fields)
    assert response.status_code == 200
    assert response.context["form"].has_error(field)
    assert not Tactic.objects.exists()


def test_the_tactics_chart_lists_tactics_soonest_first(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    for day, purpose in ((20, "Later"), (5, "Sooner")):
        Tactic.objects.create(
            coalition=world.coalition,
            kind="meetings",
            purpose=purpose,
            timing=dt.date(2026, 12, day),
            audience="Commissioners",
            messenger="Coordinator",
        )
    words = page_words(signed_in(world.viewer).get(BASE))
    assert words.index("Dec 5, 2026 Meetings and visits Sooner") < words.index("Later")


def test_readers_read_and_outsiders_find_nothing(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    tactic = Tactic.objects.create(
        coalition=world.coalition,
        kind="social",
        purpose="Share the plan",
        timing=dt.date(2026, 12, 1),
        audience="Residents",
        messenger="Coalition",
    )
    viewer = signed_in(world.viewer)
    page = viewer.get(BASE).content.decode()
    assert "Share the plan" in page and "Add a tactic" not in page
    assert viewer.post(f"{BASE}tactic/{tactic.pk}/", {"delete": "yes"}).status_code == 403
    outsider = signed_in(world.outsider)
    assert (
        outsider.post(f"/c/elsewhere/support/tactic/{tactic.pk}/", {"delete": "yes"}).status_code
        == 404
    )
    assert signed_in(world.member).get(f"{BASE}poster/new/").status_code == 404
    assert Tactic.objects.filter(pk=tactic.pk).exists()
    signed_in(world.coordinator).post(f"{BASE}tactic/{tactic.pk}/", {"delete": "yes"})
    assert not Tactic.objects.exists()

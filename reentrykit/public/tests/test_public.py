"""The published pages: nothing until a coordinator publishes it, then readable by
anyone, every figure suppressed whoever reads it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from reentrykit.metrics.models import MetricSnapshot
from reentrykit.metrics.tests.builders import dashboard_payload, rate_row
from reentrykit.planning.models import Goal, Priority, StatusUpdate
from reentrykit.resources.models import Service
from reentrykit.testing import World, page_words

HOME, SERVICES, SCORECARD = "/p/riverton/", "/p/riverton/services/", "/p/riverton/scorecard/"


def _publish(world: World, **pages: bool) -> None:
    for name, value in pages.items():
        setattr(world.coalition, f"publish_{name}", value)
    world.coalition.save()


def _service(world: World) -> Service:
    return Service.objects.create(
        coalition=world.coalition,
        name="Bridge housing",
        provider="Second Chance Works",
        need="housing",
        eligibility="Adults leaving the county jail",
        record_restrictions="No arson convictions",
        phone="555-0100",
        annual_spending=310000,
        evidence="ineffective",
    )


@pytest.mark.parametrize(
    "path",
    [HOME, SERVICES, SCORECARD, f"{HOME}services.json", "/p/nowhere/", "/p/nowhere/services/"],
)
def test_nothing_is_public_until_it_is_published(world: World, path: str) -> None:
    _service(world)
    response = Client().get(path)
    assert response.status_code == 404
    assert b"Bridge housing" not in response.content


def test_a_published_directory_is_read_without_signing_in(world: World) -> None:
    _service(world)
    Service.objects.create(
        coalition=world.other, name="Their shelter", provider="P", need="housing"
    )
    _publish(world, directory=True)
    anyone = Client()
    words = page_words(anyone.get(SERVICES))
    assert "Bridge housing Second Chance Works · In the community" in words
    assert (
        "Who can use it: Adults leaving the county jail "
        "Record restrictions: No arson convictions" in words
    )
    assert "Phone: 555-0100" in words
    assert "No contact details" not in words
    # What the coalition keeps to itself: spending, evidence ratings, other coalitions.
    assert "310" not in words and "Ineffective" not in words and "Their shelter" not in words
    assert "Services" in page_words(anyone.get(HOME))
    # The same directory for referral tools, in HSDS shape, without what is kept inside.
    [feed] = anyone.get("/p/riverton/services.json").json()
    assert (feed["name"], feed["organization"]["name"], feed["phones"][0]["number"]) == (
        "Bridge housing",
        "Second Chance Works",
        "555-0100",
    )
    assert feed["reentrykit"] == {
        "need": "housing",
        "setting": "community",
        "record_restrictions": "No arson convictions",
        "address": "",
    }
    assert anyone.get(SCORECARD).status_code == 404
    assert anyone.get("/p/elsewhere/services/").status_code == 404
    Service.objects.filter(coalition=world.coalition).update(phone="")
    words = page_words(anyone.get(SERVICES))
    assert "No contact details are listed yet: ask Second Chance Works." in words


def _measured(world: World) -> None:
    payload = dashboard_payload()
    # A year of 8 people, 3 rearrested: too few to show.
    payload["rates"].append(rate_row("all", "all", 8, 3, year=2021))
    MetricSnapshot.objects.create(
        coalition=world.coalition, data_through=dt.date(2025, 6, 30), payload=payload
    )
    priority = Priority.objects.create(coalition=world.coalition, title="Housing")
    goal = Goal.objects.create(priority=priority, statement="A bed for everyone on release day")
    StatusUpdate.objects.create(
        goal=goal, reported_on=dt.date(2026, 9, 1), rating="at_risk", commentary="Internal note"
    )


@pytest.mark.parametrize("reader", ["anyone", "steward"])
def test_a_published_scorecard_is_suppressed_for_every_reader(
    world: World, signed_in, reader: str
) -> None:  # type: ignore[no-untyped-def]
    _measured(world)
    _publish(world, scorecard=True)
    client = Client() if reader == "anyone" else signed_in(world.steward)
    response = client.get(SCORECARD)
    words = page_words(response)
    assert "One year after release, people released in 2023" in words
    assert "Rearrest 45% 95% interval 40%–50% National reference" in words  # 90 of 200
    # Rates without their counts: side by side, tables' denominators would show their
    # small differences (deaths leave a window's denominator).
    assert "200 people" not in words and "People" not in words
    assert "Numerator" not in words and "Denominator" not in words
    # 2021: 3 of 8, a rate on a small count.
    assert "2021 suppressed" in words
    # Assessed before release, 4 of 120: a small count; 30 of 36 on supervision would
    # give away the 6 who were not.
    assert "Assessed before release suppressed" in words
    assert "High-risk releases on supervision suppressed" in words
    for raw in ("37.5%", "38%", "3.3%", "83.3%", "83%", "Confidential"):
        assert raw not in words
    assert "A bed for everyone on release day Housing At risk as of Sep 1, 2026" in words
    assert "Internal note" not in words
    assert client.get(SERVICES).status_code == 404


def test_a_coordinator_publishes_from_the_settings(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    coordinator = signed_in(world.coordinator)
    page = coordinator.get("/c/riverton/settings/")
    fields = {
        name: page.context["form"][name].value()
        for name in page.context["form"].fields
        if page.context["form"][name].value() not in (None, False)
    }
    fields["publish_scorecard"] = "on"
    assert coordinator.post("/c/riverton/settings/", fields).status_code == 302
    assert Client().get(SCORECARD).status_code == 200
    assert "http://testserver/p/riverton/" in page_words(coordinator.get("/c/riverton/settings/"))
    # A member cannot change the settings, so cannot publish.
    assert signed_in(world.member).post("/c/riverton/settings/", fields).status_code == 403

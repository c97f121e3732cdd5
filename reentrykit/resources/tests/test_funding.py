"""The funding scan: sources and their totals, fundraising targets, the lead."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from reentrykit.resources.models import FundingSource, FundraisingTarget, SustainabilityLead
from reentrykit.testing import World, page_words

FUNDING = "/c/riverton/resources/funding/"


def _source(world: World, name: str, level: str, amount: str, status: str = "current") -> None:
    FundingSource.objects.create(
        coalition=world.coalition, name=name, level=level, amount=Decimal(amount), status=status
    )


def test_the_totals_add_up_by_level_and_status(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    _source(world, "Second Chance Act", "federal", "750000")
    _source(world, "Reentry grant", "state", "120000.40")  # shown to the dollar
    _source(world, "County general fund", "local", "80000")
    _source(world, "Foundation ask", "private", "50000", "prospective")
    _source(world, "Next state round", "state", "200000", "prospective")
    _source_elsewhere = FundingSource.objects.create(
        coalition=world.other, name="Theirs", level="local", amount=Decimal("999")
    )
    words = page_words(signed_in(world.viewer).get(FUNDING))
    assert "Federal $750,000 $0 State $120,000 $200,000 Local $80,000 $0" in words
    assert "Private $0 $50,000 All $950,000 $250,000" in words
    assert _source_elsewhere.name not in words


def test_a_member_adds_sources_and_targets_and_names_the_lead(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.member)
    response = client.post(
        f"{FUNDING}source/new/",
        {
            "name": "Second Chance Act",
            "level": "federal",
            "status": "prospective",
            "amount": "750000",
            "starts_on": "2027-01-01",
            "ends_on": "2029-12-31",
            "eligible_uses": "Navigators, housing",
        },
    )
    source = FundingSource.objects.get()
    assert response["Location"] == f"{FUNDING}#source-{source.pk}"
    assert source.coalition == world.coalition and source.status == "prospective"
    client.post(
        f"{FUNDING}target/new/",
        {"amount": "100000", "by": "2027-06-30", "expected_impact": "A second navigator"},
    )
    assert FundraisingTarget.objects.get().by == dt.date(2027, 6, 30)
    client.post(FUNDING, {"name": "Casey Coordinator"})
    assert SustainabilityLead.objects.get().name == "Casey Coordinator"
    words = page_words(client.get(FUNDING))
    assert "Sustainability lead: Casey Coordinator" in words
    assert "Second Chance Act Federal Prospective $750,000 Jan 2027 to Dec 2029" in words
    assert "Jun 30, 2027 $100,000 A second navigator" in words
    client.post(FUNDING, {"name": ""})
    assert not SustainabilityLead.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_on": "2026-01-01"}, "ends_on"),
        ({"amount": "-5"}, "amount"),
        ({"level": "galactic"}, "level"),
    ],
)
def test_a_bad_source_is_refused_and_changes_nothing(
    world: World, signed_in, changes: dict[str, str], field: str
) -> None:  # type: ignore[no-untyped-def]
    fields = {
        "name": "Grant",
        "level": "state",
        "status": "current",
        "amount": "1000",
        "starts_on": "2027-01-01",
        **changes,
    }
    response = signed_in(world.member).post(f"{FUNDING}source/new/", fields)
    assert response.status_code == 200
    assert response.context["form"].has_error(field)
    assert not FundingSource.objects.exists()


def test_readers_read_the_scan_and_outsiders_find_nothing(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    _source(world, "Second Chance Act", "federal", "750000")
    source = FundingSource.objects.get()
    viewer = signed_in(world.viewer)
    page = viewer.get(FUNDING).content.decode()
    assert "Second Chance Act" in page and "Add a funding source" not in page
    assert viewer.post(FUNDING, {"name": "Me"}).status_code == 403
    assert viewer.post(f"{FUNDING}source/{source.pk}/", {"delete": "yes"}).status_code == 403
    outsider = signed_in(world.outsider)
    url = f"/c/elsewhere/resources/funding/source/{source.pk}/"
    assert outsider.post(url, {"delete": "yes"}).status_code == 404
    assert FundingSource.objects.exists() and not SustainabilityLead.objects.exists()


def test_a_current_source_whose_period_ended_leaves_the_current_totals(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    today = timezone.localdate()
    for name, amount, ends_on in (
        ("Old state grant", "300000", today - dt.timedelta(days=1)),  # ended yesterday
        ("State grant ending today", "120000", today),
        ("County general fund", "80000", None),
    ):
        FundingSource.objects.create(
            coalition=world.coalition,
            name=name,
            level="state" if "State" in name or "state" in name else "local",
            amount=Decimal(amount),
            ends_on=ends_on,
        )
    words = page_words(signed_in(world.viewer).get(FUNDING))
    # 300,000 ended: the state's current money is the 120,000 still running.
    assert "State $120,000 $0 Local $80,000 $0" in words
    assert "All $200,000 $0" in words
    assert "Current (ended" in words and "not in the current totals)" in words


def test_a_prospective_source_whose_period_ended_leaves_the_prospective_totals(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    for name, amount, starts_on, ends_on in (
        ("Old federal round", "300", dt.date(2019, 1, 1), dt.date(2020, 1, 1)),
        ("Next federal round", "5000", None, None),
    ):
        FundingSource.objects.create(
            coalition=world.coalition,
            name=name,
            level="federal",
            amount=Decimal(amount),
            starts_on=starts_on,
            ends_on=ends_on,
            status="prospective",
        )
    words = page_words(signed_in(world.viewer).get(FUNDING))
    # The 300 could be won only until 2020: the federal prospect is the 5,000 still open.
    assert "Federal $0 $5,000" in words
    assert "All $0 $5,000" in words
    assert "Prospective (ended Jan 1, 2020; not in the prospective totals)" in words


def test_a_source_of_a_name_already_listed_is_refused(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    fields = {"name": "Grant", "level": "state", "status": "current", "amount": "1000"}
    client = signed_in(world.member)
    assert client.post(f"{FUNDING}source/new/", fields).status_code == 302
    response = client.post(f"{FUNDING}source/new/", {**fields, "name": " GRANT"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "The coalition already lists a funding source by this name; edit that one."
    ]
    assert FundingSource.objects.count() == 1

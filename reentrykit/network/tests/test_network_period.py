"""A network groups coalitions for a period (PRODUCT.md): once it has ended, its code
brings no more coalitions into it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from reentrykit.network.models import NetworkSite
from reentrykit.network.services import network_create
from reentrykit.testing import World


def test_a_coalition_cannot_join_a_network_that_has_ended(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    ended = network_create(
        slug="pilot-2024",
        name="2024 Pilot",
        start_date=today - dt.timedelta(days=730),
        end_date=today - dt.timedelta(days=1),
    )
    response = signed_in(world.coordinator).post(
        "/c/riverton/network/", {"join_code": ended.join_code}
    )
    assert not NetworkSite.objects.filter(network=ended).exists()
    assert response.status_code == 200
    assert b"ended" in response.content


def test_a_network_ending_today_still_takes_a_site(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    ending = network_create(slug="closing", name="Closing", end_date=timezone.localdate())
    signed_in(world.coordinator).post("/c/riverton/network/", {"join_code": ending.join_code})
    assert NetworkSite.objects.filter(network=ending, coalition=world.coalition).exists()

"""The admin signs in through the app's sign-in page: the Django admin's own form would
be a second password form outside the per-address pause and the second factor."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client

from reentrykit.testing import PASSWORD, World


@pytest.fixture
def staff(world: World, settings) -> Iterator[World]:  # type: ignore[no-untyped-def]
    """The coordinator is staff; an address is paused after three wrong passwords."""
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    world.coordinator.is_staff = True
    world.coordinator.save()
    cache.clear()
    yield world
    cache.clear()


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_a_paused_address_cannot_test_passwords_on_the_admin_form(staff: World) -> None:
    world = staff
    guesser = Client(REMOTE_ADDR="192.0.2.8")
    # One wrong password each for three accounts: the address is paused.
    for user in (world.member, world.viewer, world.steward):
        guesser.post("/accounts/login/", {"username": user.email, "password": "Winter2026!!!"})
    assert (
        guesser.post(
            "/accounts/login/", {"username": world.coordinator.email, "password": PASSWORD}
        ).status_code
        == 429
    )
    # The admin's own form must not take the next guess either.
    guesser.post("/admin/login/", {"username": world.coordinator.email, "password": PASSWORD})
    assert not _signed_in(guesser)


def test_wrong_passwords_on_the_admin_form_count_toward_the_pause(staff: World) -> None:
    world = staff
    guesser = Client(REMOTE_ADDR="192.0.2.8")
    for user in (world.member, world.viewer, world.steward, world.coach, world.network_admin):
        guesser.post("/admin/login/", {"username": user.email, "password": "Winter2026!!!"})
    guesser.post("/admin/login/", {"username": world.coordinator.email, "password": PASSWORD})
    assert not _signed_in(guesser)


def test_the_admin_sign_in_leads_to_the_app_s_keeping_the_next_page(world: World) -> None:
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/"

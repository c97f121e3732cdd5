"""A coordinator signs a new coalition up on the web: the details, an emailed link that
proves the address, a password; then the coalition's home page, as its coordinator."""

from __future__ import annotations

import html
import re

import pytest
from django.core import signing
from django.test import Client

from reentrykit.accounts.models import User
from reentrykit.coalitions.models import Coalition, Membership
from reentrykit.testing import PASSWORD, World

SIGN_UP = "/accounts/sign-up/"
DETAILS = {
    "full_name": "Dana Ortiz",
    "email": "Dana@Lakeview.example",
    "coalition_name": "Lakeview County Reentry Coalition",
    "jurisdiction_type": "county",
    "state": "MN",
}


@pytest.fixture(autouse=True)
def _fresh_limits(db) -> None:  # type: ignore[no-untyped-def]
    """The hourly counts live in the cache, which outlives a test."""
    from django.core.cache import cache

    cache.clear()


def _link(mail) -> str:  # type: ignore[no-untyped-def]
    return re.search(r"http://[^/\s]+(/accounts/sign-up/\S+/)", mail.body).group(1)


def test_a_coordinator_signs_a_coalition_up(client: Client, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    assert "Sign up your coalition" in client.get("/accounts/login/").content.decode()
    response = client.post(SIGN_UP, DETAILS)
    assert response["Location"] == "/accounts/sign-up/sent/"
    assert not User.objects.filter(email="dana@lakeview.example").exists()
    assert not Coalition.objects.exists()
    (mail,) = mailoutbox
    assert mail.to == ["dana@lakeview.example"]
    link = _link(mail)

    page = html.unescape(client.get(link).content.decode())
    assert "Finish signing up Lakeview County Reentry Coalition" in page
    response = client.post(link, {"password1": "short", "password2": "short"})
    assert "This password is too short" in html.unescape(response.content.decode())
    assert not Coalition.objects.exists()

    response = client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    coalition = Coalition.objects.get()
    assert (coalition.slug, coalition.name, coalition.state) == (
        "lakeview-county-reentry-coalition",
        "Lakeview County Reentry Coalition",
        "MN",
    )
    user = User.objects.get(email="dana@lakeview.example")
    assert user.full_name == "Dana Ortiz" and user.check_password(PASSWORD)
    assert Membership.objects.get(coalition=coalition).role == "coordinator"
    assert response["Location"] == "/c/lakeview-county-reentry-coalition/"
    # A coordinator signs in with a second factor: set up before the coalition's pages.
    home = client.get(response["Location"])
    assert home.status_code == 302 and home["Location"].startswith("/accounts/two-factor/")

    # The link again: the address is taken, and nothing more is made.
    other = Client()
    response = other.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    assert "already exists" in html.unescape(response.content.decode())
    assert Coalition.objects.count() == 1 and User.objects.count() == 1


def test_an_address_with_an_account_is_told_so_by_email_alone(
    client: Client, world: World, mailoutbox
) -> None:  # type: ignore[no-untyped-def]
    taken = client.post(SIGN_UP, {**DETAILS, "email": world.member.email})
    fresh = client.post(SIGN_UP, DETAILS)
    assert taken["Location"] == fresh["Location"] == "/accounts/sign-up/sent/"
    existing, new = mailoutbox
    assert "already has an account" in existing.body and "/accounts/sign-up/" not in existing.body
    assert "/accounts/sign-up/" in new.body


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        signing.dumps({"email": "x@example.org"}, salt="reentrykit.accounts.coalition-sign-up"),
        signing.dumps(DETAILS, salt="another-salt"),
    ],
)
def test_a_link_that_is_not_ours_or_lacks_details_is_refused(client: Client, token: str) -> None:
    response = client.get(f"{SIGN_UP}{token}/")
    assert response.status_code == 404
    assert "This sign-up link does not work" in response.content.decode()


def test_an_expired_link_is_refused(client: Client, mailoutbox, settings) -> None:  # type: ignore[no-untyped-def]
    import time
    from unittest import mock

    client.post(SIGN_UP, DETAILS)
    link = _link(mailoutbox[0])
    later = time.time() + 4 * 24 * 3600  # the link works for 3 days
    with mock.patch("django.core.signing.time.time", return_value=later):
        assert client.get(link).status_code == 404


def test_bad_details_are_refused_at_their_fields(client: Client, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    response = client.post(SIGN_UP, {**DETAILS, "email": "not an address", "coalition_name": "  "})
    errors = response.context["form"].errors
    assert set(errors) == {"email", "coalition_name"}
    assert not mailoutbox


def test_a_few_links_an_hour_go_to_one_address(client: Client, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        assert client.post(SIGN_UP, DETAILS)["Location"] == "/accounts/sign-up/sent/"
    assert len(mailoutbox) == 3


def test_a_taken_name_gets_a_numbered_address(client: Client, world: World, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    client.post(SIGN_UP, {**DETAILS, "coalition_name": "Riverton"})
    client.post(_link(mailoutbox[0]), {"password1": PASSWORD, "password2": PASSWORD})
    assert Coalition.objects.get(
        name="Riverton", memberships__user__full_name="Dana Ortiz"
    ).slug == ("riverton-2")


def test_sign_up_can_be_turned_off(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SIGNUP = False
    assert client.get(SIGN_UP).status_code == 404
    assert client.post(SIGN_UP, DETAILS).status_code == 404
    assert "Sign up your coalition" not in client.get("/accounts/login/").content.decode()

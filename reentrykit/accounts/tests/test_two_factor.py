from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.oath import totp

from reentrykit.accounts.models import AuthenticatorApp, RecoveryCode
from reentrykit.accounts.two_factor import second_factor_required
from reentrykit.testing import World, sign_in


def _login(client: Client, user) -> Client:  # type: ignore[no-untyped-def]
    client.force_login(user, backend="reentrykit.accounts.backends.EmailBackend")
    return client


@pytest.mark.parametrize("role", ["coordinator", "steward", "coach", "network_admin"])
def test_it_requires_a_second_factor_for_privileged_roles(role: str, world: World, client) -> None:  # type: ignore[no-untyped-def]
    _login(client, getattr(world, role))
    response = client.get("/c/riverton/")
    if role == "network_admin":
        response = client.get("/n/pilot/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/")


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_it_lets_members_and_viewers_in_without_one(role: str, world: World, client) -> None:  # type: ignore[no-untyped-def]
    _login(client, getattr(world, role))
    assert client.get("/c/riverton/").status_code == 200


def test_it_requires_it_for_staff(world: World, client) -> None:  # type: ignore[no-untyped-def]
    world.viewer.is_staff = True
    world.viewer.save()
    _login(client, world.viewer)
    assert client.get("/admin/").status_code == 302


def test_it_enrolls_with_a_qr_code_and_gives_recovery_codes(world: World, client) -> None:  # type: ignore[no-untyped-def]
    _login(client, world.coordinator)
    page = client.get("/accounts/two-factor/")
    assert page.status_code == 200
    assert b"<svg" in page.content
    device = AuthenticatorApp.objects.get(user=world.coordinator, confirmed=False)
    wrong = client.post(
        "/accounts/two-factor/", {"token": "000000" if totp(device.bin_key) != 0 else "111111"}
    )
    assert b"did not match" in wrong.content
    # A wrong code throttles the device for a moment; let that moment pass.
    AuthenticatorApp.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    done = client.post("/accounts/two-factor/", {"token": f"{totp(device.bin_key):06d}"})
    assert done.status_code == 200
    assert b"recovery-codes" in done.content
    assert RecoveryCode.objects.filter(device__user=world.coordinator).count() == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/c/riverton/").status_code == 200


def test_it_signs_in_with_a_recovery_code_once(world: World, client) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.accounts.two_factor import recovery_codes_generate

    AuthenticatorApp.start(user=world.coordinator, name="app", confirmed=True)
    codes = recovery_codes_generate(user=world.coordinator)
    # Shown in groups of four: 12 hexadecimal digits.
    assert all(re.fullmatch(r"[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}", c) for c in codes)
    code = codes[0]
    _login(client, world.coordinator)
    response = client.post("/accounts/two-factor/", {"token": code, "next": "/c/riverton/"})
    assert response.status_code == 302
    assert response["Location"] == "/c/riverton/"
    assert client.get("/c/riverton/").status_code == 200
    client.logout()
    _login(client, world.coordinator)
    again = client.post("/accounts/two-factor/", {"token": code})
    assert again.status_code == 200
    assert b"not right" in again.content


def test_it_does_not_follow_an_offsite_next(world: World, client) -> None:  # type: ignore[no-untyped-def]
    device = AuthenticatorApp.start(user=world.coordinator, name="app", confirmed=True)
    _login(client, world.coordinator)
    response = client.post(
        "/accounts/two-factor/",
        {"token": f"{totp(device.bin_key):06d}", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_demo_users_may_skip_only_in_demo_mode(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    world.coordinator.is_demo = True
    settings.DEMO = False
    assert second_factor_required(world.coordinator)
    settings.DEMO = True
    assert not second_factor_required(world.coordinator)
    # Anyone not seeded as demo still needs it in demo mode.
    assert second_factor_required(world.steward)


def _secret(page: bytes) -> str:
    match = re.search(rb"\b([A-Z2-7]{32})\b", page)
    assert match, page
    return match.group(1).decode()


def _code(secret: str) -> str:
    import base64

    return f"{totp(base64.b32decode(secret + '=' * (-len(secret) % 8))):06d}"


def test_a_key_shown_in_another_session_is_useless_once_the_holder_sets_up_theirs(
    world: World, mailoutbox, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    """Someone else who knows the password opens the setup page first: the holder's
    own setup must not hand them a working key, and the holder hears of the setup."""
    other, holder = _login(Client(), world.steward), _login(Client(), world.steward)
    seen_by_other = _secret(other.get("/accounts/two-factor/").content)
    shown_to_holder = _secret(holder.get("/accounts/two-factor/").content)
    assert seen_by_other != shown_to_holder
    # Each session keeps its own key while it sets up.
    assert _secret(holder.get("/accounts/two-factor/").content) == shown_to_holder
    with django_capture_on_commit_callbacks(execute=True):
        done = holder.post("/accounts/two-factor/", {"token": _code(shown_to_holder)})
    assert b"recovery-codes" in done.content
    assert AuthenticatorApp.objects.filter(user=world.steward).count() == 1
    (notice,) = mailoutbox
    assert notice.to == [world.steward.email]
    assert "did not, someone knows your password" in notice.body
    # The other session's key opens nothing now.
    late = _login(Client(), world.steward)
    refused = late.post("/accounts/two-factor/", {"token": _code(seen_by_other)})
    assert b"not right" in refused.content
    assert late.get("/c/riverton/data/").status_code == 302


def test_someone_who_turned_it_on_is_asked_for_it_too(world: World, client) -> None:  # type: ignore[no-untyped-def]
    assert not second_factor_required(world.member)
    AuthenticatorApp.start(user=world.member, name="app", confirmed=True)
    assert second_factor_required(world.member)
    _login(client, world.member)
    response = client.get("/c/riverton/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/")


def test_the_operator_resets_a_lost_second_factor(world: World) -> None:
    import json
    from io import StringIO

    from django.core.management import call_command

    from reentrykit.accounts.two_factor import recovery_codes_generate
    from reentrykit.api.models import ApiToken
    from reentrykit.testing import api_headers

    AuthenticatorApp.start(user=world.steward, name="app", confirmed=True)
    recovery_codes_generate(user=world.steward)
    api_headers(world.steward)
    out = StringIO()
    call_command("user", "reset-two-factor", "--email", world.steward.email.upper(), stdout=out)
    assert json.loads(out.getvalue()) == {"email": world.steward.email, "devices_removed": 2}
    assert not AuthenticatorApp.objects.filter(user=world.steward).exists()
    assert not RecoveryCode.objects.filter(device__user=world.steward).exists()
    assert not ApiToken.objects.filter(revoked_at=None).exists()
    client = _login(Client(), world.steward)
    assert b"<svg" in client.get("/accounts/two-factor/").content  # sets up a new app


def test_a_reset_signs_the_account_out_everywhere(world: World) -> None:
    """Someone who knows the password alone waits at the second factor; after the
    operator's reset, that session must not go on to set up an app of its own."""
    from reentrykit.accounts.two_factor import second_factor_reset

    AuthenticatorApp.start(user=world.steward, name="app", confirmed=True)
    waiting = _login(Client(), world.steward)
    assert waiting.get("/accounts/two-factor/").status_code == 200
    signed_in = sign_in(Client(), world.steward)
    bystander = sign_in(Client(), world.coordinator)

    second_factor_reset(user=world.steward)

    for client in (waiting, signed_in):
        response = client.get("/accounts/two-factor/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert bystander.get("/c/riverton/").status_code == 200

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from reentrykit.accounts.two_factor import second_factor_required
from reentrykit.testing import World


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
    device = TOTPDevice.objects.get(user=world.coordinator, confirmed=False)
    wrong = client.post(
        "/accounts/two-factor/", {"token": "000000" if totp(device.bin_key) != 0 else "111111"}
    )
    assert b"did not match" in wrong.content
    # A wrong code throttles the device for a moment; let that moment pass.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    done = client.post("/accounts/two-factor/", {"token": f"{totp(device.bin_key):06d}"})
    assert done.status_code == 200
    assert b"recovery-codes" in done.content
    assert StaticToken.objects.filter(device__user=world.coordinator).count() == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/c/riverton/").status_code == 200


def test_it_signs_in_with_a_recovery_code_once(world: World, client) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.accounts.two_factor import recovery_codes_generate

    TOTPDevice.objects.create(user=world.coordinator, name="app", confirmed=True)
    codes = recovery_codes_generate(user=world.coordinator)
    # Shown in groups of four; stored within django-otp's 16 characters.
    assert all(len(c) == 14 and len(c.replace("-", "")) <= 16 for c in codes)
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
    device = TOTPDevice.objects.create(user=world.coordinator, name="app", confirmed=True)
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

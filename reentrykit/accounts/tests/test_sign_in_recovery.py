"""Sign-in answers people can act on: how long a lockout lasts, a first password for an
account made without one, and a right code sent while the second factor waits."""

from __future__ import annotations

from django.core import mail
from django.test import Client
from django_otp.oath import totp

from reentrykit.accounts.models import AuthenticatorApp, RecoveryCodes
from reentrykit.testing import PASSWORD, World


def _post_login(client: Client, email: str, password: str):  # type: ignore[no-untyped-def]
    return client.post("/accounts/login/", {"username": email, "password": password})


def test_the_lockout_page_says_how_long_to_wait_in_words(world: World, client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AXES_COOLOFF_TIME = 30 / 60
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post_login(client, world.member.email, "wrong password here")
    locked = _post_login(client, world.member.email, PASSWORD)
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Try again in 30 minutes" in page
    assert "PT30M" not in page


def test_the_wait_reads_as_words() -> None:
    import datetime as dt

    from reentrykit.accounts.views import _wait_words

    assert _wait_words(dt.timedelta(minutes=30)) == "30 minutes"
    assert _wait_words(dt.timedelta(hours=1)) == "an hour"
    assert _wait_words(dt.timedelta(hours=2)) == "2 hours"
    assert _wait_words(dt.timedelta(seconds=20)) == "a minute"


def test_an_account_without_a_password_yet_can_ask_for_a_link(world: World, client) -> None:  # type: ignore[no-untyped-def]
    """Made by `reentrykit user create` without --password-file, or as a network's new
    coach: the setup link lasts a day, and the operator's notice promises that "Forgot
    your password?" works later."""
    from reentrykit.accounts.services import user_create

    user = user_create(email="no.password.yet@riverton.test")
    assert not user.has_usable_password()
    response = client.post("/accounts/password-reset/", {"email": "No.Password.Yet@riverton.test"})
    assert response.status_code == 302
    (sent,) = mail.outbox
    assert sent.to == ["no.password.yet@riverton.test"]
    link = next(line for line in sent.body.splitlines() if "/password-reset/" in line)
    form_page = client.get("/" + link.split("://", 1)[1].split("/", 1)[1], follow=True)
    new_password = "a first passphrase of mine 7"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    assert _post_login(Client(), user.email, new_password).status_code == 302


def test_a_deactivated_account_gets_no_link(world: World, client) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.accounts.services import user_create

    user = user_create(email="gone@riverton.test")
    user.is_active = False
    user.save()
    client.post("/accounts/password-reset/", {"email": user.email})
    assert mail.outbox == []


def test_a_right_code_during_the_wait_after_wrong_ones_is_not_called_wrong(
    world: World, client
) -> None:  # type: ignore[no-untyped-def]
    device = AuthenticatorApp.start(user=world.coordinator, name="app", confirmed=True)
    client.force_login(world.coordinator, backend="reentrykit.accounts.backends.EmailBackend")
    right = totp(device.bin_key)
    wrong = client.post("/accounts/two-factor/", {"token": f"{(right + 1) % 1000000:06d}"})
    assert "not right" in wrong.content.decode()
    # Each wrong code in a row doubles the wait before the next is checked.
    AuthenticatorApp.objects.filter(pk=device.pk).update(throttling_failure_count=6)
    refused = client.post("/accounts/two-factor/", {"token": f"{right:06d}"})
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "not right" not in page
    assert "wait 32 seconds" in page or "wait 31 seconds" in page
    # A recovery code goes to the recovery codes, which do not wait: it is checked.
    from reentrykit.accounts.two_factor import recovery_codes_generate

    code = recovery_codes_generate(user=world.coordinator)[0]
    assert (
        "not right"
        in client.post("/accounts/two-factor/", {"token": "0000-0000-0000"}).content.decode()
    )
    RecoveryCodes.objects.update(throttling_failure_count=0)
    assert client.post("/accounts/two-factor/", {"token": code}).status_code == 302
    client.logout()
    client.force_login(world.coordinator, backend="reentrykit.accounts.backends.EmailBackend")
    AuthenticatorApp.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    assert client.post("/accounts/two-factor/", {"token": f"{right:06d}"}).status_code == 302


def test_setting_up_during_the_wait_says_so_too(world: World, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.steward, backend="reentrykit.accounts.backends.EmailBackend")
    client.get("/accounts/two-factor/")
    device = AuthenticatorApp.objects.get(user=world.steward, confirmed=False)
    right = totp(device.bin_key)
    client.post("/accounts/two-factor/", {"token": f"{(right + 1) % 1000000:06d}"})
    refused = client.post("/accounts/two-factor/", {"token": f"{right:06d}"})
    page = refused.content.decode()
    assert "did not match" not in page
    assert "wait a second" in page


def _reset_password(client: Client, email: str, new_password: str) -> None:
    client.post("/accounts/password-reset/", {"email": email})
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/password-reset/" in line)
    form_page = client.get("/" + link.split("://", 1)[1].split("/", 1)[1], follow=True)
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302


def test_resetting_the_password_as_the_lockout_page_offers_lets_the_holder_in(
    world: World, client, settings
) -> None:  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    cache.clear()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post_login(client, world.member.email, "wrong password here")
    locked = _post_login(client, world.member.email, PASSWORD)
    assert "reset your password" in locked.content.decode()
    new_password = "a brand new passphrase 42"
    _reset_password(client, world.member.email, new_password)
    assert _post_login(client, world.member.email, new_password).status_code == 302
    # Only that account: another one locked from the same address stays locked.
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post_login(client, world.viewer.email, "wrong password here")
    assert _post_login(client, world.viewer.email, PASSWORD).status_code == 429
    cache.clear()


def test_the_address_pause_says_an_hour_and_offers_no_reset(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 2
    cache.clear()
    guesser = Client(REMOTE_ADDR="192.0.2.8")
    for user in (world.member, world.viewer):
        _post_login(guesser, user.email, "Winter2026!!!")
    paused = _post_login(guesser, world.steward.email, PASSWORD).content.decode()
    assert "Try again in an hour." in paused
    assert "reset your password" not in paused
    cache.clear()


def test_a_refused_second_factor_code_is_in_the_security_log(world: World, client, caplog) -> None:  # type: ignore[no-untyped-def]
    device = AuthenticatorApp.start(user=world.coordinator, name="app", confirmed=True)
    client.force_login(world.coordinator, backend="reentrykit.accounts.backends.EmailBackend")
    right = totp(device.bin_key)
    with caplog.at_level("WARNING", logger="reentrykit.security"):
        client.post("/accounts/two-factor/", {"token": f"{(right + 1) % 1000000:06d}"})
    (record,) = [r for r in caplog.records if r.name == "reentrykit.security"]
    assert record.getMessage() == (
        f"Second-factor code refused for user {world.coordinator.pk} from 127.0.0.1."
    )
    caplog.clear()
    AuthenticatorApp.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    with caplog.at_level("WARNING", logger="reentrykit.security"):
        assert client.post("/accounts/two-factor/", {"token": f"{right:06d}"}).status_code == 302
    assert not [r for r in caplog.records if r.name == "reentrykit.security"]

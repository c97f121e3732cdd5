from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reentrykit.testing import PASSWORD, World


def _post_login(client: Client, email: str, password: str):  # type: ignore[no-untyped-def]
    return client.post("/accounts/login/", {"username": email, "password": password})


def test_it_signs_in_by_email_case_insensitively(world: World, client) -> None:  # type: ignore[no-untyped-def]
    response = _post_login(client, "MEMBER@Riverton.test", PASSWORD)
    assert response.status_code == 302
    assert client.get("/c/riverton/").status_code == 200


def test_it_explains_a_wrong_password(world: World, client) -> None:  # type: ignore[no-untyped-def]
    response = _post_login(client, world.member.email, "wrong password here")
    assert response.status_code == 200
    assert b"do not match an account" in response.content
    assert b'id="error-summary"' in response.content


def test_it_locks_out_after_repeated_failures(world: World, client, settings) -> None:  # type: ignore[no-untyped-def]
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        # Changing the capitalization does not buy extra attempts.
        email = world.member.email.upper() if attempt % 2 else world.member.email
        _post_login(client, email, "wrong password here")
    locked = _post_login(client, world.member.email, PASSWORD)
    assert locked.status_code == 429
    assert b"Too many failed sign-ins" in locked.content
    assert client.get("/c/riverton/").status_code == 302


def test_one_address_guessing_across_accounts_is_paused(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    cache.clear()
    try:
        guesser, colleague = Client(REMOTE_ADDR="192.0.2.8"), Client(REMOTE_ADDR="192.0.2.9")
        # One wrong password each for three accounts: no account reaches its own limit.
        for user in (world.member, world.viewer, world.coordinator):
            assert _post_login(guesser, user.email, "Winter2026!!!").status_code == 200
        paused = _post_login(guesser, world.steward.email, PASSWORD)
        assert paused.status_code == 429
        assert b"Too many failed sign-ins" in paused.content
        assert _post_login(colleague, world.member.email, PASSWORD).status_code == 302
    finally:
        cache.clear()


def test_behind_the_proxy_it_locks_out_the_client_not_the_proxy(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.BEHIND_PROXY = True
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    guesser, colleague = Client(), Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        # What the client sends comes first; the proxy appends the address it saw.
        forwarded = f"192.0.2.{attempt}, 203.0.113.9"
        guesser.post(
            "/accounts/login/",
            {"username": world.member.email, "password": "wrong password here"},
            HTTP_X_FORWARDED_FOR=forwarded,
            **proxy,
        )
    locked = guesser.post(
        "/accounts/login/",
        {"username": world.member.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.9",
        **proxy,
    )
    assert locked.status_code == 429
    signed_in = colleague.post(
        "/accounts/login/",
        {"username": world.member.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        **proxy,
    )
    assert signed_in.status_code == 302


def test_it_sends_a_few_reset_links_an_hour_to_one_address(world: World, client) -> None:  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    from reentrykit.accounts.views import RESET_EMAILS_PER_HOUR

    cache.clear()
    try:
        for _ in range(RESET_EMAILS_PER_HOUR + 2):
            answer = client.post("/accounts/password-reset/", {"email": world.member.email})
            assert answer.status_code == 302  # the same answer every time
        assert len(mail.outbox) == RESET_EMAILS_PER_HOUR
        client.post("/accounts/password-reset/", {"email": world.viewer.email})
        assert len(mail.outbox) == RESET_EMAILS_PER_HOUR + 1  # another address is not held up
    finally:
        cache.clear()


def test_it_refuses_demo_accounts_outside_demo_mode(world: World, client, settings) -> None:  # type: ignore[no-untyped-def]
    world.member.is_demo = True
    world.member.save()
    settings.DEMO = False
    assert _post_login(client, world.member.email, PASSWORD).status_code == 200
    settings.DEMO = True
    assert _post_login(client, world.member.email, PASSWORD).status_code == 302


def test_it_resets_a_password_by_email(world: World, client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/accounts/password-reset/", {"email": world.member.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get("/" + path, follow=True)
    assert form_page.status_code == 200
    new_password = "a brand new passphrase 42"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    assert _post_login(Client(), world.member.email, new_password).status_code == 302


def test_it_sends_no_reset_mail_for_unknown_addresses(db, client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/accounts/password-reset/", {"email": "nobody@nowhere.test"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_the_reset_page_does_the_same_work_with_or_without_an_account(
    world: World, client, settings
) -> None:  # type: ignore[no-untyped-def]
    """The worker looks the address up and sends: had the page done either, a slow mail
    server or the lookup would make its answer for an address with an account slower
    than for one without, which tells anyone who times it which have accounts."""
    from reentrykit.accounts.tasks import send_password_reset

    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": ["default", "analysis"],
        }
    }
    addresses = (world.member.email, "nobody@nowhere.test")
    with CaptureQueriesContext(connection) as queries:
        for address in addresses:
            assert client.post("/accounts/password-reset/", {"email": address}).status_code == 302
    assert not [query for query in queries if "accounts_user" in query["sql"]]
    assert mail.outbox == []
    queued = send_password_reset.get_backend().results
    assert [result.args for result in queued] == [[address] for address in addresses]
    for result in queued:
        send_password_reset.call(*result.args)
    assert [message.to for message in mail.outbox] == [[world.member.email]]
    assert "/accounts/password-reset/" in mail.outbox[0].body


def test_it_sets_security_headers(world: World, client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert b"<script>" not in response.content


@pytest.mark.parametrize(
    "path",
    ["/c/riverton/data/linkage/review/", "/c/riverton/data/access-log/", "/accounts/profile/"],
)
def test_signed_in_pages_are_kept_out_of_caches(path: str, world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(world.steward).get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_api_answers_are_kept_out_of_caches(world: World) -> None:
    from django.test import Client

    from reentrykit.testing import api_headers

    answer = Client().get(
        "/api/v1/coalitions/riverton/data/jobs/1", headers=api_headers(world.steward)
    )
    assert "no-store" in answer["Cache-Control"]

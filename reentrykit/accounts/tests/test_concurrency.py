"""One code, sent by two requests at the same moment, is accepted once.

Each check is slowed down inside its transaction, so that without the row lock both
requests would read the device before either wrote it back.
"""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.db import connection

from reentrykit.accounts.models import AuthenticatorApp
from reentrykit.accounts.two_factor import (
    recovery_codes_generate,
    totp_confirm,
    verify_second_factor,
)
from reentrykit.testing import build_world, race, totp_code

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite runs one writer at a time; the PostgreSQL pass races for real")


@pytest.fixture
def slow_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    verify = AuthenticatorApp.verify_token

    def slow(self: AuthenticatorApp, token: object) -> bool:
        time.sleep(0.3)
        return verify(self, token)

    monkeypatch.setattr(AuthenticatorApp, "verify_token", slow)


def test_an_app_is_set_up_once_by_two_requests_with_one_code(slow_checks: None) -> None:
    user = build_world().steward
    device = AuthenticatorApp.start(user=user, name="phone")
    code = totp_code(device)
    mail.outbox.clear()

    def confirm() -> bool:
        return totp_confirm(device=AuthenticatorApp.objects.get(pk=device.pk), token=code)

    assert sorted(race(confirm, confirm)) == [False, True]
    assert AuthenticatorApp.objects.filter(user=user, confirmed=True).count() == 1
    assert len(mail.outbox) == 1


def test_a_sign_in_code_passes_one_of_two_requests(slow_checks: None) -> None:
    user = build_world().steward
    device = AuthenticatorApp.start(user=user, name="phone", confirmed=True)
    code = totp_code(device)

    outcomes = race(*[lambda: verify_second_factor(user, code)] * 2)

    assert [type(outcome) for outcome in outcomes].count(AuthenticatorApp) == 1
    assert outcomes.count(None) == 1


def test_a_recovery_code_passes_one_of_two_requests() -> None:
    user = build_world().steward
    code = recovery_codes_generate(user=user)[0]

    outcomes = race(*[lambda: verify_second_factor(user, code)] * 2)

    assert outcomes.count(None) == 1

"""Second-factor devices keep their secrets sealed: a copy of the database alone cannot
make an authenticator's codes or read the recovery codes."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import importlib
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django_otp.oath import totp

from reentrykit.accounts.models import AuthenticatorApp, RecoveryCode, RecoveryCodes
from reentrykit.accounts.two_factor import recovery_codes_generate, verify_second_factor
from reentrykit.testing import World, totp_code

pytestmark = pytest.mark.django_db


def _stored_row(device: AuthenticatorApp) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sealed_key FROM accounts_authenticatorapp WHERE id = %s", [device.pk]
        )
        return cursor.fetchone()[0]


def test_the_authenticator_key_is_stored_sealed(world: World) -> None:
    device = AuthenticatorApp.start(user=world.steward, name="app", confirmed=True)
    key = AuthenticatorApp.objects.get(pk=device.pk).bin_key
    assert len(key) == 20
    stored = _stored_row(device)
    for plain in (key.hex(), base64.b32encode(key).decode(), base64.b64encode(key).decode()):
        assert plain not in stored
    assert key not in base64.b64decode(stored)


def test_a_sealed_key_moved_to_another_account_does_not_open(world: World, caplog) -> None:  # type: ignore[no-untyped-def]
    mine = AuthenticatorApp.start(user=world.steward, name="app", confirmed=True)
    code = totp_code(mine)
    theirs = AuthenticatorApp.start(user=world.member, name="app", confirmed=True)
    AuthenticatorApp.objects.filter(pk=theirs.pk).update(sealed_key=mine.sealed_key)
    theirs.refresh_from_db()
    with pytest.raises(ValueError, match="cannot be opened"):
        theirs.bin_key  # noqa: B018
    assert not theirs.verify_token(code)
    assert "cannot be opened" in caplog.text


def test_a_new_master_key_opens_nothing(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    device = AuthenticatorApp.start(user=world.steward, name="app", confirmed=True)
    code = totp_code(device)
    settings.MASTER_KEY = "another-master-key-of-at-least-32-characters"
    assert verify_second_factor(world.steward, code) is None


def test_an_authenticator_code_is_accepted_once(world: World) -> None:
    device = AuthenticatorApp.start(user=world.steward, name="app", confirmed=True)
    code = totp_code(device)
    assert verify_second_factor(world.steward, code) == device
    AuthenticatorApp.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    assert verify_second_factor(world.steward, code) is None


def test_an_unconfirmed_app_is_not_a_second_factor(world: World) -> None:
    device = AuthenticatorApp.start(user=world.steward, name="app")
    assert verify_second_factor(world.steward, totp_code(device)) is None


def test_recovery_codes_are_kept_as_keyed_digests(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    codes = [code.replace("-", "") for code in recovery_codes_generate(user=world.steward)]
    stored = set(RecoveryCode.objects.values_list("digest", flat=True))
    assert len(stored) == 10
    for code in codes:
        assert code not in stored
        assert hashlib.sha256(code.encode()).hexdigest() not in stored
        assert hashlib.sha256(f"{world.steward.pk}/{code}".encode()).hexdigest() not in stored
    # The digests need the master key: under another one no code matches.
    master = settings.MASTER_KEY
    settings.MASTER_KEY = "another-master-key-of-at-least-32-characters"
    assert verify_second_factor(world.steward, codes[0]) is None
    settings.MASTER_KEY = master
    RecoveryCodes.objects.update(throttling_failure_count=0)  # the wait after a wrong code
    assert isinstance(verify_second_factor(world.steward, codes[0]), RecoveryCodes)
    assert RecoveryCode.objects.count() == 9


def test_one_account_s_code_does_not_open_another_s(world: World) -> None:
    (code, *_) = recovery_codes_generate(user=world.steward)
    recovery_codes_generate(user=world.member)
    assert verify_second_factor(world.member, code) is None
    assert RecoveryCode.objects.count() == 20
    assert verify_second_factor(world.steward, code) is not None


MIGRATION = "reentrykit.accounts.migrations.0004_move_second_factors"
KEPT = (
    " confirmed boolean, throttling_failure_timestamp timestamp with time zone NULL,"
    " throttling_failure_count integer, created_at timestamp with time zone NULL,"
    " last_used_at timestamp with time zone NULL"
)
OLD_SCHEMA = (
    "CREATE TABLE otp_totp_totpdevice (id integer PRIMARY KEY, user_id integer,"
    f" name varchar(64), key varchar(80), last_t bigint, drift smallint,{KEPT})",
    f"CREATE TABLE otp_static_staticdevice (id integer PRIMARY KEY, user_id integer,"
    f" name varchar(64),{KEPT})",
    "CREATE TABLE otp_static_statictoken (id integer PRIMARY KEY, device_id integer,"
    " token varchar(16))",
)


def test_devices_of_django_otp_move_over_sealed(world: World) -> None:
    """A database set up before the sealed devices: its apps still work, its recovery
    codes too, and the plain tables are gone."""
    hex_key = "3132333435363738393031323334353637383930"
    with connection.cursor() as cursor:
        for statement in OLD_SCHEMA:
            cursor.execute(statement)
        set_up = timezone.now() - dt.timedelta(days=30)
        cursor.execute(
            "INSERT INTO otp_totp_totpdevice VALUES (7, %s, 'phone', %s, -1, 0, %s, NULL, 0,"
            " %s, NULL)",
            [world.steward.pk, hex_key, True, set_up],
        )
        cursor.execute(
            "INSERT INTO otp_static_staticdevice VALUES (3, %s, 'Recovery codes', %s, %s, 3,"
            " %s, NULL)",
            [world.steward.pk, True, timezone.now(), set_up],
        )
        cursor.execute("INSERT INTO otp_static_statictoken VALUES (1, 3, 'a1b2c3d4e5f6')")
    migration = importlib.import_module(MIGRATION)
    state = MigrationExecutor(connection).loader.project_state(
        ("accounts", "0004_move_second_factors")
    )
    # The step reads and drops tables through the editor's connection alone.
    migration.move_second_factors(state.apps, SimpleNamespace(connection=connection))

    (device,) = AuthenticatorApp.objects.filter(user=world.steward)
    assert device.created_at == set_up
    (codes,) = RecoveryCodes.objects.filter(user=world.steward)
    # Part-way through a lockout after wrong codes: it carries over, then passes.
    assert codes.throttling_failure_count == 3 and codes.confirmed
    assert verify_second_factor(world.steward, "a1b2-c3d4-e5f6") is None
    for model in (RecoveryCodes, AuthenticatorApp):  # the wait after that wrong try
        model.objects.update(throttling_failure_count=0)
    assert device.bin_key == bytes.fromhex(hex_key)
    assert hex_key not in device.sealed_key
    code = f"{totp(bytes.fromhex(hex_key)):06d}"
    assert verify_second_factor(world.steward, code) == device
    assert isinstance(verify_second_factor(world.steward, "a1b2-c3d4-e5f6"), RecoveryCodes)
    left = set(connection.introspection.table_names())
    assert not left & set(migration.OLD_TABLES)


def test_the_qr_code_address_carries_the_key_an_app_needs(world: World) -> None:
    device = AuthenticatorApp.start(user=world.steward, name="app")
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    assert device.config_url == (
        f"otpauth://totp/ReentryKit%3A{world.steward.email.replace('@', '%40')}"
        f"?secret={secret}&algorithm=SHA1&digits=6&period=30&issuer=ReentryKit"
    )

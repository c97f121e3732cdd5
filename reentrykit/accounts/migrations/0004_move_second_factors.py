"""Moves second factors set up with django-otp's own devices to the sealed ones.

django-otp's TOTP and static devices kept the authenticator key and the recovery
codes in plain text. Their rows are copied, the key sealed and each code kept as a
keyed digest (as ``AuthenticatorApp`` and ``RecoveryCode`` do), and their tables are
then dropped, so no plain copy is left. Nobody has to set up their app again.

The sealing is written out here rather than imported, so this step keeps working as
the models change.
"""

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import migrations

OLD_TABLES = ("otp_static_statictoken", "otp_static_staticdevice", "otp_totp_totpdevice")


def _account_key(purpose):
    label = f"reentrykit/{purpose}/accounts".encode() + b"\x01"
    return hmac.new(settings.MASTER_KEY.encode("utf-8"), label, hashlib.sha256).digest()


def _sealed(user_id, hex_key):
    nonce = os.urandom(12)
    context = f"reentrykit/authenticator/user/{user_id}".encode()
    sealed = AESGCM(_account_key("authenticator-keys")).encrypt(
        nonce, bytes.fromhex(hex_key), context
    )
    return base64.b64encode(nonce + sealed).decode("ascii")


def _digest(user_id, code):
    message = f"{user_id}/{code}".encode()
    return hmac.new(_account_key("recovery-codes"), message, hashlib.sha256).hexdigest()


# Kept as they were: a lockout after wrong codes, and when each device was set up and used.
KEPT = (
    "confirmed",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "created_at",
    "last_used_at",
)


def move_second_factors(apps, schema_editor):
    connection = schema_editor.connection
    present = set(connection.introspection.table_names())
    app_model = apps.get_model("accounts", "AuthenticatorApp")
    codes_model = apps.get_model("accounts", "RecoveryCodes")
    code_model = apps.get_model("accounts", "RecoveryCode")
    db = connection.alias
    kept = ", ".join(KEPT)
    with connection.cursor() as cursor:
        if "otp_totp_totpdevice" in present:
            cursor.execute(
                f"SELECT user_id, name, key, last_t, drift, {kept} FROM otp_totp_totpdevice"  # noqa: S608 - our column names
            )
            for user_id, name, key, last_t, drift, *values in cursor.fetchall():
                device = app_model(
                    user_id=user_id,
                    name=name,
                    sealed_key=_sealed(user_id, key),
                    last_t=last_t,
                    drift=drift,
                    **_kept(values),
                )
                device.save(using=db)
                _keep_created_at(app_model, device, values, db)
        if {"otp_static_staticdevice", "otp_static_statictoken"} <= present:
            cursor.execute(f"SELECT id, user_id, name, {kept} FROM otp_static_staticdevice")  # noqa: S608
            moved = {}
            for device_id, user_id, name, *values in cursor.fetchall():
                device = codes_model(user_id=user_id, name=name, **_kept(values))
                device.save(using=db)
                _keep_created_at(codes_model, device, values, db)
                moved[device_id] = device
            cursor.execute("SELECT device_id, token FROM otp_static_statictoken")
            for device_id, token in cursor.fetchall():
                if device_id in moved:
                    device = moved[device_id]
                    code_model(device=device, digest=_digest(device.user_id, token)).save(using=db)
        for table in OLD_TABLES:
            if table in present:
                cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
        cursor.execute("DELETE FROM django_migrations WHERE app IN ('otp_totp', 'otp_static')")


def _kept(values):
    kept = dict(zip(KEPT, values, strict=True))
    kept["confirmed"] = bool(kept["confirmed"])
    kept.pop("created_at")  # set on save (auto_now_add); put back by _keep_created_at
    return kept


def _keep_created_at(model, device, values, db):
    created_at = dict(zip(KEPT, values, strict=True))["created_at"]
    if created_at is not None:
        model.objects.using(db).filter(pk=device.pk).update(created_at=created_at)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_second_factor_devices")]

    operations = [migrations.RunPython(move_second_factors, migrations.RunPython.noop)]

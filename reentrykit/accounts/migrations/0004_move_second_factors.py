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


def move_second_factors(apps, schema_editor):
    connection = schema_editor.connection
    present = set(connection.introspection.table_names())
    app_model = apps.get_model("accounts", "AuthenticatorApp")
    codes_model = apps.get_model("accounts", "RecoveryCodes")
    code_model = apps.get_model("accounts", "RecoveryCode")
    with connection.cursor() as cursor:
        if "otp_totp_totpdevice" in present:
            cursor.execute(
                "SELECT user_id, name, confirmed, key, last_t, drift FROM otp_totp_totpdevice"
            )
            for user_id, name, confirmed, key, last_t, drift in cursor.fetchall():
                app_model.objects.create(
                    user_id=user_id,
                    name=name,
                    confirmed=bool(confirmed),
                    sealed_key=_sealed(user_id, key),
                    last_t=last_t,
                    drift=drift,
                )
        if {"otp_static_staticdevice", "otp_static_statictoken"} <= present:
            cursor.execute(
                "SELECT d.id, d.user_id, d.name, t.token FROM otp_static_staticdevice d"
                " LEFT JOIN otp_static_statictoken t ON t.device_id = d.id ORDER BY d.id"
            )
            moved = {}
            for device_id, user_id, name, token in cursor.fetchall():
                if device_id not in moved:
                    moved[device_id] = codes_model.objects.create(user_id=user_id, name=name)
                if token is not None:
                    code_model.objects.create(
                        device=moved[device_id], digest=_digest(user_id, token)
                    )
        for table in OLD_TABLES:
            if table in present:
                cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
        cursor.execute("DELETE FROM django_migrations WHERE app IN ('otp_totp', 'otp_static')")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_second_factor_devices")]

    operations = [migrations.RunPython(move_second_factors, migrations.RunPython.noop)]

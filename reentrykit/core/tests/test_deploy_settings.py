from __future__ import annotations

import logging
from pathlib import Path

from reentrykit.core.tests.cli_run import reentrykit


def test_production_settings_pass_the_deploy_check(tmp_path: Path) -> None:
    key_file = tmp_path / "master.key"
    key_file.write_text("a-long-random-master-key-from-a-secret-file-0123456789\n")
    result = reentrykit(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "REENTRYKIT_SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-0123456789",
            "REENTRYKIT_MASTER_KEY_FILE": str(key_file),
            "REENTRYKIT_ALLOWED_HOSTS": "reentry.example.org",
            "REENTRYKIT_SITE_URL": "https://reentry.example.org",
            "REENTRYKIT_VAR_DIR": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_sends_email_rather_than_printing_it(tmp_path: Path) -> None:
    result = reentrykit(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.EMAIL_BACKEND)",
        env={
            "REENTRYKIT_SECRET_KEY": "x" * 60,
            "REENTRYKIT_MASTER_KEY": "y" * 40,
            "REENTRYKIT_VAR_DIR": str(tmp_path),
        },
    )
    assert result.stdout.strip().splitlines()[-1] == "django.core.mail.backends.smtp.EmailBackend"


def test_production_refuses_a_short_master_key(tmp_path: Path) -> None:
    result = reentrykit(
        "check",
        env={
            "REENTRYKIT_SECRET_KEY": "x" * 60,
            "REENTRYKIT_MASTER_KEY": "password123",
            "REENTRYKIT_VAR_DIR": str(tmp_path),
        },
    )
    assert result.returncode == 2
    assert "REENTRYKIT_MASTER_KEY must be at least 32 characters" in result.stderr
    assert "password123" not in result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = reentrykit("check", env={"REENTRYKIT_VAR_DIR": str(tmp_path)})
    assert result.returncode == 2
    # One line that names the setting, not a traceback.
    assert result.stderr.strip().splitlines() == [
        "reentrykit: the configuration is not usable: Set REENTRYKIT_SECRET_KEY or "
        "REENTRYKIT_SECRET_KEY_FILE (required outside development; REENTRYKIT_DEBUG=1 for "
        "development)"
    ]


def test_a_malformed_setting_is_named(tmp_path: Path) -> None:
    result = reentrykit(
        "check",
        env={
            "REENTRYKIT_DEBUG": "1",
            "REENTRYKIT_VAR_DIR": str(tmp_path),
            "REENTRYKIT_API_RATE_LIMIT": "many",
        },
    )
    assert result.returncode == 2
    assert "REENTRYKIT_API_RATE_LIMIT must be a rate such as 120/m" in result.stderr
    assert "Traceback" not in result.stderr


def test_pdf_rendering_does_not_fill_the_log_with_its_steps() -> None:
    for name in ("weasyprint.progress", "fontTools.subset"):
        assert not logging.getLogger(name).isEnabledFor(logging.INFO), name
    assert logging.getLogger("reentrykit").isEnabledFor(logging.INFO)


def test_what_the_command_writes_is_for_its_own_account_alone(tmp_path: Path) -> None:
    result = reentrykit(
        "shell",
        "-c",
        "import os; print(oct(os.umask(0)))",
        env={"REENTRYKIT_DEBUG": "1", "REENTRYKIT_VAR_DIR": str(tmp_path)},
    )
    assert result.stdout.strip().splitlines()[-1] == "0o77", result.stderr

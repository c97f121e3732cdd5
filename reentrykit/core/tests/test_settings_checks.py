"""Malformed settings are named in one line (exit status 2), as `reentrykit` promises,
not a traceback; a log level in lower case is understood."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from reentrykit.core.tests.cli_run import reentrykit


def _check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return reentrykit(
        "check", env={"REENTRYKIT_DEBUG": "1", "REENTRYKIT_VAR_DIR": str(tmp_path), **env}
    )


def test_a_log_level_in_lower_case_is_understood(tmp_path: Path) -> None:
    result = _check(tmp_path, REENTRYKIT_LOG_LEVEL="debug")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("REENTRYKIT_LOG_LEVEL", "loud"),
        ("REENTRYKIT_TIME_ZONE", "Mars/Olympus_Mons"),
        ("DATABASE_URL", "postgress://reentrykit@localhost/reentrykit"),
        ("REENTRYKIT_DATA_THREADS", "-1"),
        ("REENTRYKIT_DATA_MAX_UPLOAD_MB", "0"),
        ("REENTRYKIT_LOGIN_FAILURE_LIMIT", "0"),
        ("REENTRYKIT_EMAIL_PORT", "70000"),
        ("REENTRYKIT_DAILY_HOUR", "24"),
    ],
)
def test_a_malformed_setting_is_named_in_one_line(tmp_path: Path, name: str, value: str) -> None:
    result = _check(tmp_path, **{name: value})
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0], result.stderr


def test_port_465_uses_implicit_tls_and_both_kinds_at_once_are_refused(tmp_path: Path) -> None:
    shown = reentrykit(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.EMAIL_USE_SSL, s.EMAIL_USE_TLS)",
        env={"REENTRYKIT_DEBUG": "1", "REENTRYKIT_VAR_DIR": str(tmp_path)}
        | {"REENTRYKIT_EMAIL_PORT": "465"},
    )
    assert shown.stdout.splitlines()[-1] == "True False", shown.stderr
    result = _check(tmp_path, REENTRYKIT_EMAIL_USE_SSL="1", REENTRYKIT_EMAIL_USE_TLS="1")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "REENTRYKIT_EMAIL_USE_SSL" in lines[0], result.stderr


def _deploy_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    production = {
        "REENTRYKIT_SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-0123456789",
        "REENTRYKIT_MASTER_KEY": "a-long-random-master-key-0123456789-abcdefghij",
        "REENTRYKIT_ALLOWED_HOSTS": "reentry.example.org",
        "REENTRYKIT_VAR_DIR": str(tmp_path),
    }
    return reentrykit("check", "--deploy", env={**production, **env})


def test_the_deploy_check_catches_emailed_links_to_the_default_local_address(
    tmp_path: Path,
) -> None:
    # Without REENTRYKIT_SITE_URL every invitation and password link says 127.0.0.1:8000.
    result = _deploy_check(tmp_path)
    assert result.returncode != 0
    assert "REENTRYKIT_SITE_URL" in result.stderr + result.stdout


def test_the_deploy_check_passes_with_the_public_address(tmp_path: Path) -> None:
    result = _deploy_check(tmp_path, REENTRYKIT_SITE_URL="https://reentry.example.org")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout

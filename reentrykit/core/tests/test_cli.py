from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from reentrykit.accounts.models import User
from reentrykit.coalitions.models import Coalition, Membership
from reentrykit.core.models import AuditEntry
from reentrykit.network.models import CoachAssignment, Network, NetworkSite
from reentrykit.testing import PASSWORD, World

NEW_PASSWORD = "a-very-unusual-passphrase-77"
REENTRYKIT = Path(sys.executable).with_name("reentrykit")


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _sign_in_works(email: str, password: str) -> bool:
    request = RequestFactory().post("/accounts/login/")
    return authenticate(request=request, username=email, password=password) is not None


def _password_file(tmp_path: Path, password: str) -> str:
    path = tmp_path / "password"
    path.write_text(password + "\n", encoding="utf-8")
    return str(path)


def test_it_creates_a_coalition_and_prints_only_its_slug(db: None) -> None:
    out, _ = _run(
        "coalition", "create", "--slug", "lakeside", "--name", "Lakeside Reentry Coalition",
        "--jurisdiction-type", "city", "--state", "tx", "--population", "52000",
    )  # fmt: skip
    assert out == "lakeside\n"
    coalition = Coalition.objects.get(slug="lakeside")
    assert coalition.name == "Lakeside Reentry Coalition"
    assert (coalition.jurisdiction_type, coalition.state, coalition.population) == (
        "city",
        "TX",
        52000,
    )


def test_it_records_cli_writes_in_the_audit_trail(db: None) -> None:
    _run("coalition", "create", "--slug", "lakeside", "--name", "Lakeside")
    coalition = Coalition.objects.get(slug="lakeside")
    entry = AuditEntry.objects.get(model="coalitions.Coalition", object_id=str(coalition.pk))
    assert (entry.action, entry.via, entry.actor) == ("create", "cli", None)


def test_it_refuses_a_duplicate_slug_and_changes_nothing(world: World) -> None:
    before = (Coalition.objects.count(), AuditEntry.objects.count())
    with pytest.raises(CommandError, match="--slug: Coalition with this Slug already exists"):
        _run("coalition", "create", "--slug", "riverton", "--name", "Another Riverton")
    assert (Coalition.objects.count(), AuditEntry.objects.count()) == before
    assert Coalition.objects.get(slug="riverton").name == "Riverton County Reentry Coalition"


def test_it_refuses_a_slug_with_capitals_beside_its_lowercase_twin(world: World) -> None:
    with pytest.raises(CommandError, match="--slug: Use lowercase letters, digits and hyphens"):
        _run("coalition", "create", "--slug", "RIVERTON", "--name", "Another Riverton")
    with pytest.raises(CommandError, match="--slug: Use lowercase letters, digits and hyphens"):
        _run("network", "create", "--slug", "Cohort-2", "--name", "Cohort 2")
    assert not Coalition.objects.filter(slug__iexact="riverton").exclude(slug="riverton").exists()
    assert not Network.objects.filter(slug__iexact="cohort-2").exists()


def test_it_names_each_invalid_field(db: None) -> None:
    with pytest.raises(CommandError) as raised:
        _run("coalition", "create", "--slug", "x", "--name", "X", "--state", "ZZ")
    assert "--state: Value 'ZZ' is not a valid choice." in str(raised.value)
    with pytest.raises(CommandError, match="invalid choice: 'borough'"):
        _run("coalition", "create", "--slug", "x", "--name", "X", "--jurisdiction-type", "borough")
    assert not Coalition.objects.exists()


def test_it_refuses_a_blank_coalition_name_and_strips_a_padded_one(db: None) -> None:
    with pytest.raises(CommandError, match="--name: This field cannot be blank."):
        _run("coalition", "create", "--slug", "blank-name", "--name", "   ")
    assert not Coalition.objects.exists()
    _run("coalition", "create", "--slug", "padded", "--name", "  Lakeside  ")
    assert Coalition.objects.get(slug="padded").name == "Lakeside"


def test_it_lists_coalitions_as_json_sorted_by_slug(world: World) -> None:
    solo = Coalition.objects.create(slug="aaa-solo", name="Solo Coalition")
    out, _ = _run("coalition", "list", "--format", "json")
    assert json.loads(out) == [
        {"slug": solo.slug, "name": "Solo Coalition", "networks": []},
        {"slug": "elsewhere", "name": "Elsewhere City Reentry Partnership", "networks": ["pilot"]},
        {"slug": "riverton", "name": "Riverton County Reentry Coalition", "networks": ["pilot"]},
    ]


def test_it_lists_coalitions_as_a_table_by_default(world: World) -> None:
    out, _ = _run("coalition", "list")
    lines = out.splitlines()
    assert lines[0].split() == ["SLUG", "NAME", "NETWORKS"]
    # Columns are separated by at least two spaces.
    assert re.split(r"\s{2,}", lines[2]) == [
        "riverton",
        "Riverton County Reentry Coalition",
        "pilot",
    ]


def test_it_creates_a_user_who_can_sign_in_with_the_password_file(
    world: World, tmp_path: Path
) -> None:
    out, _ = _run(
        "user", "create", "--email", "New.Person@Example.org", "--coalition", "riverton",
        "--role", "member", "--password-file", _password_file(tmp_path, NEW_PASSWORD),
        "--name", "New Person", "--organization", "second chance works",
    )  # fmt: skip
    assert json.loads(out) == {
        "email": "new.person@example.org",
        "coalition": "riverton",
        "role": "member",
    }
    user = User.objects.get(email="new.person@example.org")
    assert user.full_name == "New Person"
    membership = Membership.objects.get(user=user)
    assert (membership.coalition, membership.role, membership.organization) == (
        world.coalition,
        "member",
        world.provider,
    )
    assert _sign_in_works("new.person@example.org", NEW_PASSWORD)
    assert AuditEntry.objects.filter(
        model="coalitions.Membership", object_id=str(membership.pk), via="cli"
    ).exists()


def test_it_only_adds_the_role_for_an_existing_user(world: World, tmp_path: Path) -> None:
    out, err = _run(
        "user", "create", "--email", world.member.email, "--coalition", "elsewhere",
        "--role", "viewer", "--password-file", _password_file(tmp_path, NEW_PASSWORD),
    )  # fmt: skip
    assert json.loads(out)["coalition"] == "elsewhere"
    assert "password was not changed" in err
    roles = set(world.member.memberships.values_list("coalition__slug", "role"))
    assert roles == {("riverton", "member"), ("elsewhere", "viewer")}
    assert User.objects.filter(email=world.member.email).count() == 1
    assert _sign_in_works(world.member.email, PASSWORD)
    assert not _sign_in_works(world.member.email, NEW_PASSWORD)


def test_a_second_role_is_only_a_data_stewards(world: World) -> None:
    """A coordinator made a member too would be listed twice for nothing; made the data
    steward too, they hold what neither role gives alone."""
    with pytest.raises(
        CommandError,
        match=f"--role: {world.coordinator.email} is already a coordinator of riverton; "
        "a second role there is only a data steward's",
    ):
        _run(
            "user", "create", "--email", world.coordinator.email.upper(), "--coalition",
            "riverton", "--role", "member",
        )  # fmt: skip
    _run(
        "user", "create", "--email", world.coordinator.email, "--coalition", "riverton",
        "--role", "data_steward",
    )  # fmt: skip
    roles = set(world.coordinator.memberships.values_list("role", flat=True))
    assert roles == {"coordinator", "data_steward"}


def test_it_prints_a_password_link_for_a_user_without_a_password_file(world: World) -> None:
    out, err = _run(
        "user", "create", "--email", "nopass@example.org", "--coalition", "riverton",
        "--role", "viewer",
    )  # fmt: skip
    assert json.loads(out)["email"] == "nopass@example.org"
    user = User.objects.get(email="nopass@example.org")
    assert not user.has_usable_password()
    assert f"{settings.SITE_URL}/accounts/password-reset/" in err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--role", "boss"], "invalid choice: 'boss'"),
        (["--role", "member", "--coalition", "nowhere"], "No coalition has the slug 'nowhere'"),
        (["--role", "member", "--organization", "Nope"], "no partner organization named 'Nope'"),
        (["--role", "member", "--password-file", "/no/such/file"], "--password-file: cannot read"),
        (["--role", "member", "--email", " "], "--email: An email address is required."),
    ],
)
def test_it_rejects_bad_user_input(world: World, extra: list[str], message: str) -> None:
    before = (User.objects.count(), Membership.objects.count())
    args = ["user", "create", "--email", "new@example.org", "--coalition", "riverton", *extra]
    with pytest.raises(CommandError, match=message):
        _run(*args)
    assert (User.objects.count(), Membership.objects.count()) == before


def test_it_validates_the_password(world: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--password-file: This password is too short"):
        _run(
            "user", "create", "--email", "new@example.org", "--coalition", "riverton",
            "--role", "member", "--password-file", _password_file(tmp_path, "short"),
        )  # fmt: skip
    assert not User.objects.filter(email="new@example.org").exists()


def test_it_creates_a_network_and_adds_sites_once(world: World) -> None:
    out, _ = _run(
        "network", "create", "--slug", "cohort-2", "--name", "Cohort 2",
        "--description", "Second cohort", "--start", "2026-01-01", "--end", "2027-12-31",
    )  # fmt: skip
    assert out == "cohort-2\n"
    network = Network.objects.get(slug="cohort-2")
    assert (network.start_date.isoformat(), network.end_date.isoformat()) == (
        "2026-01-01",
        "2027-12-31",
    )
    for _ in range(2):
        out, _ = _run("network", "add-site", "--network", "cohort-2", "--coalition", "riverton")
        assert json.loads(out) == {"network": "cohort-2", "coalition": "riverton"}
    assert list(network.sites.values_list("coalition__slug", flat=True)) == ["riverton"]
    site = NetworkSite.objects.get(network=network)
    assert (
        AuditEntry.objects.filter(
            model="network.NetworkSite", object_id=str(site.pk), via="cli"
        ).count()
        == 1
    )


def test_it_rejects_bad_network_dates(db: None) -> None:
    with pytest.raises(CommandError, match="--end: The end date must be on or after"):
        _run("network", "create", "--slug", "n", "--name", "N", "--start", "2026-02-01",
             "--end", "2026-01-01")  # fmt: skip
    with pytest.raises(CommandError, match="--start: '2026-02-30' is not a date"):
        _run("network", "create", "--slug", "n", "--name", "N", "--start", "2026-02-30")
    assert not Network.objects.exists()


def test_it_lists_networks_as_json(world: World) -> None:
    out, _ = _run("network", "list", "--format", "json")
    assert json.loads(out) == [
        {
            "slug": "pilot",
            "name": "Pilot Network",
            "sites": ["elsewhere", "riverton"],
            "coaches": ["coach@network.test"],
            "admins": ["admin@network.test"],
        }
    ]


def test_it_adds_a_coach_to_sites(world: World) -> None:
    out, _ = _run(
        "network", "add-role", "--network", "pilot", "--email", world.coach.email,
        "--role", "coach", "--site", "elsewhere", "riverton",
    )  # fmt: skip
    assert json.loads(out) == {
        "network": "pilot",
        "email": world.coach.email,
        "role": "coach",
        "sites": ["elsewhere", "riverton"],
    }
    assert CoachAssignment.objects.filter(coach=world.coach_role).count() == 2
    with pytest.raises(CommandError, match="only coaches are assigned"):
        _run("network", "add-role", "--network", "pilot", "--email", world.coach.email,
             "--role", "network_admin", "--site", "riverton")  # fmt: skip
    with pytest.raises(CommandError, match="An email address is required"):
        _run("network", "add-role", "--network", "pilot", "--email", "",
             "--role", "network_admin")  # fmt: skip


def _console(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings", **(env or {})}
    return subprocess.run(  # noqa: S603 - our own console script
        [str(REENTRYKIT), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
        timeout=60,
        check=False,
    )


def test_it_exits_1_for_bad_input_and_2_for_bad_usage_from_the_console() -> None:
    bad_input = _console(
        "user", "create", "--email", "a@example.org", "--coalition", "x", "--role", "member",
        "--password-file", "/no/such/file",
    )  # fmt: skip
    assert bad_input.returncode == 1
    assert "CommandError: --password-file: cannot read /no/such/file" in bad_input.stderr
    bad_usage = _console("coalition", "create", "--slug", "x")
    assert bad_usage.returncode == 2
    assert "the following arguments are required: --name" in bad_usage.stderr
    bad_date = _console(
        "data", "import", "--coalition", "x", "--kind", "releases", "--source", "Jail",
        "releases.csv", "--data-through", "2024-02-30",
    )  # fmt: skip
    assert bad_date.returncode == 2
    assert "argument --data-through: not a date (YYYY-MM-DD): 2024-02-30" in bad_date.stderr
    assert "Traceback" not in bad_date.stderr
    worker_help = _console("worker", "--help")
    assert worker_help.returncode == 0
    assert "--queue-name" in worker_help.stdout


def test_it_says_to_migrate_a_database_never_set_up(tmp_path: Path) -> None:
    fresh = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "REENTRYKIT_DEBUG": "1",
        "REENTRYKIT_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    }
    result = _console("coalition", "list", "--format", "json", env=fresh)
    assert result.returncode == 2
    # One line that says what to do, not a traceback.
    assert result.stderr.strip().splitlines() == [
        "reentrykit: the database is not set up (no such table: coalitions_coalition); "
        "run 'reentrykit migrate' first"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "74301"], "argument --port: not a port number (1 to 65535): 74301"),
        (["--port", "-1"], "argument --port: not a port number (1 to 65535): -1"),
        (["--threads", "0"], "argument --threads: not a whole number of at least 1: 0"),
    ],
)
def test_serve_refuses_a_port_or_thread_count_it_cannot_use(args: list[str], message: str) -> None:
    """A port above 65535 would wrap around to another one, and still be announced."""
    with pytest.raises(CommandError, match=re.escape(message)):
        _run("serve", *args)


def test_serve_says_when_its_host_does_not_exist() -> None:
    from reentrykit.core.management.helpers import wsgi_server

    with pytest.raises(CommandError, match="Cannot listen on no-such-host.invalid:8765: no such"):
        wsgi_server(host="no-such-host.invalid", port=8765, threads=1)


def test_run_e_mails_links_to_its_own_port_unless_told_otherwise(monkeypatch, settings) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.core.management.commands.run import use_local_site_url

    # Set first so that the variable as it was comes back after the test.
    monkeypatch.setenv("REENTRYKIT_SITE_URL", "")
    monkeypatch.delenv("REENTRYKIT_SITE_URL")
    use_local_site_url("0.0.0.0", 8116)  # noqa: S104
    assert settings.SITE_URL == "http://127.0.0.1:8116"
    assert os.environ["REENTRYKIT_SITE_URL"] == "http://127.0.0.1:8116"  # for the workers
    monkeypatch.setenv("REENTRYKIT_SITE_URL", "https://reentry.example.org")
    settings.SITE_URL = "https://reentry.example.org"
    use_local_site_url("127.0.0.1", 8000)
    assert settings.SITE_URL == "https://reentry.example.org"

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from reentrykit.accounts.models import User
from reentrykit.coalitions.models import Coalition, Membership, PartnerOrganization, Role
from reentrykit.core import demo
from reentrykit.core.demo import DEMO_PASSWORD, DemoWorld, demo_logins, seed_demo
from reentrykit.core.models import AuditEntry
from reentrykit.network.models import CoachAssignment, Network, NetworkRole, NetworkSite

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def core_seeder_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the foundation's demo; each app tests its own seeder."""
    demo._discover_seeders()
    monkeypatch.setattr(demo, "_discover_seeders", lambda: None)
    monkeypatch.setattr(demo, "_SEEDERS", {"core": demo._SEEDERS["core"]})


SLUGS = ["calder-valley", "granite-ridge", "harlow-county", "port-alder", "river-bend"]
SHORT = {
    "harlow-county": "harlow",
    "river-bend": "riverbend",
    "calder-valley": "calder",
    "port-alder": "portalder",
    "granite-ridge": "granite",
}


def _counts() -> dict[str, int]:
    return {
        "coalitions": Coalition.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "organizations": PartnerOrganization.objects.count(),
        "networks": Network.objects.count(),
        "network_roles": NetworkRole.objects.count(),
        "sites": NetworkSite.objects.count(),
        "coach_assignments": CoachAssignment.objects.count(),
    }


EXPECTED = {
    "coalitions": 5,
    "users": 28,
    "memberships": 26,
    "organizations": 27,
    "networks": 1,
    "network_roles": 3,
    "sites": 5,
    "coach_assignments": 5,
}


def _can_sign_in(email: str) -> bool:
    request = RequestFactory().post("/accounts/login/")
    return authenticate(request=request, username=email, password=DEMO_PASSWORD) is not None


def test_it_creates_nothing_new_when_run_twice() -> None:
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    first = _counts()
    assert first == EXPECTED
    out = StringIO()
    call_command("seed_demo", stdout=out, stderr=StringIO())
    assert _counts() == first
    assert "5 coalitions, 28 accounts" in out.getvalue()


def test_it_marks_five_coalitions_and_the_network_as_demo() -> None:
    seed_demo()
    coalitions = Coalition.objects.order_by("slug")
    assert [coalition.slug for coalition in coalitions] == SLUGS
    for coalition in coalitions:
        assert coalition.is_demo
        assert "(demo)" in coalition.name
        assert coalition.description
        assert coalition.organizations.count() in range(4, 7)
    assert not Coalition.objects.get(slug="granite-ridge").mission_statement
    assert Coalition.objects.get(slug="harlow-county").mission_statement
    harlow = Coalition.objects.get(slug="harlow-county")
    assert (harlow.jurisdiction_type, harlow.state, harlow.population) == ("county", "OH", 412000)
    network = Network.objects.get(slug="demo")
    assert network.is_demo and network.name == "Local Reentry Community of Practice (demo)"
    assert network.start_date < network.end_date
    assert sorted(network.sites.values_list("coalition__slug", flat=True)) == SLUGS
    assert set(User.objects.values_list("is_demo", flat=True)) == {True}


@pytest.mark.parametrize("slug", SLUGS)
def test_it_gives_each_coalition_every_role(slug: str) -> None:
    seed_demo()
    short = SHORT[slug]
    memberships = Membership.objects.filter(
        coalition__slug=slug, user__email__endswith=short + ".demo.test"
    )
    by_email = {m.user.email: m for m in memberships.select_related("user", "organization")}
    assert {email: m.role for email, m in by_email.items()} == {
        f"coordinator@{short}.demo.test": Role.COORDINATOR,
        f"member1@{short}.demo.test": Role.MEMBER,
        f"member2@{short}.demo.test": Role.MEMBER,
        f"steward@{short}.demo.test": Role.DATA_STEWARD,
        f"viewer@{short}.demo.test": Role.VIEWER,
    }
    member1 = by_email[f"member1@{short}.demo.test"].organization
    member2 = by_email[f"member2@{short}.demo.test"].organization
    assert member1 is not None and member2 is not None
    assert member1 != member2
    assert all(m.user.full_name.endswith("(demo)") for m in by_email.values())


def test_it_lets_the_harlow_coordinator_switch_to_river_bend() -> None:
    seed_demo()
    roles = set(
        Membership.objects.filter(user__email="coordinator@harlow.demo.test").values_list(
            "coalition__slug", "role"
        )
    )
    assert roles == {("harlow-county", Role.COORDINATOR), ("river-bend", Role.MEMBER)}


def test_it_assigns_each_coach_to_their_sites() -> None:
    seed_demo()
    assigned = {
        email: sorted(
            CoachAssignment.objects.filter(coach__user__email=email).values_list(
                "site__coalition__slug", flat=True
            )
        )
        for email in ("coach1@network.demo.test", "coach2@network.demo.test")
    }
    assert assigned == {
        "coach1@network.demo.test": ["calder-valley", "harlow-county", "river-bend"],
        "coach2@network.demo.test": ["granite-ridge", "port-alder"],
    }
    admin = NetworkRole.objects.get(user__email="admin@network.demo.test")
    assert (admin.network.slug, admin.role) == ("demo", "network_admin")


def test_it_recreates_the_same_world_on_reset_and_keeps_real_data() -> None:
    real = Coalition.objects.create(slug="real-county", name="Real County Coalition")
    real_user = User.objects.create_user(email="real@example.org", password="x" * 16)
    seed_demo()
    old_ids = set(Coalition.objects.filter(is_demo=True).values_list("pk", flat=True))
    counts = _counts()
    call_command("seed_demo", "--reset", stdout=StringIO(), stderr=StringIO())
    assert _counts() == counts
    new_ids = set(Coalition.objects.filter(is_demo=True).values_list("pk", flat=True))
    assert not old_ids & new_ids
    assert Coalition.objects.filter(pk=real.pk).exists()
    assert User.objects.filter(pk=real_user.pk).exists()


def test_it_writes_the_seed_to_the_audit_trail() -> None:
    seed_demo()
    harlow = Coalition.objects.get(slug="harlow-county")
    vias = set(AuditEntry.objects.filter(coalition=harlow).values_list("via", flat=True))
    assert vias == {"seed"}
    assert AuditEntry.objects.filter(coalition=harlow, model="coalitions.Membership").count() == 5


def test_it_lets_demo_users_sign_in_only_in_demo_mode(settings) -> None:  # type: ignore[no-untyped-def]
    seed_demo()
    settings.DEMO = False
    assert not _can_sign_in("coordinator@harlow.demo.test")
    settings.DEMO = True
    assert _can_sign_in("coordinator@harlow.demo.test")
    assert _can_sign_in("coach2@network.demo.test")


def test_it_refuses_to_take_over_a_real_coalition() -> None:
    Coalition.objects.create(slug="river-bend", name="A Real River Bend")
    with pytest.raises(CommandError, match="not part of the demo uses the slug 'river-bend'"):
        call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    assert not Coalition.objects.filter(is_demo=True).exists()
    assert not User.objects.exists()


def test_it_runs_registered_seeders_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "_SEEDERS", dict(demo._SEEDERS))
    calls: list[str] = []

    def late(world: DemoWorld) -> None:
        calls.append(f"late:{world.coalitions['harlow-county'].slug}")

    def early(world: DemoWorld) -> None:
        calls.append(f"early:{world.network.slug}")

    demo.register_demo_seeder("late-app", 20, late)
    demo.register_demo_seeder("early-app", 10, early)
    seed_demo()
    assert calls == ["early:demo", "late:harlow-county"]


def test_it_lists_every_demo_login() -> None:
    logins = dict(demo_logins())
    assert len(logins) == 28
    assert logins["admin@network.demo.test"].startswith("Network admin")
    assert "also member of River Bend" in logins["coordinator@harlow.demo.test"]
    seed_demo()
    assert set(logins) == set(User.objects.values_list("email", flat=True))

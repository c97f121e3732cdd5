"""The demo world: five fictional coalitions in a fictional network, with every role.

``seed_demo()`` runs the registered seeders in order. The core seeder below lays the
foundation (network, coalitions, partner organizations, people and their roles);
an app adds its own demo content by defining ``reentrykit/<app>/demo.py`` that calls
``register_demo_seeder("<app>", order, fn)`` at import, with ``order`` above 0. Each
seeder must be idempotent: look things up by natural key (slug, email, name) before
creating them, so that seeding twice creates nothing new.

Everything here is invented. Demo coalitions, the network and demo users carry
``is_demo=True``; demo users can sign in only while ``REENTRYKIT_DEMO`` is on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from reentrykit.accounts.models import User
from reentrykit.accounts.services import user_create
from reentrykit.coalitions.models import Coalition, PartnerOrganization, Role
from reentrykit.coalitions.services import (
    coalition_create,
    coalition_update,
    membership_create,
    organization_create,
)
from reentrykit.core.audit import audit_actor
from reentrykit.network.models import Network, NetworkRoleKind
from reentrykit.network.services import (
    coach_assign,
    network_add_site,
    network_create,
    network_role_grant,
)

DEMO_PASSWORD = "demo-reentry-2026"  # noqa: S105 - published on purpose; demo mode only


class DemoConflict(Exception):
    """Real (non-demo) data already uses a slug the demo needs."""


@dataclass(frozen=True)
class DemoPerson:
    local: str  # the part of the email address before the @
    full_name: str
    role: str
    organization: int | None  # index into the coalition's organizations


@dataclass(frozen=True)
class DemoCoalition:
    slug: str
    short: str
    name: str
    jurisdiction_type: str
    state: str
    population: int
    description: str
    mission_statement: str
    organizations: tuple[tuple[str, str], ...]  # (name, sector)
    people: tuple[DemoPerson, ...]

    def email(self, local: str) -> str:
        return f"{local}@{self.short}.demo.test"


def _people(names: tuple[str, str, str, str, str], orgs: tuple[int, int, int, int]) -> tuple:
    """The five standard roles; ``orgs`` are the coordinator's, members' and steward's."""
    coordinator, member1, member2, steward, viewer = names
    return (
        DemoPerson("coordinator", f"{coordinator} (demo)", Role.COORDINATOR, orgs[0]),
        DemoPerson("member1", f"{member1} (demo)", Role.MEMBER, orgs[1]),
        DemoPerson("member2", f"{member2} (demo)", Role.MEMBER, orgs[2]),
        DemoPerson("steward", f"{steward} (demo)", Role.DATA_STEWARD, orgs[3]),
        DemoPerson("viewer", f"{viewer} (demo)", Role.VIEWER, None),
    )


DEMO_COALITIONS: tuple[DemoCoalition, ...] = (
    DemoCoalition(
        slug="harlow-county",
        short="harlow",
        name="Harlow County Reentry Council (demo)",
        jurisdiction_type="county",
        state="OH",
        population=412000,
        description=(
            "A countywide council of the jail, probation, service providers and people who "
            "have come home, meeting monthly since 2019. Fictional demo coalition."
        ),
        mission_statement=(
            "Every person leaving the Harlow County Jail returns to a safe place to live, "
            "a path to work and someone who knows their name."
        ),
        organizations=(
            ("Harlow County Sheriff's Office – Jail Division (demo)", "jail_administration"),
            ("Harlow County Adult Probation Department (demo)", "probation_parole"),
            ("Second Street Reentry Services (demo)", "community_reentry"),
            ("Harlow Workforce Connections Board (demo)", "workforce_board"),
            ("Harlow Metropolitan Housing Authority (demo)", "housing"),
            ("Voices of Return Harlow (demo)", "lived_experience"),
        ),
        people=_people(
            (
                "Avery Lindqvist",
                "Jonah Okafor-Beck",
                "Priya Castellano",
                "Marguerite Oyelaran",
                "Theo Brannigan",
            ),
            (2, 0, 5, 1),
        ),
    ),
    DemoCoalition(
        slug="river-bend",
        short="riverbend",
        name="River Bend Reentry Partnership (demo)",
        jurisdiction_type="city",
        state="MN",
        population=138000,
        description=(
            "City-led partnership formed after a 2022 jail population review. "
            "Fictional demo coalition."
        ),
        mission_statement=(
            "River Bend welcomes people home with housing, treatment and work, "
            "planned together before release day."
        ),
        organizations=(
            ("Wapasha County Jail (demo)", "jail_administration"),
            ("River Bend Police Department – Community Services (demo)", "law_enforcement"),
            ("Three Rivers Recovery Center (demo)", "behavioral_health"),
            ("River Bend Second Chance Employers Alliance (demo)", "employers"),
            ("Lantern House Transitional Housing (demo)", "housing"),
        ),
        people=_people(
            (
                "Marisol Tenbrook",
                "Desmond Achterberg",
                "Kalani Whitcombe",
                "Ingrid Solvang-Reyes",
                "Percival Auden",
            ),
            (4, 2, 3, 0),
        ),
    ),
    DemoCoalition(
        slug="calder-valley",
        short="calder",
        name="Calder Valley Regional Reentry Alliance (demo)",
        jurisdiction_type="regional",
        state="CO",
        population=265000,
        description=(
            "Three mountain counties sharing one regional detention facility and one "
            "reentry plan. Fictional demo coalition."
        ),
        mission_statement=(
            "Across the valley, no one leaves detention without a plan for housing, "
            "health care and income."
        ),
        organizations=(
            ("Calder Valley Regional Detention Facility (demo)", "jail_administration"),
            ("Calder Valley Parole Field Office (demo)", "probation_parole"),
            ("Pinecrest Behavioral Health Partners (demo)", "behavioral_health"),
            ("Calder Valley Workforce Center (demo)", "workforce_board"),
            ("High Mesa Interfaith Reentry Network (demo)", "faith"),
            ("Calder Valley Public Health (demo)", "health_department"),
        ),
        people=_people(
            (
                "Wendell Marchetti",
                "Saoirse Delacroix",
                "Tobiah Nakamura-Stone",
                "Hollis Grunewald",
                "Esperanza Quillfeather",
            ),
            (0, 2, 4, 1),
        ),
    ),
    DemoCoalition(
        slug="port-alder",
        short="portalder",
        name="Port Alder Reentry Coalition (demo)",
        jurisdiction_type="city",
        state="WA",
        population=96000,
        description=(
            "A harbor city's coalition anchored by its municipal court and a peer-run "
            "reentry collective. Fictional demo coalition."
        ),
        mission_statement=(
            "Port Alder treats coming home as a community responsibility, "
            "led by people who have done it."
        ),
        organizations=(
            ("Port Alder Municipal Court (demo)", "courts"),
            ("Alder Sound Reentry Collective (demo)", "community_reentry"),
            ("Port Alder Housing Authority (demo)", "housing"),
            ("Tidewater Family Health (demo)", "medical"),
            ("Port Alder Public Defender Office (demo)", "defense"),
        ),
        people=_people(
            (
                "Rosalind Okonkwo-Hale",
                "Barnaby Thistlewood",
                "Yusra Pennington",
                "Leopold Vasquez-Ahn",
                "Clementine Arbuckle",
            ),
            (1, 0, 3, 0),
        ),
    ),
    DemoCoalition(
        slug="granite-ridge",
        short="granite",
        name="Granite Ridge County Second Chance Coalition (demo)",
        jurisdiction_type="county",
        state="GA",
        population=187000,
        description=(
            "A new coalition, convened this year by the county's faith community and "
            "the jail. Fictional demo coalition."
        ),
        # No mission statement yet, so its home page shows that work to do.
        mission_statement="",
        organizations=(
            ("Granite Ridge County Jail (demo)", "jail_administration"),
            ("Granite Ridge Probation Services (demo)", "probation_parole"),
            ("New Dawn Reentry Ministries (demo)", "faith"),
            ("Granite Ridge Technical College – Workforce Programs (demo)", "workforce_board"),
            ("Families Forward Granite Ridge (demo)", "lived_experience"),
        ),
        people=_people(
            (
                "Cordelia Ashworth",
                "Emeka Lindgren",
                "Magnolia Featherstone",
                "Ignatius Baptiste",
                "Juniper Halvorsen",
            ),
            (2, 0, 4, 1),
        ),
    ),
)

NETWORK_SLUG = "demo"
NETWORK_NAME = "Local Reentry Community of Practice (demo)"
NETWORK_DESCRIPTION = (
    "A two-year pilot in which five local reentry coalitions assess their capacity, "
    "plan together and meet with coaches. Fictional demo network."
)
NETWORK_START = dt.date(2025, 7, 1)
NETWORK_END = dt.date(2027, 6, 30)
NETWORK_ADMIN = ("admin@network.demo.test", "Nadia Whitfield-Osei (demo)")
COACHES = (
    (
        "coach1@network.demo.test",
        "Columbus Fairweather (demo)",
        ("harlow-county", "river-bend", "calder-valley"),
    ),
    ("coach2@network.demo.test", "Beatrix Holloway (demo)", ("port-alder", "granite-ridge")),
)
# (email, coalition slug, role): so the demo shows switching between coalitions.
EXTRA_MEMBERSHIPS = (("coordinator@harlow.demo.test", "river-bend", Role.MEMBER),)


@dataclass
class DemoWorld:
    """What the seeders have built so far, for later seeders to hang content on."""

    coalitions: dict[str, Coalition] = field(default_factory=dict)  # by slug
    organizations: dict[str, list[PartnerOrganization]] = field(default_factory=dict)  # by slug
    users: dict[str, User] = field(default_factory=dict)  # by email
    _network: Network | None = None

    @property
    def network(self) -> Network:
        if self._network is None:
            raise RuntimeError("The core demo seeder has not run yet.")
        return self._network

    def user(self, email: str) -> User:
        return self.users[email]


DemoSeeder = Callable[[DemoWorld], None]
_SEEDERS: dict[str, tuple[int, DemoSeeder]] = {}


def register_demo_seeder(key: str, order: int, fn: DemoSeeder) -> None:
    """Add (or replace) the seeder ``key``; seeders run by ascending ``order``."""
    _SEEDERS[key] = (order, fn)


def seed_demo(reset: bool = False) -> DemoWorld:
    """Create the demo world, or find it if it is already there."""
    _discover_seeders()
    world = DemoWorld()
    with audit_actor(None, "seed"), transaction.atomic():
        if reset:
            _delete_demo()
        for _order, _key, fn in sorted((order, key, fn) for key, (order, fn) in _SEEDERS.items()):
            fn(world)
    return world


def demo_logins() -> list[tuple[str, str]]:
    """(email, what the account is) for every demo login, network roles first."""
    names = {spec.slug: spec.name for spec in DEMO_COALITIONS}
    logins = [(NETWORK_ADMIN[0], f"Network admin — {NETWORK_NAME}")]
    for email, _name, sites in COACHES:
        logins.append((email, f"Coach — {', '.join(names[slug] for slug in sites)}"))
    extras = {email: (slug, role) for email, slug, role in EXTRA_MEMBERSHIPS}
    for spec in DEMO_COALITIONS:
        for person in spec.people:
            email = spec.email(person.local)
            description = f"{Role(person.role).label} — {spec.name}"
            if email in extras:
                slug, role = extras[email]
                description += f"; also {Role(role).label.lower()} of {names[slug]}"
            logins.append((email, description))
    return logins


def _discover_seeders() -> None:
    for app_config in apps.get_app_configs():
        if app_config.name.startswith("reentrykit.") and module_has_submodule(
            app_config.module, "demo"
        ):
            import_module(f"{app_config.name}.demo")


def _delete_demo() -> None:
    # Coalition data cascades from the coalitions; users last, once nothing points at them.
    Network.objects.filter(is_demo=True).delete()
    Coalition.objects.filter(is_demo=True).delete()
    User.objects.filter(is_demo=True).delete()


def seed_foundation(world: DemoWorld) -> None:
    password_hash = make_password(DEMO_PASSWORD)
    world._network = _network()
    for spec in DEMO_COALITIONS:
        coalition = _coalition(spec)
        world.coalitions[spec.slug] = coalition
        organizations = [
            _organization(coalition, name, sector) for name, sector in spec.organizations
        ]
        world.organizations[spec.slug] = organizations
        for person in spec.people:
            user = _user(spec.email(person.local), person.full_name, password_hash)
            world.users[user.email] = user
            organization = (
                None if person.organization is None else organizations[person.organization]
            )
            membership_create(
                coalition=coalition, user=user, role=person.role, organization=organization
            )
        network_add_site(network=world.network, coalition=coalition)
    for email, slug, role in EXTRA_MEMBERSHIPS:
        membership_create(coalition=world.coalitions[slug], user=world.users[email], role=role)
    _network_people(world, password_hash)


def _network() -> Network:
    network = Network.objects.filter(slug=NETWORK_SLUG).first()
    if network is None:
        return network_create(
            slug=NETWORK_SLUG,
            name=NETWORK_NAME,
            description=NETWORK_DESCRIPTION,
            start_date=NETWORK_START,
            end_date=NETWORK_END,
            is_demo=True,
        )
    if not network.is_demo:
        raise DemoConflict(
            f"A network that is not part of the demo uses the slug {NETWORK_SLUG!r}."
        )
    return network


def _coalition(spec: DemoCoalition) -> Coalition:
    coalition = Coalition.objects.filter(slug=spec.slug).first()
    if coalition is not None:
        if not coalition.is_demo:
            raise DemoConflict(
                f"A coalition that is not part of the demo uses the slug {spec.slug!r}."
            )
        return coalition
    coalition = coalition_create(
        slug=spec.slug,
        name=spec.name,
        jurisdiction_type=spec.jurisdiction_type,
        state=spec.state,
        population=spec.population,
        description=spec.description,
        is_demo=True,
    )
    if spec.mission_statement:
        coalition_update(coalition=coalition, mission_statement=spec.mission_statement)
    return coalition


def _organization(coalition: Coalition, name: str, sector: str) -> PartnerOrganization:
    existing = PartnerOrganization.objects.filter(coalition=coalition, name=name).first()
    return existing or organization_create(coalition=coalition, name=name, sector=sector)


def _user(email: str, full_name: str, password_hash: str) -> User:
    existing = User.objects.filter(email=email).first()
    if existing is not None:
        return existing
    user = user_create(email=email, full_name=full_name, is_demo=True)
    # One hash for every demo account: hashing the same public password thirty
    # times would only slow the seed down.
    user.password = password_hash
    user.save(update_fields=["password"])
    return user


def _network_people(world: DemoWorld, password_hash: str) -> None:
    admin = _user(*NETWORK_ADMIN, password_hash)
    world.users[admin.email] = admin
    network_role_grant(network=world.network, user=admin, role=NetworkRoleKind.NETWORK_ADMIN)
    sites = {site.coalition.slug: site for site in world.network.sites.select_related("coalition")}
    for email, full_name, slugs in COACHES:
        coach = _user(email, full_name, password_hash)
        world.users[coach.email] = coach
        role = network_role_grant(network=world.network, user=coach, role=NetworkRoleKind.COACH)
        for slug in slugs:
            coach_assign(coach=role, site=sites[slug])


register_demo_seeder("core", 0, seed_foundation)

"""The shared test world: one coalition with every role, a network, and an outsider.

Used by every app's tests (through the ``world`` fixture in conftest.py) and by
the browser tests. Apps that add coalition-scoped URLs with new path arguments
register how to fill them in ``SWEEP_KWARGS`` so that the access sweep covers them.
"""

from __future__ import annotations

import contextlib
import html
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from unittest import mock

from django.db import connections
from django.test import Client

from reentrykit.accounts.models import AuthenticatorApp, Invitation, User
from reentrykit.accounts.services import invitation_create, user_create
from reentrykit.coalitions.models import Coalition, Membership, PartnerOrganization, Role
from reentrykit.coalitions.services import (
    coalition_create,
    membership_create,
    organization_create,
)
from reentrykit.network.models import Network, NetworkRole, NetworkSite
from reentrykit.network.services import (
    coach_assign,
    network_add_site,
    network_create,
    network_role_grant,
)

PASSWORD = "correct horse battery staple"


@dataclass
class World:
    coalition: Coalition
    other: Coalition
    jail: PartnerOrganization
    provider: PartnerOrganization
    coordinator: User
    member: User
    steward: User
    viewer: User
    coach: User
    network_admin: User
    outsider: User
    network: Network
    site: NetworkSite
    coach_role: NetworkRole
    member_membership: Membership
    invitation: Invitation


def _user(email: str, name: str) -> User:
    return user_create(email=email, password=PASSWORD, full_name=name, validate=False)


def build_world() -> World:
    coalition = coalition_create(
        slug="riverton", name="Riverton County Reentry Coalition", state="OH", population=250000
    )
    other = coalition_create(
        slug="elsewhere", name="Elsewhere City Reentry Partnership", state="TX"
    )
    jail = organization_create(
        coalition=coalition, name="Riverton County Jail", sector="jail_administration"
    )
    provider = organization_create(
        coalition=coalition, name="Second Chance Works", sector="community_reentry"
    )
    other_org = organization_create(
        coalition=other, name="Elsewhere Police", sector="law_enforcement"
    )
    coordinator = _user("coordinator@riverton.test", "Casey Coordinator")
    member = _user("member@riverton.test", "Morgan Member")
    steward = _user("steward@riverton.test", "Dana Steward")
    viewer = _user("viewer@riverton.test", "Vic Viewer")
    coach = _user("coach@network.test", "Cory Coach")
    network_admin = _user("admin@network.test", "Nat Admin")
    outsider = _user("coordinator@elsewhere.test", "Olive Outsider")
    membership_create(
        coalition=coalition, user=coordinator, role=Role.COORDINATOR, organization=jail
    )
    member_membership = membership_create(
        coalition=coalition, user=member, role=Role.MEMBER, organization=provider
    )
    membership_create(coalition=coalition, user=steward, role=Role.DATA_STEWARD, organization=jail)
    membership_create(coalition=coalition, user=viewer, role=Role.VIEWER)
    membership_create(coalition=other, user=outsider, role=Role.COORDINATOR, organization=other_org)
    network = network_create(slug="pilot", name="Pilot Network")
    site = network_add_site(network=network, coalition=coalition)
    network_add_site(network=network, coalition=other)
    coach_role = network_role_grant(network=network, user=coach, role="coach")
    coach_assign(coach=coach_role, site=site)
    network_role_grant(network=network, user=network_admin, role="network_admin")
    invitation, _ = invitation_create(
        coalition=coalition,
        email="invitee@riverton.test",
        role=Role.MEMBER,
        organization=provider,
        invited_by=coordinator,
    )
    return World(
        coalition=coalition,
        other=other,
        jail=jail,
        provider=provider,
        coordinator=coordinator,
        member=member,
        steward=steward,
        viewer=viewer,
        coach=coach,
        network_admin=network_admin,
        outsider=outsider,
        network=network,
        site=site,
        coach_role=coach_role,
        member_membership=member_membership,
        invitation=invitation,
    )


def sign_in(client: Client, user: User) -> Client:
    """Sign the client in with the second factor already passed."""
    client.force_login(user, backend="reentrykit.accounts.backends.EmailBackend")
    device = AuthenticatorApp.objects.filter(user=user, name="test").first()
    if device is None:
        device = AuthenticatorApp.start(user=user, name="test", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


# How the access sweep fills each coalition-scoped URL argument from the world.
SWEEP_KWARGS: dict[str, Callable[[World], Any]] = {
    "coalition_slug": lambda world: world.coalition.slug,
    "membership_id": lambda world: world.member_membership.pk,
    "organization_id": lambda world: world.provider.pk,
    "invitation_id": lambda world: world.invitation.pk,
    "network_slug": lambda world: world.network.slug,
    "role_id": lambda world: world.coach_role.pk,
    "site_id": lambda world: world.site.pk,
}


def _sweep_data_job(world: World) -> int:
    from reentrykit.data.models import DataJob, JobKind

    job, _ = DataJob.objects.get_or_create(coalition=world.coalition, kind=JobKind.LINK)
    return job.pk


SWEEP_KWARGS.update(
    {
        "job_id": _sweep_data_job,
        "upload_token": lambda world: "0" * 32,
    }
)


def _assessment_sweep(name: str) -> Callable[[World], Any]:
    """Assessment objects are made on first use, so build_world stays as it is."""

    def fill(world: World) -> Any:
        from reentrykit.assessment import testing as assessment_testing

        return getattr(assessment_testing, name)(world).pk

    return fill


SWEEP_KWARGS["round_id"] = _assessment_sweep("sweep_round")
SWEEP_KWARGS["respondent_id"] = _assessment_sweep("sweep_respondent")


def _sweep_indicator(world: World) -> int:

    from reentrykit.metrics.models import Indicator

    indicator, _ = Indicator.objects.get_or_create(
        coalition=world.coalition,
        name="Sweep indicator",
        defaults={
            "measure": "rearrest",
            "baseline_first_year": 2022,
            "baseline_last_year": 2022,
        },
    )
    return indicator.pk


SWEEP_KWARGS["indicator_id"] = _sweep_indicator


def _sweep_target(world: World) -> int:
    from reentrykit.metrics.models import IndicatorTarget

    target, _ = IndicatorTarget.objects.get_or_create(
        indicator_id=_sweep_indicator(world),
        cohort_year=2026,
        defaults={"label": "Sweep target", "target_rate": 0.4},
    )
    return target.pk


SWEEP_KWARGS["target_id"] = _sweep_target


def _sweep_session(world: World) -> Any:
    import datetime as dt

    from reentrykit.network.models import CoachingSession

    session, _ = CoachingSession.objects.get_or_create(
        site=world.site, coach=world.coach, held_on=dt.date(2026, 1, 15)
    )
    return session


def _sweep_item(world: World) -> int:
    import datetime as dt

    from reentrykit.network.models import ActionItem

    item, _ = ActionItem.objects.get_or_create(
        session=_sweep_session(world),
        description="Sweep item",
        defaults={"owner": "Coordinator", "due_on": dt.date(2026, 2, 1)},
    )
    return item.pk


def _sweep_comment(world: World) -> int:
    from reentrykit.network.models import Comment

    comment, _ = Comment.objects.get_or_create(
        coalition=world.coalition, area=Comment.Area.PLAN, author=world.coach, body="Sweep"
    )
    return comment.pk


def _sweep_request(world: World) -> int:
    from reentrykit.network.models import AssistanceRequest

    entry, _ = AssistanceRequest.objects.get_or_create(site=world.site, topic="Sweep request")
    return entry.pk


def _sweep_practice(world: World) -> int:
    from reentrykit.library.models import Practice

    practice, _ = Practice.objects.get_or_create(
        site=world.site, title="Sweep practice", defaults={"summary": "S", "body": "B"}
    )
    return practice.pk


SWEEP_KWARGS["practice_id"] = _sweep_practice
SWEEP_KWARGS["kind"] = lambda world: "charter"  # a document template
SWEEP_KWARGS["session_id"] = lambda world: _sweep_session(world).pk
SWEEP_KWARGS["item_id"] = _sweep_item
SWEEP_KWARGS["request_id"] = _sweep_request
SWEEP_KWARGS["comment_id"] = _sweep_comment
SWEEP_KWARGS["area"] = lambda world: "plan"


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Runs ``calls`` in threads released at the same moment; each one's result, or
    the exception it raised, in order. Each thread has its own database connection, so
    on PostgreSQL (in a ``transaction=True`` test) they really race."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            outcomes[index] = call()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@contextlib.contextmanager
def saves_meet(model: type[Any]) -> Iterator[None]:
    """Each save of a ``model`` waits (two seconds at most) for another thread's to get
    as far, as two requests a split second apart may: both have looked for the record
    before either saves it. A request held back until the other has saved breaks the
    wait, and goes on."""
    both_looked = threading.Barrier(2)
    save = model.save

    def save_when_both_looked(self: Any, *args: Any, **kwargs: Any) -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            both_looked.wait(timeout=2)
        save(self, *args, **kwargs)

    with mock.patch.object(model, "save", save_when_both_looked):
        yield


def double_click(url: str, user: Any, *, made: type[Any], data: Any = None) -> list[Any]:
    """The status codes of two posts of ``url`` by ``user`` at once, whose saves of a
    ``made`` meet (:func:`saves_meet`)."""
    clients = [sign_in(Client(), user) for _ in range(2)]
    with saves_meet(made):
        return race(*[lambda c=client: c.post(url, data).status_code for client in clients])


def totp_code(device: Any) -> str:
    """The current code of an authenticator app (:class:`AuthenticatorApp`)."""
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.STEP, digits=device.DIGITS):0{device.DIGITS}d}"


def api_headers(user: User) -> dict[str, str]:
    """Request headers that call the API as ``user``, with a new token made after the
    second factor."""
    from reentrykit.api.services import token_create

    _, token = token_create(user=user, name="test", lifetime_days=30, second_factor=True)
    return {"Authorization": f"Bearer {token}"}


def _sweep_goal(world: World) -> Any:
    from reentrykit.planning.models import Goal, Priority

    priority, _ = Priority.objects.get_or_create(coalition=world.coalition, title="Sweep priority")
    goal, _ = Goal.objects.get_or_create(priority=priority, statement="Sweep goal")
    return goal


def _sweep_step(world: World) -> int:
    import datetime as dt

    from reentrykit.planning.models import ActionStep

    step, _ = ActionStep.objects.get_or_create(
        goal=_sweep_goal(world),
        description="Sweep step",
        defaults={"owner_person": "Coordinator", "due_on": dt.date(2026, 3, 1)},
    )
    return step.pk


SWEEP_KWARGS["priority_id"] = lambda world: _sweep_goal(world).priority_id
SWEEP_KWARGS["goal_id"] = lambda world: _sweep_goal(world).pk
SWEEP_KWARGS["step_id"] = _sweep_step


def _sweep_improvement(world: World) -> int:
    from reentrykit.planning.models import Improvement

    entry, _ = Improvement.objects.get_or_create(
        goal=_sweep_goal(world), description="Sweep improvement", mechanism="training"
    )
    return entry.pk


SWEEP_KWARGS["improvement_id"] = _sweep_improvement


def _sweep_candidate(world: World) -> int:
    from reentrykit.assessment.models import CandidatePriority

    entry, _ = CandidatePriority.objects.get_or_create(
        coalition=world.coalition, component_key="1.1", title="Sweep candidate"
    )
    return entry.pk


SWEEP_KWARGS["candidate_id"] = _sweep_candidate


def _sweep_update(world: World) -> int:
    import datetime as dt

    from reentrykit.planning.models import StatusUpdate

    entry, _ = StatusUpdate.objects.get_or_create(
        goal=_sweep_goal(world),
        reported_on=dt.date(2026, 2, 1),
        defaults={"rating": "on_track", "commentary": "Sweep update"},
    )
    return entry.pk


SWEEP_KWARGS["update_id"] = _sweep_update


def _sweep_objective(world: World) -> int:
    from reentrykit.planning.models import SafetyObjective

    entry, _ = SafetyObjective.objects.get_or_create(
        coalition=world.coalition, plan_name="Sweep plan", objective="Sweep objective"
    )
    return entry.pk


SWEEP_KWARGS["objective_id"] = _sweep_objective


def _sweep_stakeholder(world: World) -> Any:
    from reentrykit.planning.models import Stakeholder

    entry, _ = Stakeholder.objects.get_or_create(coalition=world.coalition, name="Sweep sheriff")
    return entry


def _sweep_share(world: World) -> int:
    import datetime as dt

    from reentrykit.planning.models import PlanShare

    entry, _ = PlanShare.objects.get_or_create(
        stakeholder=_sweep_stakeholder(world), shared_on=dt.date(2026, 3, 1), how="Briefing"
    )
    return entry.pk


SWEEP_KWARGS["stakeholder_id"] = lambda world: _sweep_stakeholder(world).pk
SWEEP_KWARGS["share_id"] = _sweep_share


def _sweep_service(world: World) -> int:
    from reentrykit.resources.models import Service

    entry, _ = Service.objects.get_or_create(
        coalition=world.coalition,
        name="Sweep service",
        defaults={"provider": "P", "need": "housing"},
    )
    return entry.pk


SWEEP_KWARGS["service_id"] = _sweep_service
SWEEP_KWARGS["need"] = lambda world: "housing"


def _sweep_map_gap(world: World) -> int:
    from reentrykit.resources.models import MapCell

    cell, _ = MapCell.objects.get_or_create(
        coalition=world.coalition, point="release", system="housing", defaults={"status": "gap"}
    )
    return cell.pk


SWEEP_KWARGS["point"] = lambda world: "release"
SWEEP_KWARGS["system"] = lambda world: "housing"
SWEEP_KWARGS["cell_id"] = _sweep_map_gap


def _sweep_tactic(world: World) -> int:
    import datetime as dt

    from reentrykit.support.models import Tactic

    entry, _ = Tactic.objects.get_or_create(
        coalition=world.coalition,
        purpose="Sweep tactic",
        defaults={
            "kind": "media",
            "timing": dt.date(2026, 4, 1),
            "audience": "Voters",
            "messenger": "Coordinator",
        },
    )
    return entry.pk


# The support pages' entries: the sweep opens a tactic.
SWEEP_KWARGS["part"] = lambda world: "tactic"
SWEEP_KWARGS["entry_id"] = _sweep_tactic


def page_words(response: Any) -> str:
    """A page's text as a reader sees it: tags dropped, entities read, white space folded
    (so a test can look for a sentence that the markup splits)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())

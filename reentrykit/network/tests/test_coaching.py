"""Coaching: sessions with action items, requests for help, and the coach's overview."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reentrykit.network.models import (
    ActionItem,
    AssistanceRequest,
    CoachingSession,
    NetworkSite,
)
from reentrykit.network.services import (
    action_item_add,
    coach_assign,
    coaching_session_record,
    network_add_site,
    network_create,
    network_role_grant,
)
from reentrykit.testing import World

COACHING = "/c/riverton/network/coaching/"


def _today() -> dt.date:
    return timezone.localdate()


def _session(world: World, site: NetworkSite | None = None, coach=None) -> CoachingSession:  # type: ignore[no-untyped-def]
    return coaching_session_record(
        site=site or world.site,
        coach=coach or world.coach,
        held_on=_today() - dt.timedelta(days=30),
        topics="Data-sharing agreement with the jail",
    )


def _item(session: CoachingSession, description: str, due_in_days: int) -> ActionItem:
    return action_item_add(
        session=session,
        description=description,
        owner="Coordinator",
        due_on=_today() + dt.timedelta(days=due_in_days),
    )


def test_a_coach_records_a_session_and_its_action_items(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    coach = signed_in(world.coach)
    response = coach.post(
        f"{COACHING}new/",
        {"held_on": "2026-11-02", "topics": "Reentry map", "barriers": "No jail data yet"},
    )
    session = CoachingSession.objects.get(site=world.site)
    assert response["Location"] == f"{COACHING}{session.pk}/"
    assert (session.coach, session.held_on, session.barriers) == (
        world.coach,
        dt.date(2026, 11, 2),
        "No jail data yet",
    )
    coach.post(
        f"{COACHING}{session.pk}/",
        {"description": "Draft the MOU", "owner": "County jail", "due_on": "2026-12-01"},
    )
    assert list(session.action_items.values_list("description", "owner", "due_on")) == [
        ("Draft the MOU", "County jail", dt.date(2026, 12, 1))
    ]
    page = signed_in(world.viewer).get(f"{COACHING}{session.pk}/").content.decode()
    assert "No jail data yet" in page and "Draft the MOU" in page
    assert "Mark done" not in page  # viewers read only


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"topics": "No date"}, "This field is required."),
        ({"held_on": "2026-13-40"}, "Enter a valid date."),
    ],
)
def test_a_session_with_a_bad_date_is_refused_and_nothing_saved(
    form: dict, message: str, world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(world.coach).post(f"{COACHING}new/", form)
    assert response.status_code == 200
    assert f"Date: {message}" in response.content.decode()
    assert not CoachingSession.objects.exists()


def test_a_bad_action_item_is_refused_and_nothing_saved(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    session = _session(world)
    response = signed_in(world.coach).post(
        f"{COACHING}{session.pk}/", {"description": "", "owner": "Jail", "due_on": "soon"}
    )
    html = response.content.decode()
    assert "What: This field is required." in html
    assert "Due: Enter a valid date." in html
    assert not ActionItem.objects.exists()


@pytest.mark.parametrize("role", ["coordinator", "member", "steward", "viewer"])
def test_only_coaches_record_sessions_and_add_items(role: str, world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    session = _session(world)
    client = signed_in(getattr(world, role))
    assert client.get(f"{COACHING}new/").status_code == 403
    assert client.post(f"{COACHING}new/", {"held_on": "2026-11-02"}).status_code == 403
    item = {"description": "X", "owner": "Y", "due_on": "2026-12-01"}
    assert client.post(f"{COACHING}{session.pk}/", item).status_code == 403
    assert CoachingSession.objects.count() == 1 and not ActionItem.objects.exists()


def test_members_mark_items_done_and_viewers_cannot(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    item = _item(_session(world), "Invite the public defender", due_in_days=-3)
    url = f"{COACHING}items/{item.pk}/"
    assert signed_in(world.viewer).post(url, {"done": "yes"}).status_code == 403
    item.refresh_from_db()
    assert item.done_on is None
    member = signed_in(world.member)
    page = member.get(COACHING).content.decode()
    assert "Invite the public defender" in page and "Overdue" in page
    member.post(url, {"done": "yes"})
    item.refresh_from_db()
    assert item.done_on == _today()
    assert "None: every action item is done." in member.get(COACHING).content.decode()
    member.post(url, {"done": "no"})
    item.refresh_from_db()
    assert item.done_on is None


def test_an_item_of_another_coalition_is_not_found(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    other_site = NetworkSite.objects.get(network=world.network, coalition=world.other)
    coach_assign(coach=world.coach_role, site=other_site)
    item = _item(_session(world, site=other_site), "Elsewhere's item", due_in_days=5)
    response = signed_in(world.coordinator).post(f"{COACHING}items/{item.pk}/", {"done": "yes"})
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.done_on is None
    session_url = f"{COACHING}{item.session_id}/"
    assert signed_in(world.coordinator).get(session_url).status_code == 404


def test_the_overview_lists_what_is_overdue_and_due_soon(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    session = _session(world)
    _item(session, "Overdue by a week", due_in_days=-7)
    _item(session, "Due in five days", due_in_days=5)
    _item(session, "Due in a month", due_in_days=30)
    done = _item(session, "Done already", due_in_days=-10)
    done.done_on = _today()
    done.save()
    other_site = NetworkSite.objects.get(network=world.network, coalition=world.other)
    other_coach = network_role_grant(network=world.network, user=world.outsider, role="coach")
    coach_assign(coach=other_coach, site=other_site)
    _item(_session(world, site=other_site, coach=world.outsider), "Elsewhere overdue", -1)

    from reentrykit.metrics.tests.test_dashboard import _table

    def sections(user) -> tuple[list, list]:  # type: ignore[no-untyped-def]
        html = signed_in(user).get("/n/pilot/coaching/").content.decode()
        overdue = [row[1] for row in _table(html, "overdue-items")[1:]]
        soon = [row[1] for row in _table(html, "due-soon-items")[1:]]
        return overdue, soon

    assert sections(world.coach) == (["Overdue by a week"], ["Due in five days"])
    # The admin sees every site's items, the oldest due first.
    assert sections(world.network_admin) == (
        ["Overdue by a week", "Elsewhere overdue"],
        ["Due in five days"],
    )


def test_a_member_asks_for_help_and_a_coach_answers(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    # One test client: each signed_in() call signs it in as that person.
    refused = signed_in(world.member).post(COACHING, {"ask-topic": "", "ask-detail": "Anything"})
    assert "What you need help with: This field is required." in refused.content.decode()
    assert not AssistanceRequest.objects.exists()
    signed_in(world.member).post(
        COACHING,
        {"ask-topic": "Cost per jail bed-day", "ask-detail": "Where do we find it?"},
    )
    entry = AssistanceRequest.objects.get()
    assert (entry.site, entry.requested_by, entry.status) == (world.site, world.member, "open")
    overview = signed_in(world.coach).get("/n/pilot/coaching/").content.decode()
    assert "Cost per jail bed-day" in overview
    answer_url = f"{COACHING}requests/{entry.pk}/answer/"
    assert signed_in(world.member).post(answer_url, {"answer": "Ask"}).status_code == 403
    signed_in(world.coach).post(answer_url, {"answer": "   "})
    entry.refresh_from_db()
    assert entry.status == "open"
    signed_in(world.coach).post(answer_url, {"answer": "The jail's budget office publishes it."})
    entry.refresh_from_db()
    assert (entry.status, entry.answered_by) == ("answered", world.coach)
    page = signed_in(world.member).get(COACHING).content.decode()
    assert "The jail&#x27;s budget office publishes it." in page
    overview = signed_in(world.coach).get("/n/pilot/coaching/").content.decode()
    assert "Cost per jail bed-day" not in overview


def test_help_needed_by_a_day_that_has_passed_is_refused(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    client = signed_in(world.member)
    ask = {"ask-topic": "Cost per jail bed-day", "ask-needed_by": "2000-01-01"}
    refused = client.post(COACHING, ask)
    assert "That date has passed: give a date from today on" in refused.content.decode()
    assert not AssistanceRequest.objects.exists()
    today = timezone.localdate().isoformat()
    client.post(COACHING, {**ask, "ask-needed_by": today})
    assert AssistanceRequest.objects.get().needed_by.isoformat() == today


def test_viewers_cannot_ask_for_help(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(world.viewer).post(COACHING, {"ask-topic": "Help"})
    assert response.status_code == 403
    assert not AssistanceRequest.objects.exists()


def test_a_coalition_in_two_networks_chooses_the_network(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    state = network_create(slug="state", name="State Network")
    state_site = network_add_site(network=state, coalition=world.coalition)
    coach_assign(
        coach=network_role_grant(network=state, user=world.coach, role="coach"), site=state_site
    )
    coach = signed_in(world.coach)
    assert "State Network" in coach.get(f"{COACHING}new/").content.decode()
    coach.post(f"{COACHING}new/", {"site": str(state_site.pk), "held_on": "2026-11-02"})
    assert CoachingSession.objects.get().site == state_site


def test_a_coalition_outside_any_network_is_told_how_to_join(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    NetworkSite.objects.filter(coalition=world.coalition).delete()
    client = signed_in(world.coordinator)
    assert "not part of a network yet" in client.get(COACHING).content.decode()
    assert client.post(COACHING, {"ask-topic": "Help"}).status_code == 404


def test_the_demo_has_something_overdue_due_soon_and_waiting(db, client) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.core.access import NetworkAccess
    from reentrykit.core.audit import audit_actor
    from reentrykit.core.demo import DemoWorld, seed_foundation
    from reentrykit.network.demo import seed_coaching
    from reentrykit.network.models import Network
    from reentrykit.network.selectors import coaching_overview, visible_sites

    world = DemoWorld()
    with audit_actor(None, "seed"):
        seed_foundation(world)
        seed_coaching(world)
        seed_coaching(world)  # a second run adds nothing
    assert CoachingSession.objects.count() == 4
    coach = world.user("coach1@network.demo.test")
    access = NetworkAccess(Network.objects.get(is_demo=True), is_admin=False, is_coach=True)
    board = coaching_overview(access, coach, today=_today())
    assert [item.description for item in board.overdue] == [
        "Invite the public defender's office to join",
        "Circulate the candidate priorities before the meeting",
    ]
    assert [item.description for item in board.due_soon] == [
        "List the programs that take referrals before release"
    ]
    assert [entry.topic for entry in board.open_requests] == ["Finding the jail's cost per bed-day"]
    assert len(board.last_session) == 2 == visible_sites(access, coach).count() - 1


def test_each_networks_coaches_write_only_to_their_own_site(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    """Riverton is in two networks; the state network's coach cannot answer a request
    to the pilot's coaches or add action items to the pilot's sessions."""
    state = network_create(slug="state", name="State Network")
    state_site = network_add_site(network=state, coalition=world.coalition)
    state_coach = world.network_admin  # a coach in the state network only
    coach_assign(
        coach=network_role_grant(network=state, user=state_coach, role="coach"), site=state_site
    )
    session = _session(world)  # the pilot's
    entry = AssistanceRequest.objects.create(site=world.site, topic="For the pilot's coaches")
    client = signed_in(state_coach)
    page = client.get(COACHING).content.decode()
    assert "Record a session" in page and "Send the answer" not in page
    # Writing to what they may not read is refused as reading it is: it is not there.
    answer = client.post(f"{COACHING}requests/{entry.pk}/answer/", {"answer": "Not mine"})
    assert answer.status_code == 404
    item = {"description": "X", "owner": "Y", "due_on": "2026-12-01"}
    # The pilot's sessions are not the state coach's to read either.
    assert client.post(f"{COACHING}{session.pk}/", item).status_code == 404
    assert "Add an action item" not in client.get(f"{COACHING}{session.pk}/").content.decode()
    entry.refresh_from_db()
    assert entry.status == "open" and not ActionItem.objects.exists()
    item = _item(session, "The pilot's item", due_in_days=3)
    assert "Mark done" not in client.get(COACHING).content.decode()
    assert client.post(f"{COACHING}items/{item.pk}/", {"done": "yes"}).status_code == 404
    item.refresh_from_db()
    assert item.done_on is None


def test_removing_a_site_deletes_its_coaching_and_keeps_the_others(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.library.services import practice_write

    other_site = NetworkSite.objects.get(network=world.network, coalition=world.other)
    coach_assign(coach=world.coach_role, site=other_site)
    _item(_session(world), "Riverton's item", due_in_days=3)
    _item(_session(world, site=other_site), "Elsewhere's item", due_in_days=3)
    practice_write(site=world.site, written_by=None, title="Riverton's", summary="S", body="B")
    page = signed_in(world.network_admin).get("/n/pilot/").content.decode()
    assert "deleted with it" in page  # the confirmation says what goes
    signed_in(world.network_admin).post(f"/n/pilot/sites/{world.site.pk}/remove/")
    assert list(ActionItem.objects.values_list("description", flat=True)) == ["Elsewhere's item"]
    assert not NetworkSite.objects.filter(pk=world.site.pk).exists()
    from reentrykit.library.models import Practice

    assert not Practice.objects.exists()

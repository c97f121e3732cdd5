"""The audit trail and the plan history read in plain words, not in database terms."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from reentrykit.coalitions.models import PartnerOrganization
from reentrykit.coalitions.services import coalition_update
from reentrykit.core.audit_display import audit_rows
from reentrykit.core.models import AuditEntry
from reentrykit.planning.models import ActionStep, Goal, Priority
from reentrykit.support.models import Tactic
from reentrykit.testing import World, page_words

DUE = dt.date(2026, 11, 30)
# What only the database's own terms would put on the page.
DATABASE_TERMS = ("coalition_id", "owner_organization", "planning.", "support.", "True", "False")


def _words(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return page_words(response)


def _goal(world: World) -> Goal:
    priority = Priority.objects.create(coalition=world.coalition, title="Jobs")
    return Goal.objects.create(priority=priority, statement="Jobs within 90 days")


def _step(goal: Goal, description: str, owner: PartnerOrganization) -> ActionStep:
    return ActionStep.objects.create(
        goal=goal, description=description, owner_organization=owner, due_on=DUE
    )


def _plan_with_a_step(world: World) -> None:
    step = _step(_goal(world), "Hire a navigator", world.provider)
    step.status = ActionStep.Status.IN_PROGRESS
    step.save()
    # An id that points into another coalition (written past the forms' checks) is
    # never followed there.
    theirs = PartnerOrganization.objects.get(coalition=world.other)
    _step(step.goal, "Borrow their officers", theirs)


def test_it_shows_the_audit_trail_in_plain_words(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    _plan_with_a_step(world)
    Tactic.objects.create(
        coalition=world.coalition,
        kind=Tactic.Kind.OUTREACH,
        purpose="Meet the sheriff",
        timing=DUE,
        audience="Sheriff's office",
        messenger="The chair",
        status=Tactic.Status.UNDER_WAY,
    )
    coalition_update(coalition=world.coalition, publish_directory=True)
    words = _words(signed_in(world.coordinator).get("/c/riverton/audit/"))

    assert "Added: Action step “Hire a navigator”" in words
    assert "Owner organization: — → Second Chance Works" in words
    assert "Status: — → Not started" in words
    assert "Due: — → Nov 30, 2026" in words
    assert "Changed: Action step “Hire a navigator” Status: Not started → In progress" in words
    assert "Added: Tactic “Direct outreach: Meet the sheriff”" in words
    assert "Tactic: — → Direct outreach" in words and "Status: — → Under way" in words
    assert "Publish the service directory: No → Yes" in words
    assert "Borrow their officers" in words and "Owner organization: — → (deleted)" in words
    assert "Elsewhere Police" not in words
    for term in DATABASE_TERMS:
        assert term not in words, term


def test_it_shows_the_plan_history_in_plain_words(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    _plan_with_a_step(world)
    words = _words(signed_in(world.member).get("/c/riverton/plan/history/"))

    assert "Added: Priority “Jobs”" in words and "Added: Goal “Jobs within 90 days”" in words
    assert "Goal: — → Jobs within 90 days" in words
    assert "Owner organization: — → Second Chance Works" in words
    assert "Changed: Action step “Hire a navigator” Status: Not started → In progress" in words
    assert "Owner organization: — → (deleted)" in words
    assert "Elsewhere Police" not in words
    for term in DATABASE_TERMS:
        assert term not in words, term


def test_it_looks_up_related_names_once_per_page(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    goal = _goal(world)
    client = signed_in(world.member)
    _step(goal, "Step 0", world.provider)
    with CaptureQueriesContext(connection) as few:
        client.get("/c/riverton/plan/history/")
    for number in range(1, 6):
        owner = PartnerOrganization.objects.create(
            coalition=world.coalition, name=f"Agency {number}", sector="other"
        )
        _step(goal, f"Step {number}", owner)
    with CaptureQueriesContext(connection) as many:
        words = _words(client.get("/c/riverton/plan/history/"))
    assert "Owner organization: — → Agency 5" in words
    assert len(many) == len(few)


def test_it_falls_back_to_the_stored_text_for_what_no_longer_exists(world: World) -> None:
    long_text = "A very long note. " * 20
    gone = AuditEntry.objects.create(
        coalition=world.coalition,
        via="web",
        action="update",
        model="planning.RetiredPart",
        object_id="7",
        object_repr="Retired",
        changes={"owner_id": [1, 2], "note": [None, long_text], "done": [False, True]},
    )
    renamed = AuditEntry.objects.create(
        coalition=world.coalition,
        via="web",
        action="create",
        model="planning.ActionStep",
        object_id="8",
        object_repr="Old step",
        changes={"old_field": [None, "x"], "goal_id": [None, "not an id"], "id": [None, 8]},
    )

    first, second = audit_rows([gone, renamed], coalition_id=world.coalition.pk)

    assert (first.action, first.subject) == ("Changed", "Retired part")
    owner, note, done = first.changes
    assert (owner.field, owner.before, owner.after) == ("Owner", "1", "2")
    assert note.field == "Note" and note.after.endswith("…") and len(note.after) <= 121
    # Cut between words: what is kept is followed by a space in the note.
    assert long_text.startswith(note.after[:-1]) and long_text[len(note.after) - 1] == " "
    assert (done.before, done.after) == ("No", "Yes")
    assert (second.action, second.subject) == ("Added", "Action step")
    assert [(c.field, c.after) for c in second.changes] == [
        ("Old field", "x"),
        ("Goal", "(deleted)"),
    ]


def test_a_share_reads_as_a_percent(world: World) -> None:
    entry = AuditEntry.objects.create(
        coalition=world.coalition,
        via="web",
        action="update",
        model="metrics.IndicatorTarget",
        object_id="3",
        object_repr="Long-term: 35% for 2027",
        changes={"target_rate": [0.4, 0.355], "cohort_year": [2026, 2027]},
    )
    (row,) = audit_rows([entry], coalition_id=world.coalition.pk)
    changes = {change.field: (change.before, change.after) for change in row.changes}
    assert changes == {"Target rate": ("40%", "35.5%"), "Cohort year": ("2026", "2027")}

"""The crosswalk of reentry goals to the jurisdiction's public safety plan objectives."""

from __future__ import annotations

import html

from reentrykit.planning.models import Goal, Priority, SafetyObjective
from reentrykit.planning.tests.test_plan import _word_text
from reentrykit.testing import World, page_words

PLAN = "/c/riverton/plan/"
SAFETY = f"{PLAN}public-safety/"


def test_a_member_records_objectives_and_links_goals_to_them(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    priority = Priority.objects.create(coalition=world.coalition, title="Jobs")
    client = signed_in(world.member)
    response = client.post(
        SAFETY,
        {
            "plan_name": "Riverton Public Safety Plan 2025–2029",
            "objective": "Cut repeat violent offending",
            "lead_agency": "Sheriff's Office",
        },
    )
    objective = SafetyObjective.objects.get()
    assert response["Location"] == f"{SAFETY}#objective-{objective.pk}"
    assert objective.coalition == world.coalition
    client.post(
        f"{PLAN}priorities/{priority.pk}/goals/new/",
        {"statement": "Jobs within 90 days of release", "objectives": [objective.pk]},
    )
    goal = Goal.objects.get()
    assert list(goal.objectives.all()) == [objective]
    crosswalk = page_words(client.get(SAFETY))
    assert (
        "Cut repeat violent offending Riverton Public Safety Plan 2025–2029 led by "
        "Sheriff's Office Jobs within 90 days of release (Jobs)"
    ) in crosswalk
    serves = (
        "Serves the public safety objective: Cut repeat violent offending "
        "(Riverton Public Safety Plan 2025–2029)."
    )
    assert serves in page_words(client.get(PLAN))
    word = _word_text(client.get(f"{PLAN}download/?format=docx").content)
    assert "Serves public safety objectives: Cut repeat violent offending" in word


def test_goals_link_only_to_their_coalitions_objectives(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    priority = Priority.objects.create(coalition=world.coalition, title="Jobs")
    theirs = SafetyObjective.objects.create(
        coalition=world.other, plan_name="Elsewhere plan", objective="Their objective"
    )
    client = signed_in(world.member)
    assert (
        "Their objective"
        not in client.get(f"{PLAN}priorities/{priority.pk}/goals/new/").content.decode()
    )
    response = client.post(
        f"{PLAN}priorities/{priority.pk}/goals/new/",
        {"statement": "Jobs", "objectives": [theirs.pk]},
    )
    assert "is not one of the available choices" in html.unescape(response.content.decode())
    assert not Goal.objects.exists()
    assert "Their objective" not in client.get(SAFETY).content.decode()


def test_a_bad_objective_is_refused_and_readers_cannot_record_one(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    member = signed_in(world.member)
    response = member.post(SAFETY, {"plan_name": "", "objective": "Fewer repeat bookings"})
    assert response.status_code == 200
    assert response.context["form"].has_error("plan_name")
    assert not SafetyObjective.objects.exists()
    viewer = signed_in(world.viewer)
    page = viewer.get(SAFETY).content.decode()
    assert "Record an objective" not in page
    assert viewer.post(SAFETY, {"plan_name": "P", "objective": "O"}).status_code == 403
    objective = SafetyObjective.objects.create(
        coalition=world.coalition, plan_name="P", objective="O"
    )
    assert viewer.post(f"{SAFETY}{objective.pk}/", {"delete": "yes"}).status_code == 403
    outsider = signed_in(world.outsider)
    assert outsider.get(f"/c/elsewhere/plan/public-safety/{objective.pk}/").status_code == 404
    assert SafetyObjective.objects.filter(pk=objective.pk).exists()
    coordinator = signed_in(world.coordinator)
    response = coordinator.post(f"{SAFETY}{objective.pk}/", {"delete": "yes"})
    assert response["Location"] == f"{SAFETY}#main-content"
    assert not SafetyObjective.objects.exists()

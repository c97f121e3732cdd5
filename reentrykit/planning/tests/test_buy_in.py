"""Cultivating buy-in: stakeholders on the power and interest grid, and the log of who
received the plan and how they answered."""

from __future__ import annotations

import datetime as dt
import html
import re

from django.utils import timezone

from reentrykit.planning.models import PlanShare, Stakeholder
from reentrykit.testing import World

BUY_IN = "/c/riverton/plan/buy-in/"


def _quadrant(page: str, power: str, interest: str) -> str:
    """The words of one grid cell."""
    start = page.index(">", page.index(f'id="quadrant-{power}-{interest}"')) + 1
    cell = page[start : page.index("</section>", start)]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())


def _person(**changes: str) -> dict[str, str]:
    return {
        "name": "Sheriff Ada Reyes",
        "role": "County sheriff",
        "decision_maker": "on",
        "power": "high",
        "interest": "low",
        "stance": "skeptic",
        "notes": "",
        **changes,
    }


def test_stakeholders_sit_in_their_quadrant_with_the_plans_shares(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.member)
    response = client.post(BUY_IN, _person())
    sheriff = Stakeholder.objects.get()
    assert response["Location"] == f"{BUY_IN}#stakeholder-{sheriff.pk}"
    client.post(
        BUY_IN,
        _person(
            name="Pastor Lee",
            role="",
            decision_maker="",
            power="low",
            interest="high",
            stance="champion",
        ),
    )
    response = client.post(
        f"{BUY_IN}{sheriff.pk}/shares/new/",
        {"shared_on": "2026-10-02", "how": "Briefing at the jail", "response": "Wants the costs."},
    )
    share = PlanShare.objects.get()
    assert response["Location"] == f"{BUY_IN}#share-{share.pk}"
    page = client.get(BUY_IN).content.decode()
    satisfied = _quadrant(page, "high", "low")
    assert satisfied.startswith("Keep satisfied (high power, low interest)")
    assert "Sheriff Ada Reyes , County sheriff Skeptic · decides on part of the plan" in satisfied
    assert "Plan shared Oct 2, 2026 (Briefing at the jail): Wants the costs." in satisfied
    informed = _quadrant(page, "low", "high")
    assert "Pastor Lee Champion" in informed and "Has not received the plan yet." in informed
    assert "Nobody here yet." in _quadrant(page, "high", "high")
    assert "Nobody here yet." in _quadrant(page, "low", "low")


def test_bad_stakeholders_and_shares_are_refused_and_change_nothing(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.member)
    client.post(BUY_IN, _person())
    response = client.post(BUY_IN, _person(name=" sheriff ada reyes ", power="medium"))
    form = response.context["form"]
    assert set(form.errors) == {"name", "power"}
    assert "already lists a stakeholder by this name" in html.unescape(response.content.decode())
    sheriff = Stakeholder.objects.get()
    response = client.post(f"{BUY_IN}{sheriff.pk}/shares/new/", {"shared_on": "soon", "how": ""})
    assert set(response.context["form"].errors) == {"shared_on", "how"}
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        f"{BUY_IN}{sheriff.pk}/shares/new/", {"shared_on": tomorrow.isoformat(), "how": "Email"}
    )
    assert response.context["form"].errors == {
        "shared_on": ["A share cannot be dated after today."]
    }
    assert Stakeholder.objects.count() == 1 and not PlanShare.objects.exists()


def test_readers_read_the_grid_and_outsiders_see_nothing(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    sheriff = Stakeholder.objects.create(coalition=world.coalition, name="Sheriff Ada Reyes")
    share = PlanShare.objects.create(
        stakeholder=sheriff, shared_on=dt.date(2026, 10, 2), how="Email"
    )
    Stakeholder.objects.create(coalition=world.other, name="Their mayor")
    viewer = signed_in(world.viewer)
    page = viewer.get(BUY_IN).content.decode()
    assert "Sheriff Ada Reyes" in page and "Their mayor" not in page
    assert "Add a stakeholder" not in page
    assert viewer.post(BUY_IN, _person(name="Mine")).status_code == 403
    assert viewer.post(f"{BUY_IN}{sheriff.pk}/", {"delete": "yes"}).status_code == 403
    outsider = signed_in(world.outsider)
    for url in (
        f"/c/elsewhere/plan/buy-in/{sheriff.pk}/",
        f"/c/elsewhere/plan/buy-in/{sheriff.pk}/shares/new/",
        f"/c/elsewhere/plan/shares/{share.pk}/",
    ):
        assert outsider.post(url, {"delete": "yes"}).status_code == 404
    assert Stakeholder.objects.count() == 2 and PlanShare.objects.count() == 1
    # Removing a stakeholder removes the record of what they received.
    signed_in(world.coordinator).post(f"{BUY_IN}{sheriff.pk}/", {"delete": "yes"})
    assert not PlanShare.objects.exists()

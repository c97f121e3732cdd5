"""The needs figures and the sustainability lead, changed by two people at once: the
second to save is told what the first saved, as on every record's form."""

from __future__ import annotations

from typing import Any

from django.test import Client

from reentrykit.data.schema import NEED_LABELS
from reentrykit.planning.tests.test_concurrent_edits import _hidden
from reentrykit.resources.models import NeedAssumption, ReleaseVolume, SustainabilityLead
from reentrykit.testing import World, page_words, sign_in

NEEDS = "/c/riverton/resources/needs/"
FUNDING = "/c/riverton/resources/funding/"


def _client(user: Any) -> Client:
    return sign_in(Client(), user)


def _figures(per_year: str, **shares: str) -> dict[str, str]:
    return {"per_year": per_year, **{f"need_{key}": shares.get(key, "") for key in NEED_LABELS}}


def test_needs_figures_saved_meanwhile_are_not_overwritten(world: World) -> None:
    coordinator, member = _client(world.coordinator), _client(world.member)
    seen_by_coordinator = _hidden(coordinator.get(NEEDS))
    seen_by_member = _hidden(member.get(NEEDS))
    housing = next(iter(NEED_LABELS))

    saved = member.post(NEEDS, {**_figures("1200"), **seen_by_member})
    assert saved.status_code == 302
    answer = coordinator.post(NEEDS, {**_figures("", **{housing: "30"}), **seen_by_coordinator})

    assert answer.status_code == 200
    words = page_words(answer)
    assert "Someone else changed this while you had the form open: it is now 1200" in words
    assert ReleaseVolume.objects.get(coalition=world.coalition).per_year == 1200
    assert not NeedAssumption.objects.filter(coalition=world.coalition).exists()

    again = coordinator.post(NEEDS, {**_figures("", **{housing: "30"}), **_hidden(answer)})
    assert again.status_code == 302
    assert not ReleaseVolume.objects.filter(coalition=world.coalition).exists()
    assert NeedAssumption.objects.get(coalition=world.coalition, need=housing).percent == 30


def test_a_sustainability_lead_named_meanwhile_is_not_overwritten(world: World) -> None:
    coordinator, member = _client(world.coordinator), _client(world.member)
    seen_by_coordinator = _hidden(coordinator.get(FUNDING))
    assert member.post(FUNDING, {"name": "Pat Grants", **_hidden(member.get(FUNDING))}).status_code
    answer = coordinator.post(FUNDING, {"name": "Lee Funds", **seen_by_coordinator})
    assert answer.status_code == 200
    assert "it is now Pat Grants" in page_words(answer)
    assert SustainabilityLead.objects.get(coalition=world.coalition).name == "Pat Grants"
    # The same page again, unchanged since: saves.
    fresh = _hidden(coordinator.get(FUNDING))
    assert coordinator.post(FUNDING, {"name": "Lee Funds", **fresh}).status_code == 302
    assert SustainabilityLead.objects.get(coalition=world.coalition).name == "Lee Funds"

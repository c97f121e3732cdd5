"""Candidate priorities come from the weak components of a round's results (the two
lowest bands), as the results page offers them: a component that is strong, solid or
not scored at all is not made one, even when the form is sent for it."""

from __future__ import annotations

from pathlib import Path

from reentrykit.assessment import services
from reentrykit.assessment.models import CandidatePriority, Round
from reentrykit.testing import World

BASE = "/c/riverton/assess/"


def _round_with_a_strong_and_a_weak_component(world: World) -> Round:
    round_ = services.round_open(coalition=world.coalition, name="Baseline")
    respondent = services.respondent_add(round_=round_, user=world.member)
    for key in ("1.1.a", "1.1.b", "1.1.c"):
        services.response_save(round_=round_, respondent=respondent, item_key=key, answer=3)
    for key in ("2.1.a", "2.1.b", "2.1.c"):
        services.response_save(round_=round_, respondent=respondent, item_key=key, answer=0)
    return services.round_close(round_=round_)


def test_a_strong_or_unscored_component_is_not_made_a_candidate(
    world: World, test_instrument: Path, signed_in
) -> None:  # type: ignore[no-untyped-def]
    round_ = _round_with_a_strong_and_a_weak_component(world)
    client = signed_in(world.coordinator)
    url = f"{BASE}rounds/{round_.pk}/results/candidates/"
    for key in ("1.1", "1.2"):  # 100% strong; no answers, not scored
        page = client.post(url, {"component_key": key}, follow=True).content.decode()
        assert "is not in the two lowest bands" in page, key
    assert not CandidatePriority.objects.exists()
    client.post(url, {"component_key": "2.1"})
    assert list(CandidatePriority.objects.values_list("component_key", flat=True)) == ["2.1"]


def test_a_component_no_longer_weak_when_the_button_is_pressed_is_refused(
    world: World, test_instrument: Path, signed_in
) -> None:  # type: ignore[no-untyped-def]
    # The coordinator opened the provisional results when 1.1 was weak; the consensus
    # meeting then raised it to strong before the button was pressed.
    round_ = services.round_open(coalition=world.coalition, name="Baseline")
    respondent = services.respondent_add(round_=round_, user=world.member)
    for key in ("1.1.a", "1.1.b", "1.1.c"):
        services.response_save(round_=round_, respondent=respondent, item_key=key, answer=1)
    client = signed_in(world.coordinator)
    assert 'id="recommend-1.1"' in client.get(f"{BASE}rounds/{round_.pk}/results/").content.decode()
    for key in ("1.1.a", "1.1.b", "1.1.c"):
        services.consensus_record(round_=round_, item_key=key, rating=3)
    client.post(f"{BASE}rounds/{round_.pk}/results/candidates/", {"component_key": "1.1"})
    assert not CandidatePriority.objects.exists()

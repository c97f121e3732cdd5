"""A weak component made a candidate priority carries what the assessment found into
the plan: its score, band and round, in the candidate's note and, once adopted, in the
priority's "why it matters", as the candidates from the needs and the map carry theirs."""

from __future__ import annotations

import html

from reentrykit.assessment import services
from reentrykit.assessment.models import CandidatePriority
from reentrykit.planning.models import Priority
from reentrykit.testing import World

BASE = "/c/riverton/assess/"


def test_a_candidate_from_the_assessment_says_what_the_assessment_found(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    round_ = services.round_open(coalition=world.coalition, name="Baseline 2026")
    respondent = services.respondent_add(round_=round_, user=world.member)
    for item in ("1.1.a", "1.1.b", "1.1.c"):
        services.response_save(round_=round_, respondent=respondent, item_key=item, answer=0)
    services.round_close(round_=round_)
    client = signed_in(world.coordinator)
    client.post(f"{BASE}rounds/{round_.pk}/results/candidates/", {"component_key": "1.1"})
    candidate = CandidatePriority.objects.get()
    found = "1.1 Coalition scored 0.0% (needs focus) in the assessment round “Baseline 2026”."
    assert candidate.note == found
    plan = html.unescape(client.get("/c/riverton/plan/").content.decode())
    assert found in plan  # beside the candidate, for the group's decision
    client.post("/c/riverton/plan/priorities/adopt/", {"candidate": candidate.pk})
    assert Priority.objects.get(candidate=candidate).why == found

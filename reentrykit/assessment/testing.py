"""Assessment objects for the access sweep (registered in reentrykit/testing.py)."""

from __future__ import annotations

from reentrykit.assessment import services
from reentrykit.assessment.models import Respondent, Round
from reentrykit.testing import World

SWEEP_ROUND = "Sweep round"


def sweep_round(world: World) -> Round:
    """An open round of the world's coalition, with the member invited."""
    round_ = Round.objects.filter(coalition=world.coalition, name=SWEEP_ROUND).first()
    if round_ is None:
        round_ = services.round_open(coalition=world.coalition, name=SWEEP_ROUND)
        services.respondent_add(round_=round_, user=world.member)
    return round_


def sweep_respondent(world: World) -> Respondent:
    return Respondent.objects.get(round=sweep_round(world), user=world.member)


def closed_round(world: World, name: str, ratings: dict[str, int]) -> Round:
    """A closed round of the world's coalition in which the member rated every item of
    section ``key`` as ``ratings[key]``."""
    round_ = services.round_open(coalition=world.coalition, name=name)
    respondent = services.respondent_add(round_=round_, user=world.member)
    for section in round_.instrument.sections:
        for item in section.items:
            services.response_save(
                round_=round_, respondent=respondent, item_key=item.key, answer=ratings[section.key]
            )
    return services.round_close(round_=round_, closed_by=world.coordinator)

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

"""The rules of rounds, held by services and by the database itself."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from reentrykit.assessment import services
from reentrykit.assessment.models import ConsensusRating, Response, Round
from reentrykit.testing import World


def _round(world: World) -> Round:
    round_ = services.round_open(coalition=world.coalition, name="Baseline")
    services.respondent_add(round_=round_, user=world.member)
    return round_


def test_the_database_refuses_ratings_off_the_scale(world: World) -> None:
    round_ = _round(world)
    respondent = round_.respondents.get()
    for fields in ({"rating": 4}, {"rating": 2, "dont_know": True}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Response.objects.create(round=round_, respondent=respondent, item_key="1.1.a", **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsensusRating.objects.create(round=round_, item_key="1.1.a", rating=5)
    assert not Response.objects.exists()


@pytest.mark.parametrize("answer", [4, "-1", "2.5", "yes"])
def test_it_refuses_an_answer_off_the_scale(world: World, answer: object) -> None:
    round_ = _round(world)
    with pytest.raises(ValidationError, match="is not a rating"):
        services.response_save(
            round_=round_, respondent=round_.respondents.get(), item_key="1.1.a", answer=answer
        )
    assert not Response.objects.exists()


def test_it_refuses_an_answer_through_another_rounds_respondent(world: World) -> None:
    ours = _round(world)
    theirs = services.round_open(coalition=world.other, name="Theirs")
    with pytest.raises(ValidationError, match="belongs to another round"):
        services.response_save(
            round_=theirs, respondent=ours.respondents.get(), item_key="1.1.a", answer=1
        )
    assert not Response.objects.exists()


def test_it_refuses_unknown_items_and_outsiders(world: World) -> None:
    round_ = _round(world)
    with pytest.raises(ValidationError, match="not an item of this round"):
        services.response_save(
            round_=round_, respondent=round_.respondents.get(), item_key="9.9.z", answer=1
        )
    with pytest.raises(ValidationError, match="not a member of this coalition"):
        services.respondent_add(round_=round_, user=world.outsider)


def test_a_closed_round_changes_no_more(world: World) -> None:
    round_ = _round(world)
    respondent = round_.respondents.get()
    services.response_save(round_=round_, respondent=respondent, item_key="1.1.a", answer=1)
    services.round_close(round_=round_)
    for write in (
        lambda: services.response_save(
            round_=round_, respondent=respondent, item_key="1.1.a", answer=3
        ),
        lambda: services.consensus_record(round_=round_, item_key="1.1.a", rating=3),
        lambda: services.respondent_add(round_=round_, user=world.coordinator),
        lambda: services.local_item_add(round_=round_, statement="Late idea."),
        lambda: services.round_close(round_=round_),
    ):
        with pytest.raises(ValidationError, match="can no longer change"):
            write()
    assert Response.objects.get().rating == 1
    assert round_.respondents.count() == 1


def test_a_round_needs_answers_to_close(world: World) -> None:
    round_ = _round(world)
    with pytest.raises(ValidationError, match="No respondent has answered yet"):
        services.round_close(round_=round_)
    # A note alone is not an answer.
    services.response_save(
        round_=round_, respondent=round_.respondents.get(), item_key="1.1.a", answer="", note="?"
    )
    with pytest.raises(ValidationError, match="No respondent has answered yet"):
        services.round_close(round_=round_)
    round_.refresh_from_db()
    assert round_.is_open

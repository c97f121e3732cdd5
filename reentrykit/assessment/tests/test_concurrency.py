"""Two tabs of the same respondent saving at the same moment lose neither answer."""

from __future__ import annotations

import pytest
from django.db import connection

from reentrykit.assessment import services
from reentrykit.assessment.models import Respondent, Response
from reentrykit.testing import build_world, race


@pytest.mark.django_db(transaction=True)
def test_it_keeps_both_answers_saved_at_once() -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite runs one writer at a time; the PostgreSQL pass races for real")
    world = build_world()
    round_ = services.round_open(coalition=world.coalition, name="Baseline")
    respondent = services.respondent_add(round_=round_, user=world.member)

    def save(item_key: str, answer: int):  # type: ignore[no-untyped-def]
        def go() -> None:
            services.response_save(
                round_=round_,
                respondent=Respondent.objects.get(pk=respondent.pk),
                item_key=item_key,
                answer=answer,
            )

        return go

    assert race(save("1.1.a", 3), save("1.1.b", 1)) == [None, None]
    answers = dict(Response.objects.filter(round=round_).values_list("item_key", "rating"))
    assert answers == {"1.1.a": 3, "1.1.b": 1}

    # The same item from two tabs at once: one answer wins, no error, one row.
    assert race(save("1.1.c", 0), save("1.1.c", 2)) == [None, None]
    assert Response.objects.filter(round=round_, item_key="1.1.c").count() == 1

"""Two tabs of the same respondent saving at the same moment lose neither answer."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from reentrykit.assessment import services
from reentrykit.assessment.models import Respondent, Response
from reentrykit.testing import build_world


def _race(*saves) -> list[BaseException]:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(len(saves))
    errors: list[BaseException] = []

    def run(save) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            save()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(save,)) for save in saves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


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

    assert _race(save("1.1.a", 3), save("1.1.b", 1)) == []
    answers = dict(Response.objects.filter(round=round_).values_list("item_key", "rating"))
    assert answers == {"1.1.a": 3, "1.1.b": 1}

    # The same item from two tabs at once: one answer wins, no error, one row.
    assert _race(save("1.1.c", 0), save("1.1.c", 2)) == []
    assert Response.objects.filter(round=round_, item_key="1.1.c").count() == 1

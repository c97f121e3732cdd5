"""Two people saving an empty cell of the map at the same instant: the second is told
what the first saved, as when they save one after the other, and is not shown an error
page from the rule of one record per cell."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from reentrykit.planning.tests.test_concurrent_edits import _hidden
from reentrykit.resources.models import MapCell
from reentrykit.testing import build_world, page_words, race, saves_meet, sign_in

URL = "/c/riverton/resources/map/release/housing/"


@pytest.mark.django_db(transaction=True)
def test_it_tells_the_second_of_two_at_once_what_the_first_saved() -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite runs one writer at a time; the PostgreSQL pass races for real")
    world = build_world()
    clients = [sign_in(Client(), user) for user in (world.coordinator, world.member)]
    # Both opened the empty cell's form.
    seen = [_hidden(client.get(URL)) for client in clients]
    entries = [
        {"status": "in_place", "practice": "Housing office at the door", "missing": ""},
        {"status": "gap", "practice": "", "missing": "No beds on release day"},
    ]

    def post(index: int):  # type: ignore[no-untyped-def]
        return lambda: clients[index].post(URL, {**entries[index], **seen[index]})

    with saves_meet(MapCell):
        answers = race(post(0), post(1))
    assert not [a for a in answers if isinstance(a, BaseException)], answers
    assert sorted(a.status_code for a in answers) == [200, 302]
    cell = MapCell.objects.get(coalition=world.coalition, point="release", system="housing")
    first = 0 if answers[0].status_code == 302 else 1
    assert cell.status == entries[first]["status"]
    told = page_words(answers[1 - first])
    assert "Someone else changed this while you had the form open: it is now" in told

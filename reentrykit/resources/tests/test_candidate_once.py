"""A double click on "make it a candidate priority" makes one candidate: without a
round, the database's uniqueness rule does not hold them apart."""

from __future__ import annotations

import pytest
from django.db import connection

from reentrykit.assessment.models import CandidatePriority
from reentrykit.resources.models import MapCell
from reentrykit.resources.tests.test_resources import BASE, _service, _snapshot
from reentrykit.testing import build_world, double_click


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["needs", "map"])
def test_it_makes_one_candidate_of_a_double_click(kind: str) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite runs one writer at a time; the PostgreSQL pass races for real")
    world = build_world()
    if kind == "needs":
        _snapshot(world)
        _service(world, "Bridge housing", "housing", 30)
        url = f"{BASE}needs/housing/candidate/"
    else:
        gap = MapCell.objects.create(
            coalition=world.coalition, point="release", system="id_benefits", status="gap"
        )
        url = f"{BASE}map/gaps/{gap.pk}/candidate/"
    assert double_click(url, world.member, made=CandidatePriority) == [302, 302]
    assert CandidatePriority.objects.count() == 1

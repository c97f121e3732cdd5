"""A double click on "adopt as a priority" makes one priority, with no error page from
the rule of one priority per title."""

from __future__ import annotations

import pytest
from django.db import connection

from reentrykit.assessment.models import CandidatePriority
from reentrykit.planning.models import Priority
from reentrykit.testing import build_world, double_click


@pytest.mark.django_db(transaction=True)
def test_it_adopts_a_candidate_once_on_a_double_click() -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite runs one writer at a time; the PostgreSQL pass races for real")
    world = build_world()
    candidate = CandidatePriority.objects.create(
        coalition=world.coalition, component_key="1.2", title="Share data across agencies"
    )
    answers = double_click(
        "/c/riverton/plan/priorities/adopt/",
        world.member,
        made=Priority,
        data={"candidate": candidate.pk},
    )
    assert answers == [302, 302]
    assert Priority.objects.get().candidate == candidate

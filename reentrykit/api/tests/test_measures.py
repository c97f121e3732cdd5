"""The cached measures through the API: the CLI's JSON shapes, suppressed by role."""

from __future__ import annotations

import pytest
from django.test import Client

from reentrykit.metrics.models import MetricSnapshot
from reentrykit.metrics.tests.test_dashboard import _payload
from reentrykit.testing import World, api_headers

RECIDIVISM = "/api/v1/coalitions/riverton/measures/recidivism"
INTERMEDIATE = "/api/v1/coalitions/riverton/measures/intermediate"


@pytest.fixture
def snapshot(world: World) -> MetricSnapshot:
    return MetricSnapshot.objects.create(coalition=world.coalition, payload=_payload())


def _get(client: Client, user, url: str, **query):  # type: ignore[no-untyped-def]
    return client.get(url, query, headers=api_headers(user))


def test_it_answers_in_the_cli_shapes(world: World, client: Client, snapshot) -> None:  # type: ignore[no-untyped-def]
    answer = _get(client, world.member, RECIDIVISM, measure="rearrest").json()
    assert list(answer)[:5] == ["measure", "window_days", "data_through", "suppression_k", "rows"]
    assert (answer["measure"], answer["window_days"], answer["suppression_k"]) == (
        "rearrest",
        365,
        11,
    )
    assert (answer["data_through"], answer["cohort_year"]) == ("2025-06-30", 2023)
    [row] = answer["rows"]
    assert row == {
        "group": "all",
        "cohort": 200,
        "recidivists": 90,
        "rate": 0.45,
        "ci_low": 0.4,
        "ci_high": 0.5,
        "suppressed": False,
        "unstable": False,
    }
    intermediate = _get(client, world.member, INTERMEDIATE).json()
    assert [list(row) for row in intermediate["rows"]] == [
        ["key", "label", "numerator", "denominator", "rate", "suppressed"]
    ] * 2


def test_members_get_null_for_small_cells(world: World, client: Client, snapshot) -> None:  # type: ignore[no-untyped-def]
    # Every role's answers are scanned in metrics/tests/test_dashboard.py.
    user = world.member
    answer = _get(client, user, RECIDIVISM, measure="rearrest", by="sex").json()
    rows = {row["group"]: row for row in answer["rows"]}
    assert list(rows) == ["female", "male", "unknown", "all"]
    hidden = ("cohort", "recidivists", "rate", "ci_low", "ci_high")
    assert [rows["female"][key] for key in hidden] == [None] * 5
    assert rows["unknown"]["cohort"] is None  # complementary
    assert rows["male"]["cohort"] == 160
    assert answer["confidential"] is False
    measures = _get(client, user, INTERMEDIATE).json()["rows"]
    # 4 of 120 is small; 30 of 36 would give away the 6 who were not.
    assert [(m["numerator"], m["denominator"], m["rate"], m["suppressed"]) for m in measures] == [
        (None, 120, None, True),
        (None, 36, None, True),
    ]


def test_stewards_get_the_raw_figures_marked_confidential(
    world: World, client: Client, snapshot
) -> None:  # type: ignore[no-untyped-def]
    answer = _get(client, world.steward, RECIDIVISM, measure="rearrest", by="sex").json()
    female = next(row for row in answer["rows"] if row["group"] == "female")
    assert (female["cohort"], female["recidivists"], female["suppressed"]) == (7, 3, False)
    assert answer["confidential"] is True
    intermediate = _get(client, world.steward, INTERMEDIATE).json()
    assert intermediate["confidential"] is True
    assert intermediate["rows"][0]["numerator"] == 4


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"measure": "evil"}, "Unknown measure"),
        ({"measure": "rearrest", "window": "7"}, "Unknown window"),
        ({"measure": "rearrest", "by": "shoe_size"}, "Unknown breakdown"),
    ],
)
def test_it_refuses_unknown_choices(
    query: dict, says: str, world: World, client: Client, snapshot
) -> None:  # type: ignore[no-untyped-def]
    response = _get(client, world.member, RECIDIVISM, **query)
    assert response.status_code == 422
    assert says in response.json()["detail"]


def test_without_measures_it_says_so(world: World, client: Client) -> None:
    response = _get(client, world.member, INTERMEDIATE)
    assert response.status_code == 404
    assert "No measures yet" in response.json()["detail"]


def test_it_does_not_open_the_person_level_store(
    world: World, client: Client, snapshot, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.data import store

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the API must read cached aggregates only")

    monkeypatch.setattr(store, "open_store", refuse)
    assert _get(client, world.steward, RECIDIVISM, measure="rearrest").status_code == 200
    assert _get(client, world.member, INTERMEDIATE).status_code == 200


def test_outsiders_get_404(world: World, client: Client, snapshot) -> None:  # type: ignore[no-untyped-def]
    for url in (RECIDIVISM, INTERMEDIATE):
        response = _get(client, world.outsider, url, measure="rearrest")
        assert (response.status_code, response.json()) == (404, {"detail": "Not found."})

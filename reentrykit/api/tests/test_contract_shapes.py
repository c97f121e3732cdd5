"""The API's measures answer "in the JSON shapes of `reentrykit metrics recidivism`":
a program breakdown has a `participant` and a `non_participant` row, in that order, as
on the command line (a cached year where nobody took part has no participant row)."""

from __future__ import annotations

import pytest
from django.test import Client

from reentrykit.metrics.models import MetricSnapshot
from reentrykit.metrics.tests.builders import rate_row
from reentrykit.metrics.tests.test_dashboard import _payload
from reentrykit.testing import World, api_headers

RECIDIVISM = "/api/v1/coalitions/riverton/measures/recidivism"


@pytest.fixture
def snapshot(world: World) -> MetricSnapshot:
    payload = _payload()
    payload["rates"] += [
        # Nobody in the 2023 cohort took part in mentoring: the cache has no such row.
        rate_row("non_participant", "program:mentoring", 200, 90),
        # The cache keeps the groups in the order the engine gave them.
        rate_row("non_participant", "program:housing", 150, 60),
        rate_row("participant", "program:housing", 50, 30),
    ]
    return MetricSnapshot.objects.create(coalition=world.coalition, payload=payload)


@pytest.mark.parametrize("role", ["member", "steward"])
@pytest.mark.parametrize("by", ["program:mentoring", "program:housing"])
def test_a_program_breakdown_has_both_groups_in_the_command_lines_order(
    world: World, client: Client, snapshot: MetricSnapshot, role: str, by: str
) -> None:
    user = getattr(world, role)
    answer = client.get(
        RECIDIVISM, {"measure": "rearrest", "by": by}, headers=api_headers(user)
    ).json()
    assert [row["group"] for row in answer["rows"]] == ["participant", "non_participant", "all"]
    if by == "program:mentoring":
        participant = answer["rows"][0]
        assert (participant["cohort"], participant["recidivists"], participant["rate"]) == (
            0,
            0,
            None,
        )


def test_the_openapi_description_names_the_errors_every_operation_answers(
    client: Client,
) -> None:
    """README: 401 without a valid token, 404 for a coalition you are not in, 403 for a
    role that may not do this, 429 past the rate limit; the measures refuse an unknown
    measure, window or breakdown with 422. The description (and the reference page
    rendered from it) lists them, so a generated client knows them."""
    schema = client.get("/api/v1/openapi.json").json()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            declared = set(operation["responses"])
            name = f"{method.upper()} {path}"
            assert {"401", "404", "429"} <= declared, (name, declared)
            if "/data/" in path:
                assert "403" in declared, (name, declared)
    recidivism = schema["paths"]["/api/v1/coalitions/{coalition_slug}/measures/recidivism"]
    assert "422" in recidivism["get"]["responses"]


@pytest.mark.parametrize(
    ("method", "path", "status", "said"),
    [
        ("get", "/api/v1/nope", 404, "Not found."),
        ("get", "/api/v1/coalitions/riverton/data/jobs/abc", 404, "Not found."),
        ("get", "/api/v1/coalitions/riverton/data/jobs/-1", 404, "Not found."),
        ("delete", "/api/v1/coalitions/riverton/services", 405, "does not take DELETE"),
    ],
)
def test_an_address_no_endpoint_answers_gets_a_json_error(
    world: World, client: Client, method: str, path: str, status: int, said: str
) -> None:
    """README: errors are JSON {"detail": ...}; so are those of addresses the API lacks."""
    answer = getattr(client, method)(path, headers=api_headers(world.member))
    assert answer.status_code == status
    assert answer["Content-Type"].startswith("application/json")
    assert said in answer.json()["detail"]
    if status == 405:
        assert "GET" in answer["Allow"]


def test_the_api_reference_page_is_still_a_page(client: Client) -> None:
    assert client.get("/api/v1/docs/nothing-here").status_code == 404
    assert not client.get("/api/v1/docs/nothing-here")["Content-Type"].startswith(
        "application/json"
    )

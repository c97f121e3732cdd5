"""`reentrykit metrics`: a program breakdown names both groups, and refresh honours --format."""

from __future__ import annotations

import json

import pytest

from reentrykit.metrics.tests.test_cli import _json, _run, store  # noqa: F401 - the fixture
from reentrykit.testing import World


def test_a_program_breakdown_always_has_both_groups(store: World) -> None:  # noqa: F811
    """The contract's program breakdowns have the groups `participant` and
    `non_participant`: nobody in the fixture takes part in mentoring, and the
    participant row is there with a cohort of 0."""
    result = _json(
        "recidivism", "--measure", "rearrest", "--window", "365", "--by", "program:mentoring"
    )
    assert [row["group"] for row in result["rows"]] == ["participant", "non_participant", "all"]
    participant = result["rows"][0]
    assert (participant["cohort"], participant["recidivists"], participant["rate"]) == (0, 0, None)


@pytest.mark.parametrize("fmt", ["csv", "table"])
def test_refresh_honours_format(store: World, fmt: str) -> None:  # noqa: F811
    """Every metrics command takes `--format json|csv|table` (default table)."""
    out, _ = _run("refresh", "--format", fmt)
    with pytest.raises(json.JSONDecodeError):
        json.loads(out)
    assert "coalition" in out.splitlines()[0]

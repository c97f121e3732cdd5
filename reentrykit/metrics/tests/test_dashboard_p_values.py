"""p-values on the measures page: one smaller than the shown precision reads as "p <"
that precision, never as a p of zero (no test gives p = 0)."""

from __future__ import annotations

import re

from reentrykit.metrics.models import AdjustedComparison, MetricSnapshot
from reentrykit.metrics.tests.builders import dashboard_payload
from reentrykit.testing import World

URL = "/c/riverton/measures/"


def test_a_tiny_log_rank_p_is_not_shown_as_zero(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    payload = dashboard_payload()
    payload["survival"]["rearrest"]["sex"]["logrank_p"] = 3.2e-9
    MetricSnapshot.objects.create(coalition=world.coalition, payload=payload)
    html = signed_in(world.steward).get(f"{URL}?by=sex").content.decode()
    assert "Log-rank test across groups: p &lt; 0.0001." in html
    assert "p = 0.0000" not in html


def test_a_log_rank_p_within_the_precision_reads_as_before(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    MetricSnapshot.objects.create(coalition=world.coalition, payload=dashboard_payload())
    html = signed_in(world.steward).get(f"{URL}?by=sex").content.decode()
    assert "Log-rank test across groups: p = 0.2000." in html


def _comparison(world: World, p_value: float) -> None:
    snapshot = MetricSnapshot.objects.create(coalition=world.coalition, payload=dashboard_payload())
    AdjustedComparison.objects.create(
        snapshot=snapshot,
        measure="rearrest",
        program_type="housing",
        cohort_year=2023,
        status=AdjustedComparison.Status.DONE,
        result={
            "hazard_ratio": 0.41,
            "ci_low": 0.3,
            "ci_high": 0.56,
            "p_value": p_value,
            "n": 2000,
            "events": 800,
            "covariates": ["sex"],
            "ph_assumption_ok": True,
            "participants": 600,
            "participant_events": 150,
            "note": "Observational comparison.",
            "data_through": "2025-06-30",
        },
    )


def _section(html: str) -> str:
    found = re.search(r'<section id="adjusted-comparison".*?</section>', html, re.S)
    assert found
    return re.sub(r"\s+", " ", found.group(0))


def test_a_tiny_hazard_ratio_p_is_not_shown_as_zero(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    _comparison(world, 4.0e-12)
    shown = _section(signed_in(world.member).get(f"{URL}?by=program:housing").content.decode())
    assert "Hazard ratio <strong>0.41</strong>" in shown
    assert "p &lt; 0.001)" in shown
    assert "p = 0.000" not in shown


def test_a_hazard_ratio_p_within_the_precision_reads_as_before(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    _comparison(world, 0.0123)
    shown = _section(signed_in(world.member).get(f"{URL}?by=program:housing").content.decode())
    assert "p = 0.012)" in shown

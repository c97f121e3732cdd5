"""The synthesis report shows each rearrest rate as the compare page does: with its 95%
interval and an unstable flag, without counts, suppressed, on the page and in the PDF."""

from __future__ import annotations

import io

import pytest

from reentrykit.metrics.models import MetricSnapshot
from reentrykit.metrics.tests.builders import dashboard_payload, rate_row
from reentrykit.metrics.tests.test_dashboard import _cells
from reentrykit.testing import World

PAGE = "/n/pilot/report/"


@pytest.fixture
def measured(world: World) -> World:
    """Riverton: 90 of 200 rearrested. Elsewhere: 15 of 300, a rate on few events."""
    MetricSnapshot.objects.create(coalition=world.coalition, payload=dashboard_payload())
    few = dashboard_payload()
    few["rates"] = [rate_row("all", "all", 300, 15)]
    MetricSnapshot.objects.create(coalition=world.other, payload=few)
    return world


def test_the_report_shows_each_rate_with_its_interval(measured: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    html = signed_in(measured.network_admin).get(PAGE).content.decode()
    rows = _cells(html, "progress-table")
    riverton = rows["Riverton County Reentry Coalition"][2]
    assert riverton.startswith("45% (2023)")
    assert "95% interval 40%–50%" in riverton and "unstable" not in riverton
    elsewhere = rows["Elsewhere City Reentry Partnership"][2]
    assert "95% interval 0%–10%; unstable" in elsewhere
    # Counts stay inside each coalition.
    assert "200" not in riverton and "300" not in elsewhere and "15" not in elsewhere


def test_a_suppressed_rate_has_no_interval(measured: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    small = dashboard_payload()
    small["rates"] = [rate_row("all", "all", 7, 3)]
    MetricSnapshot.objects.create(coalition=measured.other, payload=small)
    html = signed_in(measured.network_admin).get(PAGE).content.decode()
    assert _cells(html, "progress-table")["Elsewhere City Reentry Partnership"][2] == (
        "suppressed (2023)"
    )
    assert "43%" not in html and "38%" not in html and "48%" not in html


def test_the_pdf_shows_the_intervals_too(measured: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    response = signed_in(measured.network_admin).get("/n/pilot/report.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    squeezed = "".join(text.split())
    assert "45%(2023)95%interval40%–50%" in squeezed
    assert "95%interval0%–10%;unstable" in squeezed

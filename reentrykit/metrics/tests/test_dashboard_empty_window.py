"""A window whose latest fully followed release year is before the coalition's data:
the tables say why they are empty instead of showing headers alone."""

from __future__ import annotations

import html as html_module
import re

from reentrykit.metrics.models import MetricSnapshot
from reentrykit.metrics.tests.builders import dashboard_payload
from reentrykit.testing import World


def _table_text(html: str, table_id: str) -> str:
    body = html[html.index(f'id="{table_id}"') :]
    body = body[: body.index("</table>")]
    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", body)))


def test_a_window_longer_than_the_data_says_so(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    """Data through 2025-06-30 with releases from 2022: five years of follow-up reach
    back to people released in 2019, of whom the data hold none."""
    MetricSnapshot.objects.create(coalition=world.coalition, payload=dashboard_payload())
    html = signed_in(world.member).get("/c/riverton/measures/?window=1825&by=sex").content.decode()
    assert "By sex, released in 2019" in html
    assert "No rates: the data hold no one released in 2019" in _table_text(html, "breakdown-table")
    assert "No release year has been followed for 5 years yet" in _table_text(html, "trend-table")
    # A window the data cover shows its rows and no such line.
    html = signed_in(world.member).get("/c/riverton/measures/?by=sex").content.decode()
    assert "No rates" not in html and "No release year" not in html


def test_a_headline_year_without_releases_says_so_rather_than_showing_dashes(
    world: World, signed_in, client
) -> None:  # type: ignore[no-untyped-def]
    """The latest year followed a full year holds no release (a source declared complete
    past its last records): each card says so, and points to the earlier years."""
    payload = dashboard_payload()
    payload["latest_complete_year"] += 1
    payload.pop("headline", None)
    MetricSnapshot.objects.create(coalition=world.coalition, payload=payload)
    html = signed_in(world.member).get("/c/riverton/measures/").content.decode()
    cards = html[html.index('id="headline"') :]
    cards = _table_text(cards.replace("</ul>", "</table>", 1), "headline")
    year = payload["latest_complete_year"]
    assert cards.count(f"No one released The data hold no release in {year}") == 3
    assert "Earlier years are in the trend below" in cards
    assert "—" not in cards

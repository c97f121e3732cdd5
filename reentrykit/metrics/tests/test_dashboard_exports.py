"""The measures page's downloads: each table the page offers as CSV/XLSX carries what
the page's table says (its unstable flags, its release year), and the page links to
the download of every table the export serves."""

from __future__ import annotations

import csv
import html as html_module
import io

from reentrykit.metrics.models import MetricSnapshot
from reentrykit.metrics.tests.builders import dashboard_payload, rate_row
from reentrykit.testing import World

URL = "/c/riverton/measures/"


def _csv(client, query: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    content = client.get(f"{URL}export/?{query}").content
    # A byte order mark first, so that a spreadsheet reads the file as UTF-8.
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_intermediate_download_flags_unstable_shares_as_the_page_does(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    """30 of 36 high-risk releases on supervision (its 6 not on it hidden for members):
    for the steward the page marks the share (30 events) stable and 4 of 120 assessed
    before release unstable; the download says the same."""
    MetricSnapshot.objects.create(coalition=world.coalition, payload=dashboard_payload())
    client = signed_in(world.steward)
    page = client.get(URL).content.decode()
    assert '3.3% <span class="text-base">(unstable)</span>' in page
    rows = {row["key"]: row for row in _csv(client, "table=intermediate")}
    assert rows["assessed_before_release"]["unstable"] == "True"
    assert rows["high_risk_on_supervision"]["unstable"] == "False"


def test_the_breakdown_download_says_which_release_year_it_is(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    """Through 2025-06-30 one-year rates are of people released in 2023 and two-year
    rates of those released in 2022: the page's heading says which; so must the file."""
    payload = dashboard_payload()
    payload["rates"] += [
        {**rate_row(group, breakdown, cohort, events, year=2022), "window_days": 730}
        for group, breakdown, cohort, events in (
            ("all", "all", 180, 95),
            ("female", "sex", 40, 20),
            ("male", "sex", 140, 75),
        )
    ]
    MetricSnapshot.objects.create(coalition=world.coalition, payload=payload)
    client = signed_in(world.member)
    page = client.get(f"{URL}?window=730&by=sex").content.decode()
    assert "By sex, released in 2022" in page
    rows = _csv(client, "table=breakdown&window=730&by=sex")
    assert [row["group"] for row in rows] == ["female", "male", "all"]
    assert {row["cohort_year"] for row in rows} == {"2022"}
    assert {row["cohort_year"] for row in _csv(client, "table=breakdown&by=sex")} == {"2023"}


def test_the_page_links_to_the_download_of_every_table_the_export_serves(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    MetricSnapshot.objects.create(coalition=world.coalition, payload=dashboard_payload())
    client = signed_in(world.member)
    page = html_module.unescape(
        client.get(f"{URL}?measure=reconviction&window=730&by=sex").content.decode()
    )
    for table in ("breakdown", "trend", "intermediate", "flow"):
        for xlsx in ("", "&format=xlsx"):
            link = f'href="{URL}export/?table={table}{xlsx}'
            assert link in page, link
    # The trend's download is of the measure and window the page shows.
    assert f'href="{URL}export/?table=trend&measure=reconviction&window=730&by=sex"' in page

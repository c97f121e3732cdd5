"""The measures page: suppressed for everyone but data stewards, and only aggregates."""

from __future__ import annotations

import html as html_module
import re

import pytest

from reentrykit.metrics.models import MetricSnapshot
from reentrykit.metrics.tests.builders import dashboard_payload as _payload
from reentrykit.metrics.tests.builders import rate_row
from reentrykit.testing import World

URL = "/c/riverton/measures/"


@pytest.fixture
def snapshot(world: World) -> MetricSnapshot:
    return MetricSnapshot.objects.create(coalition=world.coalition, payload=_payload())


def _table(html: str, table_id: str) -> list[list[str]]:
    """The text of each cell of each row (the header row too) of a table."""
    body = html[html.index(f'id="{table_id}"') :]
    body = body[: body.index("</table>")]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [
            html_module.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        if cells:
            rows.append(cells)
    return rows


def _cells(html: str, table_id: str) -> dict[str, list[str]]:
    return {cells[0]: cells[1:] for cells in _table(html, table_id)}


@pytest.mark.parametrize("role", ["member", "viewer", "coach", "coordinator"])
def test_it_hides_small_cells_from_everyone_but_stewards(
    role: str, world: World, snapshot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    html = (
        signed_in(getattr(world, role))
        .get("/c/riverton/measures/?measure=rearrest&window=365&by=sex")
        .content.decode()
    )
    table = _cells(html, "breakdown-table")
    assert table["Female"][:3] == ["<11", "<11", "suppressed"]
    # Complementary: the next smallest cohort (unknown, 33) is hidden too, so 200 - 160
    # cannot give the women's count back.
    assert table["Unknown"][0] == "suppressed"
    assert table["Unknown"][-1] == "hidden so that a small group beside it cannot be worked out"
    assert table["Male"][:3] == ["160", "70", "43.8%"]
    assert table["Male"][-1] == "" and table["Female"][-1] == ""  # "<11" says why
    assert "42.9%" not in html  # the women's rate, 3/7
    intermediate = _cells(html, "intermediate-table")
    assert intermediate["Assessed before release"][:2] == ["<11", "120"]
    assert intermediate["High-risk releases on supervision"] == ["suppressed", "36", "suppressed"]
    # The women's survival curve rests on 7 people: withheld.
    assert "Curves withheld because the group is small: Female" in html
    assert "57.0%" not in html
    # The API's answers hold none of the hidden figures either.
    numbers = _api_numbers(getattr(world, role))
    assert numbers >= {200, 90, 160, 70, 120, 36}
    assert not numbers & {7, 3, 3 / 7, 33, 17, 4, 4 / 120, 30, 30 / 36}


def _api_numbers(user) -> set[float]:  # type: ignore[no-untyped-def]
    """Every number in the rows of the API's measures answers for ``user``."""
    from django.test import Client

    from reentrykit.testing import api_headers

    client, headers = Client(), api_headers(user)
    base = "/api/v1/coalitions/riverton/measures/"
    answers = [
        client.get(f"{base}recidivism?measure=rearrest&window=365&by=sex", headers=headers),
        client.get(f"{base}recidivism?measure=rearrest&window=365", headers=headers),
        client.get(f"{base}intermediate", headers=headers),
    ]
    assert [answer.status_code for answer in answers] == [200] * 3
    return {
        value
        for answer in answers
        for row in answer.json()["rows"]
        for value in row.values()
        if isinstance(value, int | float) and not isinstance(value, bool)
    }


def _curve(group: str, steps: list[tuple[int, int, int]], people: int) -> list[dict]:
    """Kaplan–Meier points of one group from (day, at risk, events) steps."""
    points = [_point(group, 0, people, 0, 1.0)]
    survival = 1.0
    for day, at_risk, events in steps:
        survival *= 1 - events / at_risk
        points.append(_point(group, day, at_risk, events, survival))
    return points


def _point(group: str, day: int, at_risk: int, events: int, survival: float) -> dict:
    return {
        "group": group,
        "day": day,
        "at_risk": at_risk,
        "events": events,
        "survival": survival,
        "ci_low": survival - 0.01,
        "ci_high": min(survival + 0.01, 1.0),
    }


def _survival_rows(html: str) -> list[tuple[str, str, str]]:
    """(group, day, share) of each row of the table beside the survival chart."""
    rows = _table(html, "survival-table")[1:]
    return [(cells[0], cells[1], cells[3]) for cells in rows]


def test_members_see_survival_steps_of_at_least_k_events(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    # 4, 3 and then 5 events: each step alone would tell how few returned that day.
    points = _curve("all", [(10, 200, 4), (20, 196, 3), (100, 190, 5)], people=200)
    payload = {
        **_payload(),
        "survival": {"rearrest": {"sex": {"logrank_p": None, "points": points}}},
    }
    MetricSnapshot.objects.create(coalition=world.coalition, payload=payload)
    url = "/c/riverton/measures/?measure=rearrest&by=sex"
    member = signed_in(world.member).get(url).content.decode()
    # One pooled step of 12 events at day 100; days 10 and 20 are not shown at all.
    assert _survival_rows(member) == [("Everyone", "0", "100.0%"), ("Everyone", "100", "94.0%")]
    assert "98.0%" not in member and "96.5%" not in member
    # The page says why the curve is flat until day 100, and the chart names the measure.
    assert "each step of these curves joins at least 11 events" in member
    assert "Share with no rearrest yet" in member
    steward = signed_in(world.steward).get(url).content.decode()
    assert [row[1] for row in _survival_rows(steward)] == ["0", "20", "100"]
    assert "each step of these curves joins" not in steward


def test_the_survival_table_reads_every_curve_at_each_milestone(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    points = [
        *_curve("all", [(85, 400, 12), (88, 388, 12), (170, 370, 20)], people=400),
        *_curve("male", [(85, 300, 12), (175, 280, 15)], people=300),
    ]
    payload = {
        **_payload(),
        "survival": {"rearrest": {"sex": {"logrank_p": None, "points": points}}},
    }
    MetricSnapshot.objects.create(coalition=world.coalition, payload=payload)
    html = signed_in(world.steward).get("/c/riverton/measures/?by=sex").content.decode()
    # Each group's last step on or before days 0, 90 and 180 (and no later ones).
    assert [row[:2] for row in _survival_rows(html)] == [
        ("Everyone", "0"),
        ("Everyone", "88"),
        ("Everyone", "170"),
        ("Male", "0"),
        ("Male", "85"),
        ("Male", "175"),
    ]


def test_the_survival_table_gives_no_small_number_at_risk_away_by_subtraction(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    """30 women (8 still followed at day 300) and 170 men. The women's curve stops at
    day 300; were the men's to go on there beside everyone's, 108 - 100 would give the
    8 away. The groups step on days every curve shows (day 150: men only, not shown);
    everyone's curve is the one on its own page, with its 108 at risk at day 300."""
    points = [
        *_curve("all", [(20, 200, 31), (150, 160, 12), (300, 108, 16)], people=200),
        *_curve("female", [(20, 30, 11), (300, 8, 1)], people=30),
        *_curve("male", [(20, 170, 20), (150, 140, 12), (300, 100, 15)], people=170),
    ]
    payload = {
        **_payload(),
        "survival": {"rearrest": {"sex": {"logrank_p": None, "points": points}}},
    }
    MetricSnapshot.objects.create(coalition=world.coalition, payload=payload)
    html = signed_in(world.member).get(f"{URL}?by=sex").content.decode()
    shown = [(row[0], row[1], row[2]) for row in _table(html, "survival-table")[1:]]
    assert shown == [
        ("Everyone", "0", "200"),
        ("Everyone", "20", "200"),
        ("Everyone", "150", "160"),
        ("Everyone", "300", "108"),
        ("Female", "0", "30"),
        ("Female", "20", "30"),
        ("Male", "0", "170"),
        ("Male", "20", "170"),
    ]


def test_the_flow_hides_a_release_type_that_the_others_would_give_away(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    flow = [
        {"key": "releases", "label": "Releases", "parent": "", "count": 100},
        {"key": "releases:to_parole", "label": "Parole", "parent": "releases", "count": 60},
        {"key": "releases:expiration", "label": "Expiration", "parent": "releases", "count": 35},
        {"key": "releases:death", "label": "Death", "parent": "releases", "count": 5},
    ]
    MetricSnapshot.objects.create(coalition=world.coalition, payload={**_payload(), "flow": flow})
    member = _cells(
        signed_in(world.member).get("/c/riverton/measures/").content.decode(), "flow-table"
    )
    assert member == {
        "Decision point": ["People"],
        "Releases": ["100"],
        "Parole": ["60"],
        "Expiration": ["suppressed"],
        "Death": ["<11"],
    }
    export = signed_in(world.member).get("/c/riverton/measures/export/?table=flow").content
    assert b"35" not in export and b",5" not in export


def test_stewards_see_the_raw_figures_marked_confidential(
    world: World, snapshot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    html = signed_in(world.steward).get("/c/riverton/measures/?by=sex").content.decode()
    assert "Confidential" in html
    assert _cells(html, "breakdown-table")["Female"][:3] == ["7", "3", "42.9%"]
    assert _api_numbers(world.steward) >= {7, 3, 3 / 7, 4}
    # A share resting on fewer than 20 people is flagged as a rate is.
    shares = _cells(html, "intermediate-table")
    assert shares["Assessed before release"] == ["4", "120", "3.3% (unstable)"]
    assert shares["High-risk releases on supervision"] == ["30", "36", "83.3%"]


def test_the_headline_shows_the_latest_complete_cohort_with_the_national_reference(
    world: World, snapshot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    html = signed_in(world.member).get("/c/riverton/measures/").content.decode()
    assert "released in 2023" in html
    assert "45.0%" in html  # 90 of 200
    assert "95% interval 40.0%–50.0%; 200 people" in html
    assert "43.4%" in html


def test_bad_choices_fall_back_to_the_defaults(world: World, snapshot, signed_in) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(world.member).get(
        "/c/riverton/measures/?measure=evil&window=7&by=%3Cscript%3E"
    )
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<body", 1)[1].replace(
        "<script src=", ""
    )


def test_without_measures_the_page_says_what_to_do(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    html = signed_in(world.member).get("/c/riverton/measures/").content.decode()
    assert "No measures yet" in html


def test_the_page_does_not_open_the_person_level_store(
    world: World, snapshot, signed_in, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.data import store

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the dashboard must read cached aggregates only")

    monkeypatch.setattr(store, "open_store", refuse)
    assert signed_in(world.member).get("/c/riverton/measures/").status_code == 200


def test_assessment_data_indicators_show_live_suppressed_values(world: World, snapshot) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.core.access import coalition_access
    from reentrykit.metrics.selectors import indicator_values

    member = indicator_values(coalition_access(world.member, world.coalition))
    steward = indicator_values(coalition_access(world.steward, world.coalition))
    # 4 of 120 assessed: the numerator is a small cell, so members see no rate.
    assert (
        member["intermediate.assessed_before_release"]
        == "suppressed (hidden to protect small counts)"
    )
    assert steward["intermediate.assessed_before_release"] == "3.3% for releases in 2023"
    assert member["recidivism.baseline_present"] == "one-year rearrest 45.0% for releases in 2023"


def test_a_hidden_rearrest_rate_is_said_to_be_too_few_not_missing(world: World) -> None:
    from reentrykit.core.access import coalition_access
    from reentrykit.metrics.selectors import indicator_values
    from reentrykit.metrics.tests.builders import dashboard_payload, rate_row

    payload = dashboard_payload()
    # Eight people released in 2023: the one-year rearrest rate is hidden from members.
    payload["rates"] = [rate_row("all", "all", 8, 3)] + [
        row for row in payload["rates"] if row["breakdown"] != "all" or row["cohort_year"] != 2023
    ]
    MetricSnapshot.objects.create(coalition=world.coalition, payload=payload)
    member = indicator_values(coalition_access(world.member, world.coalition))
    assert member["recidivism.baseline_present"] == (
        "one-year rearrest suppressed (hidden to protect small counts)"
    )


def test_a_steward_answering_the_assessment_reads_the_indicators_suppressed(
    world: World,
    snapshot,  # type: ignore[no-untyped-def]
) -> None:
    from types import SimpleNamespace

    from reentrykit.assessment.views.respond import _add_indicator_values
    from reentrykit.core.access import coalition_access

    item = SimpleNamespace(indicator_key="intermediate.assessed_before_release")
    sections = [{"components": [{"items": [item]}]}]
    _add_indicator_values(coalition_access(world.steward, world.coalition), sections)
    assert item.indicator_value == "suppressed (hidden to protect small counts)"


def test_members_save_indicators_with_targets_and_see_baselines(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.metrics.models import Indicator

    client = signed_in(world.member)
    response = client.post(
        "/c/riverton/measures/indicators/",
        {
            "name": "One-year rearrest, jail",
            "measure": "rearrest",
            "window_days": "365",
            "facility_type": "jail",
            "baseline_first_year": "2022",
            "baseline_last_year": "2022",
            "breakdown": "",
            "breakdown_group": "",
        },
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get(name="One-year rearrest, jail")
    client.post(
        f"/c/riverton/measures/indicators/{indicator.pk}/targets/",
        {"label": "Short term", "cohort_year": "2026", "target_percent": "40"},
    )
    assert indicator.targets.get().target_rate == 0.4
    payload = _payload()
    payload["indicators"] = {
        str(indicator.pk): {
            "group": "all",
            "rows": [
                {
                    "group": "all",
                    "cohort": 120,
                    "recidivists": 54,
                    "rate": 0.45,
                    "ci_low": 0.36,
                    "ci_high": 0.54,
                }
            ],
        }
    }
    MetricSnapshot.objects.create(coalition=world.coalition, payload=payload)
    page = client.get("/c/riverton/measures/indicators/").content.decode()
    assert "45.0% of 120" in page
    assert "Short term: 40.0% for 2026" in page


def test_viewers_cannot_save_indicators_and_bad_baselines_are_refused(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.metrics.models import Indicator

    data = {
        "name": "Backwards",
        "measure": "rearrest",
        "window_days": "365",
        "baseline_first_year": "2023",
        "baseline_last_year": "2022",
    }
    viewer = signed_in(world.viewer)
    assert viewer.post("/c/riverton/measures/indicators/", data).status_code == 403
    page = viewer.get("/c/riverton/measures/indicators/").content.decode()
    assert "members and coordinator save them here" in page
    assert "<form" not in page.split("<main")[-1]
    page = signed_in(world.member).post("/c/riverton/measures/indicators/", data)
    assert b"must end on or after it starts" in page.content
    assert not Indicator.objects.exists()


@pytest.mark.parametrize("table", ["breakdown", "trend", "intermediate", "flow"])
def test_exports_are_suppressed_like_the_page(
    table: str, world: World, snapshot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.member)
    text = client.get(f"/c/riverton/measures/export/?table={table}&by=sex").content.decode()
    if table == "breakdown":
        female = next(line for line in text.splitlines() if line.startswith("female"))
        assert female.split(",")[1:4] == ["<11", "<11", "suppressed"]
    if table == "intermediate":
        assert "<11" in text and ",4," not in text
    workbook = client.get(f"/c/riverton/measures/export/?table={table}&by=sex&format=xlsx")
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_pdf_has_the_charts_and_no_small_cells(world: World, snapshot, signed_in) -> None:  # type: ignore[no-untyped-def]
    import io

    from pypdf import PdfReader

    response = signed_in(world.member).get("/c/riverton/measures/report.pdf?by=sex")
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "One year after release" in text
    assert "Rate by sex" in text
    assert "42.9%" not in text


def test_the_home_path_leads_from_the_data_to_the_measures(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from reentrykit.metrics.models import Indicator, IndicatorTarget

    client = signed_in(world.member)

    def step() -> str:
        page = client.get("/c/riverton/").content.decode()
        start = page.index('id="step-measures"')
        assert 'href="/c/riverton/measures/"' in page[start:]
        return page[page.rindex("rk-path__step--", 0, start) :].split('"')[0]

    assert step() == "rk-path__step--not_started"
    MetricSnapshot.objects.create(coalition=world.coalition, payload={"empty": True})
    assert step() == "rk-path__step--not_started"  # linked data is still missing
    MetricSnapshot.objects.create(
        coalition=world.coalition, payload=_payload(), data_through=dt.date(2025, 6, 30)
    )
    assert step() == "rk-path__step--in_progress"
    indicator = Indicator.objects.create(
        coalition=world.coalition,
        name="One-year rearrest",
        measure="rearrest",
        baseline_first_year=2022,
        baseline_last_year=2022,
    )
    assert step() == "rk-path__step--in_progress"  # no target yet
    IndicatorTarget.objects.create(
        indicator=indicator, label="short-term", cohort_year=2026, target_rate=0.4
    )
    assert step() == "rk-path__step--complete"


def _definitions(html: str) -> dict[str, str]:
    body = html[html.index('class="rk-definitions"') :]
    body = body[: body.index("</dl>")]
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", body, re.S)
    return {term: html_module.unescape(text) for term, text in pairs}


def test_the_page_defines_its_measures_with_the_coalitions_threshold(
    world: World, snapshot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    world.coalition.suppression_k = 5
    world.coalition.save()
    html = signed_in(world.member).get("/c/riverton/measures/").content.decode()
    assert '<a href="#definitions">' in html
    defined = _definitions(html)
    excluded = "Releases recorded as death, transfer, escape or temporary never count"
    assert excluded in defined["Who is counted"]
    window = defined["Recidivism within a window"]
    for words in (
        "rearrest — arrest or booking;",
        "reconviction — conviction;",
        "reincarceration — incarceration or revocation;",
        "revocation — revocation.",
    ):
        assert words in window
    assert "enrolled or completed" in defined["Program participation"]
    assert "365 days before release" in defined["Program participation"]
    assert "counts from 1 to 4 show as “<5”" in defined["Small numbers"]
    assert "fewer than 20 events" in defined["Small numbers"]


def _post_indicator(client, breakdown: str, group: str, typed: str = ""):  # type: ignore[no-untyped-def]
    """Saves a one-year rearrest indicator for one group of ``breakdown``: ``group`` the
    value of a listed group's option ("breakdown|code"), ``typed`` a ZIP code or source."""
    return client.post(
        "/c/riverton/measures/indicators/",
        {
            "name": "Rearrest of one group",
            "measure": "rearrest",
            "window_days": "365",
            "baseline_first_year": "2022",
            "baseline_last_year": "2022",
            "breakdown": breakdown,
            "breakdown_group": group,
            "breakdown_group_typed": typed,
        },
    )


@pytest.mark.parametrize(
    ("breakdown", "group", "typed", "problem"),
    [
        ("sex", "race|black", "", "“Black or African American” is a group of Race, not of Sex"),
        ("sex", "sex|men", "", "Select a valid choice. sex|men is not one of the available"),
        ("", "sex|female", "", "Choose the breakdown that “Female” (Sex) is a group of"),
        ("", "", "43215", "Choose the breakdown that 43215 is a group of"),
        ("age_group", "", "", "Choose a group from the list under “Age at release (18–24,"),
        ("sex", "", "female", "This box is only for ZIP codes and sources"),
        ("residence_zip", "", " ", "Type the group of ZIP code of residence to measure."),
        ("residence_zip", "sex|male", "43215", "ZIP code of residence has no list of groups"),
        ("residence_zip", "", "ABCDE", "“ABCDE” is not a ZIP code: type 5 digits"),
        ("residence_zip", "", "<b>x</b>", "“<b>x</b>” is not a ZIP code"),
        (
            "source",
            "",
            "No such source",
            "No data source is named “No such source”. The coalition's sources are: “County Jail”.",
        ),
    ],
)
def test_an_indicator_for_a_group_its_breakdown_does_not_have_is_refused(
    world: World, signed_in, breakdown: str, group: str, typed: str, problem: str
) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.data.models import Source
    from reentrykit.metrics.models import Indicator

    Source.objects.create(coalition=world.coalition, name="County Jail")
    response = _post_indicator(signed_in(world.member), breakdown, group, typed)
    assert response.status_code == 200
    assert problem in html_module.unescape(response.content.decode())
    assert not Indicator.objects.exists()


@pytest.mark.parametrize(
    ("breakdown", "group", "typed", "saved"),
    [
        ("sex", "sex|female", "", "female"),
        ("age_group", "age_group|18-24", "", "18-24"),
        (
            "program_completed:housing",
            "program_completed:housing|non_participant",
            "",
            "non_participant",
        ),
        ("residence_zip", "", " 43215 ", "43215"),
        ("source", "", "County Jail", "County Jail"),
        ("source", "", "county jail ", "County Jail"),
    ],
)
def test_an_indicators_group_is_saved_as_the_measures_spell_it(
    world: World, signed_in, breakdown: str, group: str, typed: str, saved: str
) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.data.models import Source
    from reentrykit.metrics.models import Indicator

    Source.objects.create(coalition=world.coalition, name="County Jail")
    response = _post_indicator(signed_in(world.member), breakdown, group, typed)
    assert response.status_code == 302
    indicator = Indicator.objects.get()
    assert (indicator.breakdown, indicator.breakdown_group) == (breakdown, saved)


def _options(html: str, select_id: str) -> list[tuple[str, str, str]]:
    """(optgroup label, value, text) of each option of a select."""
    body = html[html.index(f'id="{select_id}"') :]
    body = body[: body.index("</select>")]
    options, heading = [], ""
    for optgroup, value, text in re.findall(
        r'<optgroup label="([^"]*)"|<option value="([^"]*)"[^>]*>(.*?)</option>', body, re.S
    ):
        if optgroup:
            heading = html_module.unescape(optgroup)
            continue
        options.append((heading, html_module.unescape(value), html_module.unescape(text)))
    return options


def test_an_indicators_group_is_chosen_by_its_name_and_saved_as_its_code(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.metrics.models import Indicator

    client = signed_in(world.member)
    form = client.get("/c/riverton/measures/indicators/").content.decode()
    assert "as the measures page names it" not in form
    breakdowns = {text: value for _, value, text in _options(form, "id_breakdown")}
    assert breakdowns["Race"] == "race"
    assert breakdowns["Housing program: completed"] == "program_completed:housing"
    groups = {
        (heading, text): value for heading, value, text in _options(form, "id_breakdown_group")
    }
    assert ("Race", "aian") not in groups
    # A release of the excluded kinds is in no cohort: there is no group of them to measure.
    assert ("Release type", "Death") not in groups
    chosen = groups[("Race", "American Indian or Alaska Native")]
    assert groups[("Risk level", "Very high")] == "risk_level|very_high"
    assert groups[("Housing program: took part", "Did not take part")] == (
        "program:housing|non_participant"
    )
    assert 'id="id_breakdown_group_typed"' in form
    response = _post_indicator(client, breakdowns["Race"], chosen)
    assert response.status_code == 302
    indicator = Indicator.objects.get()
    assert (indicator.breakdown, indicator.breakdown_group) == ("race", "aian")
    listed = _cells(
        client.get("/c/riverton/measures/indicators/").content.decode(), "indicator-table"
    )
    definition = listed["Rearrest of one group"][0]
    assert definition.endswith("released 2022, Race: American Indian or Alaska Native")


def _groups_payload() -> dict:
    """The dashboard payload with rates by race, ethnicity, risk level, release type and
    housing program participation, and survival curves by risk level: every group
    large enough to show."""
    payload = _payload()
    groups = {
        "race": ["aian", "nhpi", "black", "white", "unknown"],
        "ethnicity": ["hispanic", "not_hispanic"],
        "risk_level": ["low", "very_high"],
        "release_type": ["to_other_supervision", "sentence_served"],
        "program:housing": ["participant", "non_participant"],
        "program_completed:housing": ["participant", "non_participant"],
    }
    for breakdown, names in groups.items():
        payload["rates"] += [
            rate_row(name, breakdown, 40 + 10 * index, 20 + index)
            for index, name in enumerate(names)
        ]
    points = [
        *_curve("low", [(60, 120, 12), (200, 100, 15)], people=120),
        *_curve("very_high", [(30, 80, 14), (150, 60, 12)], people=80),
    ]
    payload["survival"]["rearrest"]["risk_level"] = {"logrank_p": 0.01, "points": points}
    return payload


GROUP_NAMES = {
    "race": {
        "aian": "American Indian or Alaska Native",
        "nhpi": "Native Hawaiian or Other Pacific Islander",
        "black": "Black or African American",
        "white": "White",
        "unknown": "Unknown",
    },
    "ethnicity": {"hispanic": "Hispanic", "not_hispanic": "Not Hispanic"},
    "risk_level": {"low": "Low", "very_high": "Very high"},
    "release_type": {
        "to_other_supervision": "To other supervision",
        "sentence_served": "Sentence served",
    },
    "program:housing": {"participant": "Took part", "non_participant": "Did not take part"},
    "program_completed:housing": {
        "participant": "Completed",
        "non_participant": "Did not complete",
    },
}


@pytest.mark.parametrize("breakdown", list(GROUP_NAMES))
def test_the_page_names_breakdowns_and_groups_in_words(
    breakdown: str, world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    from urllib.parse import quote

    MetricSnapshot.objects.create(coalition=world.coalition, payload=_groups_payload())
    html = signed_in(world.member).get(f"/c/riverton/measures/?by={quote(breakdown)}")
    html = html.content.decode()
    names = GROUP_NAMES[breakdown]
    table = _table(html, "breakdown-table")
    assert [row[0] for row in table[1:]] == [*names.values(), "Everyone"]
    assert all(row[1] != "suppressed" for row in table[1:])
    # The chart's bars are named as the table's rows are, and no code shows anywhere.
    chart = html[html.index('class="rk-chart"') : html.index('id="breakdown-table"')]
    for name in names.values():
        assert html_module.escape(name) in chart
    for code in {*names, breakdown} - {"white", "unknown", "hispanic", "race", "ethnicity"}:
        shown = re.sub(r'(value|href)="[^"]*"', "", html)
        assert not re.search(rf"(?<![\w:]){re.escape(code)}(?![\w:])", shown), code
    # The "By" menu names every breakdown in words and keeps the codes as its values.
    by = {value: text for _, value, text in _options(html, "by")}
    assert by["age_group"] == "Age at release (18–24, 25–39, 40+)"
    assert by["residence_zip"] == "ZIP code of residence"
    assert by["program_completed:housing"] == "Housing program: completed"
    assert by["program:id_documents"] == "ID documents program: took part"
    assert not [value for value, text in by.items() if value == text or "_" in text]


def test_survival_curves_and_their_table_name_the_groups(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    MetricSnapshot.objects.create(coalition=world.coalition, payload=_groups_payload())
    html = signed_in(world.member).get("/c/riverton/measures/?by=risk_level").content.decode()
    assert {row[0] for row in _survival_rows(html)} == {"Low", "Very high"}
    survival = html[html.index("Survival curves") : html.index('id="survival-table"')]
    assert "Very high" in survival and "very_high" not in survival


@pytest.mark.parametrize("breakdown", ["race", "program:housing"])
def test_exports_and_the_api_keep_the_group_codes(breakdown: str, world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    import io

    from django.test import Client
    from openpyxl import load_workbook

    from reentrykit.metrics.breakdowns import ordered_groups
    from reentrykit.testing import api_headers

    MetricSnapshot.objects.create(coalition=world.coalition, payload=_groups_payload())
    client = signed_in(world.member)
    url = f"/c/riverton/measures/export/?table=breakdown&by={breakdown}"
    lines = client.get(url).content.decode().splitlines()
    codes = [*GROUP_NAMES[breakdown], "all"]
    assert [line.split(",")[0] for line in lines[1:]] == codes
    workbook = load_workbook(io.BytesIO(client.get(f"{url}&format=xlsx").content))
    sheet = workbook.worksheets[0]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == codes
    answer = Client().get(
        f"/api/v1/coalitions/riverton/measures/recidivism?measure=rearrest&window=365&by={breakdown}",
        headers=api_headers(world.member),
    )
    # The API answers in the command line's shape, its groups in the breakdown's order.
    in_order = [*ordered_groups(breakdown, GROUP_NAMES[breakdown]), "all"]
    assert [row["group"] for row in answer.json()["rows"]] == in_order


def test_the_pdf_names_the_groups_in_words(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    import io

    from pypdf import PdfReader

    MetricSnapshot.objects.create(coalition=world.coalition, payload=_groups_payload())
    response = signed_in(world.member).get("/c/riverton/measures/report.pdf?by=race")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Rate by race" in text
    assert "American Indian or Alaska Native" in text
    assert not re.search(r"\b(aian|nhpi)\b", text)


def test_each_windows_trend_ends_at_its_own_latest_complete_year(world: World) -> None:
    """Through 2025-06-30, 2023 is the latest year with a full year of follow-up but
    2022 the latest with two: the 2023 two-year rate would rest on its first half-year's
    releases alone."""
    from reentrykit.core.access import as_viewer
    from reentrykit.metrics.selectors import trend

    payload = _payload()
    payload["rates"] = [
        {**rate_row("all", "all", 100 + year, 40, year=year), "window_days": window}
        for window in (365, 730)
        for year in (2021, 2022, 2023, 2024)
    ]
    access = as_viewer(world.coalition)
    years = {
        window: [
            row["cohort_year"]
            for row in trend(access, payload, measure="rearrest", window=window).rows
        ]
        for window in (365, 730)
    }
    assert years == {365: [2021, 2022, 2023], 730: [2021, 2022]}


def test_the_trend_and_indicators_flag_rates_on_fewer_than_20_events(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    """DATA.md: rates resting on fewer than 20 events are flagged unstable, in every
    table that shows one (15 of 180 in 2022; a baseline of 12 of 150)."""
    from reentrykit.metrics.tests.builders import rearrest_indicator

    indicator = rearrest_indicator(world.coalition)
    payload = _payload()
    payload["rates"] = [r for r in payload["rates"] if r["cohort_year"] != 2022]
    payload["rates"].append(rate_row("all", "all", 180, 15, year=2022))
    row = {**rate_row("all", "all", 150, 12), "ci_low": 0.04, "ci_high": 0.13}
    payload["indicators"] = {str(indicator.pk): {"group": "all", "rows": [row]}}
    MetricSnapshot.objects.create(coalition=world.coalition, payload=payload)
    member = signed_in(world.member)
    trend = {row[0]: row[1:] for row in _table(member.get(URL).content.decode(), "trend-table")}
    assert trend["2022"] == ["180", "8.3% (unstable)"]
    assert not any("unstable" in cell for cell in trend["2023"])
    page = member.get(f"{URL}indicators/").content.decode()
    baseline = {row[0]: row[2] for row in _table(page, "indicator-table")[1:]}
    assert baseline["One-year rearrest"] == "8.0% of 150 (unstable)"


def test_an_export_in_an_unknown_format_is_refused(world: World, snapshot, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.member)
    refused = client.get("/c/riverton/measures/export/?table=trend&format=xls")
    assert refused.status_code == 400
    assert "'csv' or 'xlsx'" in refused.content.decode()
    assert client.get("/c/riverton/measures/export/?table=trend&format=csv").status_code == 200


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("table=nonsense", "No export has table=nonsense: use one of breakdown, trend,"),
        ("table=trend&measure=bogus", "No export has measure=bogus: use one of rearrest,"),
        ("table=trend&window=abc", "No export has window=abc: use one of 180, 365,"),
        ("by=zzz", "No export has by=zzz: use one of sex,"),
    ],
)
def test_an_export_of_a_table_that_does_not_exist_is_refused(
    world: World, snapshot, signed_in, query: str, said: str
) -> None:  # type: ignore[no-untyped-def]
    refused = signed_in(world.member).get(f"/c/riverton/measures/export/?{query}")
    assert refused.status_code == 400
    assert said in refused.content.decode()


@pytest.mark.parametrize("year", ["-5", "0", "1899"])
def test_a_baseline_year_out_of_range_is_told_the_one_range(
    world: World, signed_in, year: str
) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.metrics.models import Indicator

    response = signed_in(world.member).post(
        "/c/riverton/measures/indicators/",
        {
            "name": "Old baseline",
            "measure": "rearrest",
            "window_days": "365",
            "baseline_first_year": year,
            "baseline_last_year": "2022",
        },
    )
    assert response.context["form"].errors["baseline_first_year"] == ["Enter 1900 or more."]
    assert not Indicator.objects.exists()


def test_the_curves_say_in_one_line_how_they_protect_small_counts(
    world: World, snapshot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    member = signed_in(world.member).get("/c/riverton/measures/").content.decode()
    line = member[member.index('id="curve-protection"') :].split("</p>")[0]
    assert "each step of these curves joins at least 11 events" in line
    assert "<summary>More on how the curves are drawn for you</summary>" in member
    steward = signed_in(world.steward).get("/c/riverton/measures/").content.decode()
    assert 'id="curve-protection"' not in steward

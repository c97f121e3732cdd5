"""The measures page draws the national reference (DATA.md, "Reference figures") on its
charts where one exists for the measure and window, and says what it is."""

from __future__ import annotations

import re

import pytest

from reentrykit.metrics.models import MetricSnapshot
from reentrykit.metrics.tests.builders import dashboard_payload
from reentrykit.testing import World

URL = "/c/riverton/measures/"


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("measure=rearrest&window=365", "43.4% of state prisoners released in 2005 in 30 "
         "states were rearrested within 1 year"),
        ("measure=rearrest&window=1095", "67.8% of state prisoners released in 2005 in 30 "
         "states were rearrested within 3 years"),
        ("measure=reincarceration&window=1825", "55.1% of state prisoners released in 2005 "
         "in 30 states returned to prison within 5 years"),
    ],
)  # fmt: skip
def test_the_charts_carry_the_national_reference(
    query: str, said: str, world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    MetricSnapshot.objects.create(coalition=world.coalition, payload=dashboard_payload())
    page = signed_in(world.member).get(f"{URL}?{query}&by=sex").content.decode()
    assert said in page
    charts = re.findall(r"<svg.*?</svg>", page, re.S)
    with_line = [svg for svg in charts if "The dashed line is the national reference" in svg]
    assert len(with_line) == 2  # the breakdown's bars and the trend
    assert all(">National<" in svg for svg in with_line)


def test_no_reference_is_drawn_where_the_national_studies_give_none(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    MetricSnapshot.objects.create(coalition=world.coalition, payload=dashboard_payload())
    page = signed_in(world.member).get(f"{URL}?measure=reconviction&window=365").content.decode()
    assert "national reference" not in page.lower().replace("national reference:", "")
    assert ">National<" not in page

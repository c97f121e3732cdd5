"""The data job page says how the job ended in a live region that stays on the page: the
polled progress block is replaced every second, and a live region swapped in with its
text already inside is not announced."""

from __future__ import annotations

from typing import Any

import pytest

from reentrykit.data.models import DataJob, JobKind, JobStatus
from reentrykit.testing import PASSWORD, build_world

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("status", "said"),
    [
        (JobStatus.DONE, "Import finished: 12 rows imported"),
        (JobStatus.FAILED, "Nothing was imported: the problems are below."),
    ],
)
def test_the_end_of_a_job_is_announced_in_the_region_that_was_there(
    page: Any, sign_in_with_code: Any, axe: Any, status: str, said: str
) -> None:
    world = build_world()
    job = DataJob.objects.create(
        coalition=world.coalition, kind=JobKind.IMPORT, params={}, created_by=world.steward
    )
    sign_in_with_code(page, world.steward, PASSWORD)
    page.goto(f"/c/riverton/data/jobs/{job.pk}/")
    outcome = page.locator("#job-outcome")
    assert outcome.get_attribute("role") == "status"
    assert outcome.inner_text().strip() == ""
    outcome.evaluate("(node) => { window.liveRegion = node; }")

    DataJob.objects.filter(pk=job.pk).update(status=status, percent=100, message="12 rows imported")
    page.get_by_text("12 rows imported", exact=False).first.wait_for()
    page.wait_for_function("document.getElementById('job-outcome').textContent.trim() !== ''")

    assert outcome.evaluate("(node) => node === window.liveRegion && node.isConnected")
    assert outcome.inner_text().strip() == said
    assert page.locator("#job-progress [aria-live], #job-progress [role=alert]").count() == 0
    axe(page)

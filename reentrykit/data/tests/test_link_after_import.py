"""After an import, the next step is linking: the import's page offers it, and the data
page says how many imports the last linkage left out."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from reentrykit.data.models import BatchStatus, DataJob, ImportBatch, LinkageRun, Source
from reentrykit.testing import World


def _import(world: World, source: Source, name: str) -> None:
    ImportBatch.objects.create(
        coalition=world.coalition, source=source, kind="releases", file_name=name,
        sha256=name.ljust(64, "0"), rows=40, status=BatchStatus.IMPORTED,
    )  # fmt: skip


def _linkage(world: World, *, minutes_ago: int = 0) -> None:
    LinkageRun.objects.create(
        coalition=world.coalition, threshold=0.9, records=40, people=30,
        finished_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
    )  # fmt: skip


def test_a_finished_imports_page_offers_to_link_the_data_until_it_is_linked(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    source = Source.objects.create(coalition=world.coalition, name="County Jail")
    _import(world, source, "releases.csv")
    job = DataJob.objects.create(
        coalition=world.coalition, kind="import", status="done", message="Imported 40 rows"
    )
    client = signed_in(world.steward)
    page = client.get(f"/c/riverton/data/jobs/{job.pk}/").content.decode()
    assert 'id="link-after-import"' in page and ">Link the data</button>" in page
    assert 'action="/c/riverton/data/link/"' in page
    assert "Back to the sources" in page
    _linkage(world)
    page = client.get(f"/c/riverton/data/jobs/{job.pk}/").content.decode()
    assert "Link the data" not in page, "the import is linked already"
    assert "Back to the sources" in page
    # Only data stewards may link, and only they see an import's page.
    assert signed_in(world.coordinator).get(f"/c/riverton/data/jobs/{job.pk}/").status_code == 403


def test_the_data_page_says_how_many_imports_the_last_linkage_left_out(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    source = Source.objects.create(coalition=world.coalition, name="County Jail")
    _import(world, source, "releases-2023.csv")
    ImportBatch.objects.update(created_at=timezone.now() - dt.timedelta(minutes=10))
    _linkage(world, minutes_ago=5)
    steward = signed_in(world.steward)
    assert 'id="not-linked"' not in steward.get("/c/riverton/data/").content.decode()

    _import(world, source, "releases-2024.csv")
    _import(world, source, "releases-2025.csv")
    page = steward.get("/c/riverton/data/").content.decode()
    assert "2 imports finished since then are not linked yet" in page
    assert "Link all sources now to include them." in page
    assert 'action="/c/riverton/data/link/"' in page
    member = signed_in(world.member).get("/c/riverton/data/").content.decode()
    assert "2 imports finished since then are not linked yet" in member
    assert "The coalition's data steward links the sources." in member
    assert "Link all sources now" not in member

    _linkage(world)
    assert 'id="not-linked"' not in steward.get("/c/riverton/data/").content.decode()

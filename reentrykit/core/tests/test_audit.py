from __future__ import annotations

from reentrykit.coalitions.models import PartnerOrganization
from reentrykit.core.audit import audit_actor
from reentrykit.core.models import AuditEntry
from reentrykit.testing import World


def test_it_records_create_update_and_delete_with_values(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.coordinator)
    client.post("/c/riverton/organizations/", {"name": "Harbor Housing", "sector": "housing"})
    organization = PartnerOrganization.objects.get(name="Harbor Housing")
    created = AuditEntry.objects.get(
        model="coalitions.PartnerOrganization", action="create", object_id=str(organization.pk)
    )
    assert created.actor == world.coordinator
    assert created.via == "web"
    assert created.coalition == world.coalition
    assert created.changes["name"] == [None, "Harbor Housing"]

    client.post(
        f"/c/riverton/organizations/{organization.pk}/",
        {"name": "Harbor Housing Authority", "sector": "housing"},
    )
    updated = AuditEntry.objects.get(action="update", object_id=str(organization.pk))
    assert updated.changes == {"name": ["Harbor Housing", "Harbor Housing Authority"]}

    client.post(f"/c/riverton/organizations/{organization.pk}/delete/")
    deleted = AuditEntry.objects.get(action="delete", object_id=str(organization.pk))
    assert deleted.changes["name"] == ["Harbor Housing Authority", None]


def test_it_records_settings_changes(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.coordinator)
    data = {
        "name": world.coalition.name,
        "jurisdiction_type": "county",
        "state": "OH",
        "population": "250000",
        "description": "",
        "mission_statement": "Everyone coming home has a place to live and work.",
        "suppression_k": "11",
        "priority_method": "score",
    }
    assert client.post("/c/riverton/settings/", data).status_code == 302
    entry = AuditEntry.objects.filter(model="coalitions.Coalition", action="update").latest("id")
    assert entry.changes == {"mission_statement": ["", data["mission_statement"]]}


def test_it_attributes_command_line_writes(world: World) -> None:
    with audit_actor(None, "cli"):
        PartnerOrganization.objects.create(
            coalition=world.coalition, name="CLI Org", sector="other"
        )
    entry = AuditEntry.objects.get(object_repr="CLI Org")
    assert (entry.via, entry.actor) == ("cli", None)


def test_it_never_records_secrets(world: World) -> None:
    world.invitation.refresh_from_db()
    entry = AuditEntry.objects.get(model="accounts.Invitation", action="create")
    assert "token_hash" not in entry.changes
    assert world.invitation.token_hash not in str(entry.changes)


def test_coordinators_read_only_their_own_trail(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    with audit_actor(None, "cli"):
        PartnerOrganization.objects.create(
            coalition=world.other, name="Secret Elsewhere Org", sector="other"
        )
    client = signed_in(world.coordinator)
    page = client.get("/c/riverton/audit/")
    assert page.status_code == 200
    assert b"Second Chance Works" in page.content
    assert b"Secret Elsewhere Org" not in page.content


def test_members_cannot_read_the_trail(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    assert signed_in(world.member).get("/c/riverton/audit/").status_code == 403


def _import_batch(world: World, rows: int):  # type: ignore[no-untyped-def]
    from reentrykit.data.models import ImportBatch, Source

    with audit_actor(world.steward, "web"):
        source = Source.objects.create(coalition=world.coalition, name="County Jail")
        return ImportBatch.objects.create(
            coalition=world.coalition,
            source=source,
            kind="releases",
            file_name="jail.csv",
            sha256="0" * 64,
            rows=rows,
        )


def test_the_trail_names_an_imported_file_without_its_row_count(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    """A count of person-level rows (7, below k) is for data stewards alone; the trail's
    readers are coordinators."""
    _import_batch(world, rows=7)
    page = signed_in(world.coordinator).get("/c/riverton/audit/").content.decode()
    assert "releases from County Jail" in page
    assert "7 rows" not in page and "(7" not in page


def test_row_counts_recorded_by_earlier_versions_are_scrubbed(world: World) -> None:
    import importlib

    batch = _import_batch(world, rows=7)
    AuditEntry.objects.filter(model="data.ImportBatch").update(
        object_repr="releases from County Jail (7 rows)"
    )
    AuditEntry.objects.create(
        coalition=world.coalition, action="create", model="planning.Goal", object_repr="(7 rows)"
    )
    migration = importlib.import_module(
        "reentrykit.core.migrations.0004_scrub_row_counts_from_trail_names"
    )
    from django.apps import apps

    migration.scrub(apps, None)
    (entry,) = AuditEntry.objects.filter(model="data.ImportBatch")
    assert entry.object_repr == str(batch) == "releases from County Jail"
    assert AuditEntry.objects.filter(model="planning.Goal", object_repr="(7 rows)").exists()

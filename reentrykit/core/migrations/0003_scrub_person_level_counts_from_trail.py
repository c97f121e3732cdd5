"""Removes from the audit trail the counts taken from person-level data that earlier
versions recorded (linkage results, imported rows): the trail's readers would see
them unsuppressed. The models now leave them out (``Audited.audit_omitted``)."""

from django.db import migrations

OMITTED = {
    "data.ImportBatch": ("rows",),
    "data.LinkageRun": (
        "records",
        "people",
        "deterministic_links",
        "probabilistic_links",
        "pairs_for_review",
        "pairs_reviewed",
        "weight_histogram",
        "by_source",
    ),
}


def scrub(apps, schema_editor):  # type: ignore[no-untyped-def]
    AuditEntry = apps.get_model("core", "AuditEntry")
    for model, fields in OMITTED.items():
        for entry in AuditEntry.objects.filter(model=model).iterator():
            changes = {k: v for k, v in (entry.changes or {}).items() if k not in fields}
            if changes != entry.changes:
                entry.changes = changes
                entry.save(update_fields=["changes"])


class Migration(migrations.Migration):
    dependencies = [("core", "0002_daily_run")]

    operations = [migrations.RunPython(scrub, migrations.RunPython.noop)]

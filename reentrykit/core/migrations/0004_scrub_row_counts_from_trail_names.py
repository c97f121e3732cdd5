"""Removes the row count that earlier versions put in an imported file's name in the
audit trail ("releases from County Jail (7 rows)"): 0003 took it out of the recorded
changes, but the name kept it."""

import re

from django.db import migrations

ROW_COUNT = re.compile(r" \(\d+ rows\)$")


def scrub(apps, schema_editor):  # type: ignore[no-untyped-def]
    AuditEntry = apps.get_model("core", "AuditEntry")
    for entry in AuditEntry.objects.filter(model="data.ImportBatch").iterator():
        name = ROW_COUNT.sub("", entry.object_repr)
        if name != entry.object_repr:
            entry.object_repr = name
            entry.save(update_fields=["object_repr"])


class Migration(migrations.Migration):
    dependencies = [("core", "0003_scrub_person_level_counts_from_trail")]

    operations = [migrations.RunPython(scrub, migrations.RunPython.noop)]

"""Failed jobs kept their reports (which quote the rejected file's cells) in plain
text before; this seals them as new failures are (``sealed.seal_job_result``)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def seal_failed_results(apps: Any, schema_editor: Any) -> None:
    from reentrykit.data.sealed import SEALED_RESULT, seal_job_result

    DataJob = apps.get_model("data", "DataJob")
    for job in DataJob.objects.filter(status="failed").only("pk", "coalition_id", "result"):
        if set(job.result) == {SEALED_RESULT}:
            continue
        job.result = seal_job_result(job.result, coalition_id=job.coalition_id, job_id=job.pk)
        job.save(update_fields=["result"])


class Migration(migrations.Migration):
    dependencies = [("data", "0001_initial")]

    operations = [migrations.RunPython(seal_failed_results, migrations.RunPython.noop)]

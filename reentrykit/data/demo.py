"""Demo data: a synthetic county in each demo coalition, imported and linked."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings

from reentrykit.core.demo import DemoWorld, register_demo_seeder
from reentrykit.data.linking import link_coalition
from reentrykit.data.models import ImportBatch
from reentrykit.data.synth import synth_county
from reentrykit.data.synthetic_load import import_synthetic_county


def seed_demo_data(world: DemoWorld) -> None:
    if settings.DEMO_SYNTH_PEOPLE <= 0:
        return
    for index, (slug, coalition) in enumerate(sorted(world.coalitions.items())):
        if ImportBatch.objects.filter(coalition=coalition).exists():
            continue  # seeded before: nothing to add
        with tempfile.TemporaryDirectory(prefix=f"demo-{slug}-") as folder:
            directory = Path(folder)
            synth_county(people=settings.DEMO_SYNTH_PEOPLE, seed=1000 + index, out_dir=directory)
            import_synthetic_county(coalition=coalition, directory=directory)
        link_coalition(coalition=coalition)


register_demo_seeder("data", 30, seed_demo_data)

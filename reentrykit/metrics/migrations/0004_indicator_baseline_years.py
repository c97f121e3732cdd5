"""Indicators' baselines become whole release years (a baseline from a date to a date
is widened to the years it touches)."""

import django.core.validators
from django.db import migrations, models

YEAR_VALIDATORS = [
    django.core.validators.MinValueValidator(1900),
    django.core.validators.MaxValueValidator(2100),
]


def to_years(apps, schema_editor):  # type: ignore[no-untyped-def]
    Indicator = apps.get_model("metrics", "Indicator")
    for indicator in Indicator.objects.all():
        indicator.baseline_first_year = indicator.baseline_start.year
        indicator.baseline_last_year = indicator.baseline_end.year
        indicator.save(update_fields=["baseline_first_year", "baseline_last_year"])


def to_dates(apps, schema_editor):  # type: ignore[no-untyped-def]
    import datetime as dt

    Indicator = apps.get_model("metrics", "Indicator")
    for indicator in Indicator.objects.all():
        indicator.baseline_start = dt.date(indicator.baseline_first_year, 1, 1)
        indicator.baseline_end = dt.date(indicator.baseline_last_year, 12, 31)
        indicator.save(update_fields=["baseline_start", "baseline_end"])


class Migration(migrations.Migration):
    dependencies = [("metrics", "0003_adjusted_comparison_enqueued_at")]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="baseline_first_year",
            field=models.PositiveSmallIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="indicator",
            name="baseline_last_year",
            field=models.PositiveSmallIntegerField(null=True),
        ),
        migrations.AlterField(
            model_name="indicator",
            name="baseline_start",
            field=models.DateField(null=True),
        ),
        migrations.AlterField(
            model_name="indicator",
            name="baseline_end",
            field=models.DateField(null=True),
        ),
        migrations.RunPython(to_years, to_dates),
        migrations.RemoveConstraint(model_name="indicator", name="indicator_baseline_ordered"),
        migrations.RemoveField(model_name="indicator", name="baseline_start"),
        migrations.RemoveField(model_name="indicator", name="baseline_end"),
        migrations.AlterField(
            model_name="indicator",
            name="baseline_first_year",
            field=models.PositiveSmallIntegerField(
                help_text="First release year of the baseline cohort.", validators=YEAR_VALIDATORS
            ),
        ),
        migrations.AlterField(
            model_name="indicator",
            name="baseline_last_year",
            field=models.PositiveSmallIntegerField(
                help_text="Last release year of the baseline cohort.", validators=YEAR_VALIDATORS
            ),
        ),
        migrations.AddConstraint(
            model_name="indicator",
            constraint=models.CheckConstraint(
                condition=models.Q(baseline_last_year__gte=models.F("baseline_first_year")),
                name="indicator_baseline_years_ordered",
            ),
        ),
    ]

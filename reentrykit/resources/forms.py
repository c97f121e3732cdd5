from __future__ import annotations

from typing import Any

from django import forms

from reentrykit.core.forms import CoalitionModelForm, DateInput, UswdsForm
from reentrykit.data.schema import NEED_LABELS
from reentrykit.resources.models import FundingSource, FundraisingTarget, MapCell, Service


class ServiceForm(CoalitionModelForm):
    # Declared here to say which scheme an address typed without one gets.
    url = forms.URLField(label="Web address", required=False, assume_scheme="https")

    class Meta:
        model = Service
        fields = [
            "name",
            "provider",
            "description",
            "need",
            "setting",
            "capacity_per_year",
            "served_last_year",
            "annual_spending",
            "eligibility",
            "record_restrictions",
            "target_risk",
            "evidence",
            "url",
            "phone",
            "address",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "eligibility": forms.Textarea(attrs={"rows": 2}),
            "setting": forms.RadioSelect,
        }


class FiguresForm(UswdsForm):
    """The coalition's own figures; an empty field means "use our data"."""

    per_year = forms.IntegerField(
        label="People released a year", required=False, min_value=0, max_value=10_000_000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in NEED_LABELS.items():
            self.fields[f"need_{key}"] = forms.FloatField(
                label=f"{label} need (% of people released)",
                required=False,
                min_value=0,
                max_value=100,
            )


class FundingSourceForm(CoalitionModelForm):
    class Meta:
        model = FundingSource
        fields = ["name", "level", "status", "amount", "starts_on", "ends_on", "eligible_uses"]
        widgets = {
            "starts_on": DateInput,
            "ends_on": DateInput,
            "eligible_uses": forms.Textarea(attrs={"rows": 3}),
            "status": forms.RadioSelect,
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The end comes before the start.")
        return cleaned


class FundraisingTargetForm(CoalitionModelForm):
    class Meta:
        model = FundraisingTarget
        fields = ["amount", "by", "expected_impact"]
        widgets = {"by": DateInput}


class LeadForm(UswdsForm):
    name = forms.CharField(label="Sustainability lead", max_length=200, required=False)


class MapCellForm(CoalitionModelForm):
    class Meta:
        model = MapCell
        fields = ["status", "practice", "missing"]
        widgets = {
            "status": forms.RadioSelect,
            "practice": forms.Textarea(attrs={"rows": 3}),
            "missing": forms.Textarea(attrs={"rows": 3}),
        }

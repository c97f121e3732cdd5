from __future__ import annotations

from typing import Any

from django import forms

from reentrykit.core.forms import UswdsForm, UswdsModelForm
from reentrykit.metrics.breakdowns import ALL_BREAKDOWNS, known_groups
from reentrykit.metrics.models import Indicator


class IndicatorForm(UswdsModelForm):
    class Meta:
        model = Indicator
        fields = [
            "name",
            "measure",
            "window_days",
            "facility_type",
            "baseline_first_year",
            "baseline_last_year",
            "breakdown",
            "breakdown_group",
        ]
        labels = {
            "window_days": "Within",
            "breakdown_group": "Breakdown group",
            "baseline_first_year": "Baseline: first release year",
            "baseline_last_year": "Baseline: last release year",
        }
        help_texts = {
            "baseline_first_year": "A calendar year, e.g. 2022. The baseline cohort is everyone "
            "released from January 1 of this year to December 31 of the last.",
            "baseline_last_year": "The same year for a one-year baseline.",
            "breakdown_group": "As the measures page names it, e.g. female, 18-24 or participant.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["breakdown"] = forms.ChoiceField(
            choices=[("", "(everyone)")] + [(b, b) for b in ALL_BREAKDOWNS],
            required=False,
            label="Only one group of",
        )
        self.fields["breakdown"].widget.attrs["class"] = "usa-select"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("baseline_first_year"), cleaned.get("baseline_last_year")
        if first and last and last < first:
            self.add_error("baseline_last_year", "The baseline must end on or after it starts.")
        self._clean_group(cleaned)
        return cleaned

    def _clean_group(self, cleaned: dict[str, Any]) -> None:
        """The group must be one its breakdown has (spelled as the measures page does)."""
        breakdown = cleaned.get("breakdown")
        group = (cleaned.get("breakdown_group") or "").strip()
        if not breakdown:
            if group:
                self.add_error("breakdown", f"Choose the breakdown that “{group}” is a group of.")
            return
        if not group:
            self.add_error("breakdown_group", "Name the group, e.g. male or 18-24.")
            return
        allowed = known_groups(breakdown)
        if allowed is None:
            cleaned["breakdown_group"] = group
            return
        spelled = {name.lower(): name for name in allowed}.get(group.lower())
        if spelled is None:
            self.add_error(
                "breakdown_group",
                f"“{group}” is not a group of {breakdown}; use one of {', '.join(allowed)}.",
            )
        else:
            cleaned["breakdown_group"] = spelled


class TargetForm(UswdsForm):
    label = forms.CharField(max_length=60, label="Target", help_text="e.g. Short term, Long term")
    cohort_year = forms.IntegerField(min_value=2000, max_value=2100, label="For people released in")
    target_percent = forms.FloatField(min_value=0, max_value=100, label="Target rate (%)")

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MinValueValidator

from reentrykit.coalitions.models import Coalition
from reentrykit.core.forms import UswdsForm, UswdsModelForm
from reentrykit.data.schema import EXCLUDED_RELEASE_TYPES
from reentrykit.metrics.breakdowns import ALL_BREAKDOWNS, known_groups
from reentrykit.metrics.labels import breakdown_label, breakdown_phrase, group_label
from reentrykit.metrics.models import Indicator
from reentrykit.metrics.services import typed_group

# A listed group's option value: its breakdown and its code, e.g. "race|aian".
GROUP_SEPARATOR = "|"
# The box for the groups no list can hold (ZIP codes, source names): they come from
# the data alone.
TYPED_GROUP = "breakdown_group_typed"


def breakdown_choices() -> list[tuple[str, str]]:
    return [("", "(everyone)")] + [(name, breakdown_label(name)) for name in ALL_BREAKDOWNS]


def group_choices() -> list[tuple[str, Any]]:
    """Every group of every breakdown with a known list of them, under the breakdown's
    name; releases of the excluded kinds are in no cohort, so there is no group of them
    to measure."""
    choices: list[tuple[str, Any]] = [("", "(none)")]
    for name in ALL_BREAKDOWNS:
        groups = known_groups(name)
        if groups is None:
            continue
        options = [
            (f"{name}{GROUP_SEPARATOR}{group}", group_label(name, group))
            for group in groups
            if not (name == "release_type" and group in EXCLUDED_RELEASE_TYPES)
        ]
        choices.append((breakdown_label(name), options))
    return choices


TYPED_BREAKDOWNS = [name for name in ALL_BREAKDOWNS if known_groups(name) is None]


class IndicatorForm(UswdsModelForm):
    breakdown = forms.ChoiceField(
        choices=breakdown_choices,
        required=False,
        label="Breakdown, to measure one group only",
    )
    breakdown_group = forms.ChoiceField(
        choices=group_choices,
        required=False,
        label="Group",
        help_text="Choose a group of the breakdown chosen above: each is listed under its "
        "breakdown's name. For "
        + " or ".join(breakdown_phrase(name) for name in TYPED_BREAKDOWNS)
        + ", leave this at “(none)” and type the group in the next box.",
    )
    breakdown_group_typed = forms.CharField(
        required=False,
        max_length=60,
        label="Or type a ZIP code or source agency",
        help_text="Only for ZIP code of residence or source agency, which have no list: the "
        "ZIP code as the data has it (e.g. 43215) or the agency's name as its uploads give it "
        "(e.g. County Jail).",
    )

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
            "baseline_first_year": "Baseline: first release year",
            "baseline_last_year": "Baseline: last release year",
        }
        help_texts = {
            "baseline_first_year": "A calendar year, e.g. 2022. The baseline cohort is everyone "
            "released from January 1 of this year to December 31 of the last.",
            "baseline_last_year": "The same year for a one-year baseline.",
        }

    def __init__(self, *args: Any, coalition: Coalition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.coalition = coalition
        for name in ("baseline_first_year", "baseline_last_year"):
            # One range, the model's, rather than a year's field refusing -5 as below 0
            # and then 0 as below 1900.
            field = self.fields[name]
            first = max(
                check.limit_value
                for check in Indicator._meta.get_field(name).validators
                if isinstance(check, MinValueValidator)
            )
            field.validators = [c for c in field.validators if not isinstance(c, MinValueValidator)]
            field.validators.append(MinValueValidator(first))
            field.widget.attrs["min"] = first

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("baseline_first_year"), cleaned.get("baseline_last_year")
        if first and last and last < first:
            self.add_error("baseline_last_year", "The baseline must end on or after it starts.")
        self._clean_group(cleaned)
        return cleaned

    def _clean_group(self, cleaned: dict[str, Any]) -> None:
        """``breakdown_group`` becomes the group's code, as the measures store it: the
        chosen group's, or the typed ZIP code or source (whose breakdowns have no list)."""
        # Not an Indicator field: its value, if any, ends up in breakdown_group.
        typed = (cleaned.pop(TYPED_GROUP, None) or "").strip()
        if self.has_error("breakdown_group"):
            return
        breakdown = cleaned.get("breakdown") or ""
        of, _, group = (cleaned.get("breakdown_group") or "").partition(GROUP_SEPARATOR)
        if not breakdown:
            if of or typed:
                named = f"“{group_label(of, group)}” ({breakdown_label(of)})" if of else typed
                self.add_error(
                    "breakdown",
                    f"Choose the breakdown that {named} is a group of, or leave the group empty.",
                )
            return
        label = breakdown_label(breakdown)
        if known_groups(breakdown) is None:
            if of:
                self.add_error(
                    "breakdown_group",
                    f"{label} has no list of groups: leave this empty and type the group "
                    "in the next box.",
                )
            elif not typed:
                self.add_error(TYPED_GROUP, f"Type the group of {label} to measure.")
            else:
                cleaned["breakdown_group"], problem = typed_group(self.coalition, breakdown, typed)
                if problem:
                    self.add_error(TYPED_GROUP, problem)
            return
        if typed:
            self.add_error(
                TYPED_GROUP,
                f"This box is only for ZIP codes and sources; choose the group from the "
                f"list under “{label}” instead.",
            )
        elif not of:
            self.add_error("breakdown_group", f"Choose a group from the list under “{label}”.")
        elif of != breakdown:
            self.add_error(
                "breakdown_group",
                f"“{group_label(of, group)}” is a group of {breakdown_label(of)}, not of "
                f"{label}: choose one from the list under “{label}”.",
            )
        else:
            cleaned["breakdown_group"] = group


class TargetForm(UswdsForm):
    label = forms.CharField(max_length=60, label="Target", help_text="e.g. Short term, Long term")
    cohort_year = forms.IntegerField(
        min_value=2000,
        max_value=2100,
        label="For people released in",
        help_text="A year with a target already gets this one instead.",
    )
    target_percent = forms.FloatField(min_value=0, max_value=100, label="Target rate (%)")

    def __init__(self, *args: Any, indicator: Indicator | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator

    def clean_cohort_year(self) -> int | None:
        year = self.cleaned_data.get("cohort_year")
        if self.indicator is not None and year is not None:
            last = self.indicator.baseline_last_year
            if year <= last:
                baseline = self.indicator.baseline_label
                raise forms.ValidationError(
                    f"A target is for people released after the baseline ({baseline}): "
                    f"choose {last + 1} or later."
                )
        return year

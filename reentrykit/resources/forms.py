from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator

from reentrykit.core.forms import CoalitionModelForm, DateInput, UswdsForm
from reentrykit.data.schema import NEED_LABELS
from reentrykit.resources.models import FundingSource, FundraisingTarget, MapCell, Service

# The most people a service is taken to serve a year, as for the people released a year
# (``FiguresForm``): beyond it a number is a typo, and summed with others it overflows
# the database's integers.
MOST_PEOPLE = 10_000_000
# A phone number has digits (three at least, as 211 or 988 have), the marks people
# write between them, and perhaps an extension: "(555) 010-0100 ext. 12".
PHONE_DIGITS = 3
PHONE = re.compile(r"\+?[0-9().\-/ ]+(?:(?:ext\.?|x|extension)\s*[0-9]+)?", re.IGNORECASE)
# What people type for "no record restrictions" although the hint says to leave the
# field empty: kept, such a word would count the service as closed to people with a
# record (the estimates' "open to high risk") and show as a restriction.
NO_RESTRICTIONS = {"none", "n/a", "na", "no", "-", "—", "no restrictions", "no restriction"}


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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("capacity_per_year", "served_last_year"):
            field = self.fields[name]
            field.validators.append(MaxValueValidator(MOST_PEOPLE))
            field.widget.attrs["max"] = MOST_PEOPLE

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        name, provider = cleaned.get("name"), cleaned.get("provider")
        if name and provider and self.name_taken(name, provider__iexact=provider.strip()):
            # Listed twice, its places would count twice against the need.
            self.add_error(
                "name",
                f"The coalition already lists “{name.strip()}” from {provider.strip()}; "
                "edit that one instead.",
            )
        return cleaned

    def clean_record_restrictions(self) -> str:
        restrictions = self.cleaned_data["record_restrictions"]
        return "" if restrictions.strip(" .").casefold() in NO_RESTRICTIONS else restrictions

    def clean_phone(self) -> str:
        # The directory and its feed give the phone to people and to referral tools as
        # a number to call: words such as "call us" or "TBD" are not one.
        phone = self.cleaned_data["phone"]
        if phone and (
            len(re.findall(r"[0-9]", phone)) < PHONE_DIGITS or not PHONE.fullmatch(phone.strip())
        ):
            raise forms.ValidationError(
                "Enter a phone number with its digits, e.g. (555) 010-0100 or 211, and "
                "nothing else but an extension (ext. 12); leave it empty when there is none.",
                code="phone",
            )
        return phone


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

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if self.name_taken(name):
            raise forms.ValidationError(
                "The coalition already lists a funding source by this name; edit that one."
            )
        return name

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

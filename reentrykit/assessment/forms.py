from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from reentrykit.assessment.instrument import instrument_files
from reentrykit.assessment.services import NOTE_MAX_LENGTH
from reentrykit.coalitions.sectors import Sector
from reentrykit.core.forms import DateInput, UswdsForm, chose_unoffered

CONSENSUS_CHOICES = [
    ("", "No consensus yet (the median of responses is used)"),
    ("0", "0 · Not yet"),
    ("1", "1 · Emerging"),
    ("2", "2 · Established"),
    ("3", "3 · Sustained"),
]


class RoundOpenForm(UswdsForm):
    name = forms.CharField(
        max_length=100,
        label="Round name",
        help_text="For example “Baseline 2026” or “Spring 2027 follow-up”.",
    )
    version = forms.ChoiceField(label="Instrument version")
    deadline = forms.DateField(
        required=False,
        widget=DateInput,
        help_text="When respondents should have finished rating (optional).",
    )
    opened_on = forms.DateField(
        required=False,
        widget=DateInput,
        label="Held on (optional)",
        help_text="Only for a round held before, on paper say, whose answers you are "
        "entering now: the date it was held. Rounds are compared in the order they were held.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        versions = list(instrument_files())
        self.fields["version"].choices = [(version, f"Version {version}") for version in versions]  # type: ignore[attr-defined]
        if versions:
            self.fields["version"].initial = versions[-1]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        deadline, opened_on = cleaned.get("deadline"), cleaned.get("opened_on")
        # A round held before may have had its deadline; a new one's is still ahead.
        if deadline is not None and opened_on is None and deadline < timezone.localdate():
            self.add_error(
                "deadline",
                "The deadline has passed already: choose today or a later date, or leave it empty.",
            )
        return cleaned


class LocalItemForm(UswdsForm):
    statement = forms.CharField(
        label="Practice statement",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A practice your coalition wants to rate, written as something that happens.",
    )
    guidance = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What respondents should think about (optional).",
    )


class ConsensusForm(UswdsForm):
    rating = forms.ChoiceField(
        choices=CONSENSUS_CHOICES, required=False, widget=forms.RadioSelect, label="Agreed rating"
    )
    note = forms.CharField(
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why the coalition agreed on this rating",
    )


class InviteForm(UswdsForm):
    """One checkbox and one sector per coalition member not yet invited."""

    def __init__(self, *args: Any, people: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = people
        for person in people:
            user = person["user"]
            self.fields[f"invite_{user.pk}"] = forms.BooleanField(
                required=False, label=user.display_name
            )
            self.fields[f"sector_{user.pk}"] = forms.ChoiceField(
                choices=[("", "Choose a sector"), *Sector.choices],
                initial=person["sector"],
                required=False,
                label=f"Sector for {user.display_name}",
            )
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"id_{name}")

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                **person,
                "invite": self[f"invite_{person['user'].pk}"],
                "sector_field": self[f"sector_{person['user'].pk}"],
            }
            for person in self.people
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if chose_unoffered(self, "invite_"):
            # Invited meanwhile (another tab), removed from the coalition, or never a
            # member: inviting the rest alone would report fewer than were ticked.
            raise forms.ValidationError(
                "Someone you ticked can no longer be invited: they were invited meanwhile "
                "or are not a member of this coalition. No one was invited; the list below "
                "is up to date, tick again."
            )
        for person in self.people:
            user = person["user"]
            field = f"sector_{user.pk}"
            # Left empty: their organization's sector, when they have one.
            cleaned[field] = cleaned.get(field) or person["sector"]
            if cleaned.get(f"invite_{user.pk}") and not cleaned[field]:
                # A sector guessed for them would count their ratings as that sector's.
                self.add_error(
                    field,
                    f"Choose the sector {user.display_name} speaks for, or leave them unticked.",
                )
        return cleaned

    def chosen(self) -> list[tuple[Any, str]]:
        return [
            (person["user"], self.cleaned_data[f"sector_{person['user'].pk}"])
            for person in self.people
            if self.cleaned_data.get(f"invite_{person['user'].pk}")
        ]


class ResponsesImportForm(UswdsForm):
    file = forms.FileField(
        label="Answers file (CSV)",
        help_text=(
            "UTF-8 CSV with the columns respondent_email, item_key, rating (0, 1, 2, 3 or "
            "dont_know) and note, one row per answer; other columns are ignored."
        ),
    )

from __future__ import annotations

from typing import Any

from django import forms

from reentrykit.core.forms import CoalitionModelForm, DateInput
from reentrykit.library.forms import validate_merge_fields
from reentrykit.planning.models import Stakeholder
from reentrykit.support.models import Influencer, Message, Tactic


class InfluencerForm(CoalitionModelForm):
    class Meta:
        model = Influencer
        fields = ["name", "network", "reaches", "how"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reaches = self.fields["reaches"]
        # The decision makers are the coalition's own stakeholders (Plan, Buy-in).
        reaches.queryset = Stakeholder.objects.filter(coalition=self.coalition)  # type: ignore[attr-defined]
        reaches.empty_label = "None of the plan's stakeholders"  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if self.name_taken(name):
            raise forms.ValidationError("The coalition already lists an influencer by this name.")
        return name


class MessageForm(CoalitionModelForm):
    class Meta:
        model = Message
        fields = ["audience", "problem", "talking_points"]
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 4}),
            "talking_points": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("problem", "talking_points"):
            self.fields[name].validators.append(validate_merge_fields)


class TacticForm(CoalitionModelForm):
    class Meta:
        model = Tactic
        fields = ["kind", "purpose", "timing", "audience", "messenger", "status", "outcome"]
        widgets = {"timing": DateInput, "outcome": forms.Textarea(attrs={"rows": 3})}

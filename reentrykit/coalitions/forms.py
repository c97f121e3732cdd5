from __future__ import annotations

from typing import Any

from django import forms

from reentrykit.coalitions.models import Coalition, PartnerOrganization, Role
from reentrykit.coalitions.sectors import Sector
from reentrykit.core.forms import UswdsForm, UswdsModelForm


class CoalitionSettingsForm(UswdsModelForm):
    class Meta:
        model = Coalition
        fields = [
            "name",
            "jurisdiction_type",
            "state",
            "population",
            "description",
            "mission_statement",
            "suppression_k",
            "priority_method",
            "publish_directory",
            "publish_scorecard",
        ]
        help_texts = {
            "mission_statement": (
                "One or two sentences the partners agree on: "
                "who you serve and what you will change."
            ),
            "population": "People living in the jurisdiction.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "mission_statement": forms.Textarea(attrs={"rows": 4}),
            "priority_method": forms.RadioSelect,
        }


class OrganizationForm(UswdsForm):
    name = forms.CharField(max_length=200, label="Organization name")
    # No sector chosen in advance: one taken by default would count its people's
    # assessment ratings as that sector's.
    sector = forms.ChoiceField(choices=[("", "Choose a sector"), *Sector.choices])


class MembershipForm(UswdsForm):
    role = forms.ChoiceField(choices=Role.choices)
    organization = forms.ModelChoiceField(
        queryset=PartnerOrganization.objects.none(),
        required=False,
        label="Partner organization",
        empty_label="(none)",
    )

    def __init__(self, *args: Any, coalition: Coalition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = PartnerOrganization.objects.filter(  # type: ignore[attr-defined]
            coalition=coalition
        )

from __future__ import annotations

from typing import Any

from django import forms

from reentrykit.core.forms import UswdsForm, UswdsModelForm
from reentrykit.network.library import component_choices
from reentrykit.network.models import (
    NEED_DOMAINS,
    ActionItem,
    AssistanceRequest,
    CoachingSession,
    NetworkSite,
    Practice,
)


class JoinNetworkForm(UswdsForm):
    join_code = forms.CharField(
        max_length=32,
        label="Network code",
        help_text="The network's admin gives you this code.",
    )


class CoachForm(UswdsForm):
    email = forms.EmailField(label="Coach's email address")
    full_name = forms.CharField(max_length=200, required=False, label="Coach's name")


class DateInput(forms.DateInput):
    input_type = "date"


SESSION_NOTES = ("attendees", "topics", "working", "challenges", "goals", "next_steps", "barriers")


class SiteChoiceMixin:
    """For a form about one of the coalition's sites: ``sites`` are those the user may
    choose from (a coalition in two networks has two); asked only when there is a choice."""

    def __init__(self, *args: Any, sites: list[NetworkSite], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self.sites = sites
        if len(sites) > 1:
            self.fields["site"] = forms.ChoiceField(  # type: ignore[attr-defined]
                label="Network",
                choices=[(str(site.pk), site.network.name) for site in sites],
                widget=forms.Select(attrs={"class": "usa-select"}),
            )
            self.order_fields(["site"])  # type: ignore[attr-defined]

    def chosen_site(self) -> NetworkSite:
        if len(self.sites) == 1:
            return self.sites[0]
        chosen = self.cleaned_data["site"]  # type: ignore[attr-defined]
        return next(site for site in self.sites if str(site.pk) == chosen)


class CoachingSessionForm(SiteChoiceMixin, UswdsModelForm):
    class Meta:
        model = CoachingSession
        fields = ["held_on", *SESSION_NOTES]
        widgets = {
            "held_on": DateInput,
            **{name: forms.Textarea(attrs={"rows": 3}) for name in SESSION_NOTES},
        }


class ActionItemForm(UswdsModelForm):
    class Meta:
        model = ActionItem
        fields = ["description", "owner", "due_on"]
        widgets = {"due_on": DateInput}


class AssistanceRequestForm(SiteChoiceMixin, UswdsModelForm):
    class Meta:
        model = AssistanceRequest
        fields = ["topic", "detail", "needed_by"]
        widgets = {"detail": forms.Textarea(attrs={"rows": 4}), "needed_by": DateInput}
        help_texts = {"topic": "For example “Setting up a data-sharing agreement with the jail”."}


class AssistanceAnswerForm(UswdsForm):
    answer = forms.CharField(label="Your answer", widget=forms.Textarea(attrs={"rows": 4}))


class PracticeForm(SiteChoiceMixin, UswdsModelForm):
    """A practice and its tags; the components come from the assessment instrument."""

    components = forms.MultipleChoiceField(
        label="Assessment components it strengthens",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    needs = forms.MultipleChoiceField(
        label="Needs it addresses",
        required=False,
        choices=list(NEED_DOMAINS.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Practice
        fields = ["kind", "title", "summary", "body", "rating", "rigor", "effect"]
        widgets = {
            "kind": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "rating": "Effective and Promising need evidence of results; say what it is below.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["components"].choices = component_choices()  # type: ignore[attr-defined]
        # CheckboxSelectMultiple is a RadioSelect to Django, so the mixin gave it radio styling.
        for name in ("components", "needs"):
            self.fields[name].widget.attrs["class"] = "usa-checkbox__input"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        rated = cleaned.get("rating") in (Practice.Rating.EFFECTIVE, Practice.Rating.PROMISING)
        if rated and not cleaned.get("rigor"):
            self.add_error("rigor", "Say how strong the evidence is for this rating.")
        return cleaned


class PracticeSearchForm(forms.Form):
    """The library's filters (GET); every field is optional."""

    q = forms.CharField(label="Search", required=False, max_length=200)
    component = forms.ChoiceField(label="Assessment component", required=False)
    need = forms.ChoiceField(
        label="Need", required=False, choices=[("", "Any need"), *NEED_DOMAINS.items()]
    )
    rating = forms.ChoiceField(
        label="Evidence rating",
        required=False,
        choices=[("", "Any rating"), *Practice.Rating.choices],
    )
    kind = forms.ChoiceField(
        label="Kind",
        required=False,
        choices=[("", "Practices and lessons"), *Practice.Kind.choices],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["component"].choices = [("", "Any component"), *component_choices()]  # type: ignore[attr-defined]
        for field in self.fields.values():
            css = "usa-select" if isinstance(field, forms.ChoiceField) else "usa-input"
            field.widget.attrs["class"] = css

    def filters(self) -> dict[str, str]:
        """The valid filters; an unknown choice is ignored rather than an error, and the
        other filters still apply."""
        self.is_valid()  # cleaned_data then holds the fields that are valid (if bound)
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name) or "" for name in self.fields}

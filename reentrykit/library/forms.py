from __future__ import annotations

from typing import Any

from django import forms

from reentrykit.core.forms import UswdsForm, UswdsModelForm
from reentrykit.library.merge import half_fields, unknown_fields
from reentrykit.library.models import NEED_DOMAINS, Practice
from reentrykit.library.selectors import component_choices
from reentrykit.network.forms import SiteChoiceMixin


def validate_merge_fields(text: str) -> None:
    """Refuses a text naming merge fields that do not exist, or typed with a bracket
    missing (which would be printed as typed)."""
    unknown = unknown_fields(text)
    if unknown:
        names = ", ".join(f"[[{name}]]" for name in unknown)
        raise forms.ValidationError(
            f"{names} {'is not a merge field' if len(unknown) == 1 else 'are not merge fields'}"
            "; use one of the fields listed beside the text."
        )
    halves = half_fields(text)
    if halves:
        raise forms.ValidationError(
            f"{', '.join(halves)} {'is' if len(halves) == 1 else 'are'} missing a bracket; "
            "a merge field is written with two on each side, as in [[coalition_name]]."
        )


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


class DocumentForm(UswdsForm):
    title = forms.CharField(max_length=200)
    body = forms.CharField(
        label="Text",
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="A line starting with “# ” is a heading, “- ” a list item; a blank line "
        "ends a paragraph. [[field]] is filled in from the coalition's record.",
    )

    def clean_title(self) -> str:
        title = self.cleaned_data["title"]
        validate_merge_fields(title)
        return title

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        validate_merge_fields(body)
        return body

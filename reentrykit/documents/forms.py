from __future__ import annotations

from django import forms

from reentrykit.core.forms import UswdsForm
from reentrykit.documents.merge import unknown_fields


class DocumentForm(UswdsForm):
    title = forms.CharField(max_length=200)
    body = forms.CharField(
        label="Text",
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="A line starting with “# ” is a heading, “- ” a list item; a blank line "
        "ends a paragraph. [[field]] is filled in from the coalition's record.",
    )

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        unknown = unknown_fields(body)
        if unknown:
            names = ", ".join(f"[[{name}]]" for name in unknown)
            raise forms.ValidationError(
                f"{names} {'is not a merge field' if len(unknown) == 1 else 'are not merge fields'}"
                "; use one of the fields listed beside the text."
            )
        return body

from __future__ import annotations

from typing import Any

from django import forms

# Checked in order: CheckboxSelectMultiple is a RadioSelect to Django, so it comes first.
_WIDGET_CLASSES = {
    forms.CheckboxSelectMultiple: "usa-checkbox__input",
    forms.Select: "usa-select",
    forms.SelectMultiple: "usa-select",
    forms.Textarea: "usa-textarea",
    forms.CheckboxInput: "usa-checkbox__input",
    forms.RadioSelect: "usa-radio__input",
}


class DateInput(forms.DateInput):
    """The browser's date picker; the value stays an ISO date the server parses."""

    input_type = "date"


class UswdsFormMixin:
    """Give every widget its USWDS class and link hints and errors for screen readers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            widget = field.widget
            css = next(
                (value for kind, value in _WIDGET_CLASSES.items() if isinstance(widget, kind)),
                "usa-input",
            )
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if _is_required_radio(field):
                # A model's choices come with a blank "---------" for a select; as a
                # radio button of a required field it is a choice that cannot be made.
                field.choices = [c for c in field.choices if c[0] != ""]  # type: ignore[attr-defined]
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{self.add_prefix(name)}-hint"  # type: ignore[attr-defined]

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} usa-input--error"


def _is_required_radio(field: forms.Field) -> bool:
    return (
        field.required
        and type(field.widget) is forms.RadioSelect
        and isinstance(field, forms.ChoiceField)
        and not isinstance(field, forms.ModelChoiceField)
    )


class UswdsForm(UswdsFormMixin, forms.Form):
    pass


class UswdsModelForm(UswdsFormMixin, forms.ModelForm):
    pass


class CoalitionModelForm(UswdsModelForm):
    """A model form of one coalition's records (``core.entries``): ``coalition`` is kept
    for forms whose choices are the coalition's own records."""

    def __init__(self, *args: Any, coalition: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.coalition = coalition

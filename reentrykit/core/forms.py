from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator

# Checked in order: CheckboxSelectMultiple is a RadioSelect to Django, so it comes first.
_WIDGET_CLASSES = {
    forms.CheckboxSelectMultiple: "usa-checkbox__input",
    forms.Select: "usa-select",
    forms.SelectMultiple: "usa-select",
    forms.Textarea: "usa-textarea",
    forms.CheckboxInput: "usa-checkbox__input",
    forms.RadioSelect: "usa-radio__input",
}


def add_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's refusal on ``form``: each message at the field it names, the rest (and
    those of fields the form does not have) above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def ensure_name_free(instance: Any, others: Any, noun: str) -> None:
    """Refuses ``instance``'s name at its field when another of ``others`` (a queryset of
    the coalition's) has it in any letter case. Called before ``full_clean``, whose
    message for a unique constraint is in the model's words and belongs to no field.
    ``noun`` names the kind, with its article ("an indicator")."""
    taken = others.filter(name__iexact=instance.name).exclude(pk=instance.pk).first()
    if taken is not None:
        said = f"This coalition already has {noun} named “{taken.name}”; choose another name."
        raise ValidationError({"name": said})


def chose_unoffered(form: forms.BaseForm, prefix: str) -> bool:
    """Whether the data chooses something under a ``prefix`` field the form does not
    offer: one whose rows were drawn from the database (a person to invite, a candidate
    to rank) when another tab or person has changed them since the page was drawn."""
    return any(
        key.startswith(prefix) and key not in form.fields and form.data.get(key)
        for key in form.data
    )


class DateInput(forms.DateInput):
    """The browser's date picker; the value stays an ISO date the server parses."""

    input_type = "date"


EARLIEST_YEAR = 1900
LATEST_YEAR = 2100


def validate_plausible_date(value: dt.date) -> None:
    """Refuse a typo such as 0001-01-01 or 9999-12-31, which pages that count days or
    add months to a date cannot handle."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(
            f"Enter a date between {EARLIEST_YEAR} and {LATEST_YEAR}.", code="date_out_of_range"
        )


class UswdsFormMixin:
    """Give every widget its USWDS class, and every date field a plausible range.

    Hints and errors are tied to their inputs by Django itself: each input's
    aria-describedby names ``<id>_helptext`` and ``<id>_error``, the ids that
    ``includes/field.html`` gives them. Setting aria-describedby on a widget here
    would replace Django's list and drop the error from it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
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

    def full_clean(self) -> None:
        # Here rather than in __init__ so that fields a form adds later are checked too.
        model = getattr(getattr(self, "_meta", None), "model", None)
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            if isinstance(field, forms.DateField) and validate_plausible_date not in (
                field.validators
            ):
                field.validators.append(validate_plausible_date)
            _say_limits_plainly(field, _model_validators(model, name))
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} usa-input--error"


# Django's "Ensure this value is greater than or equal to 5." said as what to enter.
_PLAIN_LIMITS = {
    MinValueValidator: ("min_value", "Enter %(limit_value)s or more."),
    MaxValueValidator: ("max_value", "Enter %(limit_value)s or less."),
}


def _model_validators(model: Any, name: str) -> list[Any]:
    try:
        return list(getattr(model._meta.get_field(name), "validators", [])) if model else []
    except FieldDoesNotExist:
        return []


def _say_limits_plainly(field: forms.Field, model_validators: list[Any]) -> None:
    """Plain words for a field's range (the model's too: a model form says a model's
    errors in its fields' words), unless a validator of it has words of its own."""
    for kind, (code, words) in _PLAIN_LIMITS.items():
        limits = [v for v in [*field.validators, *model_validators] if isinstance(v, kind)]
        if all(v.message == kind.message for v in limits):
            field.error_messages.setdefault(code, words)


# The range of the database's keys (64-bit integers).
_KEY_RANGE = range(-(2**63), 2**63)


class RecordsField(forms.ModelMultipleChoiceField):
    """Several records chosen by key (``Meta.field_classes`` of a model form's
    many-to-many fields). A key beyond the database's range is an invalid choice:
    Django's own field would pass it to SQLite, which fails on it."""

    def _check_values(self, value: Any) -> Any:
        for key in value:
            try:
                in_range = int(str(key)) in _KEY_RANGE
            except ValueError:
                in_range = True  # not a number: Django's check names it
            if not in_range:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": key},
                )
        return super()._check_values(value)


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

    def name_taken(self, name: str, **same: Any) -> bool:
        """Whether another of the coalition's records of this form's model has ``name``
        in any letter case (and the ``same`` other fields, e.g. ``provider__iexact``)."""
        model = type(self.instance)
        return (
            model.objects.filter(coalition=self.coalition, name__iexact=name.strip(), **same)
            .exclude(pk=self.instance.pk)
            .exists()
        )

from __future__ import annotations

from django import forms

from reentrykit.api.services import LIFETIMES_DAYS
from reentrykit.core.forms import UswdsForm

LIFETIME_LABELS = {30: "30 days", 90: "90 days", 365: "1 year"}


class TokenForm(UswdsForm):
    name = forms.CharField(
        max_length=100,
        label="Name",
        help_text="What the token is for, e.g. “nightly jail extract upload”.",
    )
    lifetime_days = forms.TypedChoiceField(
        coerce=int,
        choices=[(days, LIFETIME_LABELS[days]) for days in LIFETIMES_DAYS],
        initial=90,
        label="Expires after",
    )

from __future__ import annotations

from django import forms

from reentrykit.core.forms import UswdsForm


class JoinNetworkForm(UswdsForm):
    join_code = forms.CharField(
        max_length=32,
        label="Network code",
        help_text="The network's admin gives you this code.",
    )


class CoachForm(UswdsForm):
    email = forms.EmailField(label="Coach's email address")
    full_name = forms.CharField(max_length=200, required=False, label="Coach's name")

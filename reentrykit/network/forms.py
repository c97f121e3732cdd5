from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from reentrykit.core.forms import DateInput, UswdsForm, UswdsModelForm
from reentrykit.network.models import (
    ActionItem,
    AssistanceRequest,
    CoachingSession,
    Comment,
    NetworkSite,
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

    def clean_held_on(self) -> dt.date | None:
        # A session held, not planned: a later date is a typo (2027 for 2026) that would
        # stand as the site's latest session for a year.
        held_on = self.cleaned_data.get("held_on")
        if held_on is not None and held_on > timezone.localdate():
            raise forms.ValidationError("A session cannot be dated after today.")
        return held_on


class ActionItemForm(UswdsModelForm):
    class Meta:
        model = ActionItem
        fields = ["description", "owner", "due_on"]
        widgets = {"due_on": DateInput}

    def __init__(self, *args: Any, session: CoachingSession | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session = session

    def clean_due_on(self) -> dt.date | None:
        due_on = self.cleaned_data.get("due_on")
        if self.session is not None and due_on is not None and due_on < self.session.held_on:
            raise forms.ValidationError(
                f"The item is due before the session that agreed it "
                f"({self.session.held_on:%B %-d, %Y}): give a date on or after it."
            )
        return due_on


class AssistanceRequestForm(SiteChoiceMixin, UswdsModelForm):
    class Meta:
        model = AssistanceRequest
        fields = ["topic", "detail", "needed_by"]
        widgets = {"detail": forms.Textarea(attrs={"rows": 4}), "needed_by": DateInput}
        help_texts = {"topic": "For example “Setting up a data-sharing agreement with the jail”."}

    def clean_needed_by(self) -> dt.date | None:
        needed_by = self.cleaned_data.get("needed_by")
        # Only a new request: one already made may keep a date that has since passed.
        if needed_by and self.instance.pk is None and needed_by < timezone.localdate():
            raise forms.ValidationError(
                "That date has passed: give a date from today on, or leave it empty."
            )
        return needed_by


class AssistanceAnswerForm(UswdsForm):
    answer = forms.CharField(label="Your answer", widget=forms.Textarea(attrs={"rows": 4}))


class CommentForm(UswdsModelForm):
    class Meta:
        model = Comment
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3, "maxlength": 4000})}
        help_texts = {"body": "Everyone in the coalition and its coaches read it."}

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from reentrykit.assessment.models import CandidatePriority
from reentrykit.coalitions.models import Coalition, PartnerOrganization
from reentrykit.core.forms import (
    CoalitionModelForm,
    DateInput,
    RecordsField,
    UswdsForm,
    UswdsModelForm,
    chose_unoffered,
)
from reentrykit.metrics.models import Indicator
from reentrykit.planning.models import (
    ActionStep,
    AgencyRole,
    CandidateScore,
    Goal,
    Improvement,
    PlanShare,
    Priority,
    QualityCheck,
    SafetyObjective,
    Stakeholder,
    StatusUpdate,
)


class PriorityForm(UswdsModelForm):
    class Meta:
        model = Priority
        fields = ["title", "why", "affected_took_part", "external_factors"]
        widgets = {
            "why": forms.Textarea(attrs={"rows": 4}),
            "external_factors": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, coalition: Coalition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.coalition = coalition

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        taken = Priority.objects.filter(coalition=self.coalition, title__iexact=title)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("The plan already has a priority with this title.")
        return title


class SafetyObjectiveForm(UswdsModelForm):
    class Meta:
        model = SafetyObjective
        fields = ["plan_name", "objective", "lead_agency"]


class ScoreForm(UswdsModelForm):
    """One person's scores of one candidate priority."""

    class Meta:
        model = CandidateScore
        fields = ["impact", "feasibility"]


class RankForm(UswdsForm):
    """One person's ranking of the open candidate priorities: a place for each they
    rank (1 is their first choice), no two alike; they may leave some out."""

    def __init__(self, *args: Any, candidates: list[CandidatePriority], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        places = [("", "Not ranked")] + [
            (str(n), ordinal(n)) for n in range(1, len(candidates) + 1)
        ]
        for candidate in candidates:
            self.fields[f"candidate-{candidate.pk}"] = forms.TypedChoiceField(
                label=candidate.title,
                choices=places,
                coerce=int,
                empty_value=None,
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if chose_unoffered(self, "candidate-"):
            # Saved without it, the other places would not be the order the person meant.
            raise forms.ValidationError(
                "A candidate you placed is no longer open for ranking: it was closed or "
                "removed meanwhile. Nothing was saved; the list below is up to date, "
                "rank again."
            )
        seen: dict[int, str] = {}
        for name, place in list(cleaned.items()):
            if place is None:
                continue
            if place in seen:
                label = self.fields[name].label
                self.add_error(
                    name,
                    f"{ordinal(place)} is given to “{self.fields[seen[place]].label}” too; "
                    f"give “{label}” another place.",
                )
            else:
                seen[place] = name
        if not seen and not self.errors:
            raise forms.ValidationError("Give at least one candidate a place.")
        self._check_no_gaps(seen)
        return cleaned

    def _check_no_gaps(self, seen: dict[int, str]) -> None:
        """Places follow on from 1st: points go by the order of the places given, so a
        gap would not count as the person meant it (their 3rd would earn a 2nd's)."""
        missing = [n for n in range(1, len(seen) + 1) if n not in seen]
        if missing and not self.errors:
            gap = missing[0]
            after = min(place for place in seen if place > gap)
            self.add_error(
                seen[after],
                f"No candidate is {ordinal(gap)}: places follow on from 1st with no gaps; "
                f"give “{self.fields[seen[after]].label}” {ordinal(gap)} or rank another "
                f"candidate {ordinal(gap)}.",
            )

    def places(self) -> dict[int, int | None]:
        """Candidate id -> place (None: not ranked), once valid."""
        return {
            int(name.removeprefix("candidate-")): place for name, place in self.cleaned_data.items()
        }


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class GoalForm(UswdsModelForm):
    """A goal and the coalition's indicators that measure it."""

    class Meta:
        model = Goal
        fields = ["statement", "milestone_on", "indicators", "objectives"]
        field_classes = {"indicators": RecordsField, "objectives": RecordsField}
        widgets = {
            "milestone_on": DateInput,
            "indicators": forms.CheckboxSelectMultiple,
            "objectives": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "indicators": "Indicators are saved on the Measures pages, with a baseline and "
            "targets; the plan shows their latest values.",
            "objectives": "The objectives of your jurisdiction's public safety plan, "
            "recorded on the Plan's Public safety plan page.",
        }

    def __init__(self, *args: Any, coalition: Coalition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the coalition's own indicators and objectives can be chosen.
        choices = {
            "indicators": Indicator.objects.filter(coalition=coalition),
            "objectives": SafetyObjective.objects.filter(coalition=coalition),
        }
        for name, queryset in choices.items():
            self.fields[name].queryset = queryset  # type: ignore[attr-defined]

    def clean_milestone_on(self) -> dt.date | None:
        """A goal is reached by a date still to come; one passed already is a typo that
        the public scorecard would show as "By January 2020: not reported yet". A goal
        whose date has passed since it was set keeps it through any other edit."""
        value = self.cleaned_data.get("milestone_on")
        today = timezone.localdate()
        if value is not None and value < today and value != self.instance.milestone_on:
            raise forms.ValidationError(
                f"A goal is reached by a date still to come: choose {today:%B %-d, %Y} or "
                "later, or leave it empty."
            )
        return value


class ImprovementForm(UswdsModelForm):
    """A proposed improvement, its mechanism and, optionally, its impact projection."""

    class Meta:
        model = Improvement
        fields = [
            "description",
            "mechanism",
            "criteria",
            "stakeholders",
            "decision_makers",
            "indicator",
            "people_per_year",
            "effect_percent",
            "bed_days_per_event",
            "cost_per_bed_day",
        ]
        widgets = {"criteria": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "indicator": "For the impact projection: its baseline rate is the starting point.",
        }

    def __init__(self, *args: Any, coalition: Coalition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        indicators = self.fields["indicator"]
        indicators.queryset = Indicator.objects.filter(coalition=coalition)  # type: ignore[attr-defined]
        indicators.empty_label = "No projection"  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        asked = [name for name in PROJECTION_FIELDS if cleaned.get(name) is not None]
        if asked:
            for name in ("indicator", "people_per_year", "effect_percent"):
                if cleaned.get(name) is None and name not in self.errors:
                    self.add_error(name, f"A projection needs this too. {PROJECTION_HINT}")
        if cleaned.get("cost_per_bed_day") is not None and not cleaned.get("bed_days_per_event"):
            self.add_error("bed_days_per_event", "Dollars saved need the bed-days per event.")
        return cleaned


PROJECTION_FIELDS = (
    "indicator",
    "people_per_year",
    "effect_percent",
    "bed_days_per_event",
    "cost_per_bed_day",
)
PROJECTION_HINT = "Give the indicator, the people reached and the reduction, or none of them."


def _not_after_today(value: dt.date | None, what: str) -> dt.date | None:
    """A date something happened on: a later one is a typo (2036 for 2026) that would
    count as the latest report or check for years."""
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(f"{what} cannot be dated after today.")
    return value


class StatusUpdateForm(UswdsModelForm):
    class Meta:
        model = StatusUpdate
        fields = ["reported_on", "rating", "commentary"]
        widgets = {
            "reported_on": DateInput,
            "rating": forms.RadioSelect,
            "commentary": forms.Textarea(attrs={"rows": 5}),
        }

    def clean_reported_on(self) -> dt.date | None:
        return _not_after_today(self.cleaned_data.get("reported_on"), "A status report")


class ActionStepForm(UswdsModelForm):
    class Meta:
        model = ActionStep
        fields = [
            "description",
            "owner_organization",
            "owner_person",
            "starts_on",
            "due_on",
            "status",
            "percent_complete",
        ]
        widgets = {
            "starts_on": DateInput,
            "due_on": DateInput,
            "percent_complete": forms.NumberInput(attrs={"min": 0, "max": 100}),
        }
        help_texts = {
            "percent_complete": "0 for a step not started, 100 for a step done.",
        }

    def __init__(self, *args: Any, coalition: Coalition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organizations = self.fields["owner_organization"]
        organizations.queryset = coalition.organizations.all()  # type: ignore[attr-defined]
        organizations.empty_label = "None of the partners"  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        starts, due = cleaned.get("starts_on"), cleaned.get("due_on")
        if starts and due and due < starts:
            self.add_error("due_on", "The due date comes before the start date.")
        if not cleaned.get("owner_organization") and not cleaned.get("owner_person", "").strip():
            self.add_error("owner_person", "Name who owns the step: a partner, a person or both.")
        status, percent = cleaned.get("status"), cleaned.get("percent_complete")
        if percent is not None and not 0 <= percent <= 100:
            percent = None  # refused as out of range by the field's own check
        if status == ActionStep.Status.DONE and percent is not None and percent != 100:
            self.add_error(
                "percent_complete",
                f"A step that is done is 100% complete: enter 100, or choose "
                f"“In progress” for a step {percent}% complete.",
            )
        elif status == ActionStep.Status.NOT_STARTED and percent:
            self.add_error(
                "percent_complete",
                f"A step that has not started is 0% complete: enter 0, or choose "
                f"“In progress” for a step {percent}% complete.",
            )
        return cleaned


class StakeholderForm(UswdsModelForm):
    class Meta:
        model = Stakeholder
        fields = ["name", "role", "decision_maker", "power", "interest", "stance", "notes"]
        widgets = {
            "power": forms.RadioSelect,
            "interest": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, coalition: Coalition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.coalition = coalition

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = Stakeholder.objects.filter(coalition=self.coalition, name__iexact=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("The coalition already lists a stakeholder by this name.")
        return name


class PlanShareForm(UswdsModelForm):
    class Meta:
        model = PlanShare
        fields = ["shared_on", "how", "response"]
        widgets = {"shared_on": DateInput, "response": forms.Textarea(attrs={"rows": 3})}

    def clean_shared_on(self) -> dt.date | None:
        return _not_after_today(self.cleaned_data.get("shared_on"), "A share")


def _own_choices(form: CoalitionModelForm, **fields: str) -> None:
    """Limits each named field to the coalition's own organizations or goals."""
    querysets = {
        "organization": PartnerOrganization.objects.filter(coalition=form.coalition),
        "goal": Goal.objects.filter(priority__coalition=form.coalition),
    }
    for name, kind in fields.items():
        form.fields[name].queryset = querysets[kind]  # type: ignore[attr-defined]


class AgencyRoleForm(CoalitionModelForm):
    class Meta:
        model = AgencyRole
        fields = ["organization", "role", "goals"]
        field_classes = {"goals": RecordsField}
        widgets = {"role": forms.Textarea(attrs={"rows": 3}), "goals": forms.CheckboxSelectMultiple}
        help_texts = {"goals": "The plan's goals it works toward."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _own_choices(self, organization="organization", goals="goal")


class QualityCheckForm(CoalitionModelForm):
    class Meta:
        model = QualityCheck
        fields = [
            "what",
            "goal",
            "checked_by",
            "every_months",
            "last_checked_on",
            "result",
            "notes",
        ]
        widgets = {
            "last_checked_on": DateInput,
            "result": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _own_choices(self, goal="goal", checked_by="organization")
        self.fields["result"].choices = [("", "Not checked yet"), *QualityCheck.Result.choices]

    def clean_last_checked_on(self) -> dt.date | None:
        return _not_after_today(self.cleaned_data.get("last_checked_on"), "A check")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # Unless the date given was refused already (it has its own message then).
        if (
            cleaned.get("result")
            and not cleaned.get("last_checked_on")
            and "last_checked_on" not in self.errors
        ):
            self.add_error("last_checked_on", "Give the date of the check that found this.")
        return cleaned

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from reentrykit.core.forms import UswdsForm
from reentrykit.data.imports import SOURCE_NAME_MAX_LENGTH
from reentrykit.data.schema import CODE_WORDS, ColumnType, Kind, RecordType, column_label
from reentrykit.data.validation import (
    COMMON_DATE_FORMATS,
    DATE_EXAMPLE,
    ISO_DATE,
    Mapping,
    data_through_problem,
    date_format_problem,
    normalize_header,
    value_mapping_problem,
)

KIND_LABELS = {
    Kind.RELEASES: "Releases from custody",
    Kind.EVENTS: (
        "Justice events (arrests, bookings, convictions, incarcerations, revocations, deaths)"
    ),
    Kind.PROGRAMS: "Program referrals and enrollments",
    Kind.ASSESSMENTS: "Risk and needs assessments",
    Kind.OUTCOMES: "Other outcomes (employment, housing, education, benefits)",
}


class UploadForm(UswdsForm):
    kind = forms.ChoiceField(
        label="What the file holds", choices=[(k.value, label) for k, label in KIND_LABELS.items()]
    )
    source = forms.CharField(
        max_length=SOURCE_NAME_MAX_LENGTH,
        label="Source (partner agency)",
        help_text=(
            "For example “County Jail” or “City Police”. "
            "Files from one source share their person ids."
        ),
    )
    file = forms.FileField(
        label="File",
        help_text="CSV (UTF-8), Excel (.xlsx) or Parquet. The first row names the columns.",
    )
    data_through = forms.DateField(
        required=False,
        label="Data complete through (optional)",
        help_text="The last day this partner's records are complete for. Left empty, the "
        "date given before for this source stays (for a new source, the latest date in its "
        "files). A date later than the file's last records says nothing happened in "
        "between: the measures count no releases or events on those days.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    replace = forms.BooleanField(
        required=False,
        label="Replace what was imported before from this source and kind",
    )
    check_columns = forms.BooleanField(
        required=False,
        label="Check the column mapping before importing",
        help_text="Shows the column step even when the file's columns are recognised, to "
        "change the date format or the code translations saved for this source.",
    )

    def clean_data_through(self) -> dt.date | None:
        day = self.cleaned_data.get("data_through")
        problem = data_through_problem(day) if day else None
        if problem:
            raise forms.ValidationError(problem)
        return day


OTHER_DATE_FORMAT = "other"


class MappingForm(UswdsForm):
    """Which file column holds each canonical column; code translations; date format."""

    date_choice = forms.ChoiceField(
        required=False,
        initial=ISO_DATE,
        widget=forms.RadioSelect,
        label=f"How the file writes {DATE_EXAMPLE:%B} {DATE_EXAMPLE.day}, {DATE_EXAMPLE.year}",
        # Offered by example; any other way is typed.
        choices=[(f, DATE_EXAMPLE.strftime(f)) for f in COMMON_DATE_FORMATS]
        + [(OTHER_DATE_FORMAT, "Another way, described below")],
    )
    date_format = forms.CharField(
        max_length=40,
        required=False,
        label="Another way to write dates",
        help_text="Only when none of the above fits, in codes: %d day, %m month, %b month "
        "name, %Y year, %y two-digit year; for example %d.%m.%Y for 31.03.2024. With a "
        "two-digit year, a date is read as the latest one not after today: 03/15/55 is 1955.",
    )

    def __init__(
        self,
        *args: Any,
        record_type: RecordType,
        headers: tuple[str, ...],
        suggestions: dict[str, str],
        saved: Mapping | None = None,
        dates: str | None = None,
        **kwargs: Any,
    ) -> None:
        """``dates``: how the file's first rows write dates (``UploadColumns``), if known;
        it is the date format offered, before the one saved for the source."""
        super().__init__(*args, **kwargs)
        if saved is not None:  # the source's mapping so far, to change
            suggestions = {
                **suggestions,
                **{
                    name: header
                    for name, header in saved.columns.items()
                    if header in headers or header == ""  # "": not in the file
                },
            }
        self._offer_date_format(dates or (saved.date_format if saved else ISO_DATE))
        if dates:
            choice = self.fields["date_choice"]
            choice.help_text = "Chosen as the file's first rows write dates; change it if wrong."
        choices = [("", "(not in this file)")] + [(h, h) for h in headers]
        required = set(record_type.required_names)
        self.headers = headers
        self.column_fields: list[str] = []
        self.value_fields: list[str] = []
        for column in record_type.columns:
            name = f"col__{column.name}"
            self.fields[name] = forms.ChoiceField(
                choices=choices,
                required=column.name in required,
                label=f"{column_label(column.name)} ({column.name})",
                initial=suggestions.get(column.name, ""),
            )
            self.column_fields.append(name)
        for column in record_type.columns:
            if column.type != ColumnType.CODE:
                continue
            name = f"val__{column.name}"
            self.fields[name] = forms.CharField(
                required=False,
                label=f"Codes for {column_label(column.name).lower()} ({column.name})",
                help_text=_codes_help(column.name, column.codes),
                widget=forms.Textarea(attrs={"rows": 2}),
                initial="\n".join(
                    f"{raw} = {code}"
                    for raw, code in (saved.values if saved else {}).get(column.name, {}).items()
                ),
            )
            self.value_fields.append(name)
        # Keep the date format last, after the columns it applies to.
        self.fields["date_choice"] = self.fields.pop("date_choice")
        self.fields["date_format"] = self.fields.pop("date_format")

    def mapping_json(self) -> dict[str, Any]:
        named = {normalize_header(header) for header in self.headers}
        columns = {
            name.removeprefix("col__"): header
            for name in self.column_fields
            # A column the steward says is not in the file stays out, though a header
            # means it by name (the import would otherwise take that header).
            if (header := self.cleaned_data.get(name)) or name.removeprefix("col__") in named
        }
        values: dict[str, dict[str, str]] = {}
        for name in self.value_fields:
            text = self.cleaned_data.get(name) or ""
            pairs = {}
            for line in text.splitlines():
                if "=" in line:
                    raw, code = line.split("=", 1)
                    pairs[raw.strip()] = code.strip()
            if pairs:
                values[name.removeprefix("val__")] = pairs
        return {
            "columns": columns,
            "values": values,
            "date_format": self.cleaned_data["date_format"],
        }

    def _offer_date_format(self, date_format: str) -> None:
        if date_format in COMMON_DATE_FORMATS:
            self.fields["date_choice"].initial = date_format
        else:
            self.fields["date_choice"].initial = OTHER_DATE_FORMAT
            self.fields["date_format"].initial = date_format

    def _clean_date(self, cleaned: dict[str, Any]) -> None:
        """The date format is the one chosen, or the one typed for "another way"
        (a form sent without a choice, as by a script, counts as typed)."""
        choice = cleaned.get("date_choice")
        if choice and choice != OTHER_DATE_FORMAT:
            cleaned["date_format"] = choice
            return
        problem = date_format_problem(cleaned.get("date_format") or "")
        if problem:
            self.add_error("date_format", f"The date format is not usable: {problem}")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._clean_date(cleaned)
        for name in self.value_fields:
            pairs = []
            for number, line in enumerate((cleaned.get(name) or "").splitlines(), start=1):
                if line.strip() and "=" not in line:
                    self.add_error(name, f"Line {number} needs an equals sign: file value = code.")
                elif "=" in line:
                    raw, code = line.split("=", 1)
                    pairs.append((raw, code))
            problem = value_mapping_problem(name.removeprefix("val__"), pairs)
            if problem and name not in self.errors:
                self.add_error(name, problem)
        return cleaned


def _codes_help(name: str, codes: tuple[str, ...]) -> str:
    """The hint of a code translation box: the codes to translate to, with meanings."""
    words = CODE_WORDS.get(name, {})
    ours = ", ".join(f"{code} ({words[code]})" if code in words else code for code in codes)
    example = f"{codes[0][0].upper()} = {codes[0]}"
    return (
        "Only where the file writes other codes than ours: one per line as the file's "
        f"code = ours, e.g. {example}. Ours: {ours}."
    )


class ReasonForm(UswdsForm):
    reason = forms.CharField(
        max_length=500,
        label="Why do you need this export?",
        help_text="Recorded in the access log with your name and the time.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DataSettingsForm(UswdsForm):
    linkage_threshold = forms.FloatField(
        min_value=0.5,
        max_value=0.999,
        label="Match threshold",
        help_text="Pairs of records at or above this match probability (0.5–0.999) are one person. "
        "Higher means fewer false links and more missed ones.",
    )

"""Readable names of the breakdowns and their groups, for people reading the measures.

Pages, charts and the PDF show these; URLs, query values, exports, the API and the
command line keep the codes of DATA.md (other tools read them). A code without a
name here reads as itself with underscores as spaces and a capital first letter, so
a code added to the data later still reads sensibly. ZIP codes, source names and age
ranges are shown as they are.
"""

from __future__ import annotations

from reentrykit.data.schema import CODE_WORDS
from reentrykit.metrics.breakdowns import ALL, NON_PARTICIPANT, PARTICIPANT, UNKNOWN

BREAKDOWN_LABELS: dict[str, str] = {
    ALL: "Everyone",
    "sex": "Sex",
    "race": "Race",
    "ethnicity": "Ethnicity",
    "age_group": "Age at release (18–24, 25–39, 40+)",
    "age_band": "Age at release (10-year bands)",
    "risk_level": "Risk level",
    "offense_category": "Offense category",
    "release_type": "Release type",
    "supervision_type": "Supervision at release",
    "facility_type": "Facility type",
    "residence_zip": "ZIP code of residence",
    "source": "Source agency",
}
# The shorter name a group's description starts with ("Age at release: 18-24").
SHORT_BREAKDOWN_LABELS: dict[str, str] = {
    "age_group": "Age at release",
    "age_band": "Age at release",
}
PROGRAM_TYPE_LABELS: dict[str, str] = {
    "any": "Any",
    "id_documents": "ID documents",
}
# breakdown -> group code -> name; codes that read well as they are need no entry.
GROUP_LABELS: dict[str, dict[str, str]] = {
    "race": CODE_WORDS["race"],
    "ethnicity": {"not_hispanic": "Not Hispanic"},
    "supervision_type": {"none": "No supervision"},
}
# Groups shown exactly as the data has them: their values are names, not codes.
AS_WRITTEN = ("residence_zip", "source")
# participant, non_participant of program:TYPE and of program_completed:TYPE.
PARTICIPATION_LABELS = {
    "program": {PARTICIPANT: "Took part", NON_PARTICIPANT: "Did not take part"},
    "program_completed": {PARTICIPANT: "Completed", NON_PARTICIPANT: "Did not complete"},
}


def humanized(code: str) -> str:
    """``code`` with underscores as spaces and its first letter a capital (the rest as
    it is, so "40+" and "18-24" stay)."""
    text = code.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def program_type_label(program_type: str) -> str:
    return PROGRAM_TYPE_LABELS.get(program_type, humanized(program_type))


def breakdown_label(name: str) -> str:
    """The name of breakdown ``name``, e.g. "Race" or "Housing program: took part"."""
    prefix, _, program_type = name.partition(":")
    if program_type and prefix in PARTICIPATION_LABELS:
        what = "completed" if prefix == "program_completed" else "took part"
        return f"{program_type_label(program_type)} program: {what}"
    return BREAKDOWN_LABELS.get(name, humanized(name))


def breakdown_phrase(name: str) -> str:
    """The breakdown for the middle of a sentence ("Rate by race", "Rate by taking part
    in housing programs"): its label's first letter in lower case unless it starts an
    abbreviation (ZIP)."""
    prefix, _, program_type = name.partition(":")
    if program_type and prefix in PARTICIPATION_LABELS:
        doing = "completing" if prefix == "program_completed" else "taking part in"
        if program_type == "any":
            return f"{doing} any program"
        return f"{doing} {_in_sentence(program_type_label(program_type))} programs"
    return _in_sentence(breakdown_label(name))


def _in_sentence(label: str) -> str:
    """``label`` with its first letter in lower case, unless it starts an abbreviation."""
    if label[1:2].isupper():
        return label
    return label[:1].lower() + label[1:]


def group_label(breakdown: str, group: str) -> str:
    """The name of ``group`` of ``breakdown``, e.g. "Very high" for very_high risk."""
    if group == ALL:
        return BREAKDOWN_LABELS[ALL]
    if group == UNKNOWN:
        return "Unknown"
    if breakdown in AS_WRITTEN:
        return group
    prefix = breakdown.partition(":")[0]
    if prefix in PARTICIPATION_LABELS:
        return PARTICIPATION_LABELS[prefix].get(group, humanized(group))
    return GROUP_LABELS.get(breakdown, {}).get(group, humanized(group))


def group_description(breakdown: str, group: str) -> str:
    """One group of one breakdown on its own, e.g. "Race: Asian" or "Housing program:
    did not take part"."""
    label = group_label(breakdown, group)
    prefix, _, program_type = breakdown.partition(":")
    if prefix in PARTICIPATION_LABELS:
        return f"{program_type_label(program_type)} program: {_in_sentence(label)}"
    short = SHORT_BREAKDOWN_LABELS.get(breakdown, breakdown_label(breakdown))
    return f"{short}: {label}"

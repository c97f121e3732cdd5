"""Suggesting which file column holds each canonical column, from header similarity."""

from __future__ import annotations

from difflib import SequenceMatcher

from reentrykit.data.schema import RecordType
from reentrykit.data.validation import normalize_header

# Headers partners commonly use for a canonical column.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "source_person_id": (
        "person_id",
        "id",
        "inmate_id",
        "offender_id",
        "client_id",
        "booking_number",
        "sid_local",
        "pid",
    ),
    "first_name": ("fname", "first", "given_name", "forename"),
    "last_name": ("lname", "last", "surname", "family_name"),
    "middle_name": ("mname", "middle", "middle_initial"),
    "date_of_birth": ("dob", "birth_date", "birthdate", "birthday"),
    "sex": ("gender", "sex_code"),
    "state_id": ("sid", "state_identification_number", "state_number"),
    "fbi_number": ("fbi", "fbi_no", "ucn"),
    "release_date": ("released", "release_dt", "date_released", "out_date"),
    "admission_date": ("admitted", "booking_date", "admit_date", "in_date", "intake_date"),
    "event_date": ("date", "arrest_date", "incident_date"),
    "residence_zip": ("zip", "zipcode", "zip_code", "postal_code"),
    "race": ("race_code",),
    "ethnicity": ("hispanic", "ethnic"),
    "risk_level": ("risk", "risk_score_level", "risk_category"),
    "offense_category": ("offense", "charge_category", "offense_type"),
}
MIN_SIMILARITY = 0.75


def _score(canonical: str, header: str) -> float:
    normal = normalize_header(header)
    if normal == canonical or normal in SYNONYMS.get(canonical, ()):
        return 1.0
    return SequenceMatcher(None, canonical, normal).ratio()


def suggest_columns(record_type: RecordType, headers: tuple[str, ...]) -> dict[str, str]:
    """Canonical column -> the most similar unused file header, when similar enough."""
    suggestions: dict[str, str] = {}
    candidates = sorted(
        (
            (_score(column.name, header), column.name, header)
            for column in record_type.columns
            for header in headers
        ),
        reverse=True,
    )
    used: set[str] = set()
    for score, canonical, header in candidates:
        if score < MIN_SIMILARITY or canonical in suggestions or header in used:
            continue
        suggestions[canonical] = header
        used.add(header)
    return suggestions

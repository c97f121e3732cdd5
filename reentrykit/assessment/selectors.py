"""Reads of assessment rounds: lists, answers, scores, distributions and history."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from reentrykit.assessment.instrument import Component
from reentrykit.assessment.models import (
    CandidatePriority,
    ConsensusRating,
    LocalItem,
    Respondent,
    Response,
    Round,
    RoundStatus,
)
from reentrykit.assessment.scoring import (
    Answer,
    ItemScore,
    RoundScore,
    Score,
    score_items,
    score_round,
)
from reentrykit.coalitions.models import Coalition, Membership
from reentrykit.coalitions.sectors import Sector
from reentrykit.core.access import ROLE_CAPABILITIES, Capability, CoalitionAccess

ANSWERING_ROLES = [
    role
    for role, capabilities in ROLE_CAPABILITIES.items()
    if Capability.CONTRIBUTE in capabilities
]
ANSWERED = Q(responses__rating__isnull=False) | Q(responses__dont_know=True)


def round_list(*, coalition: Coalition) -> QuerySet[Round]:
    return (
        Round.objects.filter(coalition=coalition)
        .select_related("instrument_version")
        .annotate(
            respondent_count=Count("respondents", distinct=True),
            answer_count=Count("responses", filter=ANSWERED, distinct=True),
        )
        .order_by("-opened_at", "-id")
    )


def round_by_name(*, coalition: Coalition, name: str) -> Round | None:
    """The round of that name, however it is capitalized: names are unique without
    regard to case (``services.round_open``)."""
    return (
        Round.objects.filter(coalition=coalition, name__iexact=name.strip())
        .select_related("instrument_version")
        .first()
    )


def results_visible(*, access: CoalitionAccess, round_: Round) -> bool:
    """Coordinators and coaches see results while a round is open; everyone once it closes."""
    if not round_.is_open:
        return True
    return access.can(Capability.MANAGE) or access.can(Capability.COACH)


def respondent_for(*, round_: Round, user: Any) -> Respondent | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Respondent.objects.filter(round=round_, user=user).first()


# A response that counts as an answer: a rating, or "Don't know".
ANSWERED = Q(responses__rating__isnull=False) | Q(responses__dont_know=True)


def answered_count(respondent: Respondent) -> int:
    """How many items the respondent has answered (a rating or "Don't know")."""
    return Respondent.objects.filter(pk=respondent.pk).aggregate(
        n=Count("responses", filter=ANSWERED)
    )["n"]


def my_open_rounds(*, coalition: Any, user: Any) -> list[dict[str, Any]]:
    """The open rounds ``user`` is invited to rate, each with ``round``, ``answered``
    (items rated or answered "Don't know") and ``items`` (how many there are)."""
    invited = (
        Respondent.objects.filter(
            round__coalition=coalition, round__status=RoundStatus.OPEN, user=user
        )
        .select_related("round__instrument_version")
        .annotate(answered=Count("responses", filter=ANSWERED))
        .order_by("round__opened_at")
    )
    return [
        {"round": r.round, "answered": r.answered, "items": r.round.item_count} for r in invited
    ]


def respondent_list(*, round_: Round) -> list[Respondent]:
    """Respondents with ``answered``: how many items each has answered."""
    return list(
        Respondent.objects.filter(round=round_)
        .select_related("user")
        .annotate(answered=Count("responses", filter=ANSWERED))
        .order_by("user__full_name", "user__email")
    )


def invitable_members(*, round_: Round) -> list[dict[str, Any]]:
    """Members who may answer on the web (coordinators and members) and are not yet invited.

    Each comes with the sector of their organization, or "" for someone without one:
    their sector is not known, and a guess would count them for a sector in the
    consensus. Viewers and data stewards cannot answer pages; their paper answers come
    in from a file (``imports``).
    """
    invited = set(round_.respondents.values_list("user_id", flat=True))
    people: dict[int, dict[str, Any]] = {}
    memberships = (
        Membership.objects.filter(coalition_id=round_.coalition_id, role__in=ANSWERING_ROLES)
        .select_related("user", "organization")
        .order_by("user__full_name", "user__email", "id")
    )
    for membership in memberships:
        if membership.user_id in invited or not membership.user.is_active:
            continue
        entry = people.setdefault(
            membership.user_id,
            {"user": membership.user, "roles": [], "organization": None, "sector": ""},
        )
        entry["roles"].append(membership.get_role_display())
        if membership.organization and entry["organization"] is None:
            entry["organization"] = membership.organization
            entry["sector"] = membership.organization.sector
    return list(people.values())


def responses_of(*, respondent: Respondent) -> dict[str, Response]:
    return {response.item_key: response for response in respondent.responses.all()}


def round_answers(*, round_: Round) -> dict[str, list[Answer]]:
    """Every answered response by item key: a rating, or None for Don't know."""
    answers: dict[str, list[Answer]] = defaultdict(list)
    rows = Response.objects.filter(round=round_).filter(Q(rating__isnull=False) | Q(dont_know=True))
    for item_key, rating in rows.values_list("item_key", "rating"):
        answers[item_key].append(rating)
    return dict(answers)


def round_consensus(*, round_: Round) -> dict[str, ConsensusRating]:
    return {
        consensus.item_key: consensus
        for consensus in ConsensusRating.objects.filter(round=round_).select_related("decided_by")
    }


def round_score(*, round_: Round) -> RoundScore:
    consensus = {key: entry.rating for key, entry in round_consensus(round_=round_).items()}
    return score_round(round_.instrument, round_answers(round_=round_), consensus)


@dataclass(frozen=True)
class LocalResult:
    item: LocalItem
    score: ItemScore


def local_results(*, round_: Round) -> tuple[Score, list[LocalResult]]:
    """The round's local items, scored on their own and never in the instrument's scores."""
    local_items = list(round_.local_items.all())
    if not local_items:
        return Score(None, None), []
    consensus = {key: entry.rating for key, entry in round_consensus(round_=round_).items()}
    score, items = score_items(
        [item.key for item in local_items], round_answers(round_=round_), consensus
    )
    return score, [
        LocalResult(item, result) for item, result in zip(local_items, items, strict=True)
    ]


def previous_round(*, round_: Round) -> Round | None:
    """The coalition's latest closed round opened before this one."""
    return (
        Round.objects.filter(coalition_id=round_.coalition_id, status=RoundStatus.CLOSED)
        .filter(Q(opened_at__lt=round_.opened_at) | Q(opened_at=round_.opened_at, id__lt=round_.pk))
        .select_related("instrument_version")
        .order_by("-opened_at", "-id")
        .first()
    )


def round_history(*, round_: Round) -> list[tuple[Round, RoundScore]]:
    """Closed rounds of the coalition up to this one, oldest first, with this round last."""
    rounds = list(
        Round.objects.filter(coalition_id=round_.coalition_id)
        .filter(Q(status=RoundStatus.CLOSED) | Q(pk=round_.pk))
        .filter(
            Q(opened_at__lt=round_.opened_at) | Q(opened_at=round_.opened_at, id__lte=round_.pk)
        )
        .select_related("instrument_version")
        .order_by("opened_at", "id")
    )
    return [(entry, round_score(round_=entry)) for entry in rounds]


def answers_by_sector(*, round_: Round) -> dict[str, dict[str, list[Answer]]]:
    """For each item, the answers grouped by the respondents' sectors."""
    grouped: dict[str, dict[str, list[Answer]]] = defaultdict(lambda: defaultdict(list))
    rows = (
        Response.objects.filter(round=round_)
        .filter(Q(rating__isnull=False) | Q(dont_know=True))
        .values_list("item_key", "respondent__sector", "rating")
    )
    for item_key, sector, rating in rows:
        grouped[item_key][sector].append(rating)
    return {key: dict(value) for key, value in grouped.items()}


def notes_by_item(*, round_: Round) -> dict[str, list[tuple[str, str]]]:
    """Respondents' notes per item as (sector label, note); names left out for candour."""
    notes: dict[str, list[tuple[str, str]]] = defaultdict(list)
    rows = (
        Response.objects.filter(round=round_)
        .exclude(note="")
        .values_list("item_key", "respondent__sector", "note")
        .order_by("item_key", "respondent__sector", "id")
    )
    for item_key, sector, note in rows:
        notes[item_key].append((Sector(sector).label, note))
    return dict(notes)


def round_candidates(*, round_: Round) -> dict[str, CandidatePriority]:
    """The candidate priority of each component of the round that is one: made from
    this round, or from another round and not taken up by the plan yet (the one
    candidate of that component)."""
    candidates = CandidatePriority.objects.filter(
        Q(round=round_) | Q(adopted_as=None), coalition_id=round_.coalition_id, source="rpca"
    ).order_by("created_at", "pk")
    found: dict[str, CandidatePriority] = {}
    for candidate in candidates:
        # This round's own candidate first, else the earliest open one.
        if candidate.component_key not in found or candidate.round_id == round_.pk:
            found[candidate.component_key] = candidate
    return found


def weak_components(*, round_: Round, score: RoundScore) -> list[tuple[Component, Any]]:
    """Components in the two lowest bands, weakest first, with their scores."""
    weak = []
    for component in round_.instrument.components():
        result = score.component(component.key)
        if result is not None and result.score.band is not None and result.score.band.is_weak:
            weak.append((component, result))
    return sorted(weak, key=lambda pair: (pair[1].score.score, pair[0].key))


def latest_rounds_state(*, coalition: Coalition) -> dict[str, int]:
    """Counts of open and closed rounds, for the home path."""
    counts = dict(
        Round.objects.filter(coalition=coalition)
        .values_list("status")
        .annotate(count=Count("id"))
        .values_list("status", "count")
    )
    return {"open": counts.get(RoundStatus.OPEN, 0), "closed": counts.get(RoundStatus.CLOSED, 0)}

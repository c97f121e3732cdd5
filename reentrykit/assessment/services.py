"""Writes to assessment rounds. Views, the command line and the demo seed call these.

Every write that depends on a round being open locks the round's row first, so a
round closing at the same moment as an answer arrives either takes the answer
before it closes or refuses it; never half of each.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.text import Truncator

from reentrykit.assessment.instrument import Instrument, InstrumentError, load_instrument
from reentrykit.assessment.models import (
    CandidatePriority,
    ConsensusRating,
    InstrumentVersion,
    LocalItem,
    Respondent,
    Response,
    Round,
    RoundStatus,
)
from reentrykit.assessment.scoring import Score
from reentrykit.assessment.selectors import round_candidates, round_score
from reentrykit.coalitions.models import Coalition, Membership
from reentrykit.coalitions.sectors import Sector

DONT_KNOW = "dont_know"


class InstrumentChanged(InstrumentError):
    """The file of a version that rounds already use no longer matches what they used."""


# -- instrument versions -----------------------------------------------------


def instrument_version_check(*, instrument: Instrument) -> InstrumentVersion | None:
    """The stored version, if any; refuse a file that differs from it."""
    stored = InstrumentVersion.objects.filter(version=instrument.version).first()
    if stored is not None and stored.content_hash != instrument.content_hash:
        raise InstrumentChanged(
            f"rpca-{instrument.version}.yaml has changed since rounds started using version "
            f"{instrument.version}. A version in use cannot change: restore the file and add "
            "the changes as a new version."
        )
    return stored


@transaction.atomic
def instrument_version_record(*, instrument: Instrument) -> InstrumentVersion:
    stored = instrument_version_check(instrument=instrument)
    if stored is not None:
        return stored
    stored = InstrumentVersion(
        version=instrument.version,
        content_hash=instrument.content_hash,
        content=instrument.content,
    )
    stored.full_clean()
    stored.save()
    return stored


# -- rounds ------------------------------------------------------------------


@transaction.atomic
def round_open(
    *,
    coalition: Coalition,
    name: str,
    version: str | None = None,
    deadline: dt.date | None = None,
    opened_by: Any = None,
    opened_on: dt.date | None = None,
) -> Round:
    """Open a round; ``opened_on`` back-dates one held earlier (on paper, say), so that
    rounds compare in the order they were held, not the order they were entered."""
    if opened_on is not None and opened_on > timezone.localdate():
        raise ValidationError({"opened_on": "A round cannot have opened after today."})
    if opened_on is not None and deadline is not None and deadline < opened_on:
        raise ValidationError({"deadline": "The deadline is before the round opened."})
    try:
        instrument = load_instrument(version)
        stored = instrument_version_record(instrument=instrument)
    except InstrumentError as exc:
        raise ValidationError({"version": str(exc)}) from None
    if Round.objects.filter(coalition=coalition, name__iexact=name.strip()).exists():
        raise ValidationError({"name": "This coalition already has a round with that name."})
    round_ = Round(
        coalition=coalition,
        name=name.strip(),
        instrument_version=stored,
        deadline=deadline,
        opened_by=opened_by if getattr(opened_by, "pk", None) else None,
    )
    if opened_on is not None:
        round_.opened_at = timezone.make_aware(dt.datetime.combine(opened_on, dt.time(12)))
    round_.full_clean()
    round_.save()
    return round_


def _lock_open(round_: Round) -> Round:
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    # The instrument version never changes; keep the one already loaded.
    if Round.instrument_version.is_cached(round_):  # type: ignore[attr-defined]
        locked.instrument_version = round_.instrument_version
    if locked.status != RoundStatus.OPEN:
        closed = dateformat.format(timezone.localtime(locked.closed_at), "F j, Y")
        raise ValidationError(
            f"“{locked.name}” closed on {closed}; its answers can no longer change."
        )
    return locked


@transaction.atomic
def round_close(*, round_: Round, closed_by: Any = None) -> Round:
    locked = _lock_open(round_)
    if not locked.respondents.exists():
        raise ValidationError(
            "No one has been invited to respond to this round; invite respondents first."
        )
    answered = locked.responses.filter(rating__isnull=False).exists() or (
        locked.responses.filter(dont_know=True).exists()
    )
    if not answered:
        raise ValidationError("No respondent has answered yet; a round closes with answers.")
    locked.status = RoundStatus.CLOSED
    locked.closed_at = timezone.now()
    locked.closed_by = closed_by if getattr(closed_by, "pk", None) else None
    locked.full_clean()
    locked.save()
    round_.status, round_.closed_at = locked.status, locked.closed_at
    return locked


# -- respondents -------------------------------------------------------------


def membership_sector(*, coalition: Coalition, user: Any) -> str:
    """The sector of the user's partner organization in the coalition, or Other."""
    membership = (
        Membership.objects.filter(coalition=coalition, user=user, organization__isnull=False)
        .select_related("organization")
        .order_by("id")
        .first()
    )
    return membership.organization.sector if membership else Sector.OTHER


@transaction.atomic
def respondent_add(*, round_: Round, user: Any, sector: str | None = None) -> Respondent:
    locked = _lock_open(round_)
    if not Membership.objects.filter(coalition_id=locked.coalition_id, user=user).exists():
        raise ValidationError(f"{user} is not a member of this coalition.")
    respondent = Respondent.objects.filter(round=locked, user=user).first()
    if respondent is not None:
        # Keep the sector already chosen unless a new one is given.
        if sector and respondent.sector != sector:
            respondent.sector = sector
            respondent.full_clean()
            respondent.save()
        return respondent
    sector = sector or membership_sector(coalition=locked.coalition, user=user)
    respondent = Respondent(round=locked, user=user, sector=sector)
    respondent.full_clean()
    respondent.save()
    return respondent


def round_invitations_send(*, round_: Round, users: list[Any], invited_by: Any) -> None:
    """Tells each person invited on the web where to give their ratings (once the
    invitation is saved). Not for the paper answers brought in from a file, nor the
    demo's respondents: they are not asked to answer pages."""
    kwargs = {"coalition_slug": round_.coalition.slug, "round_id": round_.pk}
    context = {
        "round": round_,
        "inviter": invited_by,
        "items": round_.item_count,
        "link": settings.SITE_URL + reverse("assessment:respond", kwargs=kwargs),
    }
    message = render_to_string("assessment/email/round_invitation.txt", context)
    subject = f"Your ratings for {round_.coalition.name}: “{round_.name}”"
    for user in users:
        transaction.on_commit(
            lambda email=user.email: send_mail(
                subject=subject, message=message, from_email=None, recipient_list=[email]
            )
        )


@transaction.atomic
def respondent_remove(*, respondent: Respondent) -> None:
    _lock_open(respondent.round)
    for response in respondent.responses.all():
        response.delete()  # one at a time, so that the audit trail records each
    respondent.delete()


# -- answers -----------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    rating: int | None
    dont_know: bool

    @classmethod
    def parse(cls, value: object) -> Answer:
        """'0'–'3', 0–3, 'dont_know', or ''/None for no answer yet."""
        text = "" if value is None else str(value).strip().lower()
        if text == "":
            return cls(None, False)
        if text in (DONT_KNOW, "don't know", "dk"):
            return cls(None, True)
        if text in ("0", "1", "2", "3"):
            return cls(int(text), False)
        raise ValidationError(
            f"{value!r} is not a rating: use 0, 1, 2 or 3, or “Don't know”.", code="rating"
        )


def item_keys(round_: Round) -> set[str]:
    keys = {item.key for item in round_.instrument.items()}
    keys.update(round_.local_items.values_list("key", flat=True))
    return keys


# As long as a comment on the network's pages: room for a paragraph of reasons.
NOTE_MAX_LENGTH = 4000


def note_problem(note: str) -> str | None:
    """What is wrong with an answer's note, if anything: a null character (which the
    database cannot store) or more than :data:`NOTE_MAX_LENGTH` characters."""
    if "\x00" in note:
        return "a note cannot hold a null character; remove it"
    if len(note.strip()) > NOTE_MAX_LENGTH:
        return f"a note is at most {NOTE_MAX_LENGTH} characters, this one {len(note.strip())}"
    return None


def check_note(note: str) -> None:
    """Refuses a note :func:`note_problem` finds fault with, in a sentence."""
    problem = note_problem(note)
    if problem:
        raise ValidationError(problem[0].upper() + problem[1:] + ".", code="note")


@transaction.atomic
def response_save(
    *,
    round_: Round,
    respondent: Respondent,
    item_key: str,
    answer: object,
    note: str | None = None,
) -> Response:
    """Record one answer; the last write for an item wins, other items are untouched."""
    locked = _lock_open(round_)
    if respondent.round_id != locked.pk:
        raise ValidationError("That respondent belongs to another round.")
    if item_key not in item_keys(locked):
        raise ValidationError(f"{item_key!r} is not an item of this round.")
    parsed = Answer.parse(answer)
    defaults: dict[str, Any] = {"rating": parsed.rating, "dont_know": parsed.dont_know}
    check_note(note or "")
    if note is not None:
        defaults["note"] = note.strip()
    response, _created = Response.objects.update_or_create(
        round=locked, respondent=respondent, item_key=item_key, defaults=defaults
    )
    return response


# -- consensus and local items -----------------------------------------------


def consensus_seen(consensus: ConsensusRating | None) -> str:
    """A short fingerprint of an item's recorded consensus (rating and note; none is a
    value too), which a form carries to tell on saving whether it changed meanwhile."""
    recorded = "" if consensus is None else f"{consensus.rating}\n{consensus.note}"
    return hashlib.sha256(recorded.encode()).hexdigest()[:12]


def _consensus_in_words(consensus: ConsensusRating | None) -> str:
    if consensus is None:
        return "no consensus"
    who = consensus.decided_by.display_name if consensus.decided_by else "someone"
    note = f" (“{Truncator(consensus.note).chars(60)}”)" if consensus.note else ""
    return f"{consensus.rating}{note}, recorded by {who}"


@transaction.atomic
def consensus_record(
    *,
    round_: Round,
    item_key: str,
    rating: object,
    note: str = "",
    decided_by: Any = None,
    seen: str | None = None,
) -> ConsensusRating | None:
    """Record the agreed rating for an item; an empty rating removes the consensus.

    With ``seen`` (:func:`consensus_seen` of what the form showed), a consensus that
    someone else recorded or cleared since is not overwritten: the error says what it
    is now. Two people recording at one meeting would otherwise each replace the
    other's rating without knowing.
    """
    locked = _lock_open(round_)
    if item_key not in item_keys(locked):
        raise ValidationError(f"{item_key!r} is not an item of this round.")
    parsed = Answer.parse(rating)
    existing = ConsensusRating.objects.filter(round=locked, item_key=item_key).first()
    if seen is not None and seen != consensus_seen(existing):
        raise ValidationError(
            f"The consensus on {item_key} changed while you had it open: it is now "
            f"{_consensus_in_words(existing)}. Save again to replace it with yours."
        )
    if parsed.dont_know:
        raise ValidationError("A consensus rating is 0, 1, 2 or 3.")
    if parsed.rating is None:
        if existing is not None:
            existing.delete()
        return None
    consensus = existing or ConsensusRating(round=locked, item_key=item_key)
    consensus.rating = parsed.rating
    consensus.note = note.strip()
    consensus.decided_by = decided_by if getattr(decided_by, "pk", None) else None
    consensus.full_clean()
    consensus.save()
    return consensus


@transaction.atomic
def local_item_add(
    *, round_: Round, statement: str, guidance: str = "", created_by: Any = None
) -> LocalItem:
    locked = _lock_open(round_)
    numbers = [int(key[1:]) for key in locked.local_items.values_list("key", flat=True)]
    item = LocalItem(
        round=locked,
        key=f"L{max(numbers, default=0) + 1}",
        statement=statement.strip(),
        guidance=guidance.strip(),
        created_by=created_by if getattr(created_by, "pk", None) else None,
    )
    item.full_clean()
    item.save()
    return item


# -- candidate priorities ----------------------------------------------------


@transaction.atomic
def candidate_priority_create(
    *, round_: Round, component_key: str, created_by: Any = None, note: str = ""
) -> CandidatePriority:
    """Mark a component as a candidate priority; returns the candidate. A component that
    is a candidate already, of this round or of an earlier one the plan has not taken up
    yet, keeps that candidate: the plan shows one candidate per title, and a second one
    would hide the first's scores and ranks from the members who gave them."""
    component = round_.instrument.component(component_key)
    if component is None:
        raise ValidationError(f"{component_key!r} is not a component of this round.")
    existing = round_candidates(round_=round_).get(component_key)
    if existing is not None:
        return existing
    # Only the weak components the results recommend: the page may have shown an
    # earlier state of an open round (a consensus since may have raised the component).
    result = round_score(round_=round_).component(component_key)
    score = result.score if result is not None else Score(None, None)
    if score.band is None or not score.band.is_weak:
        shown = "was not scored" if score.band is None else f"is {score.band.label.lower()}"
        raise ValidationError(
            f"{component.label} {shown} in this round's results: it is not in the two "
            "lowest bands, so it is not a candidate priority."
        )
    candidate = CandidatePriority(
        coalition_id=round_.coalition_id,
        source="rpca",
        component_key=component_key,
        round=round_,
        title=component.label,
        note=note.strip() or _finding(round_, score, component.label),
        created_by=created_by if getattr(created_by, "pk", None) else None,
    )
    candidate.full_clean()
    candidate.save()
    return candidate


def _finding(round_: Round, score: Score, label: str) -> str:
    """What the round found of a component, in words: the note a candidate priority
    carries into the plan (as the gaps in needs and on the map carry their figures)."""
    assert score.band is not None  # only a scored, weak component becomes a candidate
    return (
        f"{label} scored {score.score:.1f}% ({score.band.label.lower()}) in the assessment "
        f"round “{round_.name}”."
    )

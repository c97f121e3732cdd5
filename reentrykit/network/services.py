"""Writes to networks, their sites and their roles."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from reentrykit.coalitions.models import Coalition
from reentrykit.network.models import (
    ActionItem,
    AssistanceRequest,
    CoachAssignment,
    CoachingSession,
    Comment,
    Network,
    NetworkRole,
    NetworkRoleKind,
    NetworkSite,
    new_join_code,
)


@transaction.atomic
def network_create(
    *,
    slug: str,
    name: str,
    description: str = "",
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    is_demo: bool = False,
) -> Network:
    network = Network(
        slug=slug,
        name=name,
        description=description,
        start_date=start_date,
        end_date=end_date,
        is_demo=is_demo,
    )
    network.full_clean()
    network.save()
    return network


@transaction.atomic
def network_add_site(*, network: Network, coalition: Coalition) -> NetworkSite:
    site, _ = NetworkSite.objects.get_or_create(network=network, coalition=coalition)
    return site


@transaction.atomic
def network_remove_site(*, site: NetworkSite) -> None:
    site.delete()


@transaction.atomic
def network_role_grant(*, network: Network, user: Any, role: str) -> NetworkRole:
    if role not in NetworkRoleKind.values:
        raise ValueError(f"Unknown network role {role!r}")
    network_role, _ = NetworkRole.objects.get_or_create(network=network, user=user, role=role)
    return network_role


@transaction.atomic
def network_role_revoke(*, network_role: NetworkRole) -> None:
    network_role.delete()


@transaction.atomic
def coach_assign(*, coach: NetworkRole, site: NetworkSite) -> CoachAssignment:
    existing = CoachAssignment.objects.filter(coach=coach, site=site).first()
    if existing is not None:
        return existing
    assignment = CoachAssignment(coach=coach, site=site)
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def coach_unassign(*, assignment: CoachAssignment) -> None:
    assignment.delete()


@transaction.atomic
def network_join(*, coalition: Coalition, join_code: str) -> NetworkSite:
    network = Network.objects.filter(join_code=join_code.strip()).first()
    if network is None:
        raise ValidationError(
            {"join_code": "No network has that code. Check it with the network's admin."}
        )
    # Said before the end date: joining again would change nothing, ended or not.
    if NetworkSite.objects.filter(network=network, coalition=coalition).exists():
        raise ValidationError(
            {"join_code": f"{coalition.name} is already in {network.name}: nothing changed."}
        )
    # A network groups coalitions for a period: once it has ended it takes no new sites.
    if network.end_date is not None and network.end_date < timezone.localdate():
        raise ValidationError(
            {
                "join_code": f"{network.name} ended on {network.end_date:%B} "
                f"{network.end_date.day}, {network.end_date.year}; it takes no new sites."
            }
        )
    return network_add_site(network=network, coalition=coalition)


@transaction.atomic
def network_join_code_reset(*, network: Network) -> Network:
    network.join_code = new_join_code()
    network.save(update_fields=["join_code"])
    return network


@transaction.atomic
def coach_add(*, network: Network, email: str, full_name: str = "") -> NetworkRole:
    """Make a person a coach of the network, creating their account when needed.

    A new account gets an email to choose its password; the answer is the same
    whether or not the account existed, so the form reveals no accounts.
    """
    from reentrykit.accounts.models import User
    from reentrykit.accounts.services import account_setup_email_send, user_create

    user = User.objects.filter(email=email.strip().lower()).first()
    if user is None:
        user = user_create(email=email, full_name=full_name)
        transaction.on_commit(lambda: account_setup_email_send(user=user))
    return network_role_grant(network=network, user=user, role=NetworkRoleKind.COACH)


# -- coaching ------------------------------------------------------------------------


@transaction.atomic
def coaching_session_record(*, site: NetworkSite, coach: Any, **fields: Any) -> CoachingSession:
    """A coaching session of ``site`` led by ``coach``, who must coach that site."""
    if not CoachAssignment.objects.filter(
        site=site, coach__user=coach, coach__role=NetworkRoleKind.COACH
    ).exists():
        raise ValidationError(f"{coach} does not coach {site.coalition}.")
    session = CoachingSession(site=site, coach=coach, **fields)
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def action_item_add(
    *, session: CoachingSession, description: str, owner: str, due_on: dt.date
) -> ActionItem:
    item = ActionItem(session=session, description=description, owner=owner, due_on=due_on)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def action_item_mark(*, item: ActionItem, done: bool, today: dt.date) -> ActionItem:
    """Marks the item done today, or open again."""
    if done and item.done_on is not None:
        # Done already (from a page opened before): the day it was done stands.
        return item
    item.done_on = today if done else None
    item.save(update_fields=["done_on"])
    return item


@transaction.atomic
def assistance_request_make(
    *, site: NetworkSite, requested_by: Any, **fields: Any
) -> AssistanceRequest:
    request = AssistanceRequest(site=site, requested_by=requested_by, **fields)
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def assistance_request_answer(
    *, request: AssistanceRequest, answered_by: Any, answer: str
) -> AssistanceRequest:
    if not answer.strip():
        raise ValidationError({"answer": "Write the answer to send to the site."})
    # Read again under a lock: another coach of the site may have answered since the
    # page was opened, and their answer must not be silently replaced.
    current = AssistanceRequest.objects.select_for_update().get(pk=request.pk)
    if current.status == AssistanceRequest.Status.ANSWERED:
        by = current.answered_by.display_name if current.answered_by else "a former coach"
        raise ValidationError(
            f"“{current.topic}” was already answered by {by}; "
            "read their answer on the coaching page."
        )
    request.answer = answer.strip()
    request.answered_by = answered_by
    request.answered_at = timezone.now()
    request.status = AssistanceRequest.Status.ANSWERED
    request.save(update_fields=["answer", "answered_by", "answered_at", "status"])
    return request


@transaction.atomic
def comment_add(
    *, coalition: Coalition, area: str, author: Any, body: str, from_coach: bool
) -> Comment:
    comment = Comment(
        coalition=coalition, area=area, author=author, body=body.strip(), from_coach=from_coach
    )
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, by: Any) -> None:
    """Its author takes a comment back; nobody else can."""
    if comment.author_id is None or comment.author_id != by.pk:
        raise ValidationError("Only the comment's author can delete it.")
    comment.delete()

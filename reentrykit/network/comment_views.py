"""Comments on a coalition's assessment, resources and plan: its coaches' feedback and
the answers of its members and coordinators, at the foot of each of those pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from reentrykit.core.access import Capability, CoalitionAccess, get_coalition_for, post_only
from reentrykit.network import services
from reentrykit.network.forms import CommentForm
from reentrykit.network.models import Comment

# The page each area's comments sit on.
AREA_PAGES = {
    Comment.Area.ASSESSMENT: "assessment:rounds",
    Comment.Area.RESOURCES: "resources:directory",
    Comment.Area.PLAN: "planning:plan",
}


def can_comment(access: CoalitionAccess) -> bool:
    """Members, coordinators and the coalition's coaches write comments; viewers and
    data stewards (whose role is the data) read them."""
    return access.can(Capability.CONTRIBUTE) or access.is_coach


def _back(coalition_slug: str, area: str) -> HttpResponseRedirect:
    page = reverse(AREA_PAGES[Comment.Area(area)], kwargs={"coalition_slug": coalition_slug})
    return HttpResponseRedirect(f"{page}#comments")


@login_required
@post_only
def comment_add(request: HttpRequest, coalition_slug: str, area: str) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug)
    if area not in Comment.Area.values:
        raise Http404("No such part of the coalition's work")
    if not can_comment(access):
        raise PermissionDenied("Members, coordinators and coaches write comments.")
    form = CommentForm(request.POST)
    if form.is_valid():
        services.comment_add(
            coalition=access.coalition,
            area=area,
            author=request.user,
            body=form.cleaned_data["body"],
            from_coach=access.is_coach,
        )
        messages.success(request, "Your comment is saved.")
    else:
        problems = " ".join(error for errors in form.errors.values() for error in errors)
        messages.error(request, f"Your comment was not saved: {problems}")
        # Back on the page, the form holds what was typed, to shorten rather than retype.
        request.session[draft_key(area)] = str(form.data.get("body", ""))[:DRAFT_KEPT]
    return _back(coalition_slug, area)


# A refused comment is kept this far: enough to trim one over the limit, and no more
# in the session (a hand-made request can send megabytes).
DRAFT_KEPT = 20_000


def draft_key(area: str) -> str:
    return f"comment-draft-{area}"


@login_required
@post_only
def comment_delete(request: HttpRequest, coalition_slug: str, comment_id: int) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug)
    comment = Comment.objects.filter(pk=comment_id, coalition=access.coalition).first()
    if comment is None:
        raise Http404("No such comment")
    if comment.author_id != request.user.pk:
        raise PermissionDenied("Only the comment's author can delete it.")
    services.comment_delete(comment=comment, by=request.user)
    messages.success(request, "Your comment is deleted.")
    return _back(coalition_slug, comment.area)

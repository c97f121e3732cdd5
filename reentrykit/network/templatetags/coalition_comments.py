"""``{% comments "plan" %}``: the comments on one part of the coalition's work, and the
form to add one, at the foot of that part's page."""

from __future__ import annotations

from typing import Any

from django import template

from reentrykit.network.comment_views import can_comment, draft_key
from reentrykit.network.forms import CommentForm
from reentrykit.network.models import Comment

register = template.Library()


@register.inclusion_tag("network/_comments.html", takes_context=True)
def comments(context: Any, area: str) -> dict[str, Any]:
    access, request = context["access"], context["request"]
    form = None
    if can_comment(access):
        # A comment refused a moment ago comes back bound, with its errors at the box.
        draft = request.session.pop(draft_key(area), None)
        data = None if draft is None else {"body": draft}
        form = CommentForm(data, auto_id=f"comment-{area}-%s")
    return {
        "access": access,
        "area": Comment.Area(area),
        "comments": Comment.objects.filter(coalition=access.coalition, area=area).select_related(
            "author"
        ),
        "form": form,
        "user_id": request.user.pk,
    }

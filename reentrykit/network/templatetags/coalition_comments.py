"""``{% comments "plan" %}``: the comments on one part of the coalition's work, and the
form to add one, at the foot of that part's page."""

from __future__ import annotations

from typing import Any

from django import template

from reentrykit.network.comment_views import can_comment
from reentrykit.network.forms import CommentForm
from reentrykit.network.models import Comment

register = template.Library()


@register.inclusion_tag("network/_comments.html", takes_context=True)
def comments(context: Any, area: str) -> dict[str, Any]:
    access, request = context["access"], context["request"]
    return {
        "access": access,
        "area": Comment.Area(area),
        "comments": Comment.objects.filter(coalition=access.coalition, area=area).select_related(
            "author"
        ),
        "form": CommentForm(auto_id=f"comment-{area}-%s") if can_comment(access) else None,
        "user_id": request.user.pk,
    }

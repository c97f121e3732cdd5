"""The API tokens page, under the account area: each user makes and revokes their own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from reentrykit.accounts.two_factor import second_factor_required
from reentrykit.api import services
from reentrykit.api.forms import TokenForm
from reentrykit.api.models import ApiToken


@never_cache
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    user = request.user
    verified = bool(user.is_verified())  # type: ignore[union-attr]
    # TwoFactorRequiredMiddleware already sends such a user to sign in with the second
    # factor; a token outlives the session, so the rule is checked here again.
    if not verified and second_factor_required(user):
        raise PermissionDenied("Sign in with your second factor before making API tokens.")
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        _, secret = services.token_create(
            user=user,
            name=form.cleaned_data["name"],
            lifetime_days=form.cleaned_data["lifetime_days"],
            second_factor=verified,
        )
        form = TokenForm()
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": ApiToken.objects.filter(user=user),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    api_token = ApiToken.objects.filter(user=request.user, pk=token_id).first()
    if api_token is None:
        raise Http404("No such token")
    services.token_revoke(api_token=api_token)
    messages.success(request, f"The token “{api_token.name}” is revoked; it no longer works.")
    return redirect("accounts:api_tokens")

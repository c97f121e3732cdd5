from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import math
from collections.abc import Callable
from typing import Any

from axes.helpers import get_cool_off
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from reentrykit.accounts import selectors, services, two_factor
from reentrykit.accounts.backends import client_ip
from reentrykit.accounts.forms import (
    CoalitionSignUpForm,
    PasswordResetForm,
    ProfileForm,
    SetPasswordForm,
    SignInForm,
    SignUpForm,
    TokenForm,
)
from reentrykit.accounts.models import RecoveryCodes, User
from reentrykit.core.access import user_needs_second_factor

# Sign-in events an operator watches for (guessing at second-factor codes): the
# server's log, as django-axes logs refused passwords.
security_log = logging.getLogger("reentrykit.security")

# Password-reset emails sent to one address in an hour, however often they are asked for.
RESET_EMAILS_PER_HOUR = 3


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "signup_open": settings.SIGNUP}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if cache.get(_address_failures_key(request), 0) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            # Many accounts guessed from one address: a new password for one lifts nothing.
            return _locked_out_page(request, dt.timedelta(hours=1), reset_lifts=False)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):  # type: ignore[no-untyped-def]
        if form.data.get("username") and form.data.get("password"):  # a wrong password
            _count_this_hour(_address_failures_key(self.request))
        return super().form_invalid(form)


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """django-axes' lockout page: its own context gives the wait as an ISO 8601
    duration ("PT30M"), which would reach the page as it is."""
    wait = get_cool_off(request) or dt.timedelta(minutes=30)
    return _locked_out_page(request, wait, reset_lifts=True)


def _locked_out_page(
    request: HttpRequest, wait: dt.timedelta, *, reset_lifts: bool
) -> HttpResponse:
    context = {"cooloff_time": _wait_words(wait), "reset_lifts": reset_lifts}
    return render(request, "accounts/locked_out.html", context, status=429)


def _wait_words(wait: dt.timedelta) -> str:
    """A wait in words: "30 minutes", "an hour", "2 hours"."""
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    if minutes % 60:
        return "a minute" if minutes == 1 else f"{minutes} minutes"
    hours = minutes // 60
    return "an hour" if hours == 1 else f"{hours} hours"


def _address_failures_key(request: HttpRequest) -> str:
    return f"sign-in-failures:{client_ip(request)}"


def _count_this_hour(key: str) -> int:
    """One more under ``key`` in the cache; the count starts again an hour after its first."""
    cache.add(key, 0, timeout=60 * 60)
    return cache.incr(key)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        # Anyone may ask for links to any address: a few an hour are sent, the rest
        # dropped. The page answers the same either way, telling nothing of the account:
        # the worker looks the address up and sends (PasswordResetForm.send_links).
        from reentrykit.accounts.tasks import send_password_reset

        address = form.cleaned_data["email"].strip().lower()
        key = "password-reset:" + hashlib.sha256(address.encode("utf-8")).hexdigest()
        if _count_this_hour(key) <= RESET_EMAILS_PER_HOUR:
            send_password_reset.enqueue(form.cleaned_data["email"])
        return redirect(self.get_success_url())


# Sign-up links sent an hour: per address (each mails its owner) and per client.
SIGN_UPS_PER_ADDRESS_HOUR = 3
SIGN_UPS_PER_CLIENT_HOUR = 10


def _signup_open(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.SIGNUP:
            raise Http404("Coalitions are not signed up on the web here.")
        return view(request, *args, **kwargs)

    return wrapped


@_signup_open
def coalition_sign_up(request: HttpRequest) -> HttpResponse:
    """A new coalition and its coordinator: the details here, then the emailed link."""
    from reentrykit.accounts.tasks import send_coalition_sign_up

    form = CoalitionSignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        details = {name: str(form.cleaned_data[name]) for name in services.SIGN_UP_FIELDS}
        address = details["email"].strip().lower()
        by_address = "sign-up:" + hashlib.sha256(address.encode("utf-8")).hexdigest()
        by_client = f"sign-up-client:{client_ip(request)}"
        # Over a limit, the page answers the same and sends nothing: the worker alone
        # looks the address up, so the answer tells nothing of who has an account.
        if (
            _count_this_hour(by_address) <= SIGN_UPS_PER_ADDRESS_HOUR
            and _count_this_hour(by_client) <= SIGN_UPS_PER_CLIENT_HOUR
        ):
            send_coalition_sign_up.enqueue(details)
        return redirect("accounts:coalition_sign_up_sent")
    return render(request, "accounts/coalition_sign_up.html", {"form": form})


@_signup_open
def coalition_sign_up_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/coalition_sign_up_sent.html",
        {"days": services.SIGN_UP_LINK_LIFETIME.days},
    )


@_signup_open
def coalition_sign_up_finish(request: HttpRequest, token: str) -> HttpResponse:
    details = services.coalition_sign_up_details(token)
    if details is None:
        context = {"days": services.SIGN_UP_LINK_LIFETIME.days}
        return render(request, "accounts/coalition_sign_up_invalid.html", context, status=404)
    user = User(email=details["email"], full_name=details["full_name"])
    form = SetPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            user, coalition = services.coalition_sign_up(
                details=details, password=form.cleaned_data["password1"]
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            login(request, user, backend="reentrykit.accounts.backends.EmailBackend")
            messages.success(request, f"{coalition.name} is set up, with you as its coordinator.")
            return redirect("coalitions:home", coalition_slug=coalition.slug)
    return render(
        request, "accounts/coalition_sign_up_finish.html", {"form": form, "details": details}
    )


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        # The lockout page offers a reset: whoever chose the new password from the
        # emailed link holds the account, so its lockout ends (the address pause stays).
        axes_reset(username=form.user.email)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        messages.success(self.request, "Your password was changed.")
        return super().form_valid(form)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("dashboard")


@login_required
def two_factor_view(request: HttpRequest) -> HttpResponse:
    """Verify with a code, or enroll an authenticator app when none is set up yet."""
    if request.user.is_verified():  # type: ignore[attr-defined]
        return redirect(_safe_next(request))
    if not two_factor.has_confirmed_device(request.user):
        return _two_factor_enroll(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Asked first: a code that arrives while the devices wait is refused unchecked,
        # so "not right" would be wrong about a right one.
        wait = two_factor.seconds_to_wait(request.user, token=form.cleaned_data["token"])
        device = two_factor.verify_second_factor(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            if isinstance(device, RecoveryCodes):
                left = two_factor.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    f"You used a recovery code; {left} left. Make new ones in your profile.",
                )
            return redirect(_safe_next(request))
        security_log.warning(
            "Second-factor code refused for user %s from %s%s.",
            request.user.pk,
            client_ip(request) or "an unknown address",
            " (sent during the wait after wrong codes)" if wait else "",
        )
        if wait:
            form.add_error("token", two_factor.wait_message(wait))
        else:
            form.add_error("token", "That code is not right or has expired. Try the newest code.")
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _safe_next(request)}
    )


def _two_factor_enroll(request: HttpRequest) -> HttpResponse:
    device = two_factor.pending_totp_device(request.user, request.session)
    form = TokenForm(request.POST or None)
    form.fields["token"].help_text = "The 6-digit code your authenticator app shows now."
    if request.method == "POST" and form.is_valid():
        wait = two_factor.seconds_to_wait(request.user, pending=device)
        if two_factor.totp_confirm(device=device, token=form.cleaned_data["token"]):
            request.session.pop(two_factor.PENDING_DEVICE_SESSION_KEY, None)
            otp_login(request, device)
            codes = two_factor.recovery_codes_generate(user=request.user)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _safe_next(request), "first_time": True},
            )
        if wait:
            form.add_error("token", two_factor.wait_message(wait))
        else:
            form.add_error(
                "token", "That code did not match. Check the app's clock and try the newest code."
            )
    return render(
        request,
        "accounts/two_factor_enroll.html",
        {
            "form": form,
            "qr_svg": two_factor.totp_qr_svg(device),
            "secret": two_factor.totp_secret_base32(device),
            "next": _safe_next(request),
        },
    )


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Optional enrollment for people whose role does not require it."""
    if two_factor.has_confirmed_device(request.user):
        messages.info(request, "Two-factor sign-in is already on for your account.")
        return redirect("accounts:profile")
    return _two_factor_enroll(request)


@login_required
@require_POST
def recovery_codes_regenerate(request: HttpRequest) -> HttpResponse:
    if not request.user.is_verified():  # type: ignore[attr-defined]
        messages.error(request, "Sign in with your second factor before making new recovery codes.")
        return redirect("accounts:profile")
    codes = two_factor.recovery_codes_generate(user=request.user)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": reverse("accounts:profile"), "first_time": False},
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = ProfileForm(request.POST or None, initial={"full_name": user.full_name})
    if request.method == "POST" and form.is_valid():
        user.full_name = form.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])
        messages.success(request, "Profile saved.")
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "has_device": two_factor.has_confirmed_device(user),
            "required": user_needs_second_factor(user),
            "codes_left": two_factor.recovery_codes_left(user),
            "memberships": user.memberships.select_related("coalition", "organization"),
            "network_roles": user.network_roles.select_related("network"),
        },
    )


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    context: dict[str, object] = {"invitation": invitation}
    if not invitation.is_open:
        context["reason"] = selectors.invitation_closed_reason(invitation=invitation)
        return render(request, "accounts/invitation_closed.html", context, status=410)
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                services.invitation_accept(invitation=invitation, user=request.user)  # type: ignore[arg-type]
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("dashboard")
            messages.success(request, f"Welcome to {invitation.coalition.name}.")
            return redirect("coalitions:home", coalition_slug=invitation.coalition.slug)
        return render(request, "accounts/invitation_accept.html", context)
    if User.objects.filter(email=invitation.email).exists():
        return render(request, "accounts/invitation_sign_in.html", context)
    form = SignUpForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_sign_up(
                invitation=invitation,
                password=form.cleaned_data["password1"],
                full_name=form.cleaned_data["full_name"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            login(request, user, backend="reentrykit.accounts.backends.EmailBackend")
            messages.success(request, f"Welcome to {invitation.coalition.name}.")
            return redirect("coalitions:home", coalition_slug=invitation.coalition.slug)
    context["form"] = form
    return render(request, "accounts/invitation_sign_up.html", context)

from __future__ import annotations

import unicodedata
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password

from reentrykit.accounts.models import User
from reentrykit.coalitions.models import Coalition, PartnerOrganization, Role
from reentrykit.core.forms import UswdsForm, UswdsFormMixin


class SignInForm(UswdsFormMixin, AuthenticationForm):
    username = forms.EmailField(
        label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": "That email address and password do not match an account. "
        "Check both and try again.",
        "inactive": "This account is not active.",
    }


class PasswordResetForm(auth_forms.PasswordResetForm):
    def get_users(self, email: str) -> Any:
        """Active accounts with this address, those without a password yet included:
        Django leaves them out, but here such an account was made by an operator or a
        network admin and is waiting for its first password, and its setup link lasts
        one day; "Forgot your password?" is how its holder gets another."""
        # As Django does, only an exact match after Unicode normalization: a database's
        # case-insensitive match may also take an address that merely looks alike.
        wanted = _comparable(email)
        return (
            user
            for user in User.objects.filter(email__iexact=email, is_active=True)
            if _comparable(user.email) == wanted
        )

    def send_links(self) -> None:
        """Emails a reset link to each account with the form's address (none for an
        address without one). The task worker calls this, not the page: the page's work
        is then the same whether the address has an account or not, and its answer
        takes as long (sending while the page waited told anyone who timed it)."""
        site = urlsplit(settings.SITE_URL)
        self.save(
            domain_override=site.netloc,
            use_https=site.scheme == "https",
            subject_template_name="accounts/email/password_reset_subject.txt",
            email_template_name="accounts/email/password_reset.txt",
            extra_email_context={"site_url": settings.SITE_URL},
        )


def _comparable(email: str) -> str:
    return unicodedata.normalize("NFKC", email).casefold()


class InvitationForm(UswdsForm):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)
    organization = forms.ModelChoiceField(
        queryset=PartnerOrganization.objects.none(),
        required=False,
        label="Partner organization",
        empty_label="(none)",
    )

    def __init__(self, *args: Any, coalition: Coalition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = PartnerOrganization.objects.filter(  # type: ignore[attr-defined]
            coalition=coalition
        )


class SignUpForm(UswdsForm):
    """Account creation from an invitation; the email comes from the invitation."""

    full_name = forms.CharField(
        max_length=200, label="Your name", widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters; not a common password.",
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords do not match.")
        elif first:
            try:
                validate_password(
                    first, User(email=self.email, full_name=cleaned.get("full_name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class TokenForm(UswdsForm):
    token = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
    )


class ProfileForm(UswdsForm):
    full_name = forms.CharField(
        max_length=200, label="Your name", widget=forms.TextInput(attrs={"autocomplete": "name"})
    )

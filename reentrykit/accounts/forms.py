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
from reentrykit.coalitions.models import Coalition, JurisdictionType, PartnerOrganization, Role
from reentrykit.coalitions.states import State
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


class CoalitionSignUpForm(UswdsForm):
    """Who signs a new coalition up, and the coalition; the password comes after the
    emailed link proves the address."""

    full_name = forms.CharField(
        max_length=200, label="Your name", widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label="Your email address",
        help_text="We send a link there to finish signing up; you will sign in with it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    coalition_name = forms.CharField(
        max_length=200,
        label="Coalition name",
        help_text="For example: Harlow County Reentry Coalition.",
    )
    jurisdiction_type = forms.ChoiceField(
        label="Its jurisdiction", choices=JurisdictionType.choices, initial=JurisdictionType.COUNTY
    )
    state = forms.ChoiceField(label="State", choices=[("", "Choose a state"), *State.choices])

    def clean_coalition_name(self) -> str:
        name = self.cleaned_data["coalition_name"].strip()
        if not name:
            raise forms.ValidationError("Enter the coalition's name.")
        return name


class SetPasswordForm(UswdsForm):
    """A password chosen twice, checked against the validators for ``user``."""

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

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def password_user(self, cleaned: dict[str, Any]) -> User:
        """The account the password must not resemble."""
        return self.user

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords do not match.")
        elif first:
            try:
                validate_password(first, self.password_user(cleaned))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class SignUpForm(SetPasswordForm):
    """Account creation from an invitation; the email comes from the invitation."""

    field_order = ["full_name", "password1", "password2"]
    full_name = forms.CharField(
        max_length=200, label="Your name", widget=forms.TextInput(attrs={"autocomplete": "name"})
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, user=User(email=email), **kwargs)
        self.email = email

    def password_user(self, cleaned: dict[str, Any]) -> User:
        return User(email=self.email, full_name=cleaned.get("full_name", ""))

"""Account e-mail sent by the task worker rather than while a page waits."""

from __future__ import annotations

from django_tasks import task


@task()
def send_password_reset(email: str) -> None:
    """Reset links to the accounts with ``email``, if any (``PasswordResetForm.send_links``)."""
    from reentrykit.accounts.forms import PasswordResetForm

    form = PasswordResetForm({"email": email})
    if form.is_valid():
        form.send_links()


@task()
def send_coalition_sign_up(details: dict[str, str]) -> None:
    """The link that finishes a coalition's sign-up (``services.coalition_sign_up_send``)."""
    from reentrykit.accounts.services import coalition_sign_up_send

    coalition_sign_up_send(details)

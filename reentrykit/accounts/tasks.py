"""E-mail sent by the task worker rather than while a page waits."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_email(
    subject: str, body: str, to: str, html: str | None = None, from_email: str | None = None
) -> None:
    """One message from the default sender to one address."""
    message = EmailMultiAlternatives(subject, body, from_email, [to])
    if html is not None:
        message.attach_alternative(html, "text/html")
    message.send()

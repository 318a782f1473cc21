"""Every email leaves through here: French, plain text with an HTML alternative, through the outbox."""

from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def build_email(
    *, to: Iterable[str], template: str, context: dict, headers: Mapping[str, str] | None = None
) -> EmailMultiAlternatives:
    """Render `<template>_subject.txt`, `<template>.txt` and `<template>.html` into one message."""
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=f"[{settings.SITE_NAME}] {subject}",
        body=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=sorted(set(to)),
        headers=dict(headers or {}),
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def send_after_commit(
    *, to: Iterable[str], template: str, context: dict, headers: Mapping[str, str] | None = None
) -> None:
    """Queue the message in the outbox, inside the current transaction.

    Nothing leaves if the transaction rolls back; once it commits, `manage.py send_outbox`
    delivers the message, and retries it if the mail server is down.
    """
    recipients = [address for address in to if address]
    if not recipients:
        return
    build_email(to=recipients, template=template, context=context, headers=headers).send()

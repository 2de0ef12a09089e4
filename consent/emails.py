"""Emails about consent and communications, each in the recipient's language.

Every email that is not strictly transactional (offers, newsletters) is built by
``marketing_message``, which gives it a per-recipient unsubscribe link and the
RFC 8058 one-click headers; nothing else sends such emails.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from consent.tokens import self_service_token_make, unsubscribe_token_make


def _links(email: str, purpose: str | None = None) -> dict:
    links = {
        "manage_url": settings.SITE_URL
        + reverse("consent:manage", args=[self_service_token_make(email=email)]),
        "privacy_url": settings.SITE_URL + reverse("consent:privacy"),
    }
    if purpose:
        token = unsubscribe_token_make(email=email, purpose=purpose)
        links["unsubscribe_url"] = settings.SITE_URL + reverse("consent:unsubscribe", args=[token])
    return links


def marketing_message(
    *, email: str, language: str, purpose: str, subject: str, body: str
) -> EmailMultiAlternatives:
    """An offer or newsletter for one recipient, with its one-click unsubscribe."""
    with translation.override(language):
        context = {"body": body, "organisation": settings.ORGANISATION, **_links(email, purpose)}
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("emails/marketing.txt", context),
            to=[email],
            headers={
                "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        message.attach_alternative(render_to_string("emails/marketing.html", context), "text/html")
    return message


def self_service_link_message(*, email: str, language: str) -> EmailMultiAlternatives:
    """A fresh link to the person's own page, asked for from an expired one."""
    with translation.override(language):
        context = {"organisation": settings.ORGANISATION, **_links(email)}
        subject = render_to_string("emails/self_service_link_subject.txt", context)
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string("emails/self_service_link.txt", context),
            to=[email],
        )
        message.attach_alternative(
            render_to_string("emails/self_service_link.html", context), "text/html"
        )
    return message

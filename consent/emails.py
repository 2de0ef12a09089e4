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
from django.utils.translation import gettext_lazy as _

from consent.models import ConsentRecord
from consent.selectors import CONTACT, TRAINEE
from consent.tokens import self_service_token_make, unsubscribe_token_make

Purpose = ConsentRecord.Purpose
# Why this person receives this email, said in its footer: the purpose's basis for their
# kind (consent/selectors.py, BASIS). Anything else falls back to the general sentence.
REASONS = {
    (Purpose.TRAINEE_OFFERS, TRAINEE): _(
        "You receive this offer from %(name)s, about training similar to yours, because you "
        "trained with us and did not object."
    ),
    (Purpose.CLIENT_PROSPECTING, CONTACT): _(
        "You receive this offer from %(name)s at your professional address because of our "
        "business relationship."
    ),
    (Purpose.SUBSIDIARY_OFFERS, TRAINEE): _(
        "You receive this offer from a French subsidiary of %(name)s because you agreed to "
        "receive their offers."
    ),
    (Purpose.SUBSIDIARY_OFFERS, CONTACT): _(
        "You receive this offer related to your job, from a French subsidiary of %(name)s, at "
        "your professional address because of our business relationship."
    ),
    (Purpose.NEWSLETTER, TRAINEE): _(
        "You receive this newsletter from %(name)s because you subscribed to it."
    ),
    (Purpose.NEWSLETTER, CONTACT): _(
        "You receive this newsletter from %(name)s because you subscribed to it."
    ),
}
GENERAL_REASON = _(
    "You receive this email from %(name)s because of your training or business relationship "
    "with us."
)


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
    *, email: str, language: str, purpose: str, subject: str, body: str, kind: str = ""
) -> EmailMultiAlternatives:
    """An offer or newsletter for one recipient (``kind``: a trainee or a client contact),
    with why they receive it and its one-click unsubscribe."""
    with translation.override(language):
        name = settings.ORGANISATION["name"]
        reason = REASONS.get((purpose, kind), GENERAL_REASON) % {"name": name}
        context = {
            "body": body,
            "reason": reason,
            "organisation": settings.ORGANISATION,
            **_links(email, purpose),
        }
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

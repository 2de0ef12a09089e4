"""Every answer to a data-subject request is an email in the person's language, from the
templates in templates/emails/dpo/ (the DPO reviews them at /backoffice/emails/)."""

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from consent.tokens import email_token_make
from dpo_requests.models import Request

# Template name → who receives it.
TO_PERSON = (
    "verify",
    "received",
    "extended",
    "forwarded_person",
    "export_ready",
    "erased",
    "objection_done",
    "restricted",
    "restriction_lifted",
    "rectified",
    "recipients_told",
    "refused",
)
VERIFY_USE = "dpo.verify"
DOWNLOAD_USE = "dpo.download"


def link(name: str, token: str) -> str:
    return settings.SITE_URL + reverse(name, args=[token])


def request_message(
    *,
    request,
    template: str,
    extra: dict | None = None,
    to: list[str] | None = None,
    language: str | None = None,
) -> EmailMultiAlternatives:
    language = language or request.language
    with translation.override(language):
        context = {
            "request": request,
            "organisation": settings.ORGANISATION,
            "privacy_url": settings.SITE_URL + reverse("consent:privacy"),
            **(extra or {}),
        }
        if template == "verify":
            token = email_token_make(email=f"{request.pk}:{request.email}", use=VERIFY_USE)
            context["verify_url"] = link("dpo_requests:verify", token)
        if template == "export_ready":
            token = email_token_make(email=f"{request.pk}:{request.email}", use=DOWNLOAD_USE)
            context["download_url"] = link("dpo_requests:download", token)
        subject = render_to_string(f"emails/dpo/{template}_subject.txt", context)
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string(f"emails/dpo/{template}.txt", context),
            to=to or [request.email],
        )
        message.attach_alternative(
            render_to_string("emails/dpo/wrapper.html", {**context, "text": message.body}),
            "text/html",
        )
    return message


def due_soon_message(*, due: list[tuple]) -> EmailMessage:
    """The DPO's reminder of the requests due soon, from (number, kind, due date) rows:
    no address or name, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        lines = [
            f"#{pk} · {Request.Kind(kind).label} · {due_on:%d/%m/%Y}" for pk, kind, due_on in due
        ]
        subject = _("%(count)d data-subject request(s) due within %(days)d days") % {
            "count": len(due),
            "days": settings.DSR_DUE_SOON_DAYS,
        }
    return EmailMessage(
        subject=subject,
        body="\n".join(lines) + f"\n\n{settings.SITE_URL}/backoffice/requests/",
        to=[settings.ORGANISATION["dpo_email"]],
    )

"""Emails about enrolments, in the trainee's language, as text and HTML."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from consent.tokens import self_service_token_make
from training.models import Enrolment


def enrolment_confirmation_message(*, enrolment: Enrolment) -> EmailMultiAlternatives:
    """The confirmation of a registration: the session, what to expect, and the person's links."""
    trainee = enrolment.trainee
    with translation.override(trainee.language):
        token = self_service_token_make(email=trainee.email)
        context = {
            "trainee": trainee,
            "session": enrolment.session,
            "enrolment": enrolment,
            "organisation": settings.ORGANISATION,
            "privacy_url": settings.SITE_URL + reverse("consent:privacy"),
            "manage_url": settings.SITE_URL + reverse("consent:manage", args=[token]),
        }
        subject = render_to_string("emails/enrolment_confirmation_subject.txt", context)
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string("emails/enrolment_confirmation.txt", context),
            to=[trainee.email],
        )
        message.attach_alternative(
            render_to_string("emails/enrolment_confirmation.html", context), "text/html"
        )
    return message


def processor_notice_message(*, enrolment: Enrolment) -> EmailMultiAlternatives:
    """The GDPR Art. 14 notice for a trainee whose employer gave us their data."""
    trainee = enrolment.trainee
    with translation.override(trainee.language):
        token = self_service_token_make(email=trainee.email)
        from retention.schedule import BY_NAME

        context = {
            "trainee": trainee,
            "client": enrolment.client,
            "session": enrolment.session,
            "retention": [
                BY_NAME[name]
                for name in ("sensitive-needs", "training-archive", "training-records")
            ],
            "organisation": settings.ORGANISATION,
            "privacy_url": settings.SITE_URL + reverse("consent:privacy"),
            "manage_url": settings.SITE_URL + reverse("consent:manage", args=[token]),
        }
        subject = render_to_string("emails/processor_notice_subject.txt", context)
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string("emails/processor_notice.txt", context),
            to=[trainee.email],
        )
        message.attach_alternative(
            render_to_string("emails/processor_notice.html", context), "text/html"
        )
    return message

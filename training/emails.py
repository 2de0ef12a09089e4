"""Emails about enrolments, in the trainee's language, as text and HTML."""

import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from consent.tokens import self_service_token_make
from core.schedule import BY_NAME
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
            # Only a person we knew before registering themself is told that the form
            # changed nothing on file (the trainee is created with the enrolment otherwise).
            "known_before": enrolment.source == Enrolment.Source.SELF
            and trainee.created_at < enrolment.created_at - datetime.timedelta(minutes=1),
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

        context = {
            "trainee": trainee,
            "client": enrolment.client,
            "session": enrolment.session,
            "retention": [
                BY_NAME[name]
                # What happens to it at the end of the employer's services, too.
                for name in (
                    "sensitive-needs",
                    "training-archive",
                    "processor-data",
                    "training-records",
                )
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


def registration_outcome_message(
    *, template: str, session, email: str, language: str, token: str | None
) -> EmailMultiAlternatives:
    """ "Confirm your registration" with its link, or why there is nothing to confirm.

    Nothing typed on the form is repeated (not even the name): whoever submitted it may
    not be the address's owner, and must not be able to write to them through us.
    """
    with translation.override(language):
        context = {
            "session": session,
            "hours": settings.REGISTRATION_CONFIRM_HOURS,
            "organisation": settings.ORGANISATION,
            "confirm_url": (
                settings.SITE_URL + reverse("training:registration_confirmation", args=[token])
                if token
                else ""
            ),
            "session_list_url": settings.SITE_URL + reverse("training:session_list"),
        }
        subject = render_to_string(f"{template}_subject.txt", context)
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string(f"{template}.txt", context),
            to=[email],
        )
        message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message

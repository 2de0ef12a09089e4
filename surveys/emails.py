"""The survey invitation, in the trainee's language, as text and HTML."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation


def survey_invitation_message(*, enrolment, token: str) -> EmailMultiAlternatives:
    """ "How was the training?": the signed link to the short survey."""
    trainee = enrolment.trainee
    with translation.override(trainee.language):
        context = {
            "trainee": trainee,
            "session": enrolment.session,
            "days": settings.SURVEY_LINK_DAYS,
            "organisation": settings.ORGANISATION,
            "survey_url": settings.SITE_URL + reverse("surveys:answer", args=[token]),
        }
        subject = render_to_string("surveys/email/invitation_subject.txt", context)
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string("surveys/email/invitation.txt", context),
            to=[trainee.email],
        )
        message.attach_alternative(
            render_to_string("surveys/email/invitation.html", context), "text/html"
        )
    return message

"""Emails answering a submission of the registration form, in the submitter's language.

They go to the address typed, so they may say what the page after submitting must not:
whether that address is already enrolled, or whether the session is full.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from trainees.registration import Outcome

_TEMPLATES = {
    Outcome.AWAITING_CONFIRMATION: "emails/registration_confirm",
    Outcome.ALREADY_ENROLLED: "emails/registration_already_enrolled",
    Outcome.FULL: "emails/registration_full",
}


def registration_outcome_message(
    *, outcome: str, session, email: str, language: str, token: str | None
) -> EmailMultiAlternatives:
    """ "Confirm your registration" with its link, or why there is nothing to confirm.

    Nothing typed on the form is repeated (not even the name): whoever submitted it may
    not be the address's owner, and must not be able to write to them through us.
    """
    template = _TEMPLATES[outcome]
    with translation.override(language):
        context = {
            "session": session,
            "hours": settings.REGISTRATION_CONFIRM_HOURS,
            "organisation": settings.ORGANISATION,
            "confirm_url": (
                settings.SITE_URL + reverse("trainees:confirm", args=[token]) if token else ""
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

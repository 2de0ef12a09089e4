"""Emails of attendance/, in the trainee's language, as text and HTML."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from attendance.models import Certificate


def certificate_message(*, certificate: Certificate, links: dict) -> EmailMultiAlternatives:
    """The trainee's certificates are ready: one link per language, valid for a while."""
    trainee = certificate.enrolment.trainee
    with translation.override(trainee.language):
        context = {
            "trainee": trainee,
            "certificate": certificate,
            "links": links,
            "days": settings.CERTIFICATE_LINK_DAYS,
            "organisation": settings.ORGANISATION,
        }
        subject = render_to_string("emails/certificate_subject.txt", context)
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string("emails/certificate.txt", context),
            to=[trainee.email],
        )
        message.attach_alternative(
            render_to_string("emails/certificate.html", context), "text/html"
        )
    return message

"""The convocation and the agreement as emails, in the recipient's language, the PDF
attached and its content in the body."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from core.pdf import pdf_render

PDF = "application/pdf"


def convocation_message(*, context: dict, language: str) -> EmailMultiAlternatives:
    """The confirmation with the convocation: its PDF attached, its content in the body."""
    trainee = context["trainee"]
    with translation.override(language):
        subject = render_to_string("emails/convocation_subject.txt", context)
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string("emails/convocation.txt", context),
            to=[trainee.email],
        )
        message.attach_alternative(
            render_to_string("emails/convocation.html", context), "text/html"
        )
        filename = f"{translation.gettext('convocation')}-{context['course'].code}.pdf"
    pdf = pdf_render(template="documents/convocation.html", context=context, language=language)
    message.attach(filename, pdf, PDF)
    return message


def agreement_message(
    *, context: dict, kind: str, to: str, name: str, language: str, pdf: bytes, filename: str
) -> EmailMultiAlternatives:
    """The agreement (to the client's contact) or the individual contract (to the
    trainee), to sign and return, the PDF attached."""
    with translation.override(language):
        context = {**context, "kind": kind, "name": name, "organisation": settings.ORGANISATION}
        subject = render_to_string("emails/agreement_subject.txt", context)
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string("emails/agreement.txt", context),
            to=[to],
        )
        message.attach_alternative(render_to_string("emails/agreement.html", context), "text/html")
    message.attach(filename, pdf, PDF)
    return message

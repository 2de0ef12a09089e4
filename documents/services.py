"""Sending convocations and agreements: rendered now, stored in the outbox in the
caller's transaction (the PDF with them), sent by a worker after commit, retried by the
sweeper."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from core.disclosures import Kind as DisclosureKind
from core.disclosures import disclosure_record
from core.holds import is_restricted
from core.outbox import email_enqueue
from core.pdf import pdf_render
from documents.emails import agreement_message, convocation_message
from documents.selectors import (
    AGREEMENT_CATEGORIES,
    agreement_context,
    agreement_kind,
    agreement_recipient,
    convocation_context,
    enrolment_for_documents,
)

CONVOCATION_KIND, AGREEMENT_KIND = "documents.convocation", "documents.agreement"
TEMPLATES = {"agreement": "documents/agreement.html", "contract": "documents/contract.html"}


class DocumentRefused(ValidationError):
    """This enrolment cannot have this document now (``code`` says why)."""

    @classmethod
    def because(cls, code: str) -> "DocumentRefused":
        messages = {
            "not_confirmed": _("Only a confirmed enrolment has a convocation."),
            "no_agreement": _(
                "No agreement or contract for this funding: the CPF platform's general "
                "conditions, or the funder's own documents, apply."
            ),
            "no_contact": _("The client organisation has no contact to send the agreement to."),
            "restricted": _(
                "The trainee asked for their data to be restricted (GDPR Art. 18): the "
                "agreement goes to the client once the DPO lifts the restriction."
            ),
        }
        return cls(messages[code], code=code)


def convocation_pdf(*, enrolment) -> bytes:
    """The convocation as PDF, in the trainee's language."""
    context = convocation_context(enrolment=enrolment)
    return pdf_render(
        template="documents/convocation.html",
        context=context,
        language=enrolment.trainee.language,
    )


@transaction.atomic
def convocation_queue(*, enrolment_id: int) -> None:
    """Store the confirmation with the convocation (PDF attached) in the outbox, with the
    change that confirmed the enrolment; refused unless the enrolment is confirmed."""
    enrolment = enrolment_for_documents(enrolment_id=enrolment_id)
    if enrolment.status != enrolment.Status.CONFIRMED:
        raise DocumentRefused.because("not_confirmed")
    message = convocation_message(
        context=convocation_context(enrolment=enrolment), language=enrolment.trainee.language
    )
    email_enqueue(message=message, kind=CONVOCATION_KIND)


def convocations_resend(*, enrolment_ids: list[int]) -> tuple[int, int]:
    """Send the convocation again to each confirmed enrolment; (sent, skipped)."""
    sent = skipped = 0
    for enrolment_id in enrolment_ids:
        try:
            convocation_queue(enrolment_id=enrolment_id)
            sent += 1
        except DocumentRefused:
            skipped += 1
    return sent, skipped


def agreement_pdf(*, enrolment, today: datetime.date, language: str):
    """(filename, PDF) of the agreement or the individual contract, in ``language``."""
    kind = agreement_kind(enrolment=enrolment)
    if kind is None:
        raise DocumentRefused.because("no_agreement")
    context = agreement_context(enrolment=enrolment, today=today)
    pdf = pdf_render(template=TEMPLATES[kind], context=context, language=language)
    with translation.override(language):
        name = _("agreement") if kind == "agreement" else _("contract")
    return f"{name}-{enrolment.session.course.code}-{enrolment.pk}.pdf", pdf


@transaction.atomic
def agreement_send(*, enrolment_id: int, now: datetime.datetime) -> str:
    """Email the agreement to the client's contact, or the contract to the trainee, and
    record what left for the client (the trainee's identity and training); returns the
    recipient's address."""
    enrolment = enrolment_for_documents(enrolment_id=enrolment_id)
    kind = agreement_kind(enrolment=enrolment)
    if kind is None:
        raise DocumentRefused.because("no_agreement")
    recipient = agreement_recipient(enrolment=enrolment)
    if recipient is None:
        raise DocumentRefused.because("no_contact")
    if kind == "agreement" and is_restricted(email=enrolment.trainee.email, today=now.date()):
        raise DocumentRefused.because("restricted")  # Art. 18(2): no sharing
    to, name, language = recipient
    filename, pdf = agreement_pdf(enrolment=enrolment, today=now.date(), language=language)
    context = agreement_context(enrolment=enrolment, today=now.date())
    message = agreement_message(
        context=context, kind=kind, to=to, name=name, language=language, pdf=pdf, filename=filename
    )
    email_enqueue(message=message, kind=AGREEMENT_KIND)
    if kind == "agreement":
        disclosure_record(
            email=enrolment.trainee.email,
            recipient=enrolment.client.name,
            kind=DisclosureKind.CLIENT,
            categories=AGREEMENT_CATEGORIES,
            now=now,
            obj=enrolment,
        )
    return to

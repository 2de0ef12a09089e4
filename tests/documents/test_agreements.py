"""The agreement for an employer, the individual contract for a person paying themself,
nothing for the CPF; an agreement sent to a client is recorded as a disclosure."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from core.disclosures import disclosures_of
from core.holds import hold_lift, hold_place
from documents.services import DocumentRefused, agreement_pdf, agreement_send
from tests.factories import ClientContactFactory, EnrolmentFactory, TraineeFactory
from training.models import Enrolment

pytestmark = pytest.mark.django_db(transaction=True)


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def priced(session):
    session.course.price = Decimal("1200.00")
    session.course.save()
    return session


def _enrolment(session, funding, **fields):
    trainee = TraineeFactory(
        first_name="Alice", surname="Lambert", email="alice@example.org", language="en"
    )
    return EnrolmentFactory(trainee=trainee, session=session, funding=funding, **fields)


@pytest.mark.policy("T1")
def test_an_employer_gets_the_agreement_and_the_disclosure_is_recorded(priced):
    contact = ClientContactFactory(
        email="rh@acme.example", organisation__name="Acme", language="en"
    )
    enrolment = _enrolment(
        priced, Enrolment.Funding.EMPLOYER, source="employer", client=contact.organisation
    )

    sent_to = agreement_send(enrolment_id=enrolment.pk, now=timezone.now())

    assert sent_to == "rh@acme.example"
    [email] = mail.outbox
    assert email.to == ["rh@acme.example"]
    pdf = _pdf_text(email.attachments[0][1])
    assert "Training agreement" in pdf and "L.6353-1" in pdf
    assert "Acme" in pdf and "Alice Lambert" in pdf
    assert "1200.00" in pdf and "14" in pdf
    assert "11 75 00000 75" in pdf  # the organisation's activity number, from settings
    assert f"{priced.start_date:%d/%m/%Y}" in pdf
    [disclosure] = disclosures_of(email="alice@example.org")
    assert (disclosure.recipient, disclosure.kind) == ("Acme", "client")
    assert disclosure.categories == "identity, training"


def test_a_person_paying_themself_gets_the_contract_with_its_withdrawal_period(priced):
    enrolment = _enrolment(priced, Enrolment.Funding.SELF)

    agreement_send(enrolment_id=enrolment.pk, now=timezone.now())

    [email] = mail.outbox
    assert email.to == ["alice@example.org"]
    assert "10 days to withdraw" in email.body
    pdf = " ".join(_pdf_text(email.attachments[0][1]).split())
    assert "Individual training contract" in pdf
    assert "10 days to withdraw" in pdf
    assert "No sum may be required before this period ends" in pdf
    assert "at most 30% of the price (360.00 €)" in pdf
    assert list(disclosures_of(email="alice@example.org")) == []  # nothing left for a third party


@pytest.mark.parametrize("funding", [Enrolment.Funding.CPF, Enrolment.Funding.OTHER])
def test_cpf_and_other_funding_get_neither(priced, funding):
    enrolment = _enrolment(priced, funding)

    with pytest.raises(DocumentRefused):
        agreement_send(enrolment_id=enrolment.pk, now=timezone.now())
    with pytest.raises(DocumentRefused):
        agreement_pdf(enrolment=enrolment, today=datetime.date.today(), language="en")
    assert mail.outbox == []


def test_a_client_without_a_contact_gets_nothing_and_nothing_is_recorded(priced):
    from tests.factories import OrganisationFactory

    enrolment = _enrolment(
        priced, Enrolment.Funding.EMPLOYER, source="employer", client=OrganisationFactory()
    )

    with pytest.raises(DocumentRefused):
        agreement_send(enrolment_id=enrolment.pk, now=timezone.now())
    assert list(disclosures_of(email="alice@example.org")) == []


def test_the_contract_reads_in_french(priced):
    enrolment = _enrolment(priced, Enrolment.Funding.SELF)

    _name, pdf = agreement_pdf(enrolment=enrolment, today=datetime.date.today(), language="fr")

    text = " ".join(_pdf_text(pdf).split())
    assert "Contrat de formation professionnelle" in text
    assert "10 jours" in text


@pytest.mark.policy("G5")
def test_a_restricted_trainees_agreement_waits_until_the_restriction_is_lifted(priced):
    contact = ClientContactFactory(email="rh@acme.example", organisation__name="Acme")
    enrolment = _enrolment(
        priced, Enrolment.Funding.EMPLOYER, source="employer", client=contact.organisation
    )
    hold = hold_place(
        email="Alice@example.org", kind="restriction", reason="accuracy", now=timezone.now()
    )

    with pytest.raises(DocumentRefused) as refused:
        agreement_send(enrolment_id=enrolment.pk, now=timezone.now())

    assert refused.value.code == "restricted" and "Art. 18" in refused.value.message
    assert mail.outbox == [] and not disclosures_of(email="alice@example.org").exists()
    hold_lift(hold=hold, now=timezone.now())
    assert agreement_send(enrolment_id=enrolment.pk, now=timezone.now()) == "rh@acme.example"

"""Confirming an enrolment sends the convocation: in the trainee's language, with its PDF
attached and the same content in the body, through the outbox; staff can send it again."""

import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.urls import resolve, reverse
from pypdf import PdfReader

from core.models import OutboxEmail
from documents.services import CONVOCATION_KIND
from tests.factories import EnrolmentFactory, TraineeFactory
from training.models import Enrolment
from training.services import enrolment_create, enrolment_set_status
from training.signing_codes import enrolment_from_signing_token, enrolment_signing_code

pytestmark = pytest.mark.django_db(transaction=True)


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def alice(session):
    trainee = TraineeFactory(
        first_name="Alice", surname="Lambert", email="alice@example.org", language="en"
    )
    session.course.description = "Protéger, examiner, alerter, secourir."
    session.course.save()
    return EnrolmentFactory(trainee=trainee, session=session)


@pytest.mark.policy("P1")
def test_staff_confirming_an_enrolment_sends_the_convocation_with_its_pdf(alice, session):
    enrolment_set_status(enrolment=alice, status=Enrolment.Status.CONFIRMED)

    [email] = mail.outbox
    assert email.to == ["alice@example.org"]
    assert "Your enrolment is confirmed: Sauveteur secouriste du travail" in email.subject
    [(filename, content, mimetype)] = email.attachments
    assert (filename, mimetype) == ("convocation-SST.pdf", "application/pdf")
    code = enrolment_signing_code(enrolment_id=alice.pk)
    pdf = _pdf_text(content)
    for text in (pdf, email.body, email.alternatives[0][0]):
        assert "Alice Lambert" in text
        assert "Lyon" in text and "Nadia Benali" in text
        assert "09:00" in text and "17:00" in text
        assert "Protéger, examiner, alerter, secourir." in text
        assert code in text
        assert "Internal rules" in text
    day_two = session.start_date + datetime.timedelta(days=1)
    assert f"{day_two:%B} {day_two.day}" in email.body or str(day_two.day) in email.body
    # The personal link opens attendance's own signing page for this enrolment.
    link = re.search(r"http://testserver(/attendance/me/\S+/)", email.body).group(1)
    match = resolve(link)
    assert match.view_name == "attendance:sign_me"
    assert enrolment_from_signing_token(match.kwargs["token"]) == alice.pk


def test_it_is_sent_in_the_trainees_language(alice):
    alice.trainee.language = "fr"
    alice.trainee.save()

    enrolment_set_status(enrolment=alice, status=Enrolment.Status.CONFIRMED)

    [email] = mail.outbox
    assert "Votre inscription est confirmée" in email.subject
    assert "Convocation" in _pdf_text(email.attachments[0][1])
    assert "Matin" in email.body and "Règlement intérieur" in email.body


def test_an_enrolment_created_confirmed_is_convoked_and_a_pending_one_is_not(session):
    enrolment_create(trainee=TraineeFactory(), session=session, source="self")
    assert mail.outbox == []

    enrolment_create(
        trainee=TraineeFactory(email="bob@example.org"),
        session=session,
        source="self",
        status=Enrolment.Status.CONFIRMED,
    )
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]


def test_confirming_twice_sends_once(alice):
    enrolment_set_status(enrolment=alice, status=Enrolment.Status.CONFIRMED)
    enrolment_set_status(enrolment=alice, status=Enrolment.Status.CONFIRMED)

    assert OutboxEmail.objects.filter(kind=CONVOCATION_KIND).count() == 1


def test_the_pdf_waits_in_the_outbox_with_the_confirmation_when_the_broker_is_down(alice):
    from tests.outages import broker_down

    with broker_down():
        enrolment_set_status(enrolment=alice, status=Enrolment.Status.CONFIRMED)
    stored = OutboxEmail.objects.get(kind=CONVOCATION_KIND)
    assert stored.attachments[0][0] == "convocation-SST.pdf"


def _training_staff():
    user = User.objects.create_user("tom", password="x", is_staff=True)
    user.groups.set(Group.objects.filter(name="Équipe formation"))
    return user


def test_staff_confirm_many_in_the_admin_and_send_convocations_again(client, session):
    enrolments = [EnrolmentFactory(session=session) for _ in range(3)]
    client.force_login(_training_staff())

    client.post(
        reverse("admin:training_enrolment_changelist"),
        {"action": "confirm_selected", "_selected_action": [e.pk for e in enrolments]},
    )
    assert len(mail.outbox) == 3

    response = client.post(
        reverse("admin:documents_enrolmentdocuments_changelist"),
        {"action": "send_convocations", "_selected_action": [enrolments[0].pk]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "1 convocations sent, 0 skipped" in response.content.decode()
    assert len(mail.outbox) == 4 and mail.outbox[3].to == [enrolments[0].trainee.email]


def test_staff_download_one_convocation(client, alice):
    enrolment_set_status(enrolment=alice, status=Enrolment.Status.CONFIRMED)
    client.force_login(_training_staff())

    response = client.post(
        reverse("admin:documents_enrolmentdocuments_changelist"),
        {"action": "download_convocation", "_selected_action": [alice.pk]},
    )

    assert response["Content-Type"] == "application/pdf"
    assert "Alice Lambert" in _pdf_text(response.content)

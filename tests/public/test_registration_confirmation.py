"""Issue 11, defect 2: a public form no longer acts on an address its owner did not
confirm. A registration waits, holding its seat, until the link emailed to the address is
followed and its button pressed; the page after submitting says the same whatever the
address; the email says what happened, in the submitter's language."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from consent.models import ConsentRecord
from retention.models import PurgeLog
from retention.services import retention_run
from tests.factories import EnrolmentFactory, SessionFactory, TraineeFactory
from tests.public.conftest import confirm_link
from trainees.models import Trainee
from training.models import Enrolment, PendingRegistration, SensitiveNeeds
from training.selectors import session_list_with_seats
from training.services import EnrolmentRefused, enrolment_create

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
LATER = datetime.timedelta(hours=48, minutes=1)


@pytest.fixture
def attack(form_data):
    """What someone who is not Alice types with her address."""
    return {
        **form_data,
        "email": "alice.lambert@example.org",
        "surname": "Intrus",
        "phone": "0999999999",
        "subsidiary_offers": "on",
        "food_allergies": "Arachides",
        "allergies_consent": "on",
        "disability_adaptations": "Fauteuil",
        "disability_consent": "on",
    }


@pytest.fixture
def alice_on_file(db):
    """Alice, already a trainee, reading English."""
    return TraineeFactory(
        email="alice.lambert@example.org", surname="Lambert", phone="0102030405", language="en"
    )


def seats_left(session) -> int:
    return session_list_with_seats().get(pk=session.pk).seats_left


# The attack of the issue


@pytest.mark.policy("S2")
@pytest.mark.policy("P3")
def test_an_unconfirmed_form_changes_nothing_for_a_person_on_file(
    client, register, session, attack, alice_on_file
):
    def untouched():
        alice_on_file.refresh_from_db()
        assert alice_on_file.language == "en"
        assert (alice_on_file.surname, alice_on_file.phone) == ("Lambert", "0102030405")
        assert not ConsentRecord.objects.exists()  # no consent to subsidiaries' offers
        assert not Enrolment.objects.exists()
        assert not SensitiveNeeds.objects.exists()

    response = register(session, attack)  # a French visitor
    assert response.status_code == 302
    untouched()

    opened = client.get(confirm_link(attack["email"]))  # a mail scanner fetches the link
    assert opened.status_code == 200
    untouched()


@pytest.mark.policy("S2")
def test_the_owner_reads_everything_a_confirmation_would_record_before_confirming(
    client, register, session, attack, alice_on_file
):
    """Anyone can type Alice's address: the page her link opens shows what they typed
    (details, language, needs, choices), so she never confirms what she has not read."""
    register(session, attack, HTTP_ACCEPT_LANGUAGE="en")

    page = client.get(confirm_link(attack["email"]), HTTP_ACCEPT_LANGUAGE="en")

    text = page.content.decode()
    assert page.status_code == 200 and "What will be recorded" in text
    for typed in ("Intrus", "0999999999", "Arachides", "Fauteuil", "English"):
        assert typed in text
    assert "Yes, I agree to receive them" in text  # the subsidiaries' offers box was ticked
    assert "if anything here is not yours, do not confirm" in text
    assert page["Cache-Control"].count("no-store") == 1


@pytest.mark.policy("S3")
def test_the_needs_of_an_unconfirmed_form_are_encrypted_and_in_no_admin(register, session, attack):
    from django.contrib import admin

    register(session, attack)

    pending = PendingRegistration.objects.get()
    assert pending.food_allergies == "Arachides"  # readable by the code that confirms it
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT food_allergies, disability_adaptations FROM trainees_pendingregistration"
        )
        stored = b"".join(bytes(value) for value in cursor.fetchone())
    assert b"Arachides" not in stored and b"Fauteuil" not in stored
    assert not admin.site.is_registered(PendingRegistration)
    assert len(pending.token_hash) == 64
    assert pending.token_hash not in mail.outbox[-1].body  # only the hash of the token is kept


# Confirming


@pytest.mark.policy("S2")
@pytest.mark.policy("P3")
def test_the_owner_confirms_and_everything_applies_together(
    client, register, confirm, session, attack, alice_on_file
):
    register(session, attack)
    sent = len(mail.outbox)

    response = confirm(attack["email"])

    assert response.status_code == 200
    assert "Inscription confirmée" in response.content.decode()
    alice_on_file.refresh_from_db()
    assert alice_on_file.language == "fr"  # the language chosen, now confirmed
    assert alice_on_file.phone == "0102030405"  # details on file are kept
    enrolment = Enrolment.objects.get(trainee=alice_on_file)
    assert enrolment.source == Enrolment.Source.SELF
    needs = SensitiveNeeds.objects.get(enrolment=enrolment)
    assert (needs.food_allergies, needs.disability_adaptations) == ("Arachides", "Fauteuil")
    given = set(ConsentRecord.objects.values_list("purpose", flat=True))
    assert given == {
        ConsentRecord.Purpose.ALLERGY_DATA,
        ConsentRecord.Purpose.DISABILITY_DATA,
        ConsentRecord.Purpose.TRAINEE_OFFERS,
        ConsentRecord.Purpose.SUBSIDIARY_OFFERS,
    }
    assert not PendingRegistration.objects.exists()
    # Then the confirmation email of today, in the language chosen.
    [confirmation] = mail.outbox[sent:]
    assert confirmation.subject.startswith("Votre inscription : Sauveteur secouriste du travail")


def test_a_new_address_becomes_a_trainee_only_on_confirmation(
    register, confirm, session, form_data
):
    register(session, form_data)
    assert not Trainee.objects.exists()

    confirm(form_data["email"])

    trainee = Trainee.objects.get()
    assert (trainee.email, trainee.surname, trainee.language) == (
        "alice.lambert@example.org",
        "Lambert",
        "fr",
    )


@pytest.mark.parametrize(("headers", "text"), [({}, "Ce lien"), (EN, "This link")])
def test_a_used_link_gets_a_clear_page_in_the_visitors_language(
    client, register, confirm, session, form_data, headers, text
):
    register(session, form_data)
    link = confirm_link(form_data["email"])
    confirm(form_data["email"])

    again = client.post(link, **headers)
    opened = client.get(link, **headers)
    tampered = client.get("/register/confirm/not-a-token/", **headers)

    for response in (again, opened, tampered):
        assert response.status_code == 404
        assert text in response.content.decode()
    assert Enrolment.objects.count() == 1


def test_a_link_confirms_nothing_once_the_session_has_started(client, register, form_data):
    session = SessionFactory(start_date=timezone.localdate() + datetime.timedelta(days=1))
    register(session, form_data)

    with time_machine.travel(timezone.now() + datetime.timedelta(days=1, hours=1)):
        response = client.post(confirm_link(form_data["email"]), **EN)

    assert response.status_code == 410
    assert "registration is closed" in response.content.decode()
    assert not Enrolment.objects.exists() and not PendingRegistration.objects.exists()


def test_enrolled_by_staff_meanwhile_the_link_says_so_and_changes_nothing(
    client, register, session, form_data, alice_on_file
):
    register(session, form_data)
    EnrolmentFactory(trainee=alice_on_file, session=session)

    response = client.post(confirm_link(form_data["email"]), **EN)

    assert response.status_code == 409
    assert "You are already enrolled on this session" in response.content.decode()
    assert Enrolment.objects.count() == 1
    assert not PendingRegistration.objects.exists()


# The held seat


def test_a_submission_holds_its_seat_until_it_expires(client, register, form_data):
    session = SessionFactory(capacity=1)

    register(session, form_data)
    assert seats_left(session) == 0
    register(session, {**form_data, "email": "bob@example.org"}, **EN)
    assert "This session is full" in mail.outbox[-1].body
    with pytest.raises(EnrolmentRefused):  # staff too, under the session's lock
        enrolment_create(trainee=TraineeFactory(), session=session, source="self")

    with time_machine.travel(timezone.now() + LATER):
        # Released at expiry, before any job has deleted the submission.
        assert PendingRegistration.objects.exists()
        assert seats_left(session) == 1
        expired = client.post(confirm_link(form_data["email"]), **EN)
        register(session, {**form_data, "email": "bob@example.org"}, **EN)

    assert expired.status_code == 410
    assert "This confirmation link has expired" in expired.content.decode()
    assert not Enrolment.objects.exists()
    assert "/register/confirm/" in mail.outbox[-1].body  # Bob may now confirm


def test_submitting_again_keeps_one_seat_and_only_the_last_link(
    client, register, session, form_data
):
    register(session, form_data)
    first = confirm_link(form_data["email"])
    register(session, form_data)

    assert seats_left(session) == session.capacity - 1
    assert client.post(first).status_code == 404
    assert client.post(confirm_link(form_data["email"])).status_code == 200


@pytest.mark.policy("K6")
def test_unconfirmed_submissions_expire_with_their_needs_and_leave_only_counts(
    register, session, attack
):
    register(session, attack)
    register(session, {**attack, "email": "bob@example.org"})

    with time_machine.travel(timezone.now() + datetime.timedelta(hours=47)):
        assert (
            retention_run(now=timezone.now(), rules=["unconfirmed-registrations"])[
                "unconfirmed-registrations"
            ].affected
            == 0
        )
    assert PendingRegistration.objects.count() == 2
    with time_machine.travel(timezone.now() + LATER):
        result = retention_run(now=timezone.now(), rules=["unconfirmed-registrations"])

    assert result["unconfirmed-registrations"].affected == 2
    assert not PendingRegistration.objects.exists()
    log = PurgeLog.objects.filter(rule="unconfirmed-registrations").latest("started_at")
    assert log.affected == 2
    written = " ".join(str(value) for value in PurgeLog.objects.values_list().get(pk=log.pk))
    assert "example.org" not in written and "Arachides" not in written


# Nothing says whether an address is known


def _visible(response) -> str:
    """The page as a visitor sees it, but for the per-response CSRF token and the
    session's number."""
    html = re.sub(r'value="[^"]{40,}"', "", response.content.decode())
    return re.sub(r"/sessions/\d+/", "/sessions/N/", html)


def test_the_page_after_submitting_is_the_same_for_unknown_known_and_enrolled_addresses(
    client, register, form_data, session
):
    same = session
    TraineeFactory(email="known@example.org")
    enrolled = TraineeFactory(email="enrolled@example.org")
    pages, drops = [], []
    for email in ("new@example.org", "known@example.org", "enrolled@example.org"):
        # Three sessions alike, so that only the address differs.
        session = SessionFactory(
            course=same.course,
            start_date=same.start_date,
            end_date=same.end_date,
            location=same.location,
            trainer=same.trainer,
            capacity=5,
        )
        if email == enrolled.email:
            EnrolmentFactory(session=session, trainee=enrolled)
        before = seats_left(session)
        response = register(session, {**form_data, "email": email}, **EN)
        pages.append((response.status_code, _visible(client.get(response["Location"], **EN))))
        drops.append(before - seats_left(session))

    assert pages[0] == pages[1] == pages[2]
    assert pages[0][0] == 302 and "Check your email" in pages[0][1]
    assert drops == [1, 1, 1]  # the public seat count tells nothing either


@pytest.mark.policy("F1")
@pytest.mark.parametrize(
    ("language", "headers", "expected"),
    [
        (
            "fr",
            {},
            {
                "new": ("Confirmez votre inscription", "appuyez sur « Confirmer »"),
                "enrolled": ("Vous êtes déjà inscrit(e)", "déjà inscrit(e) à cette session"),
                "full": ("Session complète", "Cette session est complète"),
            },
        ),
        (
            "en",
            EN,
            {
                "new": ("Confirm your registration", "press “Confirm”"),
                "enrolled": ("You are already enrolled", "already enrolled on this session"),
                "full": ("Session full", "This session is full"),
            },
        ),
    ],
)
def test_the_email_says_what_happened_in_the_submitters_language(
    register, form_data, alice_on_file, language, headers, expected
):
    enrolled_on = SessionFactory(capacity=5)
    EnrolmentFactory(session=enrolled_on, trainee=alice_on_file)
    full = SessionFactory(capacity=1)
    EnrolmentFactory(session=full)
    cases = {
        "new": (SessionFactory(capacity=5), "someone@example.org"),
        "enrolled": (enrolled_on, alice_on_file.email),
        "full": (full, "someone@example.org"),
    }

    for case, (session, email) in cases.items():
        mail.outbox.clear()
        register(session, {**form_data, "surname": "Intrus", "email": email}, **headers)

        [message] = mail.outbox
        subject, phrase = expected[case]
        assert message.to == [email]
        assert message.subject.startswith(subject), case
        assert phrase in message.body and phrase in message.alternatives[0][0], case
        assert ("/register/confirm/" in message.body) == (case == "new"), case
        assert "Intrus" not in message.body  # nothing typed is repeated to the address
        # Mail clients and screen readers read the HTML part in the email's language.
        assert f'<html lang="{language}">' in message.alternatives[0][0], case


def test_the_registration_form_reveals_nothing_either(client, register, session, form_data):
    """The old form said "this address is already registered for this session"."""
    enrolled = TraineeFactory(email="alice.lambert@example.org")
    EnrolmentFactory(session=session, trainee=enrolled)

    response = register(session, form_data, **EN)

    assert response.status_code == 302
    assert response["Location"] == reverse("training:registration_submitted", args=[session.pk])


@pytest.mark.policy("S4")
@pytest.mark.policy("G1")
def test_the_dpo_and_the_access_export_see_only_that_a_registration_awaits(
    register, session, attack
):
    from dpo_requests.selectors import subject_export, subject_records

    register(session, attack)

    records = [r for rs in subject_records(email=attack["email"]).values() for r in rs]
    export = subject_export(email=attack["email"])
    shown = repr(records) + repr(export)
    assert "Arachides" not in shown and "Fauteuil" not in shown and "Intrus" not in shown
    assert '"registrations_awaiting_confirmation": 1' in shown.replace("'", '"')


@pytest.mark.policy("G3")
def test_an_erasure_deletes_registrations_awaiting_confirmation(register, session, attack):
    from training.privacy import PendingRegistrationsProvider

    register(session, attack)

    erased = PendingRegistrationsProvider().erase(email=attack["email"], now=timezone.now())

    assert list(erased.values()) == [1]
    assert not PendingRegistration.objects.exists()


@pytest.mark.policy("D2")
def test_a_registration_awaiting_confirmation_holds_only_what_the_form_asks(
    register, session, attack
):
    register(session, attack)

    pending = PendingRegistration.objects.get()
    assert set(pending.details) == {
        "surname",
        "first_name",
        "phone",
        "postal_address",
        "occupation",
        "diplomas_and_skills",
        "employer_name",
    }
    assert pending.details["surname"] == "Intrus"  # as typed, applied to no one

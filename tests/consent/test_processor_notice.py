"""A trainee registered by their employer is told, once, who holds their data and why."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.factories import OrganisationFactory, SessionFactory, TraineeFactory
from training.models import Enrolment
from training.services import enrolment_create

pytestmark = pytest.mark.django_db
EMPLOYER = Enrolment.Source.EMPLOYER


@pytest.mark.policy("R2")
def test_the_notice_goes_once_per_trainee_in_their_language(django_capture_on_commit_callbacks):
    acme = OrganisationFactory(name="Acme Industrie")
    gus = TraineeFactory(email="gus@example.org", language="en", employer=acme)

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            enrolment_create(trainee=gus, session=SessionFactory(), source=EMPLOYER, client=acme)

    [notice] = mail.outbox
    assert notice.to == ["gus@example.org"]
    assert "Acme Industrie registered you" in notice.subject
    assert "Acme Industrie is the controller" in notice.body
    assert "as its processor" in notice.body
    assert "/my-data/" in notice.body
    for fact in (
        "Legal basis",
        "Who receives it",
        "Data Protection Officer",
        "dpo@example.org",
        acme.address,
        "Food allergies and disability adaptations: none after the training "
        "(end of the session's last day, Paris time)",
    ):
        assert fact in notice.body
    assert ": 0 days" not in notice.body and "))" not in notice.body


def test_a_second_employer_is_named_in_a_notice_of_its_own(django_capture_on_commit_callbacks):
    first, second = OrganisationFactory(name="Acme"), OrganisationFactory(name="Bolt")
    trainee = TraineeFactory(email="gus@example.org")

    for client in (first, second, first):
        with django_capture_on_commit_callbacks(execute=True):
            enrolment_create(
                trainee=trainee, session=SessionFactory(), source=EMPLOYER, client=client
            )

    assert [m.subject.split(" ")[0] for m in mail.outbox] == ["Acme", "Bolt"]


def test_a_client_that_informs_its_employees_itself_gets_no_notice_sent(
    client, alice, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    acme = OrganisationFactory()
    client.post(
        reverse("admin:clients_organisation_change", args=[acme.pk]),
        {
            "name": acme.name,
            "registration_number": acme.registration_number,
            "address": acme.address,
            "relationship": "active",
            "last_contact_on": "2026-11-01",
            "informs_its_employees": "on",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
        },
    )
    acme.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        enrolment_create(
            trainee=TraineeFactory(), session=SessionFactory(), source=EMPLOYER, client=acme
        )

    assert acme.informs_its_employees and acme.informs_its_employees_since <= timezone.now()
    assert mail.outbox == []
    from core.models import AuditEntry

    decision = AuditEntry.objects.get(action="client_informs_employees")
    assert (decision.actor, decision.note) == (alice, "yes")


def test_self_registration_needs_no_such_notice(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_create(
            trainee=TraineeFactory(), session=SessionFactory(), source=Enrolment.Source.SELF
        )

    assert mail.outbox == []


def test_a_notice_due_from_before_the_outbox_is_handed_to_it(
    db, django_capture_on_commit_callbacks
):
    import datetime

    from training.models import ProcessorNotice
    from training.services import processor_notices_to_outbox

    acme = OrganisationFactory()
    enrolment = enrolment_create(  # no commit in this test: nothing was sent
        trainee=TraineeFactory(), session=SessionFactory(), source=EMPLOYER, client=acme
    )
    ProcessorNotice.objects.all().delete()  # as if recorded before the outbox existed
    later = timezone.now() + datetime.timedelta(minutes=10)

    with django_capture_on_commit_callbacks(execute=True):
        queued = processor_notices_to_outbox(
            now=later, grace=datetime.timedelta(minutes=5), within=datetime.timedelta(days=30)
        )

    assert queued == 1
    assert [m.to for m in mail.outbox] == [[enrolment.trainee.email]]

"""Consent history: appended, never edited; the current state is the latest choice."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consent.models import ConsentRecord, PolicyVersion
from consent.selectors import communication_allowed, consent_state
from consent.services import consent_record

pytestmark = pytest.mark.django_db
P, A, C = ConsentRecord.Purpose, ConsentRecord.Action, ConsentRecord.Channel
EMAIL = "claire@example.org"


def record(purpose, action, minutes, channel=C.SELF_SERVICE):
    return consent_record(
        email=EMAIL,
        purpose=purpose,
        action=action,
        channel=channel,
        at=timezone.now() + datetime.timedelta(minutes=minutes),
    )


@pytest.mark.policy("S6")
def test_the_state_follows_the_history_given_withdrawn_given(db):
    record(P.NEWSLETTER, A.GIVEN, 1)
    assert communication_allowed(email=EMAIL, purpose=P.NEWSLETTER)
    record(P.NEWSLETTER, A.WITHDRAWN, 2)
    assert not communication_allowed(email=EMAIL, purpose=P.NEWSLETTER)
    record(P.NEWSLETTER, A.GIVEN, 3)

    assert consent_state(email="  CLAIRE@example.org") == {P.NEWSLETTER: A.GIVEN}
    assert communication_allowed(email=EMAIL, purpose=P.NEWSLETTER)
    assert ConsentRecord.objects.count() == 3  # nothing edited in place


def test_objection_based_purposes_run_until_the_person_objects(db):
    assert communication_allowed(email=EMAIL, purpose=P.TRAINEE_OFFERS)
    assert not communication_allowed(email=EMAIL, purpose=P.NEWSLETTER)  # consent-based

    record(P.TRAINEE_OFFERS, A.OBJECTED, 1)

    assert not communication_allowed(email=EMAIL, purpose=P.TRAINEE_OFFERS)


def test_each_record_points_at_the_policy_version_in_force(db):
    import time_machine

    first = record(P.NEWSLETTER, A.GIVEN, 1)
    PolicyVersion.objects.create(number="1.1", published_on=datetime.date(2027, 3, 1))
    announced = record(P.NEWSLETTER, A.WITHDRAWN, 2)  # 1.1 is announced, not yet in force
    with time_machine.travel(datetime.datetime(2027, 3, 1, 9, tzinfo=datetime.UTC)):
        second = record(P.NEWSLETTER, A.GIVEN, 3)

    assert first.policy_version.number == "1.0"
    assert announced.policy_version.number == "1.0"
    assert second.policy_version.number == "1.1"


def test_the_admin_shows_the_history_read_only_and_staff_add_written_requests(client, alice):
    record(P.TRAINEE_OFFERS, A.GIVEN, 1)
    entry = ConsentRecord.objects.get()
    client.force_login(alice)

    page = client.get(reverse("admin:consent_consentrecord_change", args=[entry.pk]))
    client.post(
        reverse("admin:consent_consentrecord_add"),
        {
            "email": EMAIL,
            "purpose": P.TRAINEE_OFFERS,
            "action": A.OBJECTED,
            "note": "Letter of 2 March",
        },
    )

    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert (
        client.get(reverse("admin:consent_consentrecord_delete", args=[entry.pk])).status_code
        == 403
    )
    latest = ConsentRecord.objects.latest("pk")
    assert (latest.action, latest.channel, latest.note) == (
        A.OBJECTED,
        C.STAFF,
        "Letter of 2 March",
    )
    assert not communication_allowed(email=EMAIL, purpose=P.TRAINEE_OFFERS)


@pytest.mark.policy("S6")
def test_a_withdrawal_recorded_by_staff_deletes_the_sensitive_data_at_once(client, alice):
    from django.utils import timezone as tz

    from tests.factories import EnrolmentFactory, TraineeFactory
    from training.models import SensitiveNeeds
    from training.sensitive_needs import sensitive_needs_record

    enrolment = EnrolmentFactory(trainee=TraineeFactory(email="chloe@example.org"))
    sensitive_needs_record(
        enrolment=enrolment,
        food_allergies="Gluten",
        allergies_consent=True,
        disability_adaptations="",
        disability_consent=False,
        now=tz.now(),
    )
    client.force_login(alice)

    refused = client.post(
        reverse("admin:consent_consentrecord_add"),
        {"email": "chloe@example.org", "purpose": P.ALLERGY_DATA, "action": A.GIVEN, "note": "x"},
    )
    client.post(
        reverse("admin:consent_consentrecord_add"),
        {
            "email": "chloe@example.org",
            "purpose": P.ALLERGY_DATA,
            "action": A.WITHDRAWN,
            "note": "Email of 3 May",
        },
    )

    assert refused.status_code == 200  # consent to sensitive data comes with the data only
    assert not SensitiveNeeds.objects.exists()
    latest = ConsentRecord.objects.latest("pk")
    assert (latest.action, latest.trainee.email) == (A.WITHDRAWN, "chloe@example.org")


@pytest.mark.policy("S4")
def test_staff_without_the_sensitive_permission_do_not_see_sensitive_consents(client, alice, bob):
    record(P.ALLERGY_DATA, A.GIVEN, 1, channel=C.REGISTRATION_FORM)
    record(P.TRAINEE_OFFERS, A.GIVEN, 2, channel=C.REGISTRATION_FORM)

    client.force_login(alice)
    staff = client.get(reverse("admin:consent_consentrecord_changelist"))
    client.force_login(bob)
    logistics = client.get(reverse("admin:consent_consentrecord_changelist"))

    assert [r.purpose for r in staff.context["cl"].result_list] == [P.TRAINEE_OFFERS]
    assert len(logistics.context["cl"].result_list) == 2

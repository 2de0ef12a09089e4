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
    first = record(P.NEWSLETTER, A.GIVEN, 1)
    PolicyVersion.objects.create(number="1.1", published_on=datetime.date(2027, 3, 1))

    second = record(P.NEWSLETTER, A.WITHDRAWN, 2)

    assert first.policy_version.number == "1.0"
    assert second.policy_version.number == "1.1"


def test_the_admin_shows_the_history_read_only_and_staff_add_written_requests(client, alice):
    record(P.TRAINEE_OFFERS, A.GIVEN, 1)
    entry = ConsentRecord.objects.get()
    client.force_login(alice)

    page = client.get(reverse("admin:consent_consentrecord_change", args=[entry.pk]))
    client.post(
        reverse("admin:consent_consentrecord_add"),
        {"email": EMAIL, "purpose": P.TRAINEE_OFFERS, "action": A.OBJECTED},
    )

    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert (
        client.get(reverse("admin:consent_consentrecord_delete", args=[entry.pk])).status_code
        == 403
    )
    latest = ConsentRecord.objects.latest("pk")
    assert (latest.action, latest.channel) == (A.OBJECTED, C.STAFF)
    assert not communication_allowed(email=EMAIL, purpose=P.TRAINEE_OFFERS)

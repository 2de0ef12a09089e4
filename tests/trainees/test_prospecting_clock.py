"""Policy §6, for people: the prospecting period runs from the end of their last session
or the last contact they started themself. What we send them (offer campaigns, emails)
and what staff change on their record never restart it; offers stop and people who never
enrolled are deleted on the same day."""

import datetime
import importlib

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, CampaignRecipient
from campaigns.services import campaign_address, campaign_send
from consent.models import ConsentRecord
from consent.services import consent_record
from consent.tokens import self_service_token_make, unsubscribe_token_make
from retention.services import retention_run
from tests.factories import EnrolmentFactory, SessionFactory, TraineeFactory
from trainees.models import Trainee
from trainees.services import trainee_staff_save
from training.selectors import trainees_not_for_offers

pytestmark = pytest.mark.django_db
P, A, C = ConsentRecord.Purpose, ConsentRecord.Action, ConsentRecord.Channel
ON_FILE = datetime.datetime(2027, 1, 4, 10, 0, tzinfo=datetime.UTC)
# Three years and a day after ON_FILE (Paris dates): the clock of someone put on file
# then and silent since has run out.
LAPSED = datetime.datetime(2030, 1, 5, 2, 30, tzinfo=datetime.UTC)


def at(moment):
    return time_machine.travel(moment, tick=False)


def lead(email="lea@example.org"):
    """Someone staff put on file on ON_FILE, who never enrolled."""
    with at(ON_FILE):
        return TraineeFactory(email=email)


def former_trainee(email="tom@example.org"):
    """Someone who registered themself on a session that ended on ON_FILE."""
    day = ON_FILE.date()
    person = TraineeFactory(email=email)
    EnrolmentFactory(trainee=person, session=SessionFactory(start_date=day, end_date=day))
    return person


def kept_on_file(now=LAPSED):
    retention_run(now=now, rules=["trainee-prospects"])
    return set(Trainee.objects.values_list("email", flat=True))


def not_for_offers(*people, now=LAPSED):
    return trainees_not_for_offers(
        trainee_ids=[p.pk for p in people], today=timezone.localdate(now)
    )


@pytest.mark.policy("K3")
def test_our_own_campaigns_never_restart_a_person_s_clock(db):
    lea = lead()
    offer = Campaign.objects.create(
        name="Printemps", purpose=P.TRAINEE_OFFERS, subject_fr="Offre", body_fr="Nos sessions."
    )
    with at(ON_FILE + datetime.timedelta(days=700)):
        campaign_address(campaign=offer, trainees=[lea])
        assert campaign_send(campaign_id=offer.pk) == (1, 0)  # within the period: sent
    assert CampaignRecipient.objects.get().status == "sent"

    # Three years after she was put on file: no more offers, and she goes.
    assert not_for_offers(lea) == {lea.pk}
    assert kept_on_file() == set()


@pytest.mark.policy("K3")
def test_staff_edits_never_restart_a_person_s_clock(db, alice):
    lea = lead()
    with at(LAPSED - datetime.timedelta(days=1)):
        lea.phone = "0612345678"
        trainee_staff_save(trainee=lea, previous_email=lea.email, actor=alice, now=timezone.now())

    assert kept_on_file() == set()


@pytest.mark.policy("K3")
def test_a_yes_to_offers_on_their_own_page_restarts_the_clock(client, db):
    lea, tom = lead(), former_trainee()
    assert not_for_offers(lea, tom) == {lea.pk, tom.pk}
    for person in (lea, tom):
        with at(ON_FILE + datetime.timedelta(days=400)):
            url = reverse("consent:manage", args=[self_service_token_make(email=person.email)])
            response = client.post(url, {"purpose": P.TRAINEE_OFFERS, "action": "give"})
            assert response.status_code == 302

    # A year after it, offers reach them again; a year before the period ends, Léa stays.
    assert not_for_offers(lea, tom) == set()
    assert kept_on_file() == {"lea@example.org", "tom@example.org"}
    later = ON_FILE + datetime.timedelta(days=400 + 3 * 365 + 2)
    assert not_for_offers(lea, tom, now=later) == {lea.pk, tom.pk}
    assert kept_on_file(now=later) == {"tom@example.org"}  # Tom's training record stays


def test_saying_no_does_not_restart_the_clock(client, db):
    lea = lead()
    with at(ON_FILE + datetime.timedelta(days=400)):
        token = unsubscribe_token_make(email=lea.email, purpose=P.TRAINEE_OFFERS)
        client.post(reverse("consent:unsubscribe", args=[token]))
        url = reverse("consent:manage", args=[self_service_token_make(email=lea.email)])
        client.post(url, {"purpose": P.NEWSLETTER, "action": "withdraw"})

    lea.refresh_from_db()
    assert lea.last_contact_at is None
    assert kept_on_file() == set()


def test_existing_people_get_their_last_contact_from_what_is_recorded(db):
    migration = importlib.import_module("trainees.migrations.0007_last_contact_from_history")
    tom, lea, staff_made = former_trainee(), lead(), lead(email="sam@example.org")
    registered, consented = ON_FILE - datetime.timedelta(days=60), ON_FILE
    tom.enrolments.update(created_at=registered)
    consent_record(
        email=lea.email,
        purpose=P.TRAINEE_OFFERS,
        action=A.GIVEN,
        channel=C.SELF_SERVICE,
        at=consented,
    )
    # What we or staff did is no contact from the person.
    consent_record(
        email=staff_made.email,
        purpose=P.TRAINEE_OFFERS,
        action=A.OBJECTED,
        channel=C.SELF_SERVICE,
        at=consented,
    )
    Trainee.objects.update(last_contact_at=None)

    migration.last_contact_from_history(apps, None)

    found = dict(Trainee.objects.values_list("email", "last_contact_at"))
    assert found == {tom.email: registered, lea.email: consented, staff_made.email: None}

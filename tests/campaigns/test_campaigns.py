"""Staff send an offer to a selection; nobody who said no receives it."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, CampaignRecipient
from campaigns.services import campaign_address, campaign_send
from consent.models import ConsentRecord
from consent.services import consent_record, suppression_add
from tests.factories import ClientContactFactory, TraineeFactory

pytestmark = pytest.mark.django_db(transaction=True)
P, A, C = ConsentRecord.Purpose, ConsentRecord.Action, ConsentRecord.Channel
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def offer(db):
    return Campaign.objects.create(
        name="Printemps",
        purpose=P.TRAINEE_OFFERS,
        subject_fr="Nos formations de printemps",
        body_fr="Découvrez nos sessions.",
        subject_en="Our spring courses",
        body_en="Discover our sessions.",
    )


@pytest.fixture
def cast(db):
    """Dora agrees, Eve objected, Fay unsubscribed long ago (only her hash is left),
    Gus reads English."""
    now = timezone.now()
    dora = TraineeFactory(email="dora@example.org")
    eve = TraineeFactory(email="eve@example.org")
    consent_record(
        email=eve.email,
        purpose=P.TRAINEE_OFFERS,
        action=A.OBJECTED,
        channel=C.REGISTRATION_FORM,
        at=now,
    )
    fay = TraineeFactory(email="fay@example.org")
    suppression_add(email="FAY@example.org", purpose=P.TRAINEE_OFFERS, now=now)
    gus = TraineeFactory(email="gus@example.org", language="en")
    return dora, eve, fay, gus


@pytest.mark.policy("P2")
@pytest.mark.policy("P5")
def test_objected_and_suppressed_people_receive_nothing(offer, cast):
    campaign_address(campaign=offer, trainees=cast)

    assert campaign_send(campaign_id=offer.pk) == (2, 2)

    assert sorted(m.to[0] for m in mail.outbox) == ["dora@example.org", "gus@example.org"]
    offer.refresh_from_db()
    assert (offer.status, offer.sent, offer.skipped) == ("done", 2, 2)
    assert offer.finished_at is not None


@pytest.mark.policy("P4")
def test_every_offer_carries_the_one_click_unsubscribe_headers_and_link(offer, cast):
    campaign_address(campaign=offer, trainees=cast)
    campaign_send(campaign_id=offer.pk)

    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        link = message.extra_headers["List-Unsubscribe"].strip("<>")
        assert link.startswith("http://testserver/unsubscribe/")
        assert link in message.body and link in message.alternatives[0][0]


@pytest.mark.policy("F1")
def test_each_email_is_in_the_recipients_language(offer, cast):
    campaign_address(campaign=offer, trainees=cast)
    campaign_send(campaign_id=offer.pk)

    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["dora@example.org"].subject == "Nos formations de printemps"
    assert "Se désinscrire en un clic" in by_address["dora@example.org"].body
    assert by_address["gus@example.org"].subject == "Our spring courses"
    assert "Unsubscribe in one click" in by_address["gus@example.org"].body


def test_an_offer_written_only_in_french_reaches_an_english_reader_wholly_in_french(cast):
    french_only = Campaign.objects.create(
        name="Automne", purpose=P.TRAINEE_OFFERS, subject_fr="Automne", body_fr="Nos sessions."
    )
    campaign_address(campaign=french_only, trainees=cast)
    campaign_send(campaign_id=french_only.pk)

    gus = next(m for m in mail.outbox if m.to == ["gus@example.org"])
    html = gus.alternatives[0][0]
    assert '<html lang="fr">' in html and "Se désinscrire en un clic" in gus.body
    for message in mail.outbox:
        assert '<html lang="">' not in message.alternatives[0][0]


def test_a_second_run_sends_nothing_twice(offer, cast):
    campaign_address(campaign=offer, trainees=cast)
    campaign_send(campaign_id=offer.pk)

    assert campaign_send(campaign_id=offer.pk) == (0, 0)
    assert len(mail.outbox) == 2


def test_prospecting_goes_to_client_contacts_who_did_not_object(db):
    prospecting = Campaign.objects.create(
        name="Clients",
        purpose=P.CLIENT_PROSPECTING,
        subject_fr="Offre",
        body_fr="Texte",
    )
    willing, unwilling = ClientContactFactory(), ClientContactFactory()
    consent_record(
        email=unwilling.email,
        purpose=P.CLIENT_PROSPECTING,
        action=A.OBJECTED,
        channel=C.STAFF,
        at=timezone.now(),
    )
    campaign_address(campaign=prospecting, contacts=[willing, unwilling])

    campaign_send(campaign_id=prospecting.pk)

    assert [m.to for m in mail.outbox] == [[willing.email]]


def test_marketing_staff_address_and_send_a_campaign_from_the_admin(
    client, offer, cast, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Group, User

    marketing = User.objects.create_user("mia", password="x", is_staff=True)
    marketing.groups.set(Group.objects.filter(name="Marketing"))
    client.force_login(marketing)
    selected = [t.pk for t in cast]

    page = client.post(
        reverse("admin:trainees_trainee_changelist"),
        {"action": "address_campaign", "_selected_action": selected},
    )
    client.post(
        reverse("admin:trainees_trainee_changelist"),
        {"action": "address_campaign", "_selected_action": selected, "campaign": offer.pk},
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:campaigns_campaign_changelist"),
            {"action": "send", "_selected_action": [offer.pk]},
        )
    progress = client.get(reverse("admin:campaigns_campaign_change", args=[offer.pk]))

    assert "Printemps" in page.content.decode()
    assert CampaignRecipient.objects.count() == 4
    assert len(mail.outbox) == 2
    assert progress.context["original"].status == Campaign.Status.DONE
    offer.refresh_from_db()
    assert (offer.sent, offer.skipped) == (2, 2)


def test_training_staff_cannot_send_campaigns(client, alice, offer):
    client.force_login(alice)

    assert client.get(reverse("admin:campaigns_campaign_changelist")).status_code == 403


@pytest.mark.policy("P3")
def test_trainees_known_only_through_their_employer_receive_no_offers(offer, db):
    import datetime

    from tests.factories import EnrolmentFactory, OrganisationFactory, SessionFactory

    acme = OrganisationFactory()
    employee = TraineeFactory(email="employee@example.org")
    EnrolmentFactory(trainee=employee, source="employer", client=acme)
    long_gone = TraineeFactory(email="gone@example.org")
    old_day = timezone.localdate() - datetime.timedelta(days=4 * 365)
    EnrolmentFactory(
        trainee=long_gone, session=SessionFactory(start_date=old_day, end_date=old_day)
    )
    recent = TraineeFactory(email="recent@example.org")
    EnrolmentFactory(trainee=recent)
    campaign_address(campaign=offer, trainees=[employee, long_gone, recent])

    assert campaign_send(campaign_id=offer.pk) == (1, 2)
    assert [m.to for m in mail.outbox] == [["recent@example.org"]]


def test_an_address_the_mail_server_refuses_does_not_stop_the_campaign(
    offer, cast, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.mail_backends.RefusingBackend"
    settings.REFUSED_ADDRESSES = ["dora@example.org"]
    campaign_address(campaign=offer, trainees=cast)

    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        campaign_send(campaign_id=offer.pk)

    statuses = dict(CampaignRecipient.objects.values_list("trainee__email", "status"))
    assert statuses["dora@example.org"] == "failed" and statuses["gus@example.org"] == "sent"
    assert [m.to for m in mail.outbox] == [["gus@example.org"]]
    offer.refresh_from_db()
    assert offer.status == Campaign.Status.DONE
    assert offer.sent == 1


def test_a_subject_with_a_line_break_is_refused(offer):
    from django.core.exceptions import ValidationError

    offer.subject_fr = "Offre\r\nBcc: everyone@example.org"
    with pytest.raises(ValidationError):
        offer.full_clean()


@pytest.fixture
def subsidiary_offer(db):
    return Campaign.objects.create(
        name="Filiale",
        purpose=P.SUBSIDIARY_OFFERS,
        subject_fr="L'offre de notre filiale",
        body_fr="Texte.",
    )


def said(email, purpose, *actions):
    for action in actions:
        consent_record(
            email=email, purpose=purpose, action=action, channel=C.SELF_SERVICE, at=timezone.now()
        )


@pytest.mark.policy("P3")
@pytest.mark.policy("P2")
def test_a_subsidiary_offer_reaches_consenting_trainees_and_non_objecting_contacts_only(
    subsidiary_offer,
):
    """Kim agreed; Lou never answered; Max agreed then withdrew. Nina, a client contact,
    said nothing; Omar, a client contact, objected."""
    kim, lou, max_ = (TraineeFactory(email=f"{n}@example.org") for n in ("kim", "lou", "max"))
    said(kim.email, P.SUBSIDIARY_OFFERS, A.GIVEN)
    said(max_.email, P.SUBSIDIARY_OFFERS, A.GIVEN, A.WITHDRAWN)
    nina, omar = ClientContactFactory(email="nina@client.example"), ClientContactFactory()
    said(omar.email, P.SUBSIDIARY_OFFERS, A.OBJECTED)
    campaign_address(campaign=subsidiary_offer, trainees=[kim, lou, max_], contacts=[nina, omar])

    assert campaign_send(campaign_id=subsidiary_offer.pk) == (2, 3)

    by_address = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_address) == ["kim@example.org", "nina@client.example"]
    # The footer says why each receives it.
    assert "parce que vous avez accepté de recevoir leurs offres" in by_address[kim.email].body
    assert "en lien avec votre fonction" in by_address[nina.email].body


@pytest.mark.policy("P3")
@pytest.mark.policy("P5")
def test_our_offers_never_reach_a_trainee_who_objected_nor_a_client_contact(offer, cast):
    dora, eve, _fay, _gus = cast
    contact = ClientContactFactory()
    campaign_address(campaign=offer, trainees=[dora, eve], contacts=[contact])

    assert campaign_send(campaign_id=offer.pk) == (1, 2)

    assert [m.to for m in mail.outbox] == [[dora.email]]
    assert "ne vous y êtes pas opposé" in mail.outbox[0].body


@pytest.mark.policy("P2")
def test_prospecting_of_client_contacts_never_reaches_a_trainee(db):
    prospecting = Campaign.objects.create(
        name="Clients", purpose=P.CLIENT_PROSPECTING, subject_fr="Offre", body_fr="Texte"
    )
    campaign_address(
        campaign=prospecting, trainees=[TraineeFactory()], contacts=[ClientContactFactory()]
    )

    assert campaign_send(campaign_id=prospecting.pk) == (1, 1)


@pytest.mark.policy("P3")
def test_staff_can_address_a_subsidiary_offer_from_both_lists_and_are_told_who_it_reaches(
    client, subsidiary_offer
):
    from django.contrib.auth.models import Group, User

    marketing = User.objects.create_user("mia", password="x", is_staff=True)
    marketing.groups.set(Group.objects.filter(name="Marketing"))
    client.force_login(marketing)
    kim, lou = TraineeFactory(), TraineeFactory()
    said(kim.email, P.SUBSIDIARY_OFFERS, A.GIVEN)
    nina = ClientContactFactory()
    trainees = reverse("admin:trainees_trainee_changelist")
    contacts = reverse("admin:clients_clientcontact_changelist")

    picker = client.post(
        trainees, {"action": "address_campaign", "_selected_action": [kim.pk, lou.pk]}, **EN
    )
    added = client.post(
        trainees,
        {
            "action": "address_campaign",
            "_selected_action": [kim.pk, lou.pk],
            "campaign": subsidiary_offer.pk,
        },
        follow=True,
        **EN,
    )
    client.post(
        contacts,
        {
            "action": "address_campaign",
            "_selected_action": [nina.pk],
            "campaign": subsidiary_offer.pk,
        },
    )

    assert list(picker.context["form"].fields["campaign"].queryset) == [subsidiary_offer]
    assert "trainees who agreed and client contacts who did not object" in picker.content.decode()
    assert "of those selected, 1 may receive it now" in added.content.decode()
    assert subsidiary_offer.recipients.count() == 3
    assert campaign_send(campaign_id=subsidiary_offer.pk) == (2, 1)

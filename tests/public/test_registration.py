"""A trainee registers themself on a session from the public site."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from consent.models import ConsentRecord
from tests.factories import EnrolmentFactory, SessionFactory, TraineeFactory
from trainees.models import Trainee
from training.models import Enrolment, PendingRegistration, SensitiveNeeds

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def nothing_stored():
    return not (
        Trainee.objects.exists()
        or Enrolment.objects.exists()
        or SensitiveNeeds.objects.exists()
        or ConsentRecord.objects.exists()
        or PendingRegistration.objects.exists()
    )


@pytest.mark.policy("R1")
@pytest.mark.policy("P1")
def test_a_person_registers_and_we_are_controller(register, confirm, session, form_data):
    response = register(session, form_data)
    assert response.status_code == 302
    assert response["Location"] == reverse("training:registration_submitted", args=[session.pk])

    confirm(form_data["email"])

    enrolment = Enrolment.objects.select_related("trainee").get()
    assert enrolment.session == session
    assert enrolment.source == Enrolment.Source.SELF
    assert enrolment.role == Enrolment.Role.CONTROLLER
    assert enrolment.trainee.email == "alice.lambert@example.org"
    assert enrolment.trainee.language == "fr"


def test_the_page_after_registering_says_to_check_the_email(client, register, session, form_data):
    response = register(session, form_data, **EN)
    page = client.get(response["Location"], **EN)

    html = page.content.decode()
    assert "Check your email" in html
    assert "What happens next" in html
    assert "confirm your registration within 48 hours" in html


@pytest.mark.policy("D3")
def test_every_field_says_whether_it_is_mandatory_and_why_it_is_asked(client, session):
    response = client.get(reverse("training:registration_form", args=[session.pk]), **EN)

    form = response.context["form"]
    html = response.content.decode()
    for field in form:
        assert f'for="{field.id_for_label}"' in html or field.widget_type == "radioselect"
        mark = "(mandatory)" if field.field.required else "(optional)"
        label_start = html.index(str(field.label))
        assert mark in html[label_start : label_start + len(str(field.label)) + 200]
        if field.name not in {"allergies_consent", "disability_consent"}:
            assert field.help_text, f"{field.name} does not say why it is asked"
    mandatory = {f.name for f in form if f.field.required}
    assert mandatory == {
        "surname",
        "first_name",
        "email",
        "phone",
        "postal_address",
        "occupation",
        "registering_as",
    }


@pytest.mark.policy("D4")
def test_without_mandatory_data_the_registration_is_refused_and_nothing_stored(
    register, session, form_data
):
    form_data.update(surname="", email="")

    response = register(session, form_data, **EN)

    assert response.status_code == 200
    assert response.context["form"].errors["surname"] == ["This field is required."]
    assert nothing_stored()


@pytest.mark.policy("S1")
def test_allergies_are_not_even_asked_when_the_session_has_no_meals(
    client, register_and_confirm, form_data
):
    no_meals = SessionFactory(meals_provided=False)

    page = client.get(reverse("training:registration_form", args=[no_meals.pk]))
    form_data.update(food_allergies="Gluten", allergies_consent="on")
    register_and_confirm(no_meals, form_data)

    assert "food_allergies" not in page.content.decode()
    assert Enrolment.objects.exists()
    assert not SensitiveNeeds.objects.exists()


@pytest.mark.policy("S2")
def test_the_consent_boxes_are_separate_and_unticked(client, session):
    html = client.get(reverse("training:registration_form", args=[session.pk])).content.decode()
    form = html[html.index('<form method="post" novalidate') :]
    form = form[: form.index("</form>")]

    boxes = re.findall(r'<input type="checkbox"[^>]*>', form)
    assert len(boxes) == 4  # allergies, disability, no offers, subsidiaries' offers
    assert not any("checked" in box for box in boxes)


@pytest.mark.policy("S2")
@pytest.mark.policy("D4")
def test_allergy_text_without_consent_is_refused_next_to_the_field(register, session, form_data):
    form_data.update(food_allergies="Arachides")

    response = register(session, form_data, **EN)

    html = response.content.decode()
    assert response.status_code == 200
    assert "To record your food allergies, tick the consent box below" in html
    assert 'aria-describedby="id_food_allergies_errors id_food_allergies_helptext"' in html
    assert 'id="id_food_allergies_errors"' in html
    assert nothing_stored()


@pytest.mark.policy("S2")
def test_consent_without_text_stores_nothing_sensitive(register_and_confirm, session, form_data):
    form_data.update(allergies_consent="on", disability_consent="on")

    register_and_confirm(session, form_data)

    assert Enrolment.objects.exists()
    assert not SensitiveNeeds.objects.exists()
    purposes = set(ConsentRecord.objects.values_list("purpose", flat=True))
    assert purposes == {ConsentRecord.Purpose.TRAINEE_OFFERS}


@pytest.mark.policy("S2")
@pytest.mark.policy("S3")
def test_needs_given_with_consent_are_stored_encrypted_with_their_consent_recorded(
    register_and_confirm, session, form_data
):
    form_data.update(
        food_allergies="Arachides",
        allergies_consent="on",
        disability_adaptations="Salle accessible en fauteuil",
        disability_consent="on",
    )

    register_and_confirm(session, form_data)

    needs = SensitiveNeeds.objects.get()
    assert needs.food_allergies == "Arachides"
    assert needs.disability_adaptations == "Salle accessible en fauteuil"
    given = ConsentRecord.objects.filter(action=ConsentRecord.Action.GIVEN)
    assert set(given.values_list("purpose", flat=True)) == {
        ConsentRecord.Purpose.ALLERGY_DATA,
        ConsentRecord.Purpose.DISABILITY_DATA,
        ConsentRecord.Purpose.TRAINEE_OFFERS,
    }
    record = given.get(purpose=ConsentRecord.Purpose.ALLERGY_DATA)
    assert record.channel == ConsentRecord.Channel.REGISTRATION_FORM
    assert record.email == "alice.lambert@example.org"
    assert record.policy_version.number == "1.0"


@pytest.mark.policy("P3")
def test_the_trainee_can_object_to_offers_right_on_the_form(register, confirm, session, form_data):
    before = timezone.now()
    form_data.update(no_offers="on")

    register(session, form_data)

    # An objection only stops processing: it needs no confirmation and applies at once.
    record = ConsentRecord.objects.get(purpose=ConsentRecord.Purpose.TRAINEE_OFFERS)
    assert record.action == ConsentRecord.Action.OBJECTED
    assert record.at >= before
    assert record.email == "alice.lambert@example.org"
    confirm(form_data["email"])
    assert ConsentRecord.objects.filter(purpose=ConsentRecord.Purpose.TRAINEE_OFFERS).count() == 1


@pytest.mark.policy("P3")
def test_the_form_asks_apart_about_our_offers_and_our_french_subsidiaries(client, session):
    html = client.get(
        reverse("training:registration_form", args=[session.pk]), **EN
    ).content.decode()

    assert "offers and information about training courses similar to this one" in html
    assert "I do not want to receive your offers of similar training." in html
    assert "I agree that our French subsidiaries send me their offers by email." in html


@pytest.mark.policy("P3")
def test_offers_from_subsidiaries_need_their_own_consent(register_and_confirm, session, form_data):
    from consent.selectors import communication_allowed

    register_and_confirm(session, form_data)
    assert not communication_allowed(email="alice.lambert@example.org", purpose="subsidiary_offers")
    assert communication_allowed(email="alice.lambert@example.org", purpose="trainee_offers")

    other = SessionFactory()
    register_and_confirm(other, {**form_data, "subsidiary_offers": "on"})
    assert communication_allowed(email="alice.lambert@example.org", purpose="subsidiary_offers")


def test_registering_for_an_employer_needs_its_name(
    register, register_and_confirm, session, form_data
):
    form_data.update(registering_as="employee")

    refused = register(session, form_data, **EN)
    form_data.update(employer_name="Acme Industrie")
    register_and_confirm(session, form_data)

    assert "Name your employer" in refused.content.decode()
    enrolment = Enrolment.objects.get()
    assert enrolment.employer_name == "Acme Industrie"
    assert enrolment.role == Enrolment.Role.CONTROLLER


def test_a_full_session_is_said_by_email_and_nothing_is_stored(client, register, form_data):
    full = SessionFactory(capacity=1)
    EnrolmentFactory(session=full)

    register(full, form_data, **EN)

    page = client.get(reverse("training:registration_form", args=[full.pk]), **EN)
    assert "This session is full" in page.content.decode()
    assert "This session is full" in mail.outbox[-1].body
    assert Trainee.objects.count() == 1  # the one already enrolled
    assert full.enrolments.count() == 1
    assert not PendingRegistration.objects.exists()


def test_a_second_registration_of_the_same_email_is_told_by_email_and_no_duplicate(
    register, register_and_confirm, session, form_data
):
    register_and_confirm(session, form_data)
    form_data.update(email="ALICE.LAMBERT@example.org ")

    response = register(session, form_data, **EN)

    assert response.status_code == 302
    assert "You are already enrolled on this session" in mail.outbox[-1].body
    assert Enrolment.objects.count() == 1
    assert Trainee.objects.count() == 1


def test_a_known_address_registering_again_does_not_overwrite_the_record(
    register_and_confirm, session, form_data
):
    known = TraineeFactory(email="alice.lambert@example.org", surname="Lambert", phone="0102030405")
    form_data.update(surname="Someone Else", phone="0999999999")

    register_and_confirm(session, form_data)

    known.refresh_from_db()
    assert known.surname == "Lambert"
    assert known.phone == "0102030405"
    assert known.occupation == "Technicienne"  # an empty field is filled in
    assert Enrolment.objects.get().trainee == known


def test_a_session_starting_today_is_not_in_the_catalogue(client, db):
    today = timezone.localdate()
    SessionFactory(start_date=today, end_date=today)

    assert list(client.get("/").context["page"].object_list) == []


@pytest.mark.parametrize("days_from_today", [0, -1, -30])
def test_a_session_that_has_started_is_closed_for_registration(client, form_data, days_from_today):
    start = timezone.localdate() + datetime.timedelta(days=days_from_today)
    started = SessionFactory(start_date=start, end_date=start + datetime.timedelta(days=2))

    page = client.get(reverse("training:registration_form", args=[started.pk]), **EN)
    post = client.post(reverse("training:registration_form", args=[started.pk]), form_data)

    assert page.status_code == post.status_code == 410
    assert "registration is closed" in page.content.decode()
    assert nothing_stored()


@pytest.mark.parametrize(
    "path", ["/sessions/999999/register/", "/sessions/abc/register/", "/sessions/1e3/"]
)
def test_unknown_or_tampered_session_ids_are_a_clear_404(client, db, path):
    response = client.get(path)

    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_a_post_without_csrf_token_is_refused_with_a_page_and_nothing_stored(session, form_data):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        reverse("training:registration_form", args=[session.pk]), form_data, **EN
    )

    assert response.status_code == 403
    assert "Nothing was recorded" in response.content.decode()
    assert nothing_stored()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("surname", "x" * 101, "at most 100 characters"),
        ("email", "alice@", "Enter a valid email address."),
        ("email", "alice@example.org\r\nBcc: victim@example.org", "Enter a valid email address."),
        ("phone", "call me maybe", "Enter a phone number"),
        ("phone", "------", "Enter a phone number"),
        ("phone", "(((( ))))", "Enter a phone number"),
        ("phone", "٠٦١٢٣٤٥٦٧٨", "Enter a phone number"),
        ("phone", "1234567890123456", "Enter a phone number"),
        ("surname", "\u200b\u200b", "at least one letter"),
        ("first_name", "<script>alert(1)</script>", "remove the &lt; and &gt; characters"),
        ("postal_address", "a\x00b", "Null characters are not allowed."),
        ("registering_as", "boss", "Select a valid choice."),
        ("diplomas_and_skills", "y" * 1001, "at most 1000 characters"),
    ],
)
def test_bad_input_gets_a_clear_message_and_nothing_is_stored(
    register, session, form_data, field, value, message
):
    form_data[field] = value

    response = register(session, form_data, **EN)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert nothing_stored()


def test_repeated_submissions_from_one_address_are_throttled(
    register, session, form_data, settings
):
    settings.REGISTRATION_SUBMISSIONS_PER_HOUR = 3
    for n in range(3):
        assert register(session, {**form_data, "email": f"p{n}@example.org"}).status_code == 302

    response = register(session, {**form_data, "email": "p4@example.org"}, **EN)

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert PendingRegistration.objects.count() == 3
    other_address = register(
        session, {**form_data, "email": "p5@example.org"}, REMOTE_ADDR="10.0.0.9"
    )
    assert other_address.status_code == 302


def test_typing_mistakes_do_not_count_against_the_limit(register, session, form_data, settings):
    settings.REGISTRATION_SUBMISSIONS_PER_HOUR = 1
    for _ in range(5):
        assert register(session, {**form_data, "email": "wrong@"}).status_code == 200

    assert register(session, form_data).status_code == 302


def test_behind_a_proxy_each_visitor_has_their_own_limit(register, session, form_data, settings):
    settings.REGISTRATION_SUBMISSIONS_PER_HOUR, settings.TRUSTED_PROXIES = 1, 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}

    first = register(session, form_data, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    second = register(
        session,
        {**form_data, "email": "bob@example.org"},
        HTTP_X_FORWARDED_FOR="spoofed, 198.51.100.7",
        **proxy,
    )
    third = register(
        session,
        {**form_data, "email": "eve@example.org"},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        **proxy,
    )

    assert (first.status_code, second.status_code, third.status_code) == (302, 302, 429)


def test_with_the_cache_down_registrations_still_go_through(register, session, form_data, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }

    response = register(session, form_data)

    assert response.status_code == 302
    assert PendingRegistration.objects.count() == 1


def test_the_catalogue_lists_upcoming_sessions_with_seats_left(client, session):
    past = SessionFactory(
        start_date=timezone.localdate() - datetime.timedelta(days=5),
        end_date=timezone.localdate() - datetime.timedelta(days=4),
    )
    EnrolmentFactory.create_batch(2, session=session)

    response = client.get("/")

    listed = list(response.context["page"].object_list)
    assert listed == [session]
    assert listed[0].seats_left == 10
    assert past not in listed
    assert reverse("training:session_detail", args=[session.pk]) in response.content.decode()


def test_the_catalogue_is_paginated(client, db):
    SessionFactory.create_batch(25)

    first = client.get("/")
    second = client.get("/", {"page": 2})

    assert len(first.context["page"].object_list) == 20
    assert len(second.context["page"].object_list) == 5
    assert client.get("/", {"page": "zzz"}).status_code == 200


def test_a_session_page_shows_its_facts_and_the_way_to_register(client, session):
    response = client.get(reverse("training:session_detail", args=[session.pk]), **EN)

    html = response.content.decode()
    assert "Sauveteur secouriste du travail" in html
    assert "Lyon" in html and "Nadia Benali" in html
    assert reverse("training:registration_form", args=[session.pk]) in html

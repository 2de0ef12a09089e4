"""Dates read the way the visitor's language writes them: day first in English too."""

import datetime

import pytest
from django.utils import formats, translation

from tests.factories import EnrolmentFactory, SessionFactory, TraineeFactory
from training.emails import enrolment_confirmation_message

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 12, 14)


@pytest.mark.parametrize(
    ("language", "long", "short"),
    [("fr", "14 décembre 2026", "14/12/2026"), ("en", "14 December 2026", "14/12/2026")],
)
def test_dates_are_day_first_in_both_languages(language, long, short):
    with translation.override(language):
        assert formats.date_format(DAY) == long
        assert formats.date_format(DAY, "SHORT_DATE_FORMAT") == short


def test_an_english_visitor_reads_a_session_page_with_british_dates(client):
    session = SessionFactory(start_date=DAY, end_date=DAY + datetime.timedelta(days=2))

    html = client.get(f"/sessions/{session.pk}/", HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()

    assert "14 December 2026" in html
    assert "Dec. 14" not in html and "December 14" not in html


def test_an_english_email_subject_carries_a_day_first_date():
    session = SessionFactory(start_date=DAY, end_date=DAY + datetime.timedelta(days=2))
    enrolment = EnrolmentFactory(session=session, trainee__language="en")

    subject = enrolment_confirmation_message(enrolment=enrolment).subject

    assert "14/12/2026" in subject
    assert "12/14/2026" not in subject


def test_a_one_day_session_shows_one_date_and_durations_read_in_hours(client):
    one_day = SessionFactory(start_date=DAY, end_date=DAY, course__duration_hours=7)
    three_days = SessionFactory(
        start_date=DAY, end_date=DAY + datetime.timedelta(days=2), course__duration_hours=21
    )

    one = client.get(f"/sessions/{one_day.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    three = client.get(f"/sessions/{three_days.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "<dd>14 décembre 2026</dd>" in one
    assert "<dd>14 décembre 2026 – 16 décembre 2026</dd>" in three
    assert "<dd>21 h</dd>" in three and "21,0" not in three and "heures" not in three


def test_only_a_person_we_already_knew_is_told_their_details_were_kept():
    import time_machine
    from django.utils import timezone

    session = SessionFactory(start_date=DAY, end_date=DAY)
    known = EnrolmentFactory(session=session, source="self")  # created just now, with it
    with time_machine.travel(timezone.now() - datetime.timedelta(days=400)):
        returning = TraineeFactory()
    again = EnrolmentFactory(session=session, source="self", trainee=returning)

    new_text = enrolment_confirmation_message(enrolment=known).body
    returning_text = enrolment_confirmation_message(enrolment=again).body

    assert "already knew your email" not in new_text and "connaissions" not in new_text
    assert "connaissions déjà votre adresse" in returning_text or "already knew" in returning_text

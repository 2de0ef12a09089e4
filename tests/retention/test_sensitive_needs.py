"""Allergy and disability data go the day after the session's last day (Europe/Paris)."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from core.holds import hold_lift, hold_place
from core.purge import rule_apply
from core.schedule import BY_NAME
from retention.services import retention_run
from tests.factories import EnrolmentFactory, SessionFactory, TraineeFactory
from training.models import SensitiveNeeds
from training.sensitive_needs import sensitive_needs_record

pytestmark = [pytest.mark.django_db, pytest.mark.policy("S5")]
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def paris(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


def needs_on(session, email="alice@example.org"):
    enrolment = EnrolmentFactory(session=session, trainee=TraineeFactory(email=email))
    return sensitive_needs_record(
        enrolment=enrolment,
        food_allergies="Arachides",
        allergies_consent=True,
        disability_adaptations="Fauteuil",
        disability_consent=True,
        now=timezone.now(),
    )


def run(moment):
    with time_machine.travel(moment, tick=False):
        return retention_run(now=timezone.now(), rules=["sensitive-needs"])["sensitive-needs"]


def erased(needs) -> bool:
    needs.refresh_from_db()
    return (
        needs.food_allergies is None
        and needs.disability_adaptations is None
        and needs.purged_at is not None
    )


def test_a_session_ending_today_keeps_them_today_and_loses_them_tomorrow(db):
    session = SessionFactory(
        start_date=datetime.date(2027, 6, 9), end_date=datetime.date(2027, 6, 10)
    )
    needs = needs_on(session)

    assert run(paris(2027, 6, 10, 23, 59)).affected == 0
    assert not erased(needs)
    assert run(paris(2027, 6, 11, 0, 1)).affected == 1
    assert erased(needs)


def test_the_boundary_is_midnight_in_paris_not_in_utc(db):
    """At 00:30 in Paris on the 11th it is still the 10th in UTC."""
    session = SessionFactory(
        start_date=datetime.date(2027, 6, 10), end_date=datetime.date(2027, 6, 10)
    )
    needs = needs_on(session)

    assert run(paris(2027, 6, 11, 0, 30)).affected == 1
    assert erased(needs)


@pytest.mark.parametrize(
    ("last_day", "just_before", "just_after"),
    [
        # Clocks go forward on 28 March 2027 (02:00 → 03:00) and back on 31 October.
        (datetime.date(2027, 3, 27), paris(2027, 3, 27, 23, 59), paris(2027, 3, 28, 0, 1)),
        (datetime.date(2027, 3, 28), paris(2027, 3, 28, 23, 59), paris(2027, 3, 29, 0, 1)),
        (datetime.date(2027, 10, 30), paris(2027, 10, 30, 23, 59), paris(2027, 10, 31, 0, 1)),
        (datetime.date(2027, 10, 31), paris(2027, 10, 31, 23, 59), paris(2027, 11, 1, 0, 1)),
    ],
)
def test_daylight_saving_changes_move_nothing(db, last_day, just_before, just_after):
    needs = needs_on(SessionFactory(start_date=last_day, end_date=last_day))

    assert run(just_before).affected == 0
    assert run(just_after).affected == 1
    assert erased(needs)


def test_a_session_moved_later_stops_being_due(db):
    session = SessionFactory(
        start_date=datetime.date(2027, 6, 9), end_date=datetime.date(2027, 6, 10)
    )
    needs = needs_on(session)
    session.end_date = datetime.date(2027, 6, 20)
    session.save()

    assert run(paris(2027, 6, 12, 3, 0)).affected == 0
    assert not erased(needs)


def test_future_sessions_keep_their_needs_and_the_run_is_idempotent(db):
    ended = needs_on(
        SessionFactory(start_date=datetime.date(2027, 6, 1), end_date=datetime.date(2027, 6, 2)),
        "a@x.org",
    )
    future = needs_on(
        SessionFactory(start_date=datetime.date(2027, 7, 1), end_date=datetime.date(2027, 7, 2)),
        "b@x.org",
    )

    first = run(paris(2027, 6, 15, 2, 30))
    second = run(paris(2027, 6, 15, 2, 31))

    assert (first.affected, second.affected) == (1, 0)
    assert erased(ended)
    future.refresh_from_db()
    assert future.food_allergies == "Arachides" and future.purged_at is None


def test_a_purge_in_many_small_batches_erases_every_due_row_and_nothing_else(db, settings):
    settings.RETENTION_BATCH_SIZE = 2
    ended = SessionFactory(start_date=datetime.date(2027, 6, 1), end_date=datetime.date(2027, 6, 2))
    due = [needs_on(ended, f"due{n}@x.org") for n in range(5)]
    future = needs_on(
        SessionFactory(start_date=datetime.date(2027, 7, 1), end_date=datetime.date(2027, 7, 2)),
        "later@x.org",
    )

    with time_machine.travel(paris(2027, 6, 15, 2, 30), tick=False):
        result = rule_apply(BY_NAME["sensitive-needs"], now=timezone.now())

    assert result.affected == 5
    assert all(erased(needs) for needs in due)
    assert not erased(future)


def test_the_purge_leaves_the_connection_planning_cursors_as_before(db, require_postgres, settings):
    """The key scan is planned for reading every row; later cursors on the same
    connection (a worker runs many tasks) keep PostgreSQL's default."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW cursor_tuple_fraction")
        before = cursor.fetchone()
    needs_on(
        SessionFactory(start_date=datetime.date(2027, 6, 1), end_date=datetime.date(2027, 6, 2))
    )

    with time_machine.travel(paris(2027, 6, 15, 2, 30), tick=False):
        assert rule_apply(BY_NAME["sensitive-needs"], now=timezone.now()).affected == 1

    with connection.cursor() as cursor:
        cursor.execute("SHOW cursor_tuple_fraction")
        assert cursor.fetchone() == before


def test_no_plaintext_and_no_ciphertext_is_left_after_the_purge(db):
    needs = needs_on(
        SessionFactory(start_date=datetime.date(2027, 6, 1), end_date=datetime.date(2027, 6, 2))
    )

    run(paris(2027, 6, 3, 2, 30))

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT food_allergies, disability_adaptations, allergies_consent_at FROM trainees_sensitiveneeds WHERE id = %s",
            [needs.pk],
        )
        assert cursor.fetchone() == (None, None, None)


@pytest.mark.policy("G5")
def test_a_restricted_person_is_held_back_and_counted_then_purged_once_lifted(db):
    session = SessionFactory(
        start_date=datetime.date(2027, 6, 1), end_date=datetime.date(2027, 6, 2)
    )
    held = needs_on(session, "held@example.org")
    other = needs_on(session, "other@example.org")
    hold = hold_place(
        email="HELD@example.org",
        kind="restriction",
        reason="Art. 18 request #12",
        now=timezone.now(),
    )

    result = run(paris(2027, 6, 3, 2, 30))

    assert (result.affected, result.held) == (1, 1)
    assert erased(other) and not erased(held)
    hold_lift(hold=hold, now=timezone.now())
    assert run(paris(2027, 6, 4, 2, 30)).affected == 1
    assert erased(held)
    assert SensitiveNeeds.objects.filter(purged_at__isnull=True).count() == 0

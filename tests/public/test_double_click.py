"""Six submissions of the same new address at once (a double click, a retrying browser),
then six presses of its Confirm button at once: one held seat, one registration, never a
server error."""

import re
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone, translation

from trainees.models import Trainee
from training.models import Enrolment, PendingRegistration
from training.registration import (
    Outcome,
    RegistrationDetails,
    registration_confirm,
    registration_submit,
)

CLICKS = 6

DETAILS = RegistrationDetails(
    surname="Lambert",
    first_name="Alice",
    email="alice@example.org",
    phone="0612345678",
    postal_address="Lyon",
    employer_name="",
    occupation="Technicienne",
    diplomas_and_skills="",
    food_allergies="",
    allergies_consent=False,
    disability_adaptations="",
    disability_consent=False,
    objects_to_offers=False,
)


def all_at_once(action) -> list[str]:
    """Run ``action`` in CLICKS threads released together; what each came to."""
    start = threading.Barrier(CLICKS)
    outcomes: list[str] = []

    def run():
        translation.activate("en")
        try:
            start.wait()
            outcomes.append(action())
        except Exception as error:  # anything else would be a 500 in the view
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(CLICKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_and_confirmations_make_one_registration(
    require_postgres, session
):
    outcomes = all_at_once(
        lambda: registration_submit(
            session=session, details=DETAILS, language="fr", now=timezone.now()
        )
    )

    assert outcomes == [Outcome.AWAITING_CONFIRMATION] * CLICKS
    assert PendingRegistration.objects.count() == 1  # one seat held, not six
    assert not Trainee.objects.exists()

    # Each submission replaced the one before it: only the last link emailed works.
    tokens = [re.search(r"/register/confirm/(\S+)/", m.body).group(1) for m in mail.outbox]
    results = [registration_confirm(token=t, now=timezone.now()).outcome for t in tokens]
    assert sorted(results) == [Outcome.CONFIRMED] + [Outcome.INVALID] * (CLICKS - 1)
    assert Trainee.objects.count() == 1
    assert Enrolment.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_pressing_confirm_six_times_at_once_enrols_once(require_postgres, session):
    registration_submit(session=session, details=DETAILS, language="fr", now=timezone.now())
    [token] = re.findall(r"/register/confirm/(\S+)/", mail.outbox[0].body)

    outcomes = all_at_once(lambda: registration_confirm(token=token, now=timezone.now()).outcome)

    assert sorted(outcomes) == [Outcome.CONFIRMED] + [Outcome.INVALID] * (CLICKS - 1)
    assert Trainee.objects.count() == 1
    assert Enrolment.objects.count() == 1
    assert not PendingRegistration.objects.exists()

"""Six submissions of the same new address at once (a double click, a retrying browser):
one registration, and the others told so, never a server error."""

import threading

import pytest
from django.db import connection
from django.utils import timezone, translation

from trainees.models import Trainee
from trainees.registration import RegistrationDetails, trainee_register
from training.models import Enrolment
from training.services import EnrolmentRefused

CLICKS = 6


@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_of_one_new_address_make_one_registration(
    require_postgres, session
):
    details = RegistrationDetails(
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
    start = threading.Barrier(CLICKS)
    outcomes: list[str] = []

    def submit():
        translation.activate("en")
        try:
            start.wait()
            trainee_register(session=session, details=details, language="fr", now=timezone.now())
            outcomes.append("registered")
        except EnrolmentRefused as refusal:
            outcomes.append(refusal.code)
        except Exception as error:  # anything else would be a 500 in the view
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(CLICKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["already_enrolled"] * (CLICKS - 1) + ["registered"]
    assert Trainee.objects.count() == 1
    assert Enrolment.objects.count() == 1

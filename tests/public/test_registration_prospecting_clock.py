"""Policy §6: a registration the person confirms is a contact they started: their
prospecting period runs again from it; submitting the form alone is not (anyone can type
an address)."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from tests.factories import TraineeFactory
from trainees.purges import trainee_prospects_due

pytestmark = pytest.mark.django_db


@pytest.mark.policy("K3")
def test_a_registration_the_person_confirms_restarts_the_clock(
    register, confirm, form_data, session
):
    now = timezone.now()
    with time_machine.travel(now - datetime.timedelta(days=4 * 365), tick=False):
        lea = TraineeFactory(email="alice.lambert@example.org")  # on file, never enrolled
    with time_machine.travel(now, tick=False):
        assert register(session, form_data).status_code == 302
        lea.refresh_from_db()
        assert lea.last_contact_at is None
        assert trainee_prospects_due(now=now).filter(pk=lea.pk).exists()

        confirm(form_data["email"])

    lea.refresh_from_db()
    assert lea.last_contact_at == now

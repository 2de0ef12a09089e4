"""The demo data loads once; a second run adds nothing."""

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone

from clients.models import ClientContact, Organisation
from trainees.models import Trainee
from training.models import Course, Enrolment, SensitiveNeeds, Session

MODELS = [Organisation, ClientContact, Trainee, Course, Session, Enrolment, SensitiveNeeds, User]


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.mark.django_db
def test_a_second_run_changes_nothing():
    call_command("seed_demo", force=True)
    first = _counts()

    call_command("seed_demo", force=True)

    assert _counts() == first
    assert first["Enrolment"] > 0 and first["SensitiveNeeds"] > 0


@pytest.mark.django_db
def test_it_gives_the_retention_jobs_something_on_both_sides_of_today():
    call_command("seed_demo", force=True)
    today = timezone.localdate()

    needs_sessions = [
        n.enrolment.session for n in SensitiveNeeds.objects.select_related("enrolment__session")
    ]
    assert any(s.end_date < today for s in needs_sessions)
    assert any(s.start_date > today for s in needs_sessions)
    assert Session.objects.filter(meals_provided=False).exists()
    roles = set(Enrolment.objects.values_list("role", flat=True))
    assert roles == {Enrolment.Role.PROCESSOR, Enrolment.Role.CONTROLLER}


@pytest.mark.django_db
def test_it_refuses_to_create_known_passwords_outside_debug():
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()

"""The demo's session running today: what a first run needs to go through a training day
end to end, made once whatever the number of runs."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.models import OutboxEmail
from training.models import Session

pytestmark = pytest.mark.django_db


def test_the_demo_adds_one_session_running_today_with_trainees_convoked_and_sheets(capsys):
    call_command("seed_demo", force=True)
    call_command("seed_demo_running")
    call_command("seed_demo_running")

    [session] = Session.objects.filter(start_date=timezone.localdate(), location__contains="démo")
    assert session.enrolments.filter(status="confirmed").count() == 3
    assert session.attendance_sheets.count() == 2  # morning and afternoon
    convoked = OutboxEmail.objects.filter(kind="documents.convocation")
    people = ["amy.walker@example.org", "hugo.petit@example.org", "ines.durand@example.org"]
    assert sorted(convoked.filter(email__in=people).values_list("email", flat=True)) == people
    assert "signing code" in capsys.readouterr().out

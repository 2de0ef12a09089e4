"""Attendance evidence is kept through an erasure for the statutory period, then purged."""

import datetime

import pytest
from django.utils import timezone

from attendance.models import AttendanceLine, AttendanceSheet, Certificate
from attendance.privacy import AttendanceProvider
from attendance.purges import attendance_evidence_due, purge_attendance_evidence
from attendance.services import sheets_ensure
from core.providers import ERASE, KEEP
from tests.factories import EnrolmentFactory, SessionFactory, TraineeFactory
from training.models import Enrolment

pytestmark = pytest.mark.django_db


def _attended(trainee, end):
    session = SessionFactory(start_date=end, end_date=end, format="in_person")
    enrolment = EnrolmentFactory(session=session, trainee=trainee, status="completed")
    sheets_ensure(session_id=session.pk)
    Certificate.objects.create(
        enrolment=enrolment, issued_at=timezone.now(), hours_planned=7, hours_attended=7
    )
    return enrolment


def test_an_erasure_keeps_the_evidence_of_a_session_that_took_place():
    today = timezone.localdate()
    eve = TraineeFactory(email="eve@example.org")
    ended = _attended(eve, today - datetime.timedelta(days=30))
    upcoming = _attended(eve, today + datetime.timedelta(days=30))
    provider = AttendanceProvider()
    plan = provider.erasure_plan(email=eve.email, today=today)
    kept = {p.record.pk for p in plan if p.action == KEEP}
    assert {line.pk for line in AttendanceLine.objects.filter(enrolment=ended)} <= kept
    assert all(p.until.year == today.year + 5 for p in plan if p.action == KEEP)
    counts = provider.erase(email=eve.email, now=timezone.now())
    assert counts[ERASE] == 3  # the upcoming session's two half-days and its certificate
    assert AttendanceLine.objects.filter(enrolment=ended).count() == 2
    assert not AttendanceLine.objects.filter(enrolment=upcoming).exists()
    export = provider.export(email=eve.email)
    assert len(export["attendance"]) == 2 and len(export["certificates"]) == 1


def test_the_evidence_goes_five_years_after_the_session():
    today = timezone.localdate()
    trainee = TraineeFactory()
    old = _attended(trainee, today - datetime.timedelta(days=5 * 366 + 2))
    recent = _attended(trainee, today - datetime.timedelta(days=5 * 365 - 10))
    now = timezone.now()
    ids = list(attendance_evidence_due(now=now).values_list("pk", flat=True))
    assert purge_attendance_evidence(ids=ids, now=now) == 2
    assert not AttendanceLine.objects.filter(enrolment=old).exists()
    assert not Certificate.objects.filter(enrolment=old).exists()
    assert not AttendanceSheet.objects.filter(session=old.session).exists()
    assert AttendanceLine.objects.filter(enrolment=recent).count() == 2
    assert Certificate.objects.filter(enrolment=recent).exists()


@pytest.mark.policy("K1")
def test_sheets_and_certificates_of_an_archived_training_leave_the_staff_view(client, alice):
    from django.contrib.auth.models import Group, User
    from django.urls import reverse

    today = timezone.localdate()
    archived = _attended(TraineeFactory(), today - datetime.timedelta(days=200))
    current = _attended(TraineeFactory(), today - datetime.timedelta(days=2))
    Enrolment.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    old_sheet = AttendanceSheet.objects.filter(session=archived.session).first()
    dpo = User.objects.create_user("dpo", password="x", is_staff=True)
    dpo.groups.set(Group.objects.filter(name="DPO"))
    sheets = reverse("admin:attendance_attendancesheet_changelist")
    certificates = reverse("admin:attendance_certificate_changelist")

    client.force_login(alice)  # training staff
    shown = {s.session_id for s in client.get(sheets).context["cl"].result_list}
    assert shown == {current.session_id}
    assert [c.enrolment_id for c in client.get(certificates).context["cl"].result_list] == [
        current.pk
    ]
    pdf = reverse("admin:attendance_attendancesheet_pdf", args=[old_sheet.pk])
    assert client.get(pdf).status_code == 404

    client.force_login(dpo)  # the archive's own permission
    shown = {s.session_id for s in client.get(sheets).context["cl"].result_list}
    assert shown == {archived.session_id, current.session_id}
    assert client.get(pdf).status_code == 200

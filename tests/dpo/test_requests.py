"""Each of the six rights, end to end: the public form, the email check, the DPO's action,
and what the person receives."""

import datetime
import io
import json
import re
import zipfile

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from consent.models import ConsentRecord
from consent.selectors import communication_allowed
from core.models import AuditEntry, Hold
from core.periods import months_after
from dpo_requests.models import Request
from dpo_requests.services import request_extend
from retention.services import retention_run
from tests.dpo.conftest import act, submit_and_verify
from trainees.models import Trainee
from training.models import Enrolment, SensitiveNeeds

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_run_on_commit")]


@pytest.fixture
def _run_on_commit(django_capture_on_commit_callbacks, monkeypatch):
    """Emails and tasks queued on commit run at once, as a worker would soon after."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda fn, using=None, robust=False: fn())


def test_a_request_waits_for_the_address_to_be_confirmed(client, db):
    response = client.post(
        "/privacy/requests/new/",
        {"kind": "access", "email": "nobody@example.org"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    dsr = Request.objects.get()
    assert dsr.status == Request.Status.AWAITING_VERIFICATION and dsr.due_on is None
    assert "Check your inbox" in response.content.decode()
    assert mail.outbox[0].to == ["nobody@example.org"]


@pytest.mark.policy("G7")
def test_confirming_opens_the_request_due_one_month_after_its_receipt(client, db):
    received = datetime.datetime(2026, 11, 10, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(received, tick=False):
        client.post("/privacy/requests/new/", {"kind": "access", "email": "eve@example.org"})
    [verify] = mail.outbox
    link = re.search(r"http://testserver(/privacy/requests/verify/\S+)", verify.body).group(1)

    with time_machine.travel(received + datetime.timedelta(hours=60), tick=False):
        client.get(link)
        client.post(link)

    dsr = Request.objects.get()
    assert dsr.status == Request.Status.OPEN
    # Art. 12(3): one month of receipt, not of the click two or three days later.
    assert dsr.due_on == months_after(timezone.localdate(received), 1)


def test_the_form_and_its_email_never_reveal_whether_an_address_is_known(client, eve):
    pages, bodies = [], []
    for email in ("eve@example.org", "stranger@example.org"):
        mail.outbox.clear()
        response = client.post(
            "/privacy/requests/new/", {"kind": "access", "email": email}, HTTP_ACCEPT_LANGUAGE="en"
        )
        pages.append(re.sub(r'value="[^"]{40,}"', "", response.content.decode()))
        bodies.append(re.sub(r"\S*/verify/\S+", "LINK", mail.outbox[0].body))

    assert pages[0] == pages[1]
    assert bodies[0] == bodies[1]


@pytest.mark.policy("G1")
@pytest.mark.policy("G6")
def test_access_and_portability_give_a_json_file_and_a_summary_in_the_persons_language(
    client, dpo, eve
):
    dsr = submit_and_verify(client, kind="portability", email="eve@example.org")
    client.force_login(dpo)

    act(client, dsr, "export", identity_checked="on")
    act(client, dsr, "send")  # once the DPO checked it (tests/dpo/test_archive_review.py)

    dsr.refresh_from_db()
    assert dsr.status == Request.Status.DONE
    [ready] = mail.outbox
    assert "Here is the copy of your data" in ready.body  # English, as Eve asked in English
    link = re.search(r"http://testserver(/privacy/requests/download/\S+)", ready.body).group(1)
    client.logout()
    response = client.get(link)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    data = json.loads(archive.read("data.json"))["data"]
    assert data["trainee"]["surname"] == "Martin"
    assert len(data["enrolments"]) == 2
    assert data["special_needs"][0]["food_allergies"] == "Arachides"
    assert data["consent_history"][0]["purpose"] == "allergy_data"
    assert "Your data held by" in archive.read("summary.html").decode()
    assert AuditEntry.objects.filter(action="export_downloaded").exists()


@pytest.mark.policy("G1")
def test_access_gives_every_value_of_the_trainee_record(eve):
    from dpo_requests.selectors import subject_export

    Trainee.objects.filter(pk=eve.pk).update(
        occupation="Comptable", diplomas_and_skills="BTS CG", notes="Prefers mornings"
    )
    eve.refresh_from_db()

    exported = subject_export(email="eve@example.org")["trainee"]

    for field in Trainee._meta.concrete_fields:
        if field.primary_key:
            continue
        value = getattr(eve, field.name)
        if field.is_relation:
            value = value.name if value else ""  # the employer, by name
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        assert exported.get(field.name) == value, field.name


@pytest.mark.policy("G3")
def test_erasure_erases_what_no_law_keeps_and_says_what_was_kept_and_why(client, dpo, eve):
    dsr = submit_and_verify(client, kind="erasure", email="eve@example.org")
    client.force_login(dpo)
    preview = client.get(
        f"/backoffice/requests/{dsr.pk}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    act(client, dsr, "erase")

    assert "Erasure preview" in preview and "<td>kept</td>" in preview
    assert not SensitiveNeeds.objects.exists()
    assert Enrolment.objects.count() == 1  # the past course: attendance evidence
    eve.refresh_from_db()
    assert (eve.phone, eve.postal_address) == ("", "")
    assert eve.surname == "Martin"
    [answer] = mail.outbox
    assert "except what the law requires us to keep" in answer.body
    assert "until" in answer.body
    # The backups still hold a copy until replaced: the person is told, and how many.
    assert "we keep the newest 14, taken one a night" in " ".join(answer.body.split())
    assert AuditEntry.objects.filter(action="erasure_executed", object_id=str(dsr.pk)).exists()


def test_erasure_waits_for_the_dpo_to_type_the_address(client, dpo, eve):
    dsr = submit_and_verify(client, kind="erasure", email="eve@example.org")
    client.force_login(dpo)
    page = client.get(f"/backoffice/requests/{dsr.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content
    assert "tapez l'adresse de la personne (eve@example.org)" in page.decode()

    for typed in ("", "oui", "eve@example.com"):
        answer = act(client, dsr, "erase", HTTP_ACCEPT_LANGUAGE="fr", confirm_email=typed)
        assert "Rien n&#x27;a été effacé" in answer.content.decode()
    assert SensitiveNeeds.objects.exists() and Trainee.objects.get().phone
    assert not AuditEntry.objects.filter(action="erasure_executed").exists()

    act(client, dsr, "erase", confirm_email=" Eve@Example.org ")  # as typed, case aside
    assert not SensitiveNeeds.objects.exists()


def test_erasure_of_someone_with_nothing_held_back_leaves_nothing(client, dpo, db):
    from tests.factories import TraineeFactory

    TraineeFactory(email="zoe@example.org")
    dsr = submit_and_verify(client, kind="erasure", email="zoe@example.org")
    client.force_login(dpo)

    act(client, dsr, "erase")

    assert not Trainee.objects.filter(email="zoe@example.org").exists()


@pytest.mark.policy("G4")
def test_objection_stops_offers_and_feeds_the_suppression_list(client, dpo, eve):
    dsr = submit_and_verify(client, kind="objection", email="eve@example.org")
    client.force_login(dpo)

    act(client, dsr, "object")

    assert not communication_allowed(
        email="eve@example.org", purpose=ConsentRecord.Purpose.TRAINEE_OFFERS
    )
    assert "Your objection is recorded" in mail.outbox[0].body


@pytest.mark.policy("G5")
def test_restriction_keeps_the_data_out_of_offers_and_purges_until_lifted(client, dpo, eve):
    dsr = submit_and_verify(client, kind="restriction", email="eve@example.org")
    client.force_login(dpo)

    act(client, dsr, "restrict", reason="Accuracy contested")
    sessions_ended = Enrolment.objects.filter(trainee=eve)
    for enrolment in sessions_ended:
        enrolment.session.end_date = timezone.localdate() - datetime.timedelta(days=2)
        enrolment.session.start_date = enrolment.session.end_date
        enrolment.session.save()
    result = retention_run(now=timezone.now(), rules=["sensitive-needs"])["sensitive-needs"]

    assert result.held == 1 and SensitiveNeeds.objects.get().food_allergies == "Arachides"
    assert not communication_allowed(
        email="eve@example.org", purpose=ConsentRecord.Purpose.TRAINEE_OFFERS
    )
    assert "your data is now set aside" in mail.outbox[0].body

    mail.outbox.clear()
    act(client, dsr, "lift")
    assert Hold.objects.get().lifted_at is not None
    assert "restriction you asked for is lifted" in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="restriction_lifted").exists()
    assert communication_allowed(
        email="eve@example.org", purpose=ConsentRecord.Purpose.TRAINEE_OFFERS
    )


@pytest.mark.policy("G2")
def test_rectification_is_done_in_the_admin_logged_and_the_person_told(client, dpo, eve):
    dsr = submit_and_verify(
        client, kind="rectification", email="eve@example.org", details="My name is Marten"
    )
    client.force_login(dpo)

    client.post(
        f"/admin/trainees/trainee/{eve.pk}/change/",
        {
            "surname": "Marten",
            "first_name": "Eve",
            "email": "eve@example.org",
            "language": "en",
            "phone": eve.phone,
            "postal_address": eve.postal_address,
        },
    )
    act(client, dsr, "rectified", note="Surname corrected to Marten.")

    eve.refresh_from_db()
    assert eve.surname == "Marten"
    from django.contrib.admin.models import LogEntry

    assert LogEntry.objects.filter(object_id=str(eve.pk), user=dpo).exists()
    assert "Surname corrected to Marten." in mail.outbox[0].body


@pytest.mark.policy("R2")
def test_as_processor_the_request_is_forwarded_to_the_client_not_answered(client, dpo, employee):
    dsr = submit_and_verify(client, kind="erasure", email="paul@example.org")
    client.force_login(dpo)
    page = client.get(f"/backoffice/requests/{dsr.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    act(client, dsr, "forward", client=employee.employer_id)

    assert "processor for Acme Industrie" in page
    dsr.refresh_from_db()
    assert dsr.status == Request.Status.WAITING_CLIENT and dsr.forwarded_to == "Acme Industrie"
    to = {tuple(m.to) for m in mail.outbox}
    assert to == {("formation@acme.example",), ("paul@example.org",)}
    to_person = next(m for m in mail.outbox if m.to == ["paul@example.org"])
    assert "Acme Industrie is the controller" in to_person.body
    assert Trainee.objects.filter(email="paul@example.org").exists()  # nothing erased by us


@pytest.mark.policy("G7")
def test_an_extension_needs_a_reason_adds_up_to_two_months_and_is_told(client, dpo, eve):
    dsr = submit_and_verify(client, kind="access", email="eve@example.org")
    first_due = dsr.due_on
    client.force_login(dpo)

    refused = act(client, dsr, "extend", months=2, reason="")
    dsr.refresh_from_db()
    assert (dsr.status, dsr.due_on, len(mail.outbox)) == (Request.Status.OPEN, first_due, 0)
    for months, reason in ((2, "  "), (3, "Records in three archives")):  # the service too
        with pytest.raises(ValidationError):
            request_extend(request=dsr, actor=dpo, months=months, reason=reason, now=timezone.now())
    act(client, dsr, "extend", months=2, reason="Records in three archives")

    dsr.refresh_from_db()
    assert "with its reason" in refused.content.decode() or "motif" in refused.content.decode()
    assert dsr.status == Request.Status.EXTENDED
    assert 58 <= (dsr.due_on - first_due).days <= 62
    assert "Records in three archives" in mail.outbox[0].body


def test_a_refusal_states_its_reason(client, dpo, eve):
    dsr = submit_and_verify(client, kind="erasure", email="eve@example.org")
    client.force_login(dpo)

    act(client, dsr, "refuse", reason="Manifestly excessive: third identical request this month.")

    assert "Manifestly excessive" in mail.outbox[0].body
    assert "judicial remedy" in mail.outbox[0].body


def test_staff_log_a_request_received_by_post(client, dpo, eve):
    client.force_login(dpo)

    client.post(
        "/admin/dpo_requests/request/add/",
        {
            "kind": "access",
            "email": "EVE@example.org",
            "details": "Letter of 2 March",
            "language": "fr",
            "channel": "post",
            "received_at_0": "2026-11-20",
            "received_at_1": "10:00:00",
        },
    )

    dsr = Request.objects.get()
    assert (dsr.status, dsr.email, dsr.channel) == ("open", "eve@example.org", "post")
    assert dsr.due_on == datetime.date(2026, 12, 20)

"""The rules a DPO relies on: actions fit the request, holds block erasure, deadlines
follow Art. 12(3), the person is told in their language and before a lift."""

import datetime
import io
import re
import zipfile

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, CampaignRecipient
from core.holds import hold_place
from dpo_requests.models import Breach, Request
from tests.dpo.conftest import act, submit_and_verify
from trainees.models import Trainee

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_run_on_commit")]


@pytest.fixture
def _run_on_commit(monkeypatch):
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda fn, using=None, robust=False: fn())


@pytest.mark.policy("G3")
def test_a_legal_hold_blocks_erasure(client, dpo, eve):
    hold_place(
        email="eve@example.org",
        kind="legal_hold",
        reason="Litigation with the client",
        now=timezone.now(),
    )
    dsr = submit_and_verify(client, kind="erasure", email="eve@example.org")
    client.force_login(dpo)

    page = act(client, dsr, "erase", HTTP_ACCEPT_LANGUAGE="en")

    assert "Erasure is blocked" in page.content.decode()
    eve.refresh_from_db()
    assert eve.phone == "0612345678"
    dsr.refresh_from_db()
    assert dsr.status == Request.Status.OPEN


def test_an_action_must_fit_the_request(client, dpo, eve):
    dsr = submit_and_verify(client, kind="access", email="eve@example.org")
    client.force_login(dpo)

    act(client, dsr, "erase")
    act(client, dsr, "lift")

    assert Trainee.objects.get(pk=eve.pk).phone == "0612345678"
    assert mail.outbox == []


@pytest.mark.policy("G5")
def test_the_person_is_told_before_the_restriction_is_lifted_and_only_once(client, dpo, eve):
    dsr = submit_and_verify(client, kind="restriction", email="eve@example.org")
    client.force_login(dpo)
    act(client, dsr, "restrict", reason="Accuracy contested")
    mail.outbox.clear()
    sent_while_held = []
    from consent.selectors import communication_allowed

    real_send = mail.EmailMultiAlternatives.send

    def spy(message, *args, **kwargs):
        sent_while_held.append(
            not communication_allowed(email="eve@example.org", purpose="trainee_offers")
        )
        return real_send(message, *args, **kwargs)

    mail.EmailMultiAlternatives.send = spy
    try:
        act(client, dsr, "lift")
        act(client, dsr, "lift")
    finally:
        mail.EmailMultiAlternatives.send = real_send

    assert sent_while_held == [True]  # one email, sent while the restriction still held


@pytest.mark.policy("G7")
def test_no_extension_once_the_month_has_passed_and_the_month_runs_from_receipt(client, dpo, eve):
    client.force_login(dpo)
    received = timezone.now() - datetime.timedelta(days=40)
    client.post(
        "/admin/dpo_requests/request/add/",
        {
            "kind": "access",
            "email": "eve@example.org",
            "details": "Letter",
            "language": "fr",
            "channel": "post",
            "received_at_0": received.date().isoformat(),
            "received_at_1": "10:00:00",
        },
    )
    late = Request.objects.get()

    page = act(client, late, "extend", months=2, reason="Complex", HTTP_ACCEPT_LANGUAGE="en")

    assert late.verified_at.date() == received.date()
    assert "can no longer be extended" in page.content.decode()
    late.refresh_from_db()
    assert late.status == Request.Status.OPEN


def test_a_forwarded_request_is_closed_once_the_client_has_answered(client, dpo, employee):
    dsr = submit_and_verify(client, kind="access", email="paul@example.org")
    client.force_login(dpo)
    act(client, dsr, "forward", client=employee.employer_id)

    act(client, dsr, "close", note="Acme answered on 3 May")

    dsr.refresh_from_db()
    assert dsr.status == Request.Status.DONE and dsr.answer == "Acme answered on 3 May"


@pytest.mark.policy("F1")
@pytest.mark.policy("G3")
def test_the_erasure_answer_is_in_the_persons_language_whatever_the_dpos(client, dpo, eve):
    dsr = submit_and_verify(client, kind="erasure", email="eve@example.org", language="en")
    client.force_login(dpo)

    act(client, dsr, "erase", HTTP_ACCEPT_LANGUAGE="fr")

    [answer] = mail.outbox
    assert "Attendance and certificate evidence the law requires" in answer.body
    assert "Justificatifs" not in answer.body


@pytest.mark.policy("G3")
def test_erasure_removes_offers_received_and_earlier_archives(client, dpo, eve, settings):
    campaign = Campaign.objects.create(
        name="Old", purpose="trainee_offers", subject_fr="s", body_fr="b"
    )
    CampaignRecipient.objects.create(campaign=campaign, trainee=eve, status="sent")
    access = submit_and_verify(client, kind="access", email="eve@example.org")
    client.force_login(dpo)
    act(client, access, "export", identity_checked="on")
    access.refresh_from_db()
    archive = settings.PRIVATE_FILES_ROOT / "exports" / access.export_file
    assert archive.exists()
    erasure = submit_and_verify(client, kind="erasure", email="eve@example.org")

    act(client, erasure, "erase")

    assert not CampaignRecipient.objects.exists()
    assert not archive.exists()


@pytest.mark.policy("G1")
def test_an_access_answer_says_what_we_do_with_the_data(client, dpo, employee):
    dsr = submit_and_verify(client, kind="access", email="paul@example.org")
    client.force_login(dpo)
    act(client, dsr, "export")
    act(client, dsr, "send")
    link = re.search(
        r"http://testserver(/privacy/requests/download/\S+)", mail.outbox[-1].body
    ).group(1)
    client.logout()

    archive = zipfile.ZipFile(io.BytesIO(b"".join(client.get(link).streaming_content)))

    summary = archive.read("summary.html").decode()
    assert "What we do with it" in summary and "Acme Industrie" in summary
    assert "Legal basis" in summary and "Retention" in summary


@pytest.mark.policy("Y5")
def test_the_countdown_counts_down_from_72_hours(client, dpo):
    Breach.objects.create(
        detected_at=timezone.now() - datetime.timedelta(hours=10),
        description="Laptop stolen",
        data_categories="attendance",
        people_affected=4,
    )
    client.force_login(dpo)

    html = client.get(reverse("backoffice:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert re.search(r"2\xa0days, 1[34]\xa0hours left to notify the CNIL", html)


def test_the_chart_includes_this_month(client, dpo):
    Request.objects.create(
        kind="erasure",
        email="x@example.org",
        language="fr",
        channel="web",
        received_at=timezone.now(),
        status="open",
        due_on=timezone.localdate(),
    )
    client.force_login(dpo)

    response = client.get(reverse("backoffice:dashboard"), HTTP_ACCEPT_LANGUAGE="en")

    chart = response.context["charts"][0][0]
    assert chart.labels[-1] == timezone.localdate().strftime("%m/%y")
    assert sum(values[-1] for _name, values in chart.series) == 1


@pytest.mark.parametrize(
    "action",
    [
        "extend",
        "forward",
        "export",
        "erase",
        "object",
        "restrict",
        "lift",
        "rectified",
        "refuse",
        "close",
    ],
)
def test_no_action_without_the_dpo_permission(client, alice, eve, action):
    dsr = Request.objects.create(
        kind="erasure",
        email="eve@example.org",
        language="fr",
        channel="web",
        received_at=timezone.now(),
        status="open",
        due_on=timezone.localdate(),
    )
    client.force_login(alice)

    assert client.post(f"/backoffice/requests/{dsr.pk}/act/", {"action": action}).status_code == 403


def test_a_bad_date_in_the_audit_filter_is_ignored_not_a_500(client, dpo):
    client.force_login(dpo)

    assert client.get(reverse("backoffice:audit"), {"since": "not-a-date"}).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("backoffice:queue"))

    assert response.status_code == 302 and "/admin/login/" in response["Location"]

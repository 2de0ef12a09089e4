"""Art. 19: a rectification or an erasure is passed on to whoever received the person's
data; the DPO records it from the request's page, it is audited, and the person is told
whom. Art. 15(1)(c): the access summary names the actual recipients."""

import datetime

import pytest
from django.utils import timezone

from core.disclosures import disclosure_record, disclosures_of
from core.models import AuditEntry, OutboxEmail
from dpo_requests.exports import export_contents
from dpo_requests.models import Request

pytestmark = pytest.mark.django_db


def _request(kind, email="eve@example.org", language="en", status=Request.Status.OPEN):
    now = timezone.now()
    return Request.objects.create(
        kind=kind,
        email=email,
        language=language,
        channel=Request.Channel.WEB,
        received_at=now - datetime.timedelta(minutes=5),
        verified_at=now,
        status=status,
        due_on=timezone.localdate() + datetime.timedelta(days=20),
    )


@pytest.fixture
def shared(eve):
    """Eve's attendance went to her funding body, her account to the LMS."""
    now = timezone.now()
    for recipient, kind in (("OPCO Atlas", "funder"), ("Moodle Cloud", "lms")):
        disclosure_record(
            email="eve@example.org",
            recipient=recipient,
            kind=kind,
            categories=["identity", "attendance"],
            now=now,
        )
    return eve


def test_an_erasure_page_lists_the_recipients_to_tell(client, dpo, shared):
    dsr = _request("erasure")
    client.force_login(dpo)

    page = client.get(f"/backoffice/requests/{dsr.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    text = page.content.decode()
    assert "Recipients to tell (Art. 19)" in text
    assert "OPCO Atlas (Funding body)" in text and "Moodle Cloud" in text
    assert 'value="told"' in text


def test_recording_that_they_were_told_is_audited_and_the_person_hears_whom(client, dpo, shared):
    dsr = _request("erasure", status=Request.Status.DONE)  # erased first, then passed on
    client.force_login(dpo)

    response = client.post(
        f"/backoffice/requests/{dsr.pk}/act/", {"action": "told"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 302
    assert all(d.told_at is not None for d in disclosures_of(email="eve@example.org"))
    entry = AuditEntry.objects.get(action="recipients_told")
    assert (entry.actor, entry.object_id) == (dpo, str(dsr.pk))
    assert entry.note == "Moodle Cloud; OPCO Atlas"
    email = OutboxEmail.objects.get(kind="dsr.recipients_told")
    assert email.to == ["eve@example.org"]
    assert "of its erasure" in email.body
    assert "- OPCO Atlas" in email.body and "- Moodle Cloud" in email.body
    page = client.get(f"/backoffice/requests/{dsr.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "by dana: Moodle Cloud; OPCO Atlas." in page.content.decode()


def test_a_french_rectification_is_passed_on_and_told_in_french(client, dpo, shared):
    dsr = _request("rectification", language="fr")
    client.force_login(dpo)

    page = client.get(f"/backoffice/requests/{dsr.pk}/", HTTP_ACCEPT_LANGUAGE="fr")
    client.post(f"/backoffice/requests/{dsr.pk}/act/", {"action": "told"})

    assert "Destinataires à informer (art. 19)" in page.content.decode()
    email = OutboxEmail.objects.get(kind="dsr.recipients_told")
    assert "Nous avons transmis votre demande" in email.subject
    assert "de la rectification de vos données" in email.body


def test_nothing_to_tell_when_nobody_received_the_data(client, dpo, eve):
    dsr = _request("erasure")
    client.force_login(dpo)

    page = client.get(f"/backoffice/requests/{dsr.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        f"/backoffice/requests/{dsr.pk}/act/",
        {"action": "told"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert "there is no one to tell" in page.content.decode()
    assert "there is no one to tell" in response.content.decode()
    assert not AuditEntry.objects.filter(action="recipients_told").exists()
    assert not OutboxEmail.objects.filter(kind="dsr.recipients_told").exists()


def test_an_access_request_has_no_one_to_tell(client, dpo, shared):
    dsr = _request("access")
    client.force_login(dpo)

    page = client.get(f"/backoffice/requests/{dsr.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        f"/backoffice/requests/{dsr.pk}/act/",
        {"action": "told"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert "Recipients to tell" not in page.content.decode()
    assert "not in a state that allows this action" in response.content.decode()
    assert all(d.told_at is None for d in disclosures_of(email="eve@example.org"))


@pytest.mark.parametrize(
    ("language", "heading", "kind"),
    [
        ("fr", "Destinataires de vos données", "Organisme financeur :"),
        ("en", "Recipients of your data", "Funding body:"),
    ],
)
def test_the_access_summary_names_the_actual_recipients(shared, language, heading, kind):
    dsr = _request("access", language=language)

    data, summary = export_contents(request=dsr, now=timezone.now())

    assert heading in summary
    assert f"{kind} " in summary and "OPCO Atlas · identity, attendance" in summary
    assert {r["recipient"] for r in data["data"]["recipients"]} == {"OPCO Atlas", "Moodle Cloud"}

"""The access archive is checked by the DPO before its link goes out (issue 15): built, it
waits on the request's page; the DPO downloads it (audited), then sends its link or
builds it again. The person's link works only once sent, and the deadline keeps running."""

import datetime
import io
import json
import re
import zipfile

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clients.models import Organisation
from consent.tokens import email_token_make
from core.models import AuditEntry, OutboxEmail
from dpo_requests.emails import DOWNLOAD_USE
from dpo_requests.models import Request
from dpo_requests.purges import purge_request_exports, request_exports_due
from dpo_requests.selectors import requests_due_soon
from tests.dpo.conftest import act, submit_and_verify
from trainees.models import Trainee

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_run_on_commit")]


@pytest.fixture
def paul_asks(client, dpo, employee):
    """Paul asked for his data (nothing about his health on file); Dana built the archive."""
    dsr = submit_and_verify(client, kind="access", email="paul@example.org")
    client.force_login(dpo)
    act(client, dsr, "export")
    dsr.refresh_from_db()
    return dsr


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def _links() -> list[str]:
    return [
        re.search(r"http://testserver(/privacy/requests/download/\S+)", m.body).group(1)
        for m in mail.outbox
        if "/privacy/requests/download/" in m.body
    ]


def _page(client, dsr, language="en") -> str:
    url = reverse("backoffice:request", args=[dsr.pk])
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode().replace("&#x27;", "'")


@pytest.mark.policy("G1")
@pytest.mark.policy("G6")
def test_the_archive_waits_for_the_dpo_who_checks_it_then_sends_its_link(client, dpo, paul_asks):
    dsr = paul_asks

    assert mail.outbox == [] and not OutboxEmail.objects.filter(kind="dsr.export_ready")
    assert dsr.status == Request.Status.OPEN and dsr.export_file and dsr.export_sent_at is None
    page = _page(client, dsr)
    assert "Archive ready for review" in page and "The person has no link yet" in page
    assert "Nobody has downloaded it to check it yet." in page
    queue = client.get(reverse("backoffice:queue"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "archive ready for review" in queue  # the DPO finds it from the list

    checked = client.get(reverse("backoffice:archive", args=[dsr.pk]))

    assert checked.status_code == 200 and "no-store" in checked["Cache-Control"]
    reviewed = _zip(checked)
    assert json.loads(reviewed.read("data.json"))["data"]["trainee"]["email"] == "paul@example.org"
    [entry] = AuditEntry.objects.filter(action="export_reviewed")
    assert (entry.actor, entry.object_type, entry.object_id) == (
        dpo,
        "dpo_requests.request",
        str(dsr.pk),
    )
    assert entry.note == "" and "paul" not in str(entry)  # who, when, which request: no more
    assert "Downloaded to be checked on" in _page(client, dsr) and "by dana" in _page(client, dsr)

    act(client, dsr, "send", note="Your course evaluations are in the summary.")

    [ready] = mail.outbox
    assert ready.to == ["paul@example.org"]
    assert "Your course evaluations are in the summary." in ready.body
    dsr.refresh_from_db()
    assert dsr.status == Request.Status.DONE and dsr.export_sent_at is not None
    queue = client.get(reverse("backoffice:queue") + "?status=done", HTTP_ACCEPT_LANGUAGE="en")
    assert "archive ready for review" not in queue.content.decode()
    assert AuditEntry.objects.get(action="export_sent").actor == dpo
    [link] = _links()
    client.logout()
    received = _zip(client.get(link))
    # The very file the DPO checked.
    assert received.read("data.json") == reviewed.read("data.json")


@pytest.mark.policy("Y2")
def test_the_persons_link_does_not_open_an_archive_nobody_sent(client, paul_asks):
    dsr = paul_asks
    token = email_token_make(email=f"{dsr.pk}:{dsr.email}", use=DOWNLOAD_USE)  # as emailed
    url = reverse("dpo_requests:download", args=[token])
    client.logout()

    refused = client.get(url)

    assert refused.status_code == 404 and not refused.streaming
    assert not AuditEntry.objects.filter(action="export_downloaded").exists()


@pytest.mark.policy("G7")
def test_the_deadline_keeps_running_while_the_archive_waits(client, paul_asks):
    dsr = paul_asks
    due = dsr.due_on

    assert dsr.status in Request.OPEN_STATUSES and dsr.closed_at is None
    assert dsr in requests_due_soon(today=due)
    assert "answer due on" not in _page(client, dsr)  # labels, not field names
    assert due.strftime("%Y") in _page(client, dsr)


def test_sending_twice_or_with_no_archive_is_refused_in_the_dpos_language(
    client, dpo, paul_asks, settings
):
    dsr = paul_asks
    act(client, dsr, "send")

    again = act(client, dsr, "send", HTTP_ACCEPT_LANGUAGE="fr")

    assert again.status_code == 400
    assert "Le lien de cette archive a déjà été envoyé" in again.content.decode()
    assert len(_links()) == 1

    other = submit_and_verify(client, kind="portability", email="paul@example.org")
    client.force_login(dpo)
    never_built = act(client, other, "send")
    assert never_built.status_code == 400
    assert "There is no archive to send" in never_built.content.decode()

    act(client, other, "export")
    other.refresh_from_db()
    (settings.PRIVATE_FILES_ROOT / "exports" / other.export_file).unlink()  # gone from disk
    gone = act(client, other, "send")
    assert gone.status_code == 400 and "There is no archive to send" in gone.content.decode()
    download = client.get(reverse("backoffice:archive", args=[other.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert download.status_code == 404 and "No archive to download" in download.content.decode()

    Request.objects.filter(pk=other.pk).update(export_requested_at=timezone.now())
    building = act(client, other, "send")
    assert building.status_code == 400 and "being built again" in building.content.decode()
    assert OutboxEmail.objects.filter(kind="dsr.export_ready").count() == 1  # Paul's first


def test_only_an_access_or_portability_request_in_progress_has_a_link_to_send(
    client, dpo, paul_asks, settings
):
    erasure = submit_and_verify(client, kind="erasure", email="paul@example.org")
    client.force_login(dpo)
    refused = act(client, paul_asks, "refuse", reason="Manifestly unfounded")
    # Refused, its archive (unsent) has no reason to stay on disk.
    assert not any((settings.PRIVATE_FILES_ROOT / "exports").iterdir())

    for dsr in (erasure, paul_asks):
        answer = act(client, dsr, "send")
        assert answer.status_code == 400
        assert "not in a state that allows this action" in answer.content.decode()
    assert refused.status_code == 200
    assert not _links()


def test_the_dpo_builds_it_again_after_a_correction_and_the_corrected_one_goes(
    client, paul_asks, settings
):
    dsr = paul_asks
    first = dsr.export_file
    Trainee.objects.filter(email="paul@example.org").update(phone="0698765432")  # corrected

    act(client, dsr, "export")

    dsr.refresh_from_db()
    assert dsr.export_file != first and dsr.export_sent_at is None and not mail.outbox
    assert [p.name for p in (settings.PRIVATE_FILES_ROOT / "exports").iterdir()] == [
        dsr.export_file
    ]
    act(client, dsr, "send")
    [link] = _links()
    client.logout()
    data = json.loads(_zip(client.get(link)).read("data.json"))["data"]
    assert data["trainee"]["phone"] == "0698765432"


def test_an_archive_nobody_sends_is_deleted_after_the_download_period(
    client, dpo, paul_asks, settings
):
    dsr = paul_asks
    later = timezone.now() + datetime.timedelta(days=settings.DSR_EXPORT_DAYS, hours=1)

    due = list(request_exports_due(now=later).values_list("pk", flat=True))
    purge_request_exports(ids=due, now=later)

    assert due == [dsr.pk] and not any((settings.PRIVATE_FILES_ROOT / "exports").iterdir())
    with time_machine.travel(later):
        client.force_login(dpo)
        page = _page(client, dsr, language="fr")
    assert "L'archive a été supprimée avant l'envoi de son lien" in page
    assert "Préparer l'archive pour vérification" in page


def test_nobody_but_the_dpo_downloads_or_sends_the_archive(client, alice, bob, charlie, paul_asks):
    dsr = paul_asks
    archive = reverse("backoffice:archive", args=[dsr.pk])
    for user in (alice, bob, charlie):
        client.force_login(user)
        assert client.get(archive).status_code == 403
        assert (
            client.post(f"/backoffice/requests/{dsr.pk}/act/", {"action": "send"}).status_code
            == 403
        )
    client.logout()
    assert "/admin/login/" in client.get(archive)["Location"]

    assert not AuditEntry.objects.filter(action__in=["export_reviewed", "export_sent"]).exists()
    assert not mail.outbox
    assert User.objects.get(username="dana").has_perm("dpo_requests.handle_request")


def test_without_review_the_link_goes_as_soon_as_the_archive_is_built(
    client, dpo, employee, settings
):
    settings.DSR_EXPORT_REVIEW = False
    dsr = submit_and_verify(client, kind="access", email="paul@example.org")
    client.force_login(dpo)

    act(client, dsr, "export")

    [link] = _links()
    dsr.refresh_from_db()
    assert dsr.status == Request.Status.DONE and dsr.export_sent_at is not None
    queue = client.get(reverse("backoffice:queue") + "?status=done", HTTP_ACCEPT_LANGUAGE="en")
    assert "archive ready for review" not in queue.content.decode()
    assert client.get(link).status_code == 200


def test_the_review_reads_in_french(client, paul_asks):
    page = _page(client, paul_asks, language="fr")

    assert "Archive prête à vérifier" in page
    assert "Télécharger l'archive (le fichier même que la personne recevra)" in page
    assert "Envoyer le lien à la personne" in page
    assert "Préparer de nouveau l'archive (après une correction)" in page


def test_a_request_forwarded_to_the_client_keeps_no_unsent_archive(client, paul_asks, settings):
    acme = Organisation.objects.get(name="Acme Industrie")

    act(client, paul_asks, "forward", client=acme.pk)

    paul_asks.refresh_from_db()
    assert paul_asks.status == Request.Status.WAITING_CLIENT and paul_asks.export_file == ""
    assert not any((settings.PRIVATE_FILES_ROOT / "exports").iterdir())
    assert act(client, paul_asks, "send").status_code == 400
    assert not OutboxEmail.objects.filter(kind="dsr.export_ready").exists()

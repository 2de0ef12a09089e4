"""In a real Chromium, in French and English: the DPO builds an access archive, sees it
waiting for review, downloads it, and sends its link with a note."""

import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, expect

from dpo_requests.models import Request
from tests.browser.staff_sign_in import first_sign_in
from tests.factories import TraineeFactory

pytestmark = pytest.mark.django_db(transaction=True)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WORDS = {
    "fr-FR": {
        "build": "Préparer l'archive pour vérification",
        "ready": "Archive prête à vérifier",
        "download": "Télécharger l'archive (le fichier même que la personne recevra)",
        "send": "Envoyer le lien à la personne",
        "sent": "Lien envoyé à la personne le",
    },
    "en-GB": {
        "build": "Build the archive for review",
        "ready": "Archive ready for review",
        "download": "Download the archive (the very file the person gets)",
        "send": "Send the link to the person",
        "sent": "Link sent to the person on",
    },
}


@pytest.mark.parametrize("locale", WORDS)
def test_the_dpo_checks_the_archive_then_sends_its_link(
    browser: Browser, live_server, settings, tmp_path, locale
):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    ARTIFACTS.mkdir(exist_ok=True)
    words, shot = WORDS[locale], f"archive-review-{locale[:2]}"
    dana = User.objects.create_user("dana", password="pw-dana", is_staff=True)
    dana.groups.set(Group.objects.filter(name="DPO"))
    TraineeFactory(email="paul@example.org", surname="Durand")
    now = timezone.now()
    dsr = Request.objects.create(
        kind="access", email="paul@example.org", language="en", channel="web",
        status="open", received_at=now, verified_at=now, due_on=timezone.localdate(now),
    )  # fmt: skip
    page = browser.new_page(locale=locale, viewport={"width": 1100, "height": 900})
    first_sign_in(page, live_server.url, "dana", "pw-dana")
    page.goto(f"{live_server.url}/backoffice/requests/{dsr.pk}/")

    page.get_by_role("button", name=words["build"]).click()

    expect(page.get_by_text(words["ready"], exact=True)).to_be_visible()
    assert not mail.outbox
    page.screenshot(path=ARTIFACTS / f"{shot}-ready.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name=words["download"]).click()
    assert "data.json" in zipfile.ZipFile(download.value.path()).namelist()
    page.reload()
    page.locator("textarea[name=note]").fill("Vos évaluations de formation sont jointes.")
    page.get_by_role("button", name=words["send"]).click()

    expect(page.get_by_text(words["sent"])).to_be_visible()
    page.screenshot(path=ARTIFACTS / f"{shot}-sent.png", full_page=True)
    [email] = mail.outbox
    assert email.to == ["paul@example.org"] and "Vos évaluations" in email.body
    page.close()

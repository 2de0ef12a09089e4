"""In a real Chromium, the DPO has a rule's due deletions wait for approval, reviews and
approves them, and runs the schedule now after its dry run, in French and in English."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from core.models import OutboxEmail
from retention.models import PendingDeletion
from retention.services import retention_run
from tests.browser.staff_sign_in import first_sign_in

pytestmark = pytest.mark.django_db(transaction=True)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def sent_emails(count: int) -> None:
    for n in range(count):
        email = OutboxEmail.objects.create(
            kind="convocation", email=f"p{n}@example.org", to=[], subject="Convocation"
        )
        OutboxEmail.objects.filter(pk=email.pk).update(
            status=OutboxEmail.Status.SENT, sent_at=timezone.now() - datetime.timedelta(days=60)
        )


def speak(page: Page, live_server, language: str) -> None:
    """The language the DPO chose (the language cookie, as the language switch sets it)."""
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"approval-{name}.png", full_page=True)


@pytest.mark.policy("K6")
def test_the_dpo_approves_a_waiting_deletion_and_runs_the_schedule_now(page: Page, live_server):
    from django.contrib.auth.models import Group, User

    dpo = User.objects.create_user("dana", password="pw-dana", is_staff=True)
    dpo.groups.set(Group.objects.filter(name="DPO"))
    sent_emails(3)
    first_sign_in(page, live_server.url, "dana", "pw-dana")
    base = f"{live_server.url}/backoffice/retention"

    page.goto(f"{base}/approvals/")
    row = page.locator("tr", has_text="E-mails envoyés aux personnes")
    row.get_by_role("button", name="Attendre ma validation").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    sensitive = page.locator("tr", has_text="Allergies alimentaires")
    expect(sensitive.get_by_role("button")).to_have_count(0)  # never offered
    retention_run(now=timezone.now())  # the nightly run: the emails wait
    assert OutboxEmail.objects.count() == 3
    page.goto(f"{live_server.url}/backoffice/")
    expect(page.get_by_text("3 enregistrements attendent votre validation")).to_be_visible()
    shot(page, "dashboard-fr")
    page.goto(f"{base}/approvals/")
    shot(page, "approvals-fr")
    page.get_by_role("link", name="3 enregistrements : examiner").click()
    expect(page.locator("main li, #content li").first).to_contain_text("convocation #")
    shot(page, "pending-fr")
    page.get_by_role("button", name="Valider la suppression").click()
    expect(page.get_by_text("Ce qui a été fait, par règle")).to_be_visible()
    shot(page, "approved-fr")
    assert not OutboxEmail.objects.exists() and not PendingDeletion.objects.exists()

    speak(page, live_server, "en")
    sent_emails(2)
    page.goto(f"{base}/run/")
    expect(page.get_by_text("Nothing has been changed")).to_be_visible()
    shot(page, "run-dry-en")
    page.get_by_role("button", name="Run the schedule now").click()
    expect(page.get_by_text("What was done, per rule (counts only)")).to_be_visible()
    shot(page, "run-done-en")
    page.goto(f"{base}/approvals/")
    shot(page, "approvals-en")
    speak(page, live_server, "fr")
    page.goto(f"{base}/run/")
    shot(page, "run-dry-fr")

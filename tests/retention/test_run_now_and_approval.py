"""The DPO runs the schedule now (a dry run first), and may have a rule's due deletions
wait for approval: kept until approved, or deleted anyway after RETENTION_APPROVAL_DAYS.
Never for sensitive needs or cookie choices."""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone

from cookies.models import ConsentLog
from cookies.services import cookie_choice_record
from core.holds import hold_place
from core.models import AuditEntry, Hold, OutboxEmail
from core.schedule import RULES
from retention.models import JobLock, ManualRun, PendingDeletion, PurgeLog, RuleSetting
from retention.services import LOCK, lease_take, retention_run, retention_run_nightly
from tests.factories import EnrolmentFactory, SessionFactory, TraineeFactory
from training.models import SensitiveNeeds
from training.sensitive_needs import sensitive_needs_record

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def dpo(db):
    user = User.objects.create_user("dana", password="x", is_staff=True)
    user.groups.set(Group.objects.filter(name="DPO"))
    return user


@pytest.fixture
def http(client, dpo):
    client.force_login(dpo)
    return client


def sent_email(address="old@example.org", days=60) -> OutboxEmail:
    """An email sent long ago: the outbox rule deletes it (OUTBOX_KEEP_DAYS)."""
    email = OutboxEmail.objects.create(
        kind="convocation", email=address, to=[address], subject="Convocation", body="…"
    )
    OutboxEmail.objects.filter(pk=email.pk).update(
        status=OutboxEmail.Status.SENT, sent_at=timezone.now() - datetime.timedelta(days=days)
    )
    return email


def ended_session_needs() -> SensitiveNeeds:
    ended = timezone.localdate() - datetime.timedelta(days=2)
    enrolment = EnrolmentFactory(
        session=SessionFactory(start_date=ended, end_date=ended),
        trainee=TraineeFactory(email="allergic@example.org"),
    )
    return sensitive_needs_record(
        enrolment=enrolment,
        food_allergies="Arachides",
        allergies_consent=True,
        disability_adaptations="",
        disability_consent=False,
        now=timezone.now() - datetime.timedelta(days=10),
    )


def set_approval(http, rule, required="on", language="en"):
    return http.post(
        reverse("retention:approval_set"),
        {"rule": rule, "required": required},
        HTTP_ACCEPT_LANGUAGE=language,
    )


def waits(rule: str) -> None:
    RuleSetting.objects.create(rule=rule, approval_required=True, changed_at=timezone.now())


@pytest.mark.policy("K6")
def test_the_dry_run_shows_what_is_due_and_changes_nothing(http):
    sent_email()
    sent_email("other@example.org")

    response = http.get(reverse("retention:run"), HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 200
    counts = {rule.name: result.affected for rule, result in response.context["rows"]}
    assert counts["outbox"] == 2 and set(counts) == {rule.name for rule in RULES}
    html = response.content.decode()
    assert "Exécuter le calendrier maintenant" in html and "old@example.org" not in html
    assert OutboxEmail.objects.count() == 2
    assert not PurgeLog.objects.exists() and not ManualRun.objects.exists()


@pytest.mark.policy("K6")
def test_run_now_deletes_what_is_due_and_shows_the_counts(http, dpo):
    sent_email()

    response = http.post(
        reverse("retention:run"), {"confirm": "run"}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert not OutboxEmail.objects.exists()
    run = ManualRun.objects.get()
    assert run.state == ManualRun.State.DONE and run.counts["outbox"]["affected"] == 1
    assert "old@example.org" not in str(run.counts)  # counts only
    assert PurgeLog.objects.get(rule="outbox").affected == 1
    assert AuditEntry.objects.filter(action="retention_run_asked", actor=dpo).exists()
    assert "Records changed" in response.content.decode()


def test_run_now_needs_the_confirm_button_and_never_overlaps_another_run(http):
    sent_email()

    assert http.post(reverse("retention:run"), {}).status_code == 400
    lease_take(name=LOCK, holder="nightly", now=timezone.now())  # the nightly run is on
    refused = http.post(reverse("retention:run"), {"confirm": "run"}, HTTP_ACCEPT_LANGUAGE="fr")

    assert refused.status_code == 409
    assert "une autre exécution est en cours" in refused.content.decode()
    assert OutboxEmail.objects.count() == 1 and not ManualRun.objects.exists()


def test_a_run_asked_for_while_the_nightly_run_holds_the_lease_runs_nothing(dpo):
    from retention.services import manual_run_perform, manual_run_request

    sent_email()
    queued = manual_run_request(actor=dpo, now=timezone.now())
    lease_take(name=LOCK, holder="nightly", now=timezone.now())

    manual_run_perform(run_id=queued.pk, holder="worker")

    queued.refresh_from_db()
    assert queued.state == ManualRun.State.BUSY and OutboxEmail.objects.count() == 1


@pytest.mark.policy("K6")
def test_a_rule_set_to_wait_keeps_due_rows_until_the_dpo_approves(http, dpo):
    email = sent_email()
    assert set_approval(http, "outbox").status_code == 302

    retention_run_nightly(now=timezone.now(), holder="beat")

    assert OutboxEmail.objects.filter(pk=email.pk).exists()
    batch = PendingDeletion.objects.get(rule="outbox")
    assert batch.count == 1 and batch.keys == [email.pk]
    log = PurgeLog.objects.get(rule="outbox")
    assert (log.affected, log.pending) == (0, 1)
    dashboard = http.get(reverse("backoffice:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    assert "1 record waits for your approval" in dashboard.content.decode()
    review = http.get(reverse("retention:pending", args=[batch.pk]))
    assert f"convocation #{email.pk}" in review.content.decode()  # as the admin names it

    http.post(reverse("retention:approve", args=[batch.pk]), follow=True)

    assert not OutboxEmail.objects.filter(pk=email.pk).exists()
    assert not PendingDeletion.objects.exists()
    assert AuditEntry.objects.filter(action="retention_deletion_approved", actor=dpo).exists()
    assert http.post(reverse("retention:approve", args=[batch.pk])).status_code == 404


def test_rows_due_later_wait_their_own_days_and_a_hold_takes_rows_out(dpo):
    waits("outbox")
    first = sent_email("first@example.org")
    now = timezone.now()
    retention_run(now=now)
    second = sent_email("second@example.org")
    held = sent_email("held@example.org")
    hold_place(email="held@example.org", kind=Hold.Kind.choices[0][0], reason="Litige", now=now)

    retention_run(now=now + 2 * DAY)

    batches = list(PendingDeletion.objects.order_by("since"))
    assert [batch.keys for batch in batches] == [[first.pk], [second.pk]]
    assert held.pk not in {key for batch in batches for key in batch.keys}
    results = retention_run(now=now + 8 * DAY)  # the first batch's 7 days are over
    assert results["outbox"].affected == 1
    assert not OutboxEmail.objects.filter(pk=first.pk).exists()
    assert set(OutboxEmail.objects.values_list("pk", flat=True)) == {second.pk, held.pk}


@pytest.mark.policy("K6")
def test_after_retention_approval_days_the_nightly_run_deletes_anyway(settings):
    settings.RETENTION_APPROVAL_DAYS = 3
    waits("outbox")
    email = sent_email()
    now = timezone.now()
    retention_run_nightly(now=now, holder="night-1")
    retention_run_nightly(now=now + 2 * DAY, holder="night-3")
    assert OutboxEmail.objects.filter(pk=email.pk).exists()

    retention_run_nightly(now=now + 3 * DAY, holder="night-4")

    assert not OutboxEmail.objects.filter(pk=email.pk).exists()
    assert not PendingDeletion.objects.exists()


def test_turned_off_the_rule_deletes_automatically_again(http):
    waits("outbox")
    sent_email()
    retention_run(now=timezone.now())

    set_approval(http, "outbox", required="off")
    retention_run(now=timezone.now())

    assert not OutboxEmail.objects.exists() and not PendingDeletion.objects.exists()
    assert (
        "No deletion is waiting"
        in http.get(reverse("backoffice:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


@pytest.mark.policy("S5")
def test_sensitive_needs_never_wait_even_for_a_crafted_post(http):
    needs = ended_session_needs()

    refused = set_approval(http, "sensitive-needs", language="fr")

    assert refused.status_code == 400
    assert "ne peuvent pas attendre" in refused.content.decode()
    assert not RuleSetting.objects.exists()
    page = http.get(reverse("retention:approvals")).content.decode()
    assert 'value="sensitive-needs"' not in page  # not offered
    waits("sensitive-needs")  # a row written around the page: the run ignores it
    retention_run_nightly(now=timezone.now(), holder="beat")
    needs.refresh_from_db()
    assert needs.food_allergies is None and not PendingDeletion.objects.exists()


@pytest.mark.policy("K4")
def test_cookie_choices_never_wait(http):
    cookie_choice_record(
        action="refuse_all",
        categories=set(),
        previous=None,
        language="fr",
        now=timezone.now() - datetime.timedelta(days=200),
    )

    assert set_approval(http, "cookie-consent-log").status_code == 400
    waits("cookie-consent-log")
    retention_run(now=timezone.now())

    assert not ConsentLog.objects.exists() and not PendingDeletion.objects.exists()


@pytest.mark.policy("K3")
@pytest.mark.parametrize("rule", ["prospect-contacts", "trainee-prospects"])
def test_prospecting_data_never_waits_past_its_three_years(http, rule):
    assert set_approval(http, rule).status_code == 400
    assert not RuleSetting.objects.filter(rule=rule, approval_required=True).exists()


def test_bad_input_is_refused_with_a_message(http):
    assert set_approval(http, "no-such-rule").status_code == 400
    assert http.get(reverse("retention:approval_set")).status_code == 405
    assert http.get(reverse("retention:pending", args=[999])).status_code == 404
    assert http.get(reverse("retention:run_status", args=[999])).status_code == 404


def test_only_the_dpo_runs_the_schedule_or_approves(client, alice):
    email = sent_email()
    waits("outbox")
    retention_run(now=timezone.now())
    batch = PendingDeletion.objects.get()
    client.force_login(alice)

    assert client.post(reverse("retention:run"), {"confirm": "run"}).status_code == 403
    assert set_approval(client, "outbox", required="off").status_code == 403
    assert client.post(reverse("retention:approve", args=[batch.pk])).status_code == 403
    assert client.get(reverse("retention:pending", args=[batch.pk])).status_code == 403
    assert OutboxEmail.objects.filter(pk=email.pk).exists() and not JobLock.objects.exists()
    assert RuleSetting.objects.get().approval_required


def test_the_dry_run_in_one_query_counts_as_the_run_does(dpo):
    from retention.forecasts import dry_run_counts

    waits("outbox")
    for n in range(3):
        sent_email(f"p{n}@example.org")
    retention_run(now=timezone.now())
    PendingDeletion.objects.update(since=timezone.now() - datetime.timedelta(days=8))
    sent_email("new@example.org")
    sent_email("held@example.org", days=90)
    hold_place(
        email="held@example.org", kind=Hold.Kind.choices[0][0], reason="x", now=timezone.now()
    )
    now = timezone.now()

    counted = dry_run_counts(now=now)

    assert counted == retention_run(now=now, dry_run=True)
    assert (counted["outbox"].affected, counted["outbox"].held, counted["outbox"].pending) == (
        3,
        1,
        1,
    )

"""A Celery worker killed (SIGKILL, the whole process group) in the middle of a job:
an email in flight, a purge, an access archive, a certificate run and a campaign.

Each test stops a real worker at a known point, by holding a lock its job needs in a
transaction of the test's own, and kills it there. The task, acknowledged only when
done (``acks_late``), comes back to the next worker once the visibility timeout has
passed (2 seconds here, hours in production): that next run finishes the job, nothing
is left half-done, and no email is sent twice, except the one the mail server had
taken when the worker died, which leaves again with the same Message-ID."""

import datetime
import time

import pytest
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.utils import timezone

from attendance.models import Certificate
from campaigns.models import Campaign, CampaignRecipient
from consent.models import ConsentRecord
from core.models import OutboxEmail
from core.outbox import email_enqueue
from dpo_requests.models import Request
from retention.models import JobLock, NightlyRun, PurgeLog
from tests.factories import EnrolmentFactory, SessionFactory, TraineeFactory
from tests.faults.processes import (
    WORKER,
    held,
    service_env,
    someone_waits_for_a_lock,
    task_send,
    wait_for,
)
from tests.outages import broker_down

VISIBILITY = 2  # seconds before an unacknowledged task goes to another worker
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def workers(processes, redis_url, queue, smtp_sink, private_root):
    """Start a worker on the test's queue; ``kill`` it; the next one, started after the
    visibility timeout, is given the killed worker's task again."""

    class Workers:
        count = 0

        def start(self, **extra):
            self.count += 1
            env = service_env(
                redis_url=redis_url,
                queue=queue,
                smtp=smtp_sink,
                private_root=private_root,
                CELERY_VISIBILITY_TIMEOUT=VISIBILITY,
                **extra,
            )
            processes.celery(f"worker-{self.count}", [*WORKER, "-Q", queue], env)

        def kill_and_restart(self, **extra):
            processes.kill(f"worker-{self.count}")
            time.sleep(VISIBILITY + 0.5)
            self.start(**extra)

    return Workers()


def test_an_email_in_flight_goes_again_once_with_the_same_message_id(
    workers, smtp_sink, redis_url, queue
):
    with broker_down(), transaction.atomic():  # stored; its task could not be queued
        stored = email_enqueue(
            message=EmailMessage(
                subject="Votre attestation", body="Bonjour.", to=["ana@example.org"]
            ),
            kind="attendance.certificate",
        )
    smtp_sink.hold_next()
    workers.start()
    task_send(redis_url, "core.tasks.deliver_email", stored.pk, queue=queue)

    assert smtp_sink.taken.wait(60), "the worker never handed the email over"
    workers.kill_and_restart()  # the mail server has it; the row does not say "sent"
    smtp_sink.release.set()

    wait_for(
        lambda: OutboxEmail.objects.filter(pk=stored.pk, status="sent").exists(),
        what="the email to be sent by the next worker",
    )
    first, second = smtp_sink.received
    assert first["Message-ID"] == second["Message-ID"] == stored.headers["Message-ID"]
    assert first["Message-ID"].endswith("@testserver>")
    time.sleep(1)
    assert len(smtp_sink.received) == 2  # the one in flight, and no third


def _seed_sent_emails(count: int, *, days_ago: int) -> None:
    sent_at = timezone.now() - datetime.timedelta(days=days_ago)
    OutboxEmail.objects.bulk_create(
        OutboxEmail(
            kind="test.old",
            email=f"old{i}@example.org",
            to=[f"old{i}@example.org"],
            subject="Old",
            status="sent",
            sent_at=sent_at,
        )
        for i in range(count)
    )


def test_a_purge_killed_mid_batch_is_finished_by_its_task_delivered_again(
    workers, redis_url, queue
):
    due, batch = 200, 20
    _seed_sent_emails(due, days_ago=settings.OUTBOX_KEEP_DAYS + 10)
    last = OutboxEmail.objects.filter(kind="test.old").latest("pk").pk
    _seed_sent_emails(5, days_ago=1)  # still kept

    workers.start(RETENTION_BATCH_SIZE=batch)
    with held(lambda: OutboxEmail.objects.select_for_update().get(pk=last)):
        task_id = task_send(redis_url, "retention.tasks.run_retention", queue=queue)
        wait_for(someone_waits_for_a_lock, what="the purge to reach the held email")
        workers.kill_and_restart(RETENTION_BATCH_SIZE=batch)
        left = OutboxEmail.objects.filter(kind="test.old").count()
        # Every batch whole: gone, or all there (the one the worker died in).
        assert 0 < left - 5 < due and (left - 5) % batch == 0
        assert JobLock.objects.get(name="retention").holder == task_id  # the dead run's lease

    wait_for(lambda: NightlyRun.objects.exists(), what="the night's run to finish")
    run = NightlyRun.objects.get()
    assert run.holder == task_id  # the task delivered again took its own lease over
    assert OutboxEmail.objects.filter(kind="test.old").count() == 5
    assert PurgeLog.objects.filter(rule="outbox", outcome="done").count() == 1
    assert not JobLock.objects.exists()


def test_an_archive_killed_before_it_is_recorded_is_never_offered_and_is_built_again(
    workers, redis_url, queue, smtp_sink, private_root
):
    TraineeFactory(email="ana@example.org")
    request = Request.objects.create(
        kind="access",
        email="ana@example.org",
        language="fr",
        channel="web",
        status="open",
        received_at=timezone.now(),
        export_requested_at=timezone.now(),
    )
    # The link leaves with the build, unreviewed (DSR_EXPORT_REVIEW): a killed build
    # could offer a file it never recorded, or send the link twice.
    unreviewed = {"DSR_EXPORT_REVIEW": "false"}
    workers.start(**unreviewed)
    # The build writes the archive, then records it: the audit log's table is held.
    with held(
        lambda: connection.cursor().execute("LOCK TABLE dpo_requests_auditentry IN EXCLUSIVE MODE")
    ):
        task_send(redis_url, "dpo_requests.tasks.build_export", request.pk, queue=queue)
        wait_for(someone_waits_for_a_lock, what="the build to record its archive")
        workers.kill_and_restart(**unreviewed)
        request.refresh_from_db()
        assert request.export_file == "" and request.status == "open"  # nothing offered
        assert not smtp_sink.received
        [unrecorded] = (private_root / "exports").iterdir()  # written, never offered

    wait_for(
        lambda: Request.objects.filter(pk=request.pk, status="done").exists(),
        what="the archive to be built again",
    )
    request.refresh_from_db()
    wait_for(lambda: smtp_sink.received, what="the link to be emailed")
    assert [p.name for p in (private_root / "exports").iterdir()] == [request.export_file]
    assert not unrecorded.exists()
    time.sleep(1)
    assert len(smtp_sink.received) == 1  # one link, once


def test_a_certificate_run_killed_mid_session_issues_all_or_none(
    workers, redis_url, queue, smtp_sink
):
    ended = timezone.localdate() - datetime.timedelta(days=1)
    session = SessionFactory(start_date=ended, end_date=ended, capacity=10)
    enrolments = [
        EnrolmentFactory(
            session=session, status="confirmed", trainee=TraineeFactory(surname=f"N{i}")
        )
        for i in range(6)
    ]
    workers.start()

    def blocker():  # the last trainee's certificate, uncommitted: the worker waits on it
        Certificate.objects.create(
            enrolment=enrolments[-1], issued_at=timezone.now(), hours_planned=0, hours_attended=0
        )

    with held(blocker):
        task_send(redis_url, "attendance.tasks.issue_certificates", queue=queue)
        wait_for(someone_waits_for_a_lock, what="the run to reach the last trainee")
        workers.kill_and_restart()
        assert not Certificate.objects.exists()  # five made, none kept: one transaction
        assert not OutboxEmail.objects.filter(kind="attendance.certificate").exists()

    wait_for(lambda: len(smtp_sink.received) >= 6, what="six certificate emails")
    assert Certificate.objects.count() == 6
    time.sleep(1)
    assert sorted(m["To"] for m in smtp_sink.received) == sorted(
        e.trainee.email for e in enrolments
    )
    assert len(set(smtp_sink.message_ids())) == 6


def test_a_campaign_killed_mid_way_goes_on_and_sends_nobody_twice(
    workers, redis_url, queue, smtp_sink
):
    people = 101  # the first batch (100) is done when the worker stops
    campaign = Campaign.objects.create(
        name="Printemps",
        purpose=ConsentRecord.Purpose.TRAINEE_OFFERS,
        subject_fr="Nos formations",
        body_fr="Découvrez nos sessions.",
        status="sending",
        started_at=timezone.now(),
    )
    CampaignRecipient.objects.bulk_create(
        CampaignRecipient(campaign=campaign, trainee=TraineeFactory(email=f"p{i}@example.org"))
        for i in range(people)
    )
    workers.start()
    # After each batch the campaign's counts are updated: its row is held.
    with held(lambda: Campaign.objects.select_for_update().get(pk=campaign.pk)):
        task_send(redis_url, "campaigns.tasks.send_campaign", campaign.pk, queue=queue)
        wait_for(someone_waits_for_a_lock, what="the first batch to be done")
        workers.kill_and_restart()
        sent = CampaignRecipient.objects.filter(campaign=campaign, status="sent")
        assert sent.count() == 100
        # No one marked sent without their email stored (one transaction each).
        assert not sent.filter(outbox_email__isnull=True).exists()

    wait_for(lambda: len(smtp_sink.received) >= people, what="every offer delivered")
    time.sleep(1)
    campaign.refresh_from_db()
    assert campaign.status == "done" and campaign.sent == people
    assert OutboxEmail.objects.filter(kind="campaign.offer").count() == people
    assert len(smtp_sink.received) == len(set(smtp_sink.message_ids())) == people
    assert len({m["To"] for m in smtp_sink.received}) == people

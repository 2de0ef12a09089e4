"""An offer campaign sent by a real Celery worker through Redis, on the real database:
people who objected or are on the suppression list receive nothing."""

import os
import subprocess
import sys
import time
import uuid
import warnings
from pathlib import Path

import pytest
from django.utils import timezone

from campaigns.models import Campaign, CampaignRecipient
from campaigns.services import campaign_address
from config.celery import app
from consent.models import ConsentRecord
from consent.services import consent_record, suppression_add
from tests.factories import TraineeFactory
from tests.test_celery_worker import ROOT, _database_url, redis_url  # noqa: F401

P, A, C = ConsentRecord.Purpose, ConsentRecord.Action, ConsentRecord.Channel


@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_the_campaign_to_nobody_who_said_no(redis_url, tmp_path):  # noqa: F811
    now = timezone.now()
    willing = TraineeFactory(email="willing@example.org")
    objected = TraineeFactory(email="objected@example.org")
    consent_record(
        email=objected.email,
        purpose=P.TRAINEE_OFFERS,
        action=A.OBJECTED,
        channel=C.UNSUBSCRIBE_LINK,
        at=now,
    )
    suppressed = TraineeFactory(email="suppressed@example.org")
    suppression_add(email=suppressed.email, purpose=P.TRAINEE_OFFERS, now=now)
    campaign = Campaign.objects.create(
        name="Worker", purpose=P.TRAINEE_OFFERS, subject_fr="Offre", body_fr="Texte"
    )
    campaign_address(campaign=campaign, trainees=[willing, objected, suppressed])

    queue = f"test-{uuid.uuid4().hex}"
    outbox = tmp_path / "mail"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url,
        # Four slashes: django-environ drops one from an absolute file path.
        "EMAIL_URL": f"filemail:///{outbox}",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        with app.connection_for_write(redis_url) as conn, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tests run other tasks eagerly; not this one
            app.send_task(
                "campaigns.tasks.send_campaign", args=[campaign.pk], queue=queue, connection=conn
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            campaign.refresh_from_db()
            if campaign.status == Campaign.Status.DONE:
                break
            time.sleep(0.3)
    finally:
        worker.terminate()
        worker.wait(timeout=20)

    assert campaign.status == Campaign.Status.DONE
    delivered = "".join(path.read_text() for path in Path(outbox).glob("*.log"))
    assert "To: willing@example.org" in delivered
    assert "objected@example.org" not in delivered
    assert "suppressed@example.org" not in delivered
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in delivered
    statuses = dict(CampaignRecipient.objects.values_list("trainee__email", "status"))
    assert statuses == {
        "willing@example.org": "sent",
        "objected@example.org": "skipped",
        "suppressed@example.org": "skipped",
    }

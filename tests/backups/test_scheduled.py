"""Regular backups (policy §7): the beat job takes one every night, keeps the newest
BACKUP_KEEP, and the DPO's dashboard shows the last good one and any failure."""

import datetime
import os

import pytest
from django.conf import settings

from backups.models import BackupRun
from backups.scheduled import backup_scheduled
from backups.tasks import take_backup
from config.beat import beat_schedule
from tests.conftest import _staff

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.policy("Y4")]
NIGHT = datetime.datetime(2026, 12, 1, 2, 15, tzinfo=datetime.UTC)


@pytest.fixture
def backup_dir(tmp_path, settings):
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_KEEP = 3
    return settings.BACKUP_DIR


def test_beat_takes_a_backup_every_night_at_the_configured_time():
    entry = settings.CELERY_BEAT_SCHEDULE["take-backup"]
    assert entry["task"] == "backups.tasks.take_backup"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {15})
    assert "take-backup" not in beat_schedule(retention_run_at="02:30", backup_at="")


def test_the_job_writes_a_backup_only_its_owner_reads_and_records_it(backup_dir):
    assert take_backup() == "done"

    [path] = backup_dir.glob("*.backup")
    assert os.stat(path).st_mode & 0o777 == 0o600
    run = BackupRun.objects.get()
    assert (run.outcome, run.file_name, run.size_bytes) == ("done", path.name, path.stat().st_size)


def test_a_second_beat_or_a_redelivery_takes_no_second_backup_that_night(backup_dir):
    from backups.scheduled import backup_nightly

    first = backup_nightly(now=NIGHT, holder="task-1")
    again = backup_nightly(now=NIGHT + datetime.timedelta(minutes=5), holder="task-2")
    next_night = backup_nightly(now=NIGHT + datetime.timedelta(days=1), holder="task-3")

    assert first.outcome == "done" and again is None and next_night.outcome == "done"
    assert len(list(backup_dir.glob("*.backup"))) == 2


def test_only_the_newest_backups_are_kept(backup_dir):
    for night in range(5):
        run = backup_scheduled(now=NIGHT + datetime.timedelta(days=night))
        assert run.outcome == "done"

    kept = sorted(p.name for p in backup_dir.glob("*.backup"))
    assert kept == [f"formation-202612{day:02d}-021500.backup" for day in (3, 4, 5)]
    # The key manifests of the pruned backups go with them.
    assert len(list(backup_dir.glob("*.keys.json"))) in (0, 3)
    assert [run.pruned for run in BackupRun.objects.order_by("started_at")] == [0, 0, 0, 1, 1]


def test_a_failed_backup_is_shown_on_the_dashboard_beside_the_last_good_one(backup_dir, client):
    backup_scheduled(now=NIGHT)
    # The next night's file cannot be written (here: a file is in the way).
    (backup_dir / "formation-20261202-021500.backup").write_text("")
    failed = backup_scheduled(now=NIGHT + datetime.timedelta(days=1))
    assert failed.outcome == "failed" and failed.error

    client.force_login(_staff("dora", "DPO"))
    html = client.get("/backoffice/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Last successful backup: 1 December 2026" in html
    assert "failed" in html and failed.error in html
    french = client.get("/backoffice/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Dernière sauvegarde réussie : 1 décembre 2026" in french

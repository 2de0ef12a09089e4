"""The scheduled retention run happens once a night, however many times it is fired
(beat started twice, a task delivered twice), and a killed run's own task finishes it."""

import datetime

import pytest
from django.utils import timezone

from retention.models import JobLock, NightlyRun, PurgeLog
from retention.services import LOCK, RetentionBusy, lease_take, retention_run, retention_run_nightly

pytestmark = pytest.mark.django_db


def test_the_night_runs_once_and_the_next_night_again():
    tonight = timezone.now()
    assert retention_run_nightly(now=tonight, holder="first") is not None
    runs = PurgeLog.objects.count()

    assert retention_run_nightly(now=tonight, holder="second") is None  # the second beat's
    assert PurgeLog.objects.count() == runs and NightlyRun.objects.count() == 1

    tomorrow = tonight + datetime.timedelta(days=1)
    assert retention_run_nightly(now=tomorrow, holder="third") is not None
    assert NightlyRun.objects.count() == 2 and not JobLock.objects.exists()


def test_a_run_in_progress_keeps_the_other_out_and_its_own_task_takes_over():
    now = timezone.now()
    assert lease_take(name=LOCK, holder="killed-task", now=now)  # a worker died holding it
    with pytest.raises(RetentionBusy):
        retention_run_nightly(now=now, holder="other-beat")

    assert retention_run_nightly(now=now, holder="killed-task") is not None  # delivered again
    assert NightlyRun.objects.get().holder == "killed-task"


def test_a_run_by_hand_does_not_count_as_the_night():
    retention_run(now=timezone.now(), rules=["outbox"])
    assert not NightlyRun.objects.exists()
    assert retention_run_nightly(now=timezone.now(), holder="beat") is not None


@pytest.mark.policy("K6")
def test_the_nightly_run_applies_every_rule_of_the_schedule_and_logs_counts_only():
    from core.schedule import RULES
    from tests.factories import EnrolmentFactory, SessionFactory, TraineeFactory

    ended = timezone.localdate() - datetime.timedelta(days=200)
    trainee = TraineeFactory(email="night.secret@example.org", surname="Nightname")
    EnrolmentFactory(trainee=trainee, session=SessionFactory(start_date=ended, end_date=ended))

    results = retention_run_nightly(now=timezone.now(), holder="beat")

    logs = list(PurgeLog.objects.values())
    assert set(results) == {rule.name for rule in RULES}
    assert sorted(log["rule"] for log in logs) == sorted(rule.name for rule in RULES)
    assert {log["outcome"] for log in logs} == {PurgeLog.Outcome.DONE}
    assert next(log for log in logs if log["rule"] == "training-archive")["affected"] == 1
    assert "night" not in repr(logs).lower()

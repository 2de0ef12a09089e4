"""Backups are taken and restored with encrypted data intact, a restore does not undo the
rights people exercised after the backup was taken, and a failed restore changes
nothing."""

import datetime
import stat
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from backups.services import BackupError, backup_create, backup_restore
from consent.models import ConsentRecord
from consent.selectors import consent_state, is_suppressed
from consent.self_service import consent_withdraw
from consent.services import consent_give, suppression_add
from core.holds import hold_lift, hold_place
from core.models import AuditEntry, Hold
from core.providers import providers
from dpo_requests.models import Request
from tests.factories import EnrolmentFactory, SessionFactory, TraineeFactory
from trainees.models import Trainee
from training.models import SensitiveNeeds
from training.sensitive_needs import sensitive_needs_record

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.policy("Y4")]
ALLERGY = "Arachides et fruits à coque"


@pytest.fixture(autouse=True)
def app_stopped():
    """A restore runs with the app stopped. The browser tests' live server, earlier in
    the run, leaves idle connections to the test database: they are closed first."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


def session_in(days: int):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return SessionFactory(start_date=day, end_date=day, meals_provided=True)


def trainee_with_needs(email: str, *, session_in_days: int = 30) -> SensitiveNeeds:
    enrolment = EnrolmentFactory(
        session=session_in(session_in_days), trainee=TraineeFactory(email=email)
    )
    return sensitive_needs_record(
        enrolment=enrolment,
        food_allergies=ALLERGY,
        allergies_consent=True,
        disability_adaptations="Fauteuil roulant",
        disability_consent=True,
        now=timezone.now(),
    )


def erase_as_the_dpo_does(email: str) -> Request:
    now = timezone.now()
    for provider in providers():
        provider.erase(email=email, now=now)
    request = Request.objects.create(
        kind=Request.Kind.ERASURE,
        email=email,
        language="fr",
        channel=Request.Channel.WEB,
        status=Request.Status.DONE,
        received_at=now,
        closed_at=now,
    )
    AuditEntry.objects.create(
        at=now, action="erasure_executed", object_type="dpo_requests.request", object_id=request.pk
    )
    return request


def restore(path):
    return backup_restore(path=path, now=timezone.now())


def test_a_backup_restores_encrypted_data_intact_and_holds_only_ciphertext(tmp_path):
    needs = trainee_with_needs("alice@example.org")
    path = backup_create(path=tmp_path / "b.backup")

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    content = path.read_bytes()
    assert ALLERGY.encode() not in content and b"Fauteuil" not in content

    call_command("flush", interactive=False, verbosity=0)  # the loss the backup is for
    report = restore(path)

    restored = SensitiveNeeds.objects.get(pk=needs.pk)
    assert restored.food_allergies == ALLERGY
    assert restored.disability_adaptations == "Fauteuil roulant"
    assert report.encrypted_values == 2


def test_a_backup_needing_another_key_is_not_restored_until_that_key_is_set(tmp_path, settings):
    trainee_with_needs("alice@example.org")
    path = backup_create(path=tmp_path / "b.backup")
    TraineeFactory(email="after@example.org")
    original = list(settings.CRYPTOGRAPHY_KEYS)
    settings.CRYPTOGRAPHY_KEYS = ["another-key-than-the-backups"]

    with pytest.raises(BackupError, match="Nothing was restored.*CRYPTOGRAPHY_KEY") as error:
        restore(path)
    assert ALLERGY not in str(error.value)
    assert Trainee.objects.filter(email="after@example.org").exists()

    # With the backup's key back (here behind a newer one, as after a rotation).
    settings.CRYPTOGRAPHY_KEYS = ["another-key-than-the-backups", *original]
    assert restore(path).encrypted_values == 2
    assert SensitiveNeeds.objects.get().food_allergies == ALLERGY
    assert not Trainee.objects.filter(email="after@example.org").exists()


@pytest.mark.policy("G3")
def test_a_restore_erases_again_who_was_erased_since_and_keeps_the_proof(tmp_path):
    trainee_with_needs("erased@example.org")
    trainee_with_needs("stays@example.org")
    path = backup_create(path=tmp_path / "b.backup")
    request = erase_as_the_dpo_does("erased@example.org")

    assert restore(path).erasures_reapplied == [request.pk]
    assert not Trainee.objects.filter(email="erased@example.org").exists()
    assert Trainee.objects.filter(email="stays@example.org").exists()
    proof = Request.objects.get(pk=request.pk)
    assert (proof.email, proof.status) == ("erased@example.org", Request.Status.DONE)
    assert AuditEntry.objects.filter(action="erasure_executed", object_id=request.pk).exists()

    # The same backup restored once more: the erasure is still known, and still done.
    assert restore(path).erasures_reapplied == [request.pk]
    assert not Trainee.objects.filter(email="erased@example.org").exists()
    assert (
        Request.objects.create(
            kind="access",
            email="x@example.org",
            language="fr",
            channel="web",
            received_at=timezone.now(),
        ).pk
        > request.pk
    )  # numbering continues after the restored requests


def test_someone_erased_before_the_backup_who_registered_again_is_kept(tmp_path):
    erase_as_the_dpo_does("back@example.org")
    TraineeFactory(email="back@example.org")  # registered again, before the backup
    path = backup_create(path=tmp_path / "b.backup")

    assert restore(path).erasures_reapplied == []
    assert Trainee.objects.filter(email="back@example.org").exists()


@pytest.mark.policy("S6")
@pytest.mark.policy("P5")
def test_a_restore_keeps_withdrawals_opt_outs_and_holds_made_since(tmp_path):
    trainee_with_needs("chloe@example.org")
    hold_place(email="lifted@example.org", kind="legal_hold", reason="Audit", now=timezone.now())
    lifted = Hold.objects.get()
    path = backup_create(path=tmp_path / "b.backup")
    consent_withdraw(
        email="chloe@example.org",
        purpose=ConsentRecord.Purpose.ALLERGY_DATA,
        channel=ConsentRecord.Channel.SELF_SERVICE,
        now=timezone.now(),
    )
    suppression_add(email="optout@example.org", purpose="trainee_offers", now=timezone.now())
    hold_place(email="held@example.org", kind="restriction", reason="Art. 18", now=timezone.now())
    hold_lift(hold=lifted, now=timezone.now())

    report = restore(path)

    needs = SensitiveNeeds.objects.get()
    assert needs.food_allergies is None and needs.disability_adaptations == "Fauteuil roulant"
    assert report.withdrawals_reapplied == 1
    assert is_suppressed(email="optout@example.org", purpose="trainee_offers")
    assert Hold.objects.filter(email="held@example.org", lifted_at__isnull=True).exists()
    assert Hold.objects.get(email="lifted@example.org").lifted_at is not None


@pytest.mark.policy("S5")
def test_data_past_its_period_in_the_backup_is_purged_by_the_restore(tmp_path):
    ended = trainee_with_needs("ended@example.org", session_in_days=-2)
    path = backup_create(path=tmp_path / "b.backup")  # taken before the nightly purge

    report = restore(path)

    assert report.retention["sensitive-needs"] == 1
    assert SensitiveNeeds.objects.get(pk=ended.pk).food_allergies is None


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_a_file_that_is_not_a_whole_backup_changes_nothing(tmp_path, damage):
    needs = trainee_with_needs("alice@example.org")
    path = backup_create(path=tmp_path / "b.backup")
    content = path.read_bytes()
    # Truncated: the table of contents reads, the data runs out before the end.
    damaged = {"garbage": b"not a backup at all", "truncated": content[:-64], "empty": b""}
    path.write_bytes(damaged[damage])
    TraineeFactory(email="after@example.org")

    with pytest.raises(BackupError, match="Nothing was restored") as error:
        restore(path)

    assert "alice" not in str(error.value)
    assert Trainee.objects.filter(email="after@example.org").exists()
    assert SensitiveNeeds.objects.get(pk=needs.pk).food_allergies == ALLERGY
    assert no_scratch_left()


def no_scratch_left() -> bool:
    if connection.vendor != "postgresql":
        return not Path(f"{connection.settings_dict['NAME']}.restore").exists()
    # This database's scratch only: other test databases share the server.
    scratch = f"{connection.settings_dict['NAME']}__restore_scratch"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [scratch])
        return cursor.fetchone() is None


@pytest.mark.policy("G1")
def test_requests_and_their_numbers_survive_a_restore(tmp_path):
    path = backup_create(path=tmp_path / "b.backup")
    now = timezone.now()
    open_erasure = Request.objects.create(
        kind="erasure", email="a@example.org", language="fr", channel="web", received_at=now,
        status=Request.Status.OPEN,
    )  # fmt: skip
    restriction = Request.objects.create(
        kind="restriction", email="b@example.org", language="en", channel="web", received_at=now,
        status=Request.Status.DONE, closed_at=now, answer="Restricted.",
    )  # fmt: skip

    assert restore(path).erasures_reapplied == []

    assert Request.objects.get(pk=open_erasure.pk).status == Request.Status.OPEN
    assert Request.objects.get(pk=restriction.pk).answer == "Restricted."
    later = Request.objects.create(
        kind="access", email="c@example.org", language="fr", channel="web", received_at=now
    )
    assert later.pk > restriction.pk  # the person told "request no. N" keeps N to themselves


@pytest.mark.policy("P5")
def test_consenting_again_after_an_objection_survives_a_restore(tmp_path):
    path = backup_create(path=tmp_path / "b.backup")
    purpose = ConsentRecord.Purpose.TRAINEE_OFFERS
    consent_withdraw(
        email="bruno@example.org", purpose=purpose, channel="self_service", now=timezone.now()
    )
    consent_give(
        email="bruno@example.org", purpose=purpose, channel="self_service", now=timezone.now()
    )

    restore(path)

    assert consent_state(email="bruno@example.org")[purpose] == ConsentRecord.Action.GIVEN
    assert not is_suppressed(email="bruno@example.org", purpose=purpose)


def test_a_database_that_cannot_be_read_is_not_replaced(tmp_path, require_postgres):
    path = backup_create(path=tmp_path / "b.backup")
    erase_as_the_dpo_does("gone@example.org")
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE retention_hold RENAME TO retention_hold_away")
    try:
        with pytest.raises(BackupError, match="current database cannot be read"):
            restore(path)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE retention_hold_away RENAME TO retention_hold")
    assert Request.objects.filter(email="gone@example.org").exists()


def test_a_restore_while_the_app_is_connected_is_refused_and_changes_nothing(
    tmp_path, require_postgres
):
    import psycopg

    path = backup_create(path=tmp_path / "b.backup")
    TraineeFactory(email="after@example.org")
    params = connection.get_connection_params()
    with psycopg.connect(**params), pytest.raises(BackupError, match="Stop the web app"):
        restore(path)  # while the web app, say, is connected

    assert Trainee.objects.filter(email="after@example.org").exists()
    with connection.cursor() as cursor:
        live = connection.settings_dict["NAME"]  # other test databases share the server
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname IN (%s, %s)",
            [f"{live}__restore_scratch", f"{live}__before_restore"],
        )
        assert cursor.fetchall() == []  # no scratch database left behind


def test_a_restore_into_an_empty_database_and_an_older_schema(tmp_path, require_postgres):
    trainee_with_needs("alice@example.org")
    path = backup_create(path=tmp_path / "b.backup")
    with connection.cursor() as cursor:  # after a disaster: nothing left, not even tables
        cursor.execute("DROP SCHEMA public CASCADE")
        cursor.execute("CREATE SCHEMA public")
        cursor.execute("CREATE TABLE made_after_the_backup (email text)")
    try:
        with pytest.raises(CommandError, match="no tables yet"):
            call_command("backup", "check")
        assert restore(path).encrypted_values == 2
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('public.made_after_the_backup')")
            assert cursor.fetchone()[0] is None
    finally:  # whatever happened, the next tests find their tables
        call_command("migrate", verbosity=0)


def test_the_command_takes_restores_and_checks_a_backup(tmp_path, capsys):
    trainee_with_needs("alice@example.org")
    path = tmp_path / "b.backup"

    call_command("backup", "create", "--output", str(path))
    call_command("backup", "restore", str(path), "--yes")
    call_command("backup", "check")

    out = capsys.readouterr().out
    assert "Backup written" in out and "keep CRYPTOGRAPHY_KEY apart" in out
    assert "Encrypted values readable with the configured keys: 2." in out
    assert "alice" not in out and ALLERGY not in out


def test_the_command_refuses_what_it_cannot_do_with_a_message(tmp_path):
    trainee_with_needs("alice@example.org")
    with pytest.raises(CommandError, match="No backup file"):
        call_command("backup", "restore", str(tmp_path / "missing.backup"), "--yes")
    path = backup_create(path=tmp_path / "b.backup")
    with pytest.raises(CommandError, match="--yes"):
        call_command("backup", "restore", str(path))
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", "create", "--output", str(path))
    (tmp_path / "a-file").write_text("")
    with pytest.raises(CommandError, match="Cannot write"):
        call_command("backup", "create", "--output", str(tmp_path / "a-file" / "b.backup"))
    assert SensitiveNeeds.objects.count() == 1


def test_a_restore_stopped_midway_lets_the_app_back_in_and_changes_nothing(
    tmp_path, require_postgres
):
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.test_celery_worker import ROOT, _database_url

    trainee_with_needs("alice@example.org")
    path = backup_create(path=tmp_path / "b.backup")
    TraineeFactory(email="after@example.org")
    live = connection.settings_dict["NAME"]
    connection.close()  # the app is stopped
    restore = subprocess.Popen(
        [sys.executable, "manage.py", "backup", "restore", str(path), "--yes"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": _database_url()},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with connection._nodb_cursor() as cursor:
        for _ in range(300):  # until the backup is being loaded beside the database
            cursor.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [f"{live}__restore_scratch"]
            )
            if cursor.fetchone() or restore.poll() is not None:
                break
            time.sleep(0.05)
        assert restore.poll() is None, "the restore ended before it could be stopped"
        restore.send_signal(signal.SIGTERM)  # a service manager stopping it
        assert restore.wait(timeout=60) != 0
        cursor.execute("SELECT datallowconn FROM pg_database WHERE datname = %s", [live])
        assert cursor.fetchone() == (True,)
    assert Trainee.objects.filter(email="after@example.org").exists()
    assert no_scratch_left()


def test_a_restore_into_an_empty_migrated_database_keeps_the_backups_opt_outs(tmp_path):
    suppression_add(email="optout@example.org", purpose="trainee_offers", now=timezone.now())
    path = backup_create(path=tmp_path / "b.backup")
    call_command("flush", interactive=False, verbosity=0)  # as a new compose stack has it

    restore(path)

    assert is_suppressed(email="optout@example.org", purpose="trainee_offers")


@pytest.mark.policy("R2")
def test_an_erasure_forwarded_to_the_client_is_not_carried_out_by_a_restore(tmp_path):
    trainee_with_needs("employee@example.org")
    path = backup_create(path=tmp_path / "b.backup")
    now = timezone.now()
    Request.objects.create(
        kind="erasure", email="employee@example.org", language="fr", channel="web",
        received_at=now, status=Request.Status.DONE, closed_at=now, forwarded_to="Client SA",
    )  # fmt: skip

    assert restore(path).erasures_reapplied == []
    assert Trainee.objects.filter(email="employee@example.org").exists()


@pytest.mark.policy("S6")
def test_data_withdrawn_on_one_enrolment_only_stays_on_the_others(tmp_path):
    kept = trainee_with_needs("dana@example.org")
    other = EnrolmentFactory(session=session_in(60), trainee=kept.enrolment.trainee)
    withdrawn = sensitive_needs_record(
        enrolment=other,
        food_allergies="Lait",
        allergies_consent=True,
        disability_adaptations="",
        disability_consent=False,
        now=timezone.now(),
    )
    path = backup_create(path=tmp_path / "b.backup")
    SensitiveNeeds.objects.filter(pk=withdrawn.pk).delete()  # consent withdrawn for that one

    report = restore(path)

    assert report.sensitive_rows_cleared == 1
    assert not SensitiveNeeds.objects.filter(pk=withdrawn.pk).exists()
    assert SensitiveNeeds.objects.get(pk=kept.pk).food_allergies == ALLERGY


def test_choices_keep_the_policy_version_they_were_made_under(tmp_path):
    from consent.models import PolicyVersion

    path = backup_create(path=tmp_path / "b.backup")
    version = PolicyVersion.objects.create(
        number="v-new", published_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    consent_withdraw(
        email="eve@example.org", purpose="newsletter", channel="self_service", now=timezone.now()
    )

    made_under = ConsentRecord.objects.get(email="eve@example.org").policy_version.number

    restore(path)

    assert PolicyVersion.objects.filter(number=version.number).exists()
    record = ConsentRecord.objects.get(email="eve@example.org")
    assert record.policy_version.number == made_under


def test_a_request_number_given_out_is_never_given_again(tmp_path, require_postgres):
    path = backup_create(path=tmp_path / "b.backup")
    told = Request.objects.create(
        kind="access",
        email="f@example.org",
        language="fr",
        channel="web",
        received_at=timezone.now(),
    )
    number = told.pk
    told.delete()  # an unverified request, since purged

    restore(path)

    later = Request.objects.create(
        kind="access",
        email="g@example.org",
        language="fr",
        channel="web",
        received_at=timezone.now(),
    )
    assert later.pk > number


def test_a_database_left_closed_by_a_killed_restore_is_explained(tmp_path, require_postgres):
    path = backup_create(path=tmp_path / "b.backup")
    live = connection.settings_dict["NAME"]
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'ALTER DATABASE "{live}" ALLOW_CONNECTIONS false')
    try:
        with pytest.raises(BackupError, match="ALLOW_CONNECTIONS true"):
            restore(path)
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{live}" ALLOW_CONNECTIONS true')

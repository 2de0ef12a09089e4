"""Backups are taken and restored with encrypted data intact, and a restore does not undo
the rights people exercised after the backup was taken."""

import datetime
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from consent.selectors import is_suppressed
from consent.services import suppression_add
from dpo_requests.models import Request
from dpo_requests.providers import providers
from retention.backups import BackupError, backup_create, backup_restore, encrypted_values_check
from retention.models import Hold
from retention.services import hold_place
from tests.factories import EnrolmentFactory, SessionFactory, TraineeFactory
from trainees.models import SensitiveNeeds, Trainee
from trainees.services import sensitive_needs_record

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.policy("Y4")]
ALLERGY = "Arachides et fruits à coque"


def future_session():
    start = timezone.localdate() + datetime.timedelta(days=30)
    return SessionFactory(start_date=start, end_date=start, meals_provided=True)


def trainee_with_needs(email: str) -> SensitiveNeeds:
    enrolment = EnrolmentFactory(session=future_session(), trainee=TraineeFactory(email=email))
    return sensitive_needs_record(
        enrolment=enrolment,
        food_allergies=ALLERGY,
        allergies_consent=True,
        disability_adaptations="Fauteuil roulant",
        disability_consent=True,
        now=timezone.now(),
    )


def erase_as_the_dpo_did(email: str) -> Request:
    now = timezone.now()
    for provider in providers():
        provider.erase(email=email, now=now)
    return Request.objects.create(
        kind=Request.Kind.ERASURE,
        email=email,
        language="fr",
        channel=Request.Channel.WEB,
        status=Request.Status.DONE,
        received_at=now,
        closed_at=now,
    )


def test_a_backup_restores_encrypted_data_intact_and_holds_only_ciphertext(tmp_path):
    needs = trainee_with_needs("alice@example.org")
    path = backup_create(path=tmp_path / "b.backup")

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    content = path.read_bytes()
    assert ALLERGY.encode() not in content and b"Fauteuil" not in content

    SensitiveNeeds.objects.all().delete()  # the loss the backup is for
    report = backup_restore(path=path, now=timezone.now())

    restored = SensitiveNeeds.objects.get(pk=needs.pk)
    assert restored.food_allergies == ALLERGY
    assert restored.disability_adaptations == "Fauteuil roulant"
    assert report.encrypted_values == 2


def test_restored_data_cannot_be_read_without_its_key_and_the_restore_says_so(tmp_path, settings):
    trainee_with_needs("alice@example.org")
    path = backup_create(path=tmp_path / "b.backup")
    original = list(settings.CRYPTOGRAPHY_KEYS)
    settings.CRYPTOGRAPHY_KEYS = ["another-key-than-the-backups"]

    with pytest.raises(BackupError, match="restored, but.*CRYPTOGRAPHY_KEY") as error:
        backup_restore(path=path, now=timezone.now())
    assert ALLERGY not in str(error.value)

    # Once the backup's key is back (here behind a newer one, as after a rotation), the
    # very same restored data reads again.
    settings.CRYPTOGRAPHY_KEYS = ["another-key-than-the-backups", *original]
    assert encrypted_values_check() == 2
    assert SensitiveNeeds.objects.get().food_allergies == ALLERGY


@pytest.mark.policy("G3")
@pytest.mark.policy("P5")
def test_a_restore_does_not_bring_back_people_erased_or_offers_refused_since(tmp_path):
    trainee_with_needs("erased@example.org")
    trainee_with_needs("stays@example.org")
    path = backup_create(path=tmp_path / "b.backup")
    request = erase_as_the_dpo_did("erased@example.org")
    suppression_add(email="optout@example.org", purpose="trainee_offers", now=timezone.now())
    hold_place(email="held@example.org", kind="legal_hold", reason="Litigation", now=timezone.now())

    report = backup_restore(path=path, now=timezone.now())

    assert report.erasures_reapplied == [request.pk]
    assert not Trainee.objects.filter(email="erased@example.org").exists()
    assert Trainee.objects.filter(email="stays@example.org").exists()
    assert is_suppressed(email="optout@example.org", purpose="trainee_offers")
    assert Hold.objects.filter(email="held@example.org", lifted_at__isnull=True).exists()


def test_an_erasure_the_backup_already_shows_is_not_applied_again(tmp_path):
    erase_as_the_dpo_did("old@example.org")
    path = backup_create(path=tmp_path / "b.backup")
    TraineeFactory(email="old@example.org")  # registered again, after the erasure

    report = backup_restore(path=path, now=timezone.now())

    assert report.erasures_reapplied == []


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


def test_the_command_refuses_a_restore_without_confirmation_or_file(tmp_path):
    trainee_with_needs("alice@example.org")
    with pytest.raises(CommandError, match="No backup file"):
        call_command("backup", "restore", str(tmp_path / "missing.backup"), "--yes")
    path = backup_create(path=tmp_path / "b.backup")
    with pytest.raises(CommandError, match="--yes"):
        call_command("backup", "restore", str(path))
    assert SensitiveNeeds.objects.count() == 1

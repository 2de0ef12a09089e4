"""An old encryption key is removed only once no kept backup needs it: each backup
records the keys its values were made with, and `backup check` reads every kept backup
(without restoring it) to say which keys each needs, by fingerprint, and fails when one
needs a key no longer configured."""

import json
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from backups.keys import backup_keys_check, manifest_path
from backups.rotation import encryption_rotate
from backups.services import backup_create
from core.encryption import key_fingerprint
from tests.factories import EnrolmentFactory
from training.sensitive_needs import sensitive_needs_record

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.policy("Y4")]
ALLERGY = "Arachides et fruits à coque"
NEW_KEY = "the-key-of-this-year"


@pytest.fixture
def old_key(settings):
    return settings.CRYPTOGRAPHY_KEYS[0]


@pytest.fixture
def backup_dir(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    return settings.BACKUP_DIR


def needs_recorded():
    return sensitive_needs_record(
        enrolment=EnrolmentFactory(),
        food_allergies=ALLERGY,
        allergies_consent=True,
        disability_adaptations="Fauteuil roulant",
        disability_consent=True,
        now=timezone.now(),
    )


def check(capsys) -> str:
    call_command("backup", "check")
    return capsys.readouterr().out


def test_a_backup_records_by_fingerprint_the_keys_its_values_need(backup_dir, old_key, capsys):
    needs_recorded()

    call_command("backup", "create", "--output", str(backup_dir / "a.backup"))

    manifest = manifest_path(backup_dir / "a.backup")
    assert stat.S_IMODE(manifest.stat().st_mode) == 0o600
    assert json.loads(manifest.read_text()) == {"keys": {key_fingerprint(old_key): 2}, "unknown": 0}
    assert old_key not in manifest.read_text() and "Arachides" not in manifest.read_text()
    assert f"Keys its encrypted values need: {key_fingerprint(old_key)}" in capsys.readouterr().out


def test_backup_check_says_which_keys_each_kept_backup_needs(backup_dir, settings, old_key, capsys):
    needs_recorded()
    backup_create(path=backup_dir / "formation-1-before.backup")
    settings.CRYPTOGRAPHY_KEYS = [NEW_KEY, old_key]  # a new key in front, then rotated
    encryption_rotate(batch_size=100)
    backup_create(path=backup_dir / "formation-2-after.backup")
    new, old = key_fingerprint(NEW_KEY), key_fingerprint(old_key)

    out = check(capsys)

    assert f"formation-1-before.backup: needs {old} (key 2, 2 values)" in out
    assert f"formation-2-after.backup: needs {new} (key 1, 2 values)" in out
    assert f"Key 1 ({new}) is needed by: the database, formation-2-after.backup." in out
    assert f"Key 2 ({old}) is needed by: formation-1-before.backup." in out
    assert NEW_KEY not in out and old_key not in out

    # The old backup gone (past its retention), nothing needs the old key any more.
    (backup_dir / "formation-1-before.backup").unlink()
    assert f"Key 2 ({old}) is needed by nothing kept: it may be removed." in check(capsys)


def test_backup_check_fails_naming_a_needed_key_that_was_removed_too_early(
    backup_dir, settings, old_key, capsys
):
    needs_recorded()
    backup_create(path=backup_dir / "formation-1-before.backup")
    settings.CRYPTOGRAPHY_KEYS = [NEW_KEY, old_key]
    encryption_rotate(batch_size=100)
    settings.CRYPTOGRAPHY_KEYS = [NEW_KEY]  # the old key dropped while a backup needs it

    with pytest.raises(CommandError, match="formation-1-before.backup"):
        call_command("backup", "check")

    out = capsys.readouterr().out
    assert f"needs {key_fingerprint(old_key)}: NOT CONFIGURED (2 values)" in out
    assert old_key not in out


def test_the_check_reads_the_backup_itself_not_only_its_manifest(
    backup_dir, settings, old_key, capsys
):
    needs_recorded()
    path = backup_create(path=backup_dir / "formation-1.backup")
    # A manifest lost, then one that lies: the file's contents still decide.
    manifest_path(path).unlink()
    settings.CRYPTOGRAPHY_KEYS = [NEW_KEY, old_key]
    encryption_rotate(batch_size=100)
    settings.CRYPTOGRAPHY_KEYS = [NEW_KEY]

    [report] = backup_keys_check([path])
    assert (report.by_key, report.unreadable, report.manifest) == ((0,), 2, False)
    with pytest.raises(CommandError):
        call_command("backup", "check")
    assert "a key no manifest names: NOT CONFIGURED (2 values)" in capsys.readouterr().out

    manifest_path(path).write_text(json.dumps({"keys": {key_fingerprint(NEW_KEY): 2}}))
    [report] = backup_keys_check([path])
    assert report.unreadable == 2 and not report.manifest_agrees

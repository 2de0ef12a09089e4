"""Key rotation: a new key put in front of CRYPTOGRAPHY_KEY, `encryption rotate` puts
every value under it in batches, and stopped at any point (even killed outright) it
leaves every value readable and a re-run finishes the job."""

import os
import re
import select
import signal
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from backups.rotation import RotationError, _compare_and_set, encryption_rotate, encryption_status
from core.encryption import Keyring, encrypted_fields, key_fingerprint
from core.models import AuditEntry
from tests.factories import EnrolmentFactory, SessionFactory
from tests.test_celery_worker import ROOT, _database_url
from training.models import SensitiveNeeds
from training.sensitive_needs import sensitive_needs_record

pytestmark = pytest.mark.policy("S3")
NEW_KEY = "the-key-of-this-year"


@pytest.fixture
def old_key(settings):
    return settings.CRYPTOGRAPHY_KEYS[0]


def needs_for(n: int) -> SensitiveNeeds:
    return sensitive_needs_record(
        enrolment=EnrolmentFactory(),
        food_allergies=f"Arachides {n}",
        allergies_consent=True,
        disability_adaptations=f"Interprète LSF {n}" if n % 2 else "",
        disability_consent=bool(n % 2),
        now=timezone.now(),
    )


def raw(pk: int) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT food_allergies, disability_adaptations FROM trainees_sensitiveneeds "
            "WHERE id = %s",
            [pk],
        )
        return tuple(None if v is None else bytes(v) for v in cursor.fetchone())


def under_each_key() -> dict:
    """Values per configured key, all columns together, and those under none."""
    counts = encryption_status()
    return {
        "by_key": [sum(c.by_key[i] for c in counts) for i in range(len(counts[0].by_key))],
        "unreadable": sum(c.unreadable for c in counts),
    }


def test_every_encrypted_column_is_found_by_walking_the_models():
    found = {(m.__name__, f.name) for m, fields in encrypted_fields() for f in fields}

    assert found == {
        ("SensitiveNeeds", "food_allergies"),
        ("SensitiveNeeds", "disability_adaptations"),
        ("PendingRegistration", "food_allergies"),
        ("PendingRegistration", "disability_adaptations"),
    }


def test_the_needs_of_a_registration_awaiting_confirmation_are_checked_too(db, settings):
    """`backup check` and a restore decrypt every encrypted column, not only SensitiveNeeds:
    a registration's needs made under a key no longer configured stop them."""
    from backups.services import BackupError, encrypted_values_check
    from training.models import PendingRegistration

    settings.CRYPTOGRAPHY_KEYS = ["a-key-since-removed"]
    PendingRegistration.objects.create(
        session=SessionFactory(),
        email="zoe@example.org",
        language="fr",
        details={},
        food_allergies="Arachides",
        allergies_consent=True,
        token_hash="0" * 64,
        created_at=timezone.now(),
        expires_at=timezone.now(),
    )
    settings.CRYPTOGRAPHY_KEYS = [NEW_KEY]

    with pytest.raises(BackupError, match="CRYPTOGRAPHY_KEY"):
        encrypted_values_check()
    settings.CRYPTOGRAPHY_KEYS = [NEW_KEY, "a-key-since-removed"]
    assert encrypted_values_check() == 1


def test_rotate_puts_every_value_under_the_first_key(db, settings, old_key, capsys):
    needs = [needs_for(n) for n in range(5)]  # 5 allergies, 2 disabilities
    settings.CRYPTOGRAPHY_KEYS = [NEW_KEY, old_key]
    assert under_each_key() == {"by_key": [0, 7], "unreadable": 0}

    call_command("encryption", "rotate", "--batch-size", "2")

    assert under_each_key() == {"by_key": [7, 0], "unreadable": 0}
    settings.CRYPTOGRAPHY_KEYS = [NEW_KEY]  # the old key can go: nothing needs it
    for n, row in enumerate(needs):
        again = SensitiveNeeds.objects.get(pk=row.pk)
        assert again.food_allergies == f"Arachides {n}"
        assert again.disability_adaptations == (f"Interprète LSF {n}" if n % 2 else None)
    out, err = capsys.readouterr()
    assert "7 re-encrypted" in out
    assert "100% (5/5 rows)" in err  # the progress bar, in batches of 2
    assert old_key not in out + err and NEW_KEY not in out + err
    assert AuditEntry.objects.filter(action="encryption_rotated").count() == 1


def test_a_rerun_leaves_values_already_under_the_first_key_as_they_are(db, settings, old_key):
    first = needs_for(1)
    settings.CRYPTOGRAPHY_KEYS = [NEW_KEY, old_key]
    encryption_rotate(batch_size=10)
    rotated = raw(first.pk)
    second = needs_for(2)  # written after the rotation: under the new key already

    result = encryption_rotate(batch_size=10)["training.SensitiveNeeds"]

    assert (result.reencrypted, result.already) == (0, 3)
    assert raw(first.pk) == rotated
    assert SensitiveNeeds.objects.get(pk=second.pk).food_allergies == "Arachides 2"


def test_a_value_no_configured_key_reads_stops_the_rotation_without_showing_it(
    db, settings, old_key
):
    readable = needs_for(1)
    settings.CRYPTOGRAPHY_KEYS = ["a-key-since-lost"]
    lost = needs_for(2)
    settings.CRYPTOGRAPHY_KEYS = [NEW_KEY, old_key]

    with pytest.raises(RotationError, match=f"row {lost.pk} cannot be read") as error:
        encryption_rotate(batch_size=1)
    assert "Arachides" not in str(error.value)
    # The rows before it were done, each batch on its own.
    assert Keyring.configured().position(raw(readable.pk)[0]) == 0
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("encryption", "status")


def test_a_value_the_app_saved_meanwhile_is_not_overwritten(db, settings, old_key):
    needs = needs_for(1)
    read_by_the_rotation = raw(needs.pk)[0]
    settings.CRYPTOGRAPHY_KEYS = [NEW_KEY, old_key]
    keyring = Keyring.configured()
    stale = keyring.reencrypt(read_by_the_rotation, position=1)
    needs.food_allergies = "Lait"  # the logistics team corrects it between read and write
    needs.save()

    field = SensitiveNeeds._meta.get_field("food_allergies")
    swaps = [(needs.pk, read_by_the_rotation, stale)]
    assert _compare_and_set(SensitiveNeeds, field, swaps) == 0
    assert SensitiveNeeds.objects.get(pk=needs.pk).food_allergies == "Lait"


def test_status_counts_values_under_each_key_by_fingerprint_only(db, settings, old_key, capsys):
    needs_for(1)
    settings.CRYPTOGRAPHY_KEYS = [NEW_KEY, old_key]
    needs_for(2)

    call_command("encryption", "status")

    out = capsys.readouterr().out
    assert f"1 {key_fingerprint(NEW_KEY)} (encrypts), 2 {key_fingerprint(old_key)}" in out
    assert re.search(r"food_allergies\s+1\s+1\s+0", out)
    assert re.search(r"disability_adaptations\s+0\s+1\s+0", out)
    assert NEW_KEY not in out and old_key not in out and "Arachides" not in out


def test_a_batch_size_that_is_not_a_number_is_refused_clearly(db):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("encryption", "rotate", "--batch-size", "0")


ROWS = 3000


def _seed(count: int) -> dict[int, str]:
    """Needs written in bulk under the current key, each with its own value."""
    session = SessionFactory(capacity=count)
    values = [f"Allergie {n}" for n in range(count)]
    keyring = Keyring.configured()
    ciphers = [keyring.fernets[0].encrypt(v.encode()) for v in values]
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH t AS (
                INSERT INTO trainees_trainee (surname, first_name, email, phone, postal_address,
                    occupation, diplomas_and_skills, notes, language, created_at, updated_at)
                SELECT 'T', 'N', 'rot' || g || '@example.org', '', '', '', '', '', 'fr', %(now)s, %(now)s
                FROM generate_series(1, %(n)s) g RETURNING id
            ), e AS (
                INSERT INTO training_enrolment (trainee_id, session_id, source, legal_basis, status,
                    confirmation, confirmation_attempts, employer_name, created_at, updated_at)
                SELECT id, %(session)s, 'self', 'contract', 'confirmed', 'not_needed', 0, '', %(now)s, %(now)s
                FROM t RETURNING id
            ), numbered AS (
                SELECT id, row_number() OVER (ORDER BY id) AS n FROM e
            )
            INSERT INTO trainees_sensitiveneeds (enrolment_id, food_allergies, allergies_consent_at,
                created_at, updated_at)
            SELECT numbered.id, c.cipher, %(now)s, %(now)s, %(now)s
            FROM numbered JOIN unnest(%(ciphers)s::bytea[]) WITH ORDINALITY AS c(cipher, n)
                 USING (n)
            """,
            {"now": now, "n": count, "session": session.pk, "ciphers": ciphers},
        )
    rows = SensitiveNeeds.objects.order_by("pk").values_list("pk", flat=True)
    return dict(zip(rows, values, strict=True))


@pytest.mark.django_db(transaction=True)
def test_a_rotation_killed_mid_run_leaves_every_value_readable_and_a_rerun_finishes(
    require_postgres, settings, old_key
):
    expected = _seed(ROWS)
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CRYPTOGRAPHY_KEY": f"{NEW_KEY},{old_key}",
    }
    rotation = subprocess.Popen(
        [sys.executable, "manage.py", "encryption", "rotate", "--batch-size", "10"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        # Killed once the progress bar has passed a fifth of the rows: no sleep, the bar
        # says where the rotation is.
        seen = b""
        while rotation.poll() is None:
            readable, _, _ = select.select([rotation.stderr], [], [], 60)
            assert readable, "the rotation printed no progress for a minute"
            seen += os.read(rotation.stderr.fileno(), 4096)
            done = [int(n.replace(b",", b"")) for n in re.findall(rb"\(([\d,]+)/", seen)]
            if done and done[-1] >= ROWS // 5:
                os.kill(rotation.pid, signal.SIGKILL)  # no warning, no cleanup
                break
        rotation.wait(timeout=20)
    finally:
        if rotation.poll() is None:
            rotation.kill()
        rotation.stderr.close()
    assert rotation.returncode == -signal.SIGKILL, "the rotation should have been killed"

    settings.CRYPTOGRAPHY_KEYS = [NEW_KEY, old_key]
    new, old = under_each_key()["by_key"]
    assert ROWS // 5 <= new < ROWS, "the rotation should have died in the middle"
    assert new + old == ROWS
    reread = dict(SensitiveNeeds.objects.values_list("pk", "food_allergies"))
    assert reread == expected  # every value reads with the configured keys

    # One batch for the rest: more values than one statement takes (written in chunks).
    result = encryption_rotate(batch_size=ROWS)["training.SensitiveNeeds"]

    assert (result.reencrypted, result.already) == (old, new)
    settings.CRYPTOGRAPHY_KEYS = [NEW_KEY]
    assert dict(SensitiveNeeds.objects.values_list("pk", "food_allergies")) == expected

"""Allergy and disability values are ciphertext at rest, under keys apart from SECRET_KEY."""

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from core.encryption import DecryptionError
from training.models import SensitiveNeeds
from training.sensitive_needs import sensitive_needs_record

pytestmark = pytest.mark.policy("S3")


def _record(enrolment, allergies="Arachides et fruits à coque", disability="Interprète LSF"):
    return sensitive_needs_record(
        enrolment=enrolment,
        food_allergies=allergies,
        allergies_consent=True,
        disability_adaptations=disability,
        disability_consent=True,
        now=timezone.now(),
    )


def _raw_row(needs_id: int) -> tuple[bytes, bytes]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT food_allergies, disability_adaptations"
            " FROM trainees_sensitiveneeds WHERE id = %s",
            [needs_id],
        )
        return tuple(bytes(value) for value in cursor.fetchone())


def test_a_raw_sql_read_shows_no_plaintext(enrolment):
    needs = _record(enrolment)

    for raw in _raw_row(needs.pk):
        assert b"Arachides" not in raw
        assert b"LSF" not in raw
        assert "Arachides".encode("utf-16-le") not in raw
    assert SensitiveNeeds.objects.get(pk=needs.pk).food_allergies == "Arachides et fruits à coque"


def test_two_equal_values_give_different_ciphertexts(enrolment):
    needs = _record(enrolment, allergies="Lait", disability="Lait")

    allergies, disability = _raw_row(needs.pk)
    assert allergies != disability


def test_changing_secret_key_leaves_the_values_readable(enrolment):
    needs = _record(enrolment)

    with override_settings(SECRET_KEY="a-completely-different-secret-key"):
        reread = SensitiveNeeds.objects.get(pk=needs.pk)
        assert reread.food_allergies == "Arachides et fruits à coque"
        assert reread.disability_adaptations == "Interprète LSF"


def test_values_written_under_another_secret_key_read_back_under_this_one(enrolment):
    with override_settings(SECRET_KEY="the-secret-key-of-last-year"):
        needs = _record(enrolment)

    assert SensitiveNeeds.objects.get(pk=needs.pk).food_allergies == "Arachides et fruits à coque"


def test_another_cryptography_key_cannot_read_them(enrolment, settings):
    needs = _record(enrolment)

    settings.CRYPTOGRAPHY_KEYS = ["an-attacker-guess"]
    with pytest.raises(DecryptionError):
        SensitiveNeeds.objects.get(pk=needs.pk)


def test_a_new_key_in_front_keeps_old_rows_readable_and_encrypts_new_ones(enrolment, settings):
    old = _record(enrolment)
    old_key = settings.CRYPTOGRAPHY_KEYS[0]

    settings.CRYPTOGRAPHY_KEYS = ["the-new-key", old_key]
    assert SensitiveNeeds.objects.get(pk=old.pk).food_allergies == "Arachides et fruits à coque"
    _record(enrolment, allergies="Œufs")

    settings.CRYPTOGRAPHY_KEYS = ["the-new-key"]
    assert SensitiveNeeds.objects.get(pk=old.pk).food_allergies == "Œufs"


def test_an_empty_value_is_stored_as_null_not_as_ciphertext(enrolment):
    needs = _record(enrolment, allergies="", disability="Rampe d'accès")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT food_allergies FROM trainees_sensitiveneeds WHERE id = %s", [needs.pk]
        )
        assert cursor.fetchone()[0] is None

"""Sensitive needs are collected only with consent, and allergies only where meals are served."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from tests.factories import EnrolmentFactory, SessionFactory
from training.models import SensitiveNeeds
from training.sensitive_needs import sensitive_needs_record


def _record(enrolment, **overrides):
    values = {
        "food_allergies": "",
        "allergies_consent": False,
        "disability_adaptations": "",
        "disability_consent": False,
        "now": timezone.now(),
    }
    return sensitive_needs_record(enrolment=enrolment, **{**values, **overrides})


@pytest.mark.policy("S1")
def test_it_refuses_allergies_for_a_session_without_meals(db):
    enrolment = EnrolmentFactory(session=SessionFactory(meals_provided=False))

    with pytest.raises(ValidationError) as refusal:
        _record(enrolment, food_allergies="Gluten", allergies_consent=True)

    assert "food_allergies" in refusal.value.message_dict
    assert not SensitiveNeeds.objects.exists()


@pytest.mark.policy("S2")
def test_text_without_its_consent_is_refused_and_nothing_is_stored(enrolment):
    with pytest.raises(ValidationError) as refusal:
        _record(
            enrolment,
            food_allergies="Gluten",
            allergies_consent=True,
            disability_adaptations="Fauteuil",
            disability_consent=False,
        )

    assert set(refusal.value.message_dict) == {"disability_adaptations"}
    assert not SensitiveNeeds.objects.exists()


@pytest.mark.policy("S2")
def test_consent_without_text_stores_nothing(enrolment):
    assert _record(enrolment, allergies_consent=True, disability_consent=True) is None
    assert not SensitiveNeeds.objects.exists()


@pytest.mark.policy("S2")
def test_each_value_records_when_its_own_consent_was_given(enrolment):
    needs = _record(enrolment, disability_adaptations="Fauteuil", disability_consent=True)

    assert needs.disability_consent_at is not None
    assert needs.allergies_consent_at is None


@pytest.mark.policy("S2")
def test_the_database_refuses_a_value_without_consent(enrolment):
    with pytest.raises(IntegrityError):
        SensitiveNeeds.objects.create(enrolment=enrolment, food_allergies="Gluten")


@pytest.mark.policy("S6")
def test_withdrawing_consent_empties_that_value_and_keeps_the_other(enrolment):
    _record(
        enrolment,
        food_allergies="Gluten",
        allergies_consent=True,
        disability_adaptations="Fauteuil",
        disability_consent=True,
    )

    needs = _record(enrolment, disability_adaptations="Fauteuil", disability_consent=True)

    needs.refresh_from_db()
    assert needs.food_allergies is None
    assert needs.allergies_consent_at is None
    assert needs.disability_adaptations == "Fauteuil"


@pytest.mark.policy("S6")
def test_withdrawing_every_consent_deletes_the_record(enrolment):
    _record(enrolment, food_allergies="Gluten", allergies_consent=True)

    assert _record(enrolment) is None
    assert not SensitiveNeeds.objects.filter(enrolment=enrolment).exists()

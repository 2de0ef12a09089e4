"""What the product may hold about people, and on which legal basis: as the policy lists."""

import pytest
from django.utils import translation

from clients.models import ClientContact
from core.schedule import RULES
from dpo_requests.processing_record import ACTIVITIES
from trainees.models import Trainee
from training.forms import RegistrationForm

# Dates the product keeps to apply the schedule (last_contact_at: when the person last got
# in touch themself, from which the prospecting period runs), not data about the person.
BOOKKEEPING = {"id", "created_at", "updated_at", "language", "last_contact_at"}


@pytest.mark.policy("D2")
def test_trainee_data_is_what_the_policy_lists_and_no_more():
    allowed = {
        "surname",
        "first_name",
        "email",
        "phone",
        "postal_address",
        "employer",
        "occupation",
        "diplomas_and_skills",
        "notes",
    }
    fields = {f.name for f in Trainee._meta.concrete_fields} - BOOKKEEPING

    assert fields == allowed
    assert Trainee._meta.get_field("notes").max_length  # free text, but bounded
    form_fields = set(RegistrationForm(meals_provided=True).fields)
    assert (
        form_fields
        - {
            "registering_as",
            "employer_name",
            "food_allergies",
            "allergies_consent",
            "disability_adaptations",
            "disability_consent",
            "no_offers",
            "subsidiary_offers",
        }
        <= allowed
    )


@pytest.mark.policy("D1")
def test_client_contact_data_is_what_the_policy_lists_and_no_more():
    allowed = {
        "organisation",
        "surname",
        "first_name",
        "email",
        "job_title",
        "department",
        "postal_address",
        "phone",
        "notes",
    }

    assert {f.name for f in ClientContact._meta.concrete_fields} - BOOKKEEPING == allowed
    assert ClientContact._meta.get_field("notes").max_length


@pytest.mark.policy("L1")
def test_each_processing_purpose_and_each_retention_rule_records_its_legal_basis():
    bases = ("contract", "legal obligation", "legitimate interest", "consent")
    with translation.override("en"):
        for activity in ACTIVITIES:
            assert any(b in str(activity.legal_basis).lower() for b in bases), activity.name
        for rule in RULES:
            # One basis, or several for parts of the data: "legal obligation (…); legitimate
            # interest (…)".
            parts = [part.split(" (")[0].strip() for part in str(rule.legal_basis).split(";")]
            assert parts and all(part in bases for part in parts), rule.name

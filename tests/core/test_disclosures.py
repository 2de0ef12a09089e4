"""The recipients log: what left the organisation about a person, to whom, and whom an
erasure or rectification must be passed on to."""

import datetime

import pytest
from django.utils import timezone

from core.disclosures import disclosure_record, recipients_to_tell, recipients_told_record
from core.models import Disclosure
from core.purge import rule_apply
from core.schedule import BY_NAME
from dpo_requests.selectors import erasure_plan, subject_export
from training.signing_codes import (
    enrolment_from_signing_token,
    enrolment_signing_code,
    enrolment_signing_token,
)

pytestmark = pytest.mark.django_db


def _sent(email="alice@example.org", recipient="OPCO Atlas", days_ago=0):
    return disclosure_record(
        email=email,
        recipient=recipient,
        kind=Disclosure.Kind.FUNDER,
        categories=["identity", "attendance"],
        now=timezone.now() - datetime.timedelta(days=days_ago),
    )


@pytest.mark.policy("G1")
def test_the_access_export_names_the_actual_recipients():
    _sent()
    _sent(email="bob@example.org", recipient="Acme")

    [sent] = subject_export(email="Alice@Example.org")["recipients"]

    assert (sent["recipient"], sent["categories"]) == ("OPCO Atlas", "identity, attendance")


@pytest.mark.policy("G3")
def test_an_erasure_keeps_the_proof_and_lists_whom_to_tell_once_each():
    _sent()
    _sent()
    _sent(recipient="Moodle")

    kept = [p for p in erasure_plan(email="alice@example.org", today=timezone.localdate())]
    assert {p.action for p in kept if p.record.provider == "Recipients of your data"} == {"keep"}
    assert recipients_to_tell(email="alice@example.org") == [
        ("Moodle", "funder"),
        ("OPCO Atlas", "funder"),
    ]
    assert recipients_told_record(email="alice@example.org", now=timezone.now()) == 3
    assert not Disclosure.objects.filter(told_at__isnull=True).exists()


@pytest.mark.policy("K6")
def test_the_log_goes_after_the_limitation_period_and_not_before():
    old, recent = _sent(days_ago=6 * 366), _sent(days_ago=4 * 366)

    rule_apply(BY_NAME["disclosures"], now=timezone.now())

    assert list(Disclosure.objects.values_list("pk", flat=True)) == [recent.pk]
    assert old.pk != recent.pk


def test_signing_codes_differ_per_enrolment_and_links_cannot_be_forged():
    codes = {enrolment_signing_code(enrolment_id=n) for n in range(1, 200)}
    assert len(codes) == 199 and all(len(c) == 8 for c in codes)
    token = enrolment_signing_token(enrolment_id=42)
    assert enrolment_from_signing_token(token) == 42
    with pytest.raises(Exception, match="ignature"):
        enrolment_from_signing_token(token[:-2] + "xx")

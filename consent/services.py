"""Writes on consent: choices are appended, never changed; objections feed the
suppression list."""

import datetime

from django.db import transaction

from clients.selectors import contacts_by_email
from consent.models import ConsentRecord, PolicyVersion, Suppression
from consent.selectors import MARKETING, policy_version_current
from core.addresses import address_hash, email_normalise
from trainees.selectors import trainee_by_email
from trainees.services import trainee_contact_record

Purpose, Action, Channel = ConsentRecord.Purpose, ConsentRecord.Action, ConsentRecord.Channel
# Only the person (on their own page, or in writing to staff) can lift an objection.
PERSON_CHANNELS = {Channel.SELF_SERVICE, Channel.STAFF}


@transaction.atomic
def consent_record(
    *,
    email: str,
    purpose: str,
    action: str,
    channel: str,
    at: datetime.datetime,
    trainee=None,
    contact=None,
    policy_version: PolicyVersion | None = None,
    note: str = "",
) -> ConsentRecord:
    """Append one choice to the person's history, under the policy version in force,
    linked to the person's trainee or contact record when there is one."""
    if trainee is None and contact is None:
        trainee = trainee_by_email(email=email)
        contact = None if trainee else contacts_by_email(email=email).first()
    record = ConsentRecord.objects.create(
        email=email_normalise(email),
        trainee=trainee,
        contact=contact,
        purpose=purpose,
        action=action,
        channel=channel,
        at=at,
        policy_version=policy_version or policy_version_current(),
        note=note,
    )
    if purpose in MARKETING:
        if action in (Action.OBJECTED, Action.WITHDRAWN):
            suppression_add(email=email, purpose=purpose, now=at)
        elif action == Action.GIVEN and channel in PERSON_CHANNELS:
            Suppression.objects.filter(address_hash=address_hash(email), purpose=purpose).delete()
    return record


def suppression_add(*, email: str, purpose: str, now: datetime.datetime) -> None:
    """Never send this purpose's emails to this address again (idempotent)."""
    Suppression.objects.get_or_create(
        address_hash=address_hash(email), purpose=purpose, defaults={"created_at": now}
    )


def consent_give(
    *, email: str, purpose: str, channel: str, now: datetime.datetime, note: str = ""
) -> None:
    """The person says yes (or lifts an objection) to a communication purpose."""
    if purpose not in MARKETING:
        # Sensitive data is given with the data itself, never as a bare "yes".
        raise ValueError(f"{purpose} is not given from here")
    consent_record(
        email=email, purpose=purpose, action=Action.GIVEN, channel=channel, at=now, note=note
    )
    if channel in PERSON_CHANNELS:
        # A yes the person gave (on their page, or in writing to staff) is a contact they
        # started: their prospecting period runs again from it (policy §6).
        trainee_contact_record(email=email, at=now)


# The privacy policy version this code implements; publishing a new text adds a row.
FIRST_POLICY = {"number": "1.0", "published_on": datetime.date(2026, 11, 26)}


def policy_first_version_publish(sender=None, **kwargs) -> None:
    """Make sure the policy the product ships with is published (idempotent; run after
    every migrate)."""
    PolicyVersion.objects.get_or_create(
        number=FIRST_POLICY["number"],
        defaults={"published_on": FIRST_POLICY["published_on"], "summary": "First version."},
    )


def policy_versions_carry(*, rows: list[dict]) -> None:
    """Add the snapshot's policy versions whose number and date are both new here."""
    known = set(PolicyVersion.objects.values_list("number", flat=True))
    dates = set(PolicyVersion.objects.values_list("published_on", flat=True))
    PolicyVersion.objects.bulk_create(
        PolicyVersion(**row)
        for row in rows
        if row["number"] not in known and row["published_on"] not in dates
    )


def consent_records_carry(*, rows: list[dict]) -> int:
    """Record again the snapshot's choices missing here; returns the withdrawals and objections."""
    # In the order they were made, through consent_record, so that an objection
    # suppresses the address again and consenting again lifts it.
    known = set(ConsentRecord.objects.values_list("email", "purpose", "action", "at"))
    versions = {version.number: version for version in PolicyVersion.objects.all()}
    count = 0
    for row in rows:
        key = (row["email"], row["purpose"], row["action"], row["at"])
        if key in known:
            continue
        consent_record(
            email=row["email"],
            purpose=row["purpose"],
            action=row["action"],
            channel=row["channel"],
            at=row["at"],
            note=row["note"],
            policy_version=versions.get(row["policy_version__number"]),
        )
        count += row["action"] != Action.GIVEN
    return count


def suppressions_carry(*, rows: list[dict]) -> int:
    """Add the snapshot's opt-outs missing here; returns how many."""
    # None is removed here: consenting again, the only way one is lifted, is carried
    # with the consent history (consent_records_carry).
    there = set(Suppression.objects.values_list("address_hash", "purpose"))
    missing = [row for row in rows if (row["address_hash"], row["purpose"]) not in there]
    Suppression.objects.bulk_create(Suppression(**row) for row in missing)
    return len(missing)

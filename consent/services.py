"""Writes on consent: choices are appended, never changed; objections feed the
suppression list."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from clients.selectors import contacts_by_email
from consent.emails import address_changed_message
from consent.models import CampaignRecipient, ConsentRecord, PolicyVersion, Suppression
from consent.selectors import MARKETING, policy_version_current
from core.addresses import address_hash, email_normalise
from core.audit import EMAIL_CHANGED_BY_STAFF, audit_record
from core.outbox import email_enqueue
from core.periods import years_before
from core.purge import purge
from trainees.selectors import trainee_by_email

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


def consent_proofs_due(*, today):
    """Choices of addresses no longer on file, older than the proof period: the
    suppression list still honours any objection among them."""
    from clients.models import ClientContact
    from trainees.models import Trainee

    cutoff = years_before(today, settings.RETENTION["CONSENT_PROOF_YEARS"])
    return (
        ConsentRecord.objects.filter(at__date__lt=cutoff)
        .exclude(email__in=Trainee.objects.values("email"))
        .exclude(email__in=ClientContact.objects.values("email"))
    )


def purge_consent_proofs(*, now, batch_size: int, dry_run=False, progress=None):
    """Proof of a consent or objection is kept 5 years (the limitation period) from the
    choice; once that has passed and the person is no longer on file, it is deleted, and
    only the suppression list's hash remains to honour an objection."""
    today = timezone.localdate(now)
    return purge(
        consent_proofs_due(today=today),
        lambda ids: ConsentRecord.objects.filter(pk__any_of=ids).delete()[0],
        today=today,
        email_path="email",
        batch_size=batch_size,
        dry_run=dry_run,
        progress=progress,
    )


def campaign_recipients_due(*, today):
    """Recipients of campaigns that finished (or, never finished, were created) longer
    ago than the period."""
    days = settings.RETENTION["CAMPAIGN_RECIPIENTS_DAYS"]
    cutoff = today - datetime.timedelta(days=days)
    return CampaignRecipient.objects.annotate(
        ended=Coalesce("campaign__finished_at", "campaign__created_at")
    ).filter(ended__date__lt=cutoff)


def purge_campaign_recipients(*, now, batch_size: int, dry_run=False, progress=None):
    """Who received which offer is kept a few months after sending (for questions and
    complaints); then only the campaign's counts remain."""
    today = timezone.localdate(now)
    return purge(
        campaign_recipients_due(today=today),
        lambda ids: CampaignRecipient.objects.filter(pk__any_of=ids).delete()[0],
        today=today,
        email_path=("trainee__email", "contact__email"),
        batch_size=batch_size,
        dry_run=dry_run,
        progress=progress,
    )


def address_change_by_staff_record(
    *, person, previous_email: str, language: str, actor, now: datetime.datetime
) -> bool:
    """Staff changed a person's address: audited (who, when, which record; never the
    addresses) and the previous address told, since whoever controls the new one now
    receives the person's rights answers. Returns whether the address changed."""
    if not previous_email or email_normalise(previous_email) == email_normalise(person.email):
        return False
    audit_record(actor=actor, action=EMAIL_CHANGED_BY_STAFF, obj=person)
    email_enqueue(
        message=address_changed_message(
            previous_email=previous_email, language=language, changed_at=now
        ),
        kind="staff.email_changed",
    )
    return True

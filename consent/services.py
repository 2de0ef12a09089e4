"""Writes on consent: choices are appended, never changed."""

import datetime

from consent.addresses import email_normalise
from consent.models import ConsentRecord, PolicyVersion
from consent.selectors import policy_version_current


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
) -> ConsentRecord:
    """Append one choice to the person's history, under the policy version in force."""
    return ConsentRecord.objects.create(
        email=email_normalise(email),
        trainee=trainee,
        contact=contact,
        purpose=purpose,
        action=action,
        channel=channel,
        at=at,
        policy_version=policy_version or policy_version_current(),
    )

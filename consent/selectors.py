"""Reads on consent."""

from consent.addresses import email_normalise
from consent.models import ConsentRecord, PolicyVersion


def policy_version_current() -> PolicyVersion:
    """The privacy policy version in force (the latest published)."""
    return PolicyVersion.objects.latest()


def consent_state(*, email: str) -> dict[str, str]:
    """Each purpose's current choice for this address: the latest record wins."""
    records = ConsentRecord.objects.filter(email=email_normalise(email)).order_by("at", "pk")
    return {purpose: action for purpose, action in records.values_list("purpose", "action")}

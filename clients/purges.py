"""What the retention schedule (core/schedule.py) deletes among client contacts."""

import datetime

from django.conf import settings
from django.utils import timezone

from clients.models import ClientContact
from clients.selectors import organisations_lapsed
from core.periods import years_before


def prospect_contacts_due(*, now: datetime.datetime):
    """Contacts of organisations whose prospecting clock (the end of the commercial
    relationship: clients.selectors) runs from longer ago than the prospecting period,
    whatever their status: an "active" client with no enrolment and no contact for that
    long is a former client."""
    cutoff = years_before(timezone.localdate(now), settings.RETENTION["PROSPECTING_YEARS"])
    return ClientContact.objects.filter(organisation__in=organisations_lapsed(cutoff=cutoff))


def purge_prospect_contacts(*, ids, now: datetime.datetime) -> int:
    """Policy §6: prospecting data is kept at most 3 years after the end of the commercial
    relationship: the end of the last session the company enrolled someone on, or its
    last contact with us, or the end date staff set (clients.selectors)."""
    deleted = ClientContact.objects.filter(pk__any_of=ids).delete()[1]
    return deleted.get("clients.ClientContact", 0)

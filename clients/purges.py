"""What the retention schedule (core/schedule.py) deletes among client contacts."""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from clients.models import ClientContact, Organisation
from core.periods import years_before


def prospect_contacts_due(*, now: datetime.datetime):
    """Contacts of companies whose relationship ended, or that never became clients,
    longer ago than the prospecting period."""
    cutoff = years_before(timezone.localdate(now), settings.RETENTION["PROSPECTING_YEARS"])
    ended = Q(
        organisation__relationship=Organisation.Relationship.ENDED,
        organisation__relationship_ended_on__lt=cutoff,
    )
    never = Q(
        organisation__relationship=Organisation.Relationship.PROSPECT,
        organisation__last_contact_on__lt=cutoff,
    )
    return ClientContact.objects.filter(ended | never)


def purge_prospect_contacts(*, ids, now: datetime.datetime) -> int:
    """Policy §6: prospecting data is kept at most 3 years after the end of the commercial
    relationship (or the last contact, for a company that never became a client)."""
    deleted = ClientContact.objects.filter(pk__any_of=ids).delete()[1]
    return deleted.get("clients.ClientContact", 0)

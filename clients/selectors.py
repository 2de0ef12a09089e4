"""Reads on client organisations and contacts."""

from clients.models import ClientContact
from consent.addresses import email_normalise


def contacts_by_email(*, email: str):
    return ClientContact.objects.filter(email__iexact=email_normalise(email))

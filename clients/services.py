"""Writes on client organisations and their contacts."""

from django.db import transaction
from django.utils import timezone

from clients.models import ClientContact, Organisation
from consent.addresses import email_normalise


def organisation_create(**fields) -> Organisation:
    """A new client organisation, validated."""
    organisation = Organisation(**fields)
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def client_contact_create(**fields) -> ClientContact:
    """A new contact at a client organisation, validated (the email stored normalised)."""
    contact = ClientContact(**fields)
    contact.email = email_normalise(contact.email)
    contact.full_clean()
    contact.save()
    return contact


def organisation_save(*, organisation: Organisation, changed: set[str]) -> Organisation:
    """Save a client organisation; a change of who informs its employees is dated."""
    if "informs_its_employees" in changed or organisation.pk is None:
        organisation.informs_its_employees_since = (
            timezone.now() if organisation.informs_its_employees else None
        )
    organisation.full_clean()
    organisation.save()
    return organisation

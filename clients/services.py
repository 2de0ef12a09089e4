"""Writes on client organisations and their contacts."""

from django.db import transaction
from django.utils import timezone

from clients.models import ClientContact, Organisation
from core.address_changes import address_change_by_staff_record
from core.addresses import email_normalise
from core.audit import audit_record


def organisation_create(**fields) -> Organisation:
    """A new client organisation, validated."""
    organisation = Organisation(**fields)
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def client_contact_staff_save(
    *, contact: ClientContact, previous_email: str, actor, now
) -> ClientContact:
    """Save a contact as staff edited them; a new address is audited and the previous
    one told (whoever controls the address receives the person's rights answers)."""
    contact.save()
    address_change_by_staff_record(
        person=contact,
        previous_email=previous_email,
        language=contact.language,
        actor=actor,
        now=now,
    )
    return contact


@transaction.atomic
def client_contact_create(**fields) -> ClientContact:
    """A new contact at a client organisation, validated (the email stored normalised)."""
    contact = ClientContact(**fields)
    contact.email = email_normalise(contact.email)
    contact.full_clean()
    contact.save()
    return contact


def organisation_save(*, organisation: Organisation, changed: set[str], actor=None) -> Organisation:
    """Save a client organisation; a change of who informs its employees is dated and
    goes to the audit log (who decided, when, which way)."""

    informs_changed = "informs_its_employees" in changed
    if informs_changed or organisation.pk is None:
        organisation.informs_its_employees_since = (
            timezone.now() if organisation.informs_its_employees else None
        )
    organisation.full_clean()
    organisation.save()
    if informs_changed:
        audit_record(
            actor=actor,
            action="client_informs_employees",
            obj=organisation,
            note="yes" if organisation.informs_its_employees else "no",
        )
    return organisation

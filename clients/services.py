"""Writes on client organisations and their contacts."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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


class ReturnRefused(Exception):
    """Why the data cannot be marked returned (a message for staff)."""


def processor_data_returned_mark(
    *, organisation: Organisation, actor, today: datetime.date
) -> Organisation:
    """Staff sent the client its employees' data (GDPR Art. 28(3)(g)): dated and audited;
    the retention schedule deletes it from the next day."""
    if organisation.end_of_services_instruction != Organisation.EndInstruction.RETURN:
        raise ReturnRefused(_("%(name)s did not ask for its data back.") % {"name": organisation})
    if organisation.relationship_ended_on is None:
        raise ReturnRefused(
            _("The services to %(name)s have not ended: record the end of the relationship first.")
            % {"name": organisation}
        )
    organisation.processor_data_returned_on = today
    organisation.save(update_fields=["processor_data_returned_on", "updated_at"])
    audit_record(actor=actor, action="processor_data_returned", obj=organisation)
    return organisation

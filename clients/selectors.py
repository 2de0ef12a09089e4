"""Reads on client organisations and contacts."""

import dataclasses
import datetime

from django.conf import settings

from clients.models import ClientContact, Organisation
from core.addresses import email_normalise


def contacts_by_email(*, email: str):
    """The client contacts with this address, whatever its case."""
    return ClientContact.objects.filter(email__lower=email_normalise(email))


def contact_for_requests(*, organisation_id: int) -> ClientContact | None:
    """Whom to send a data-subject request about this client's employees: its training
    department first, then HR, then anyone."""
    order = {ClientContact.Department.TRAINING: 0, ClientContact.Department.HR: 1}
    contacts = list(
        ClientContact.objects.filter(organisation_id=organisation_id).select_related("organisation")
    )
    return min(contacts, key=lambda c: order.get(c.department, 2), default=None)


def contact_by_id(*, contact_id: int) -> ClientContact:
    """One client contact, with its organisation."""
    return ClientContact.objects.select_related("organisation").get(pk=contact_id)


def contact_emails():
    """Every client contact's address, as a subquery."""
    return ClientContact.objects.values("email")


def organisation_by_id(*, organisation_id: int) -> Organisation | None:
    """One client organisation, or None."""
    return Organisation.objects.filter(pk=organisation_id).first()


@dataclasses.dataclass(frozen=True)
class ProcessorDataEnd:
    """What happens to the data we hold as this client's processor (its employees), by
    its processing agreement: ``deleted_from`` is the first day it is due (None: not yet
    known), ``awaiting_return`` that staff still have to send it and mark it returned."""

    instruction: str
    services_ended_on: datetime.date | None
    deleted_from: datetime.date | None
    awaiting_return: bool


def processor_data_end(*, organisation: Organisation) -> ProcessorDataEnd:
    """When the data held for this client as its processor goes (GDPR Art. 28(3)(g)), as
    staff are told: the services end with the commercial relationship
    (``relationship_ended_on``); the rule "processor-data" (training/purges.py) also
    waits for the end of the client's last session if that is later. No instruction
    recorded: nothing of this applies, our own schedule does."""
    ended = organisation.relationship_ended_on
    instruction = organisation.end_of_services_instruction
    if ended is None or not instruction:
        return ProcessorDataEnd(instruction, ended, None, False)
    deleted_from, awaiting = processor_data_deleted_from(
        instruction=instruction,
        services_ended_on=ended,
        returned_on=organisation.processor_data_returned_on,
    )
    return ProcessorDataEnd(instruction, ended, deleted_from, awaiting)


def processor_data_deleted_from(
    *, instruction: str, services_ended_on: datetime.date, returned_on: datetime.date | None
) -> tuple[datetime.date, bool]:
    """The first day a client's employees' data is due for deletion after its services
    ended, and whether its return is still awaited. "Delete": after the grace period.
    "Return": the day after staff marked it returned (after the end), or after the
    longest wait if they never do."""
    retention, day = settings.RETENTION, datetime.timedelta(days=1)
    if instruction == Organisation.EndInstruction.DELETE:
        grace = datetime.timedelta(days=retention["PROCESSOR_END_GRACE_DAYS"])
        return services_ended_on + grace + day, False
    if returned_on is not None and returned_on >= services_ended_on:
        return returned_on + day, False
    longest = datetime.timedelta(days=retention["PROCESSOR_RETURN_MAX_DAYS"])
    return services_ended_on + longest + day, True

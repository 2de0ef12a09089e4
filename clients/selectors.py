"""Reads on client organisations and contacts."""

from clients.models import ClientContact
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

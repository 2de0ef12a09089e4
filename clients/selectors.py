"""Reads on client organisations and contacts."""

import dataclasses
import datetime

from django.conf import settings
from django.db.models import Case, DateField, Exists, F, Max, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce, Greatest

from clients.models import ClientContact, Organisation
from core.addresses import email_normalise
from core.periods import years_before


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


def _orders():
    """The enrolments each organisation made for its employees, but cancelled ones:
    training's model, reached through the relation (clients sits below training)."""
    enrolments = Organisation.enrolments.rel.related_model.objects
    return enrolments.filter(client=OuterRef("pk")).exclude(status="cancelled")


def organisations_with_prospecting_clock(queryset=None):
    """Organisations annotated with ``prospecting_clock``, the day the prospecting period
    (policy §6: "three years from the end of the commercial relationship") runs from,
    and with what it is made of (``last_session_end``, ``resumed``).

    Derived: the later of the end of the last session it enrolled an employee on and the
    last contact staff recorded with it (a company that calls or emails us). Staff's end
    date, when set, wins, until the company enrols someone after it: a new order restarts
    the relationship, and the clock never goes back before the end date set by hand.
    Nothing we send (campaigns, emails) moves it.
    """
    queryset = Organisation.objects.all() if queryset is None else queryset
    # MAX over the company's own enrolments (its index on client): ordering by the end
    # date instead walked every session backwards for each dormant company (minutes).
    last_end = Subquery(
        _orders()
        .order_by()
        .values("client")
        .annotate(last=Max("session__end_date"))
        .values("last"),
        output_field=DateField(),
    )
    resumed = Exists(_orders().filter(created_at__date__gt=OuterRef("relationship_ended_on")))
    marked = Q(relationship_ended_on__isnull=False)
    derived = Greatest(F("last_contact_on"), Coalesce(F("last_session_end"), F("last_contact_on")))
    return queryset.annotate(last_session_end=last_end, resumed=resumed).annotate(
        prospecting_clock=Case(
            When(marked & Q(resumed=False), then=F("relationship_ended_on")),
            When(marked, then=Greatest(F("relationship_ended_on"), derived)),
            default=derived,
            output_field=DateField(),
        )
    )


def organisations_lapsed(*, cutoff: datetime.date):
    """The organisations whose prospecting clock runs from before ``cutoff``: the same
    rule as organisations_with_prospecting_clock, said as conditions so that PostgreSQL
    reads the dates first and looks for a session since ``cutoff`` only for companies
    silent since then, stopping at the first (the forecast asks for 14 cutoffs)."""
    marked = Q(relationship_ended_on__isnull=False)
    resumed = Exists(_orders().filter(created_at__date__gt=OuterRef("relationship_ended_on")))
    recent = Exists(_orders().filter(session__end_date__gte=cutoff))
    by_mark = marked & ~resumed & Q(relationship_ended_on__lt=cutoff)
    derived = (
        Q(last_contact_on__lt=cutoff)
        & ~recent
        & (~marked | (resumed & Q(relationship_ended_on__lt=cutoff)))
    )
    return Organisation.objects.filter(by_mark | derived).order_by().values("pk")


@dataclasses.dataclass(frozen=True)
class ProspectingClock:
    """When an organisation's prospecting period runs from, why, and until when its
    contacts are kept."""

    runs_from: datetime.date
    basis: str  # "marked" (end date set by hand), "session" or "contact"
    kept_until: datetime.date


def organisation_prospecting_clock(*, organisation_id: int) -> ProspectingClock:
    """One organisation's prospecting clock (what the admin shows)."""
    row = organisations_with_prospecting_clock(
        Organisation.objects.filter(pk=organisation_id)
    ).get()
    runs_from = row.prospecting_clock
    if row.relationship_ended_on == runs_from:
        basis = "marked"
    elif row.last_session_end == runs_from:
        basis = "session"
    else:
        basis = "contact"
    years = settings.RETENTION["PROSPECTING_YEARS"]
    return ProspectingClock(runs_from, basis, years_before(runs_from, -years))

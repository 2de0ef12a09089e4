"""Policy §6: a client company's contacts are kept at most 3 years after the end of the
commercial relationship, which the product derives (the company's last booked session,
or its last contact staff recorded) rather than waiting for staff to mark it ended."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from clients.models import ClientContact
from clients.selectors import (
    organisation_prospecting_clock,
    organisations_lapsed,
    organisations_with_prospecting_clock,
)
from core.periods import years_before
from retention.services import retention_run
from tests.factories import (
    ClientContactFactory,
    EnrolmentFactory,
    OrganisationFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2027, 6, 15, 2, 30, tzinfo=datetime.UTC)
TODAY = NOW.date()


def days_ago(n):
    return TODAY - datetime.timedelta(days=n)


def booking(organisation, *, ended_days_ago, booked_days_ago=None, status="confirmed"):
    """An employee of ``organisation`` enrolled by it on a session that ended that long
    ago; booked ``booked_days_ago`` (default: a month before the session)."""
    booked_days_ago = booked_days_ago or ended_days_ago + 30
    day = days_ago(ended_days_ago)
    with time_machine.travel(NOW - datetime.timedelta(days=booked_days_ago), tick=False):
        return EnrolmentFactory(
            source="employer",
            client=organisation,
            status=status,
            session=SessionFactory(start_date=day, end_date=day),
        )


def company(**fields):
    organisation = OrganisationFactory(**fields)
    ClientContactFactory(organisation=organisation)
    return organisation


def contacts_left():
    retention_run(now=NOW, rules=["prospect-contacts"])
    return set(ClientContact.objects.values_list("organisation__name", flat=True))


@pytest.mark.policy("K3")
def test_an_active_client_with_no_session_for_three_years_loses_its_contacts(db):
    dormant = company(name="Dormant", relationship="active", last_contact_on=days_ago(5 * 365))
    booking(dormant, ended_days_ago=3 * 365 + 2)
    booking(dormant, ended_days_ago=6 * 365)
    recent = company(name="Recent", relationship="active", last_contact_on=days_ago(5 * 365))
    booking(recent, ended_days_ago=3 * 365 - 2)

    assert contacts_left() == {"Recent"}


@pytest.mark.policy("K3")
def test_a_later_session_or_a_later_contact_keeps_the_contacts(db):
    rebooked = company(name="Rebooked", relationship="active", last_contact_on=days_ago(5 * 365))
    booking(rebooked, ended_days_ago=6 * 365)
    booking(rebooked, ended_days_ago=-20, booked_days_ago=10)  # a session still to come
    called = company(name="Called", relationship="active", last_contact_on=days_ago(100))
    booking(called, ended_days_ago=6 * 365)
    # A booking later cancelled is no session the company took.
    cancelled = company(name="Cancelled", relationship="active", last_contact_on=days_ago(4 * 365))
    booking(cancelled, ended_days_ago=100, status="cancelled")

    assert contacts_left() == {"Rebooked", "Called"}


@pytest.mark.policy("K3")
def test_the_end_date_staff_set_wins_until_the_company_books_again(db):
    # Marked ended 3 years ago, though a session booked before the mark ended later.
    marked = company(name="Marked", relationship="ended", relationship_ended_on=days_ago(1097))
    booking(marked, ended_days_ago=800, booked_days_ago=1200)
    # Marked ended recently: kept, though its last session is 6 years old.
    fresh_mark = company(
        name="Fresh mark", relationship="ended", relationship_ended_on=days_ago(30)
    )
    booking(fresh_mark, ended_days_ago=6 * 365)
    # Marked ended 4 years ago, then booked again: the relationship resumed.
    resumed = company(
        name="Resumed",
        relationship="ended",
        relationship_ended_on=days_ago(4 * 365),
        last_contact_on=days_ago(4 * 365),
    )
    booking(resumed, ended_days_ago=2 * 365, booked_days_ago=2 * 365 + 30)

    assert contacts_left() == {"Fresh mark", "Resumed"}
    clock = organisation_prospecting_clock(organisation_id=resumed.pk)
    assert (clock.runs_from, clock.basis) == (days_ago(2 * 365), "session")


def test_a_company_s_clock_says_what_it_runs_from(db):
    marked = OrganisationFactory(relationship="ended", relationship_ended_on=days_ago(10))
    called = OrganisationFactory(last_contact_on=days_ago(10))
    booking(called, ended_days_ago=50)

    assert organisation_prospecting_clock(organisation_id=marked.pk).basis == "marked"
    clock = organisation_prospecting_clock(organisation_id=called.pk)
    assert (clock.runs_from, clock.basis) == (days_ago(10), "contact")
    assert clock.kept_until == datetime.date(2030, 6, 5)


@pytest.mark.policy("K3")
@pytest.mark.parametrize(
    "language, label, basis, kept",
    [
        (
            "en",
            "Prospecting clock runs from",
            "the end of the last session it booked",
            "kept until",
        ),
        (
            "fr",
            "Point de départ du délai de prospection",
            "la fin de la dernière session qu&#x27;elle a réservée",
            "conservés jusqu&#x27;au",
        ),
    ],
)
def test_staff_see_when_a_company_s_contacts_will_go(client, alice, language, label, basis, kept):
    today = timezone.localdate()
    acme = OrganisationFactory(
        name="Acme", relationship="active", last_contact_on=today - datetime.timedelta(days=900)
    )
    day = today - datetime.timedelta(days=400)
    EnrolmentFactory(
        source="employer", client=acme, session=SessionFactory(start_date=day, end_date=day)
    )
    client.force_login(alice)

    page = client.get(
        reverse("admin:clients_organisation_change", args=[acme.pk]),
        HTTP_ACCEPT_LANGUAGE=language,
    ).content.decode()

    # Day first in both languages (config/formats).
    until = years_before(day, -3)
    assert label in page and basis in page and kept in page
    assert day.strftime("%d/%m/%Y") in page and until.strftime("%d/%m/%Y") in page


def test_what_is_due_and_what_the_admin_shows_agree(db):
    """The due query says the clock as conditions (fast); the admin reads it as a date."""
    for n, (relationship, ended, contact, ended_ago, booked_ago, status) in enumerate(
        [
            ("active", None, 5 * 365, 3 * 365 + 2, None, "confirmed"),
            ("active", None, 5 * 365, 3 * 365 - 2, None, "confirmed"),
            ("active", None, 100, 6 * 365, None, "confirmed"),
            ("prospect", None, 4 * 365, None, None, None),
            ("active", None, 4 * 365, 100, None, "cancelled"),
            ("ended", 1097, 10, 800, 1200, "confirmed"),
            ("ended", 30, 4 * 365, 6 * 365, None, "confirmed"),
            ("ended", 4 * 365, 4 * 365, 2 * 365, 2 * 365 + 30, "confirmed"),
            ("ended", 4 * 365, 4 * 365, 3 * 365 + 10, 3 * 365 + 20, "confirmed"),
            ("ended", 5 * 365, 4 * 365, 6 * 365, 4 * 365 - 10, "cancelled"),
        ]
    ):
        organisation = OrganisationFactory(
            name=f"Case {n}",
            relationship=relationship,
            relationship_ended_on=days_ago(ended) if ended else None,
            last_contact_on=days_ago(contact),
        )
        if ended_ago is not None:
            booking(
                organisation, ended_days_ago=ended_ago, booked_days_ago=booked_ago, status=status
            )
    cutoff = years_before(TODAY, 3)

    lapsed = set(organisations_lapsed(cutoff=cutoff).values_list("pk", flat=True))

    clocks = organisations_with_prospecting_clock().values_list("pk", "prospecting_clock")
    assert lapsed == {pk for pk, clock in clocks if clock < cutoff}
    assert len(lapsed) == 6  # cases 0, 3, 4, 5, 8 and 9

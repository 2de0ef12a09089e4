"""Data held as a client's processor follows the client's instruction at the end of its
services (GDPR Art. 28(3)(g)): returned, then deleted, or deleted; what we keep as
controller, and what the law requires, stays."""

import csv
import datetime
import io

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.urls import reverse

from attendance.models import AttendanceLine, Certificate
from attendance.services import sheets_ensure
from clients.models import Organisation
from consent.models import ConsentRecord
from core.models import AuditEntry, Disclosure
from core.purposes import Action, Channel, Purpose
from retention.services import retention_run
from tests.factories import EnrolmentFactory, OrganisationFactory, SessionFactory, TraineeFactory
from trainees.models import Trainee
from training.models import Enrolment

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2027, 6, 15, 2, 30, tzinfo=datetime.UTC)
TODAY = NOW.date()
RULE = "processor-data"


@pytest.fixture(autouse=True)
def english_pages(client):
    """Staff pages in English here (French is the default; one test reads it)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def days_ago(n):
    return TODAY - datetime.timedelta(days=n)


def ended_client(instruction, *, ended_days_ago=40, **fields):
    return OrganisationFactory(
        relationship="ended",
        relationship_ended_on=days_ago(ended_days_ago),
        processing_agreement_signed_on=days_ago(800) if instruction else None,
        processing_agreement_reference="DPA-2025-07" if instruction else "",
        end_of_services_instruction=instruction,
        **fields,
    )


def attended(trainee, client, session):
    """An employee the client registered, who attended: sheets and a certificate."""
    enrolment = EnrolmentFactory(
        trainee=trainee, session=session, source="employer", client=client, status="completed"
    )
    sheets_ensure(session_id=session.pk)
    AttendanceLine.objects.filter(enrolment=enrolment).update(status="present")
    Certificate.objects.create(
        enrolment=enrolment, issued_at=NOW, hours_planned=7, hours_attended=7, snapshot={}
    )
    return enrolment


def cancelled(trainee, client, session):
    return EnrolmentFactory(
        trainee=trainee, session=session, source="employer", client=client, status="cancelled"
    )


def past_session(ended_days_ago=60):
    end = days_ago(ended_days_ago)
    return SessionFactory(start_date=end, end_date=end, format="in_person")


def run(now=NOW):
    return retention_run(now=now, rules=[RULE])[RULE].affected


def staff(username, group):
    user = User.objects.create_user(username, password="x", is_staff=True)
    user.groups.set(Group.objects.filter(name=group))
    return user


@pytest.mark.policy("R2")
def test_the_agreement_is_recorded_and_shown_on_the_clients_page(client, alice):
    acme = OrganisationFactory(name="Acme")
    client.force_login(alice)
    url = reverse("admin:clients_organisation_change", args=[acme.pk])

    warnings = [str(m) for m in client.get(url).context["messages"] if m.level_tag == "warning"]
    assert any("No processing agreement is recorded for this client" in w for w in warnings)

    form = {
        "name": "Acme",
        "registration_number": acme.registration_number,
        "address": acme.address,
        "relationship": "active",
        "last_contact_on": TODAY.isoformat(),
        "processing_agreement_signed_on": "2026-01-12",
        "processing_agreement_reference": "DPA-2026-001",
        "end_of_services_instruction": "return",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    }
    assert client.post(url, form).status_code == 302
    acme.refresh_from_db()
    assert acme.processing_agreement_signed_on == datetime.date(2026, 1, 12)
    assert acme.processing_agreement_reference == "DPA-2026-001"
    assert acme.end_of_services_instruction == Organisation.EndInstruction.RETURN

    page = client.get(url).content.decode()
    assert "Processing agreement" in page and "DPA-2026-001" in page
    assert "When the services end: return to the client, then delete." in page
    assert "No processing agreement is recorded" not in page
    assert reverse("client_data_export", args=[acme.pk]) in page
    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Accord de sous-traitance" in french
    assert "À la fin des prestations : restituer au client, puis supprimer." in french


def test_an_instruction_without_the_agreements_date_is_refused_with_a_message(client, alice):
    acme = OrganisationFactory()
    client.force_login(alice)
    url = reverse("admin:clients_organisation_change", args=[acme.pk])
    form = {
        "name": acme.name,
        "registration_number": acme.registration_number,
        "address": acme.address,
        "relationship": "active",
        "last_contact_on": TODAY.isoformat(),
        "end_of_services_instruction": "delete",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    }
    response = client.post(url, form)
    assert response.status_code == 200
    assert "recorded with the date it was signed" in response.content.decode()
    acme.refresh_from_db()
    assert acme.end_of_services_instruction == ""


@pytest.mark.policy("R2")
@pytest.mark.policy("G3")
def test_at_the_end_of_the_services_processor_only_data_goes_and_what_we_keep_stays():
    acme = ended_client("delete")
    session = past_session()
    # Anna, trained for Acme: what the law requires stays, her other details go.
    anna = TraineeFactory(phone="0611111111", postal_address="Lyon", occupation="Welder")
    trained = attended(anna, acme, session)
    # Bruno, whose place Acme cancelled: nothing to keep.
    bruno = TraineeFactory()
    cancelled(bruno, acme, session)
    ConsentRecord.objects.create(
        email=bruno.email,
        trainee=bruno,
        purpose=Purpose.TRAINEE_OFFERS,
        action=Action.OBJECTED,
        channel=Channel.choices[0][0],
        policy_version_id=_policy_version(),
        at=NOW - datetime.timedelta(days=100),
    )
    # Chloé, cancelled by Acme, but also registered on her own: she is ours as controller.
    chloe = TraineeFactory(phone="0622222222")
    cancelled(chloe, acme, session)
    own = EnrolmentFactory(trainee=chloe, session=SessionFactory(), source="self")
    # Other clients' employees: still served, in their grace period, or with no agreement.
    others = [
        cancelled(TraineeFactory(), client, session)
        for client in (
            OrganisationFactory(
                processing_agreement_signed_on=days_ago(800),
                end_of_services_instruction="delete",
            ),
            ended_client("delete", ended_days_ago=10),
            ended_client(""),
        )
    ]

    assert run() == 3  # two cancelled places deleted, one archived

    trained.refresh_from_db(), anna.refresh_from_db()
    assert trained.archived_at is not None
    assert (anna.surname, anna.email) != ("", "") and (anna.phone, anna.occupation) == ("", "")
    assert AttendanceLine.objects.filter(enrolment=trained, status="present").exists()
    assert Certificate.objects.filter(enrolment=trained).exists()
    assert not Trainee.objects.filter(pk=bruno.pk).exists()
    assert ConsentRecord.objects.filter(email=bruno.email).exists()  # the proof of his choice
    chloe.refresh_from_db()
    assert chloe.phone == "0622222222"
    assert set(Enrolment.objects.filter(trainee=chloe)) == {own}
    assert all(Enrolment.objects.filter(pk=e.pk).exists() for e in others)
    assert run() == 0  # done once


def test_a_session_after_the_recorded_end_delays_the_deletion():
    acme = ended_client("delete", ended_days_ago=40)
    cancelled(TraineeFactory(), acme, past_session(60))
    attended(TraineeFactory(), acme, past_session(20))  # the services really ended here

    assert run() == 0
    assert run(NOW + datetime.timedelta(days=11)) == 2


@pytest.mark.policy("R2")
def test_returned_data_holds_the_clients_employees_only_and_goes_once_marked_returned(
    client, alice
):
    acme = ended_client("return", ended_days_ago=5, name="Acme")
    session = past_session(10)
    anna = TraineeFactory(
        surname="Arnaud", phone="+33 6 11 11 11 11", diplomas_and_skills="=HYPERLINK(1)"
    )
    trained = attended(anna, acme, session)
    chloe = TraineeFactory(surname="Colin", phone="0622222222")
    gone = cancelled(chloe, acme, session)
    EnrolmentFactory(trainee=chloe, session=SessionFactory(), source="self")
    other = OrganisationFactory(name="Globex")
    EnrolmentFactory(
        trainee=TraineeFactory(surname="Zola"), session=session, source="employer", client=other
    )
    client.force_login(alice)

    response = client.get(reverse("client_data_export", args=[acme.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    header, *rows = list(csv.reader(io.StringIO(response.content.decode())))
    lines = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert set(lines) == {"Arnaud", "Colin"}  # nothing of Globex's employees
    assert lines["Arnaud"]["Phone"] == "+33 6 11 11 11 11"
    assert lines["Arnaud"]["Diplomas and skills"] == "'=HYPERLINK(1)"  # no formula
    assert lines["Arnaud"]["Half-days present"] == "2"
    assert lines["Arnaud"]["Hours attended (certificate)"] == "7.00"
    # Chloé registered on her own too: her details may be ours, only her identity goes.
    assert lines["Colin"]["Email"] == chloe.email and lines["Colin"]["Phone"] == ""
    entry = AuditEntry.objects.get(action="processor_data_exported")
    assert (entry.actor, entry.object_id) == (alice, str(acme.pk))
    assert "Arnaud" not in entry.note
    sent = set(Disclosure.objects.filter(recipient="Acme").values_list("email", flat=True))
    assert sent == {anna.email, chloe.email}

    # Not deleted before it is returned (the grace period is over by then).
    assert run(NOW + datetime.timedelta(days=30)) == 0
    with time_machine.travel(NOW + datetime.timedelta(days=30)):
        client.force_login(alice)  # a staff session lasts hours, not a month
        changelist = reverse("admin:clients_organisation_changelist")
        client.post(changelist, {"action": "mark_returned", "_selected_action": [acme.pk]})
    acme.refresh_from_db()
    assert acme.processor_data_returned_on == TODAY + datetime.timedelta(days=30)
    assert AuditEntry.objects.filter(action="processor_data_returned").exists()
    assert run(NOW + datetime.timedelta(days=31)) == 2

    assert not Enrolment.objects.filter(pk=gone.pk).exists()
    trained.refresh_from_db()
    assert trained.archived_at is not None


def test_data_never_marked_returned_goes_at_the_latest_after_the_longest_wait():
    acme = ended_client("return", ended_days_ago=90)
    place = cancelled(TraineeFactory(), acme, past_session(100))

    assert run() == 0
    assert run(NOW + datetime.timedelta(days=1)) == 1
    assert not Enrolment.objects.filter(pk=place.pk).exists()


def test_data_cannot_be_marked_returned_before_the_services_end(client, alice):
    acme = OrganisationFactory(
        processing_agreement_signed_on=days_ago(100), end_of_services_instruction="return"
    )
    client.force_login(alice)
    response = client.post(
        reverse("admin:clients_organisation_changelist"),
        {"action": "mark_returned", "_selected_action": [acme.pk]},
        follow=True,
    )
    assert "have not ended" in response.content.decode()
    acme.refresh_from_db()
    assert acme.processor_data_returned_on is None


def test_only_staff_allowed_to_return_the_data_get_the_export(client, alice, charlie):
    acme = ended_client("return")
    url = reverse("client_data_export", args=[acme.pk])
    page = reverse("admin:clients_organisation_change", args=[acme.pk])
    marketing = staff("mia", "Marketing")
    dpo = staff("dora", "DPO")

    assert client.get(url).status_code == 302  # to the sign-in page
    for refused in (charlie, marketing):
        client.force_login(refused)
        assert client.get(url).status_code == 403
    client.force_login(marketing)
    assert url not in client.get(page).content.decode()
    for allowed in (alice, dpo):
        client.force_login(allowed)
        assert client.get(url).status_code == 200
    assert client.get(reverse("client_data_export", args=[acme.pk + 999])).status_code == 404
    assert not AuditEntry.objects.filter(actor__in=[charlie, marketing]).exists()


def _policy_version():
    from consent.models import PolicyVersion

    version, _ = PolicyVersion.objects.get_or_create(
        number="test", defaults={"published_on": datetime.date(2026, 4, 14)}
    )
    return version.pk


@pytest.mark.policy("Y3")
def test_the_rule_is_published_on_the_privacy_page_the_record_and_the_notice(client):
    from html import unescape

    from dpo_requests.processing_record import processing_record_rows
    from training.emails import processor_notice_message

    english = unescape(client.get(reverse("consent:privacy")).content.decode())
    french = unescape(
        client.get(reverse("consent:privacy"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    )

    assert "Data of trainees registered by their employer (we hold it as its processor)" in english
    assert "30 days; if the employer asked for it back, until it is returned (90 days at most)" in (
        english
    )
    assert "the end of the services to the employer" in english
    assert "Données des stagiaires inscrits par leur employeur" in french
    assert "30 jours ; si l'employeur en a demandé la restitution, jusqu'à celle-ci" in french
    assert "la fin des prestations pour l'employeur" in french
    [training] = [row for row in processing_record_rows() if row["activity"].key == "training"]
    assert RULE in {rule.name for rule in training["retention"]}
    employee = TraineeFactory(language="fr")
    enrolment = EnrolmentFactory(
        trainee=employee, source="employer", client=OrganisationFactory(name="Acme")
    )
    notice = processor_notice_message(enrolment=enrolment).body
    assert "la fin des prestations pour l'employeur" in notice

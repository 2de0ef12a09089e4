"""The logistics list of a session: meal and adaptation needs for the people who arrange
them. Alice (training staff) is refused, and the refusal is logged; Bob (logistics) reads
it, marked confidential, and his look is logged; once the needs are purged it is empty."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from core.models import AuditEntry
from core.purge import rule_apply
from core.schedule import BY_NAME
from tests.factories import EnrolmentFactory, SessionFactory, TraineeFactory
from training.sensitive_needs import sensitive_needs_record

pytestmark = [pytest.mark.django_db, pytest.mark.policy("S4")]


@pytest.fixture
def lunch_session():
    """A session with meals today, Chloé allergic to gluten and Emma in a wheelchair, and
    David with nothing to tell."""
    today = timezone.localdate()
    session = SessionFactory(start_date=today, end_date=today, meals_provided=True)
    for first_name, allergies, adaptations in (
        ("Chloé", "Gluten (maladie cœliaque)", ""),
        ("Emma", "", "Salle accessible en fauteuil roulant"),
    ):
        sensitive_needs_record(
            enrolment=EnrolmentFactory(
                session=session, trainee=TraineeFactory(first_name=first_name, surname="Roux")
            ),
            food_allergies=allergies,
            allergies_consent=bool(allergies),
            disability_adaptations=adaptations,
            disability_consent=bool(adaptations),
            now=timezone.now(),
        )
    EnrolmentFactory(session=session, trainee=TraineeFactory(first_name="David"))
    return session


def _url(session, **query):
    url = reverse("admin:training_session_logistics", args=[session.pk])
    return url + ("?format=pdf" if query.get("pdf") else "")


def test_without_the_permission_it_is_refused_and_the_refusal_logged(client, alice, lunch_session):
    client.force_login(alice)

    page = client.get(_url(lunch_session))

    assert page.status_code == 403
    assert "Gluten" not in page.content.decode()
    [entry] = AuditEntry.objects.filter(object_type="training.session")
    assert (entry.action, entry.actor, entry.object_id) == (
        "sensitive_refused",
        alice,
        str(lunch_session.pk),
    )


def test_logistics_reads_the_needs_marked_confidential_and_the_look_is_logged(
    client, bob, lunch_session
):
    client.force_login(bob)

    page = client.get(_url(lunch_session))

    html = page.content.decode()
    assert page.status_code == 200
    assert "Gluten (maladie cœliaque)" in html
    assert "Salle accessible en fauteuil roulant" in html
    assert '<p class="confidential" role="note">Confidentiel' in html  # French, the reference
    assert "David" not in html  # nothing to arrange for him
    assert AuditEntry.objects.filter(
        action="logistics_list_viewed", actor=bob, object_id=str(lunch_session.pk)
    ).exists()


def test_the_pdf_holds_the_names_and_needs(client, bob, lunch_session):
    client.force_login(bob)

    response = client.get(_url(lunch_session, pdf=True))

    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]  # the admin's pages are never cached
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Roux Chloé" in text and "Gluten" in text
    assert "CONFIDENTIAL" in text


def test_the_session_page_links_to_it_only_for_those_who_may_read_it(
    client, alice, bob, lunch_session
):
    change = reverse("admin:training_session_change", args=[lunch_session.pk])
    client.force_login(bob)
    assert _url(lunch_session) in client.get(change).content.decode()
    client.force_login(alice)
    assert _url(lunch_session) not in client.get(change).content.decode()


def test_once_the_needs_are_purged_the_list_shows_none(client, bob, lunch_session):
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    rule_apply(BY_NAME["sensitive-needs"], now=tomorrow)
    client.force_login(bob)

    html = client.get(_url(lunch_session)).content.decode()

    assert "Gluten" not in html and "fauteuil" not in html
    assert "Aucun besoin de repas ou d'adaptation" in html

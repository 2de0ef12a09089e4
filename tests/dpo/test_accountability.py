"""Providers cover every model with personal data; the audit log, the record of
processing, the breach register and the dashboard; who may see them."""

import datetime
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from core.providers import providers
from core.schedule import RULES
from dpo_requests.models import Breach, Recipient, Request
from dpo_requests.processing_record import ACTIVITIES
from dpo_requests.selectors import subject_records
from dpo_requests.tasks import remind_due_soon
from tests.factories import EnrolmentFactory
from training.sensitive_needs import sensitive_needs_record

pytestmark = pytest.mark.django_db
PERSONAL = {
    "email",
    "surname",
    "first_name",
    "phone",
    "postal_address",
    "food_allergies",
    "disability_adaptations",
    "address_hash",
}
# Every app of the project, the kernel included, whatever is added later.
PROJECT_APPS = {
    config.label
    for config in apps.get_app_configs()
    if Path(config.path).parent == Path(__file__).resolve().parents[2]
}


def test_every_model_with_personal_fields_has_a_provider():
    covered = {model for provider in providers() for model in provider.models}
    missing = []
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS or model._meta.proxy:
            continue
        fields = {f.name for f in model._meta.get_fields()}
        points_at_person = any(
            getattr(f, "related_model", None)
            and f.related_model._meta.model_name in {"trainee", "clientcontact", "enrolment"}
            and not f.auto_created
            for f in model._meta.get_fields()
        )
        if (fields & PERSONAL or points_at_person) and model not in covered:
            missing.append(model._meta.label)
    assert {"core", "campaigns", "training", "consent"} <= PROJECT_APPS
    assert missing == []


def test_providers_find_a_person_across_apps_grouped_with_our_role(eve, employee):
    eve_records = subject_records(email="EVE@example.org")
    paul_records = subject_records(email="paul@example.org")

    kinds = {str(r.kind) for records in eve_records.values() for r in records}
    assert {"trainee", "enrolment", "special needs", "consent or objection"} <= kinds
    roles = {r.role for records in paul_records.values() for r in records}
    assert "processor" in roles


@pytest.mark.policy("Y3")
def test_the_record_of_processing_is_generated_with_recipients_transfers_and_retention(client, dpo):
    Recipient.objects.create(
        name="LMS Cloud Inc.",
        kind="subcontractor",
        purposes="LMS access",
        data="identity, email",
        country="United States",
        outside_eea=True,
        safeguard="scc",
    )
    client.force_login(dpo)

    page = client.get(
        reverse("backoffice:processing_record"), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    csv = client.get(
        reverse("backoffice:processing_record"), {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "Training registration and management" in page
    assert "LMS Cloud Inc., United States: Standard contractual clauses" in page
    assert "LMS Cloud Inc., United States: Standard contractual clauses" in csv
    assert "Food allergies and disability adaptations: none after the training" in csv


@pytest.mark.policy("Y3")
def test_the_record_names_recipients_their_categories_the_security_measures_and_each_period(
    client, dpo
):
    Recipient.objects.create(
        name="Certif Plus",
        kind="subcontractor",
        purposes="Certification",
        data="identity",
        country="France",
        safeguard="",
    )
    client.force_login(dpo)
    url = reverse("backoffice:processing_record")

    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    csv = client.get(url, {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    for record in (page, csv):
        assert "Certif Plus (Subcontractor)" in record  # Art. 30(1)(d): named recipients
        assert "Public or private bodies the law requires us to answer" in record  # categories
        assert "Proof of cookie choices: 6 months" in record  # Art. 30(1)(f): each period
    for record in (page, csv):
        assert "Access by individual account with a second factor" in record  # Art. 30(1)(g)


@pytest.mark.policy("Y3")
def test_every_rule_of_the_schedule_belongs_to_an_activity_of_the_record():
    """A retention rule is a processing: staff sign-ins, the audit log, the outbox and the
    recipients log are in the record too (Art. 30), each with its period."""
    recorded = {name for activity in ACTIVITIES for name in activity.rules}

    assert {rule.name for rule in RULES} - recorded == set()


@pytest.mark.policy("Y3")
def test_the_record_gives_the_offers_their_own_bases(client, dpo):
    """Subsidiary offers to trainees rest on consent; our similar offers on objection."""
    client.force_login(dpo)

    page = client.get(reverse("backoffice:processing_record"), HTTP_ACCEPT_LANGUAGE="en")

    text = page.content.decode()
    assert (
        "consent, asked for separately and withdrawable at any time (offers from the French subsidiaries"
        in text
    )
    assert "including offers from the French subsidiaries related to the person&#x27;s job" in text


@pytest.mark.policy("T2")
def test_a_transfer_outside_the_eea_cannot_be_recorded_without_its_safeguard(db):
    with pytest.raises(IntegrityError):
        Recipient.objects.create(
            name="X",
            kind="subcontractor",
            purposes="p",
            data="d",
            country="US",
            outside_eea=True,
            safeguard="",
        )


@pytest.mark.policy("T1")
def test_recipients_are_maintained_by_the_dpo(client, dpo):
    client.force_login(dpo)

    client.post(
        reverse("admin:dpo_requests_recipient_add"),
        {
            "name": "Université de Lyon",
            "kind": "partner",
            "purposes": "Diplomas",
            "data": "identity",
            "country": "France",
            "safeguard": "",
        },
    )

    assert Recipient.objects.get().kind == "partner"


@pytest.mark.policy("Y5")
def test_breaches_show_the_72_hour_countdown(client, dpo):
    Breach.objects.create(
        detected_at=timezone.now() - datetime.timedelta(hours=10),
        description="Laptop stolen",
        data_categories="attendance sheets",
        people_affected=40,
    )
    Breach.objects.create(
        detected_at=timezone.now() - datetime.timedelta(hours=80),
        description="Misdirected email",
        data_categories="emails",
        people_affected=3,
    )
    client.force_login(dpo)

    html = client.get(reverse("backoffice:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "left to notify the CNIL" in html
    assert "notification deadline passed" in html


def test_the_dashboard_draws_its_charts_as_svg_with_the_figures_as_a_table(client, dpo, eve):
    Request.objects.create(
        kind="access",
        email="a@example.org",
        language="fr",
        channel="web",
        received_at=timezone.now(),
        status="open",
        due_on=timezone.localdate(),
    )
    client.force_login(dpo)

    html = client.get(reverse("backoffice:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert html.count("<svg") >= 2 and "<script" not in html.split("<main")[-1].split("</main>")[0]
    assert 'class="visually-hidden"' in html and "Requests received per month, by kind" in html


@pytest.mark.policy("S4")
def test_every_view_and_change_of_sensitive_data_is_audited(client, bob):
    enrolment = EnrolmentFactory()
    needs = sensitive_needs_record(
        enrolment=enrolment,
        food_allergies="Arachides",
        allergies_consent=True,
        disability_adaptations="",
        disability_consent=False,
        now=timezone.now(),
    )
    client.force_login(bob)

    client.get(reverse("admin:training_sensitiveneeds_change", args=[needs.pk]))
    client.get(reverse("admin:training_enrolment_change", args=[enrolment.pk]))
    client.post(
        reverse("admin:training_sensitiveneeds_change", args=[needs.pk]),
        {
            "food_allergies": "Arachides, sésame",
            "allergies_consent": "on",
            "disability_adaptations": "",
        },
    )

    actions = list(AuditEntry.objects.filter(actor=bob).values_list("action", flat=True))
    assert actions.count("sensitive_viewed") >= 2 and "sensitive_changed" in actions
    assert not any("Arachides" in e.note for e in AuditEntry.objects.all())


def test_the_audit_log_is_read_only_filterable_and_exportable(client, dpo, eve):
    from core.audit import audit_record

    audit_record(
        actor=dpo, action="records_viewed", object_type="dpo_requests.request", object_id=7
    )
    audit_record(actor=None, action="export_built", object_type="dpo_requests.request", object_id=8)
    entry = AuditEntry.objects.first()
    client.force_login(dpo)

    filtered = client.get(reverse("backoffice:audit"), {"action": "export_built"})
    csv = client.get(reverse("backoffice:audit"), {"format": "csv"}).content.decode()

    assert [e.action for e in filtered.context["entries"]] == ["export_built"]
    assert "records_viewed" in csv and "export_built" in csv
    assert client.get(reverse("admin:core_auditentry_change", args=[entry.pk])).status_code == 200
    assert client.post(reverse("admin:core_auditentry_delete", args=[entry.pk])).status_code == 403


@pytest.mark.policy("Y1")
@pytest.mark.parametrize(
    "name",
    [
        "backoffice:dashboard",
        "backoffice:queue",
        "backoffice:audit",
        "backoffice:processing_record",
        "backoffice:emails",
    ],
)
def test_nobody_without_the_dpo_permission_sees_the_back_office(client, alice, bob, name):
    for user in (alice, bob):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 403
    client.logout()
    assert client.get(reverse(name)).status_code in (302, 403)


def test_nobody_without_the_dpo_permission_acts_on_a_request(client, alice, eve):
    dsr = Request.objects.create(
        kind="erasure",
        email="eve@example.org",
        language="fr",
        channel="web",
        received_at=timezone.now(),
        status="open",
        due_on=timezone.localdate(),
    )
    client.force_login(alice)

    assert (
        client.post(f"/backoffice/requests/{dsr.pk}/act/", {"action": "erase"}).status_code == 403
    )
    assert client.get(f"/backoffice/requests/{dsr.pk}/").status_code == 403


@pytest.mark.policy("G7")
def test_the_dpo_hears_each_morning_of_requests_due_within_a_week(
    db, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    for days, status in ((3, "open"), (6, "extended"), (20, "open"), (2, "done")):
        Request.objects.create(
            kind="access",
            email=f"p{days}@example.org",
            language="fr",
            channel="web",
            received_at=timezone.now(),
            status=status,
            due_on=today + datetime.timedelta(days=days),
        )

    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        assert remind_due_soon() == 2
        assert remind_due_soon() == 0  # fired again the same day (a second beat): no repeat

    [reminder] = mail.outbox
    assert reminder.to == ["dpo@example.org"]
    assert len(re.findall(r"^#\d+", reminder.body, re.M)) == 2
    assert "@example.org" not in reminder.body  # numbers and dates, no addresses


def test_the_queue_highlights_overdue_and_due_soon(client, dpo):
    today = timezone.localdate()
    for days in (-1, 3, 30):
        Request.objects.create(
            kind="access",
            email="x@example.org",
            language="fr",
            channel="web",
            received_at=timezone.now(),
            status="open",
            due_on=today + datetime.timedelta(days=days),
        )
    client.force_login(dpo)

    html = client.get(reverse("backoffice:queue"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert html.count('class="bo-overdue"') == 1 and html.count('class="bo-soon"') == 1


def test_the_dpo_reviews_every_answer_template_in_both_languages(client, dpo):
    client.force_login(dpo)

    html = client.get(reverse("backoffice:emails"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Votre demande" in html and "Your request" in html

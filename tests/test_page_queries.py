"""Every staff page runs a fixed number of queries, whatever the size of the data.

Every admin list, add and change page (of every registered model) and every page of the
DPO's back-office is opened by a superuser on a small data set, then again once many
more rows of every model were added, also to the very objects the change pages show.
Each page must answer 200 both times, with the same number of queries, and no more than
BUDGET. A page whose count grows with the data runs a query per row: it gets slow as
the organisation grows, and a few thousand rows make it time out.

Each count is the second opening of the page: the first fills the caches a page fills
once per process (content types, the site's permissions), which would otherwise make
the first size look dearer than the second.
"""

import datetime
import itertools
import uuid

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from attendance.models import Certificate
from attendance.services import sheets_ensure
from campaigns.models import Campaign, CampaignRecipient
from consent.models import ConsentRecord, PolicyVersion
from consent.services import consent_record
from cookies.models import AudienceHit, ConsentLog, CookieRegistryVersion
from core.audit import EMAIL_CHANGED_BY_STAFF, audit_record
from core.disclosures import disclosure_record
from core.models import AuditEntry, Hold, OutboxEmail
from core.providers import providers
from core.schedule import RULES
from dpo_requests.models import Breach, Recipient, Request
from lms.models import LmsAccess
from retention.models import PurgeLog
from surveys.models import SessionSurvey, SurveyAnswer, SurveyInvitation
from tests.factories import (
    ClientContactFactory,
    CourseFactory,
    EnrolmentFactory,
    OrganisationFactory,
    SessionFactory,
    TraineeFactory,
    TrainerFactory,
)
from training.models import Enrolment, PendingRegistration, ProcessorNotice
from training.sensitive_needs import sensitive_needs_record

BUDGET = 25
# A request's page asks each privacy provider for the person's records, and for an
# erasure also for its plan and what holds it back: a fixed number of queries per
# provider (at most one per question asked) may come on top of the budget.
PER_PROVIDER = 3
SUBJECT = "eve@example.org"
SMALL, LARGE = 1, 12

pytestmark = pytest.mark.django_db
counter = itertools.count()


def _add_data(rounds: int, anchor: dict) -> None:
    """``rounds`` more rows of every model: on new parents, and on the anchor objects
    (the first session, client, campaign, and Eve, the subject of the requests) whose
    pages are opened, so that their lists grow too."""
    now = timezone.now()
    today = timezone.localdate(now)
    for _ in range(rounds):
        n = next(counter)
        staff = User.objects.create_user(f"staff{n}", password="x", is_staff=True)
        staff.groups.set(Group.objects.all()[:1])
        TOTPDevice.objects.create(user=staff, name="Phone", confirmed=True)
        StaticDevice.objects.create(user=staff, name="Codes", confirmed=True)
        Group.objects.create(name=f"Group {n}")

        client = OrganisationFactory()
        anchor.setdefault("client", client)
        course = CourseFactory()
        past = today - datetime.timedelta(days=40 + n)
        sessions = [
            SessionFactory(course=course, meals_provided=True, trainer=TrainerFactory()),
            SessionFactory(course=course, start_date=past, end_date=past),
        ]
        anchor.setdefault("session", sessions[0])
        for organisation in {client, anchor["client"]}:
            contact = ClientContactFactory(organisation=organisation)
            ClientContactFactory(organisation=organisation, email=SUBJECT)
        trainee = TraineeFactory(employer=client)
        for session in {*sessions, anchor["session"]}:
            EnrolmentFactory(trainee=trainee, session=session, source="employer", client=client)
            sensitive_needs_record(
                enrolment=EnrolmentFactory(session=session),
                food_allergies="Arachides",
                allergies_consent=True,
                disability_adaptations="Fauteuil",
                disability_consent=True,
                now=now,
            )
        subject = anchor["subject"]
        enrolled = EnrolmentFactory(
            trainee=subject, session=sessions[0], source="employer", client=client
        )
        sensitive_needs_record(
            enrolment=enrolled,
            food_allergies="Gluten",
            allergies_consent=True,
            disability_adaptations="",
            disability_consent=False,
            now=now,
        )
        LmsAccess.objects.create(
            enrolment=EnrolmentFactory(session=anchor["session"]),
            email=subject.email,
            course_code=course.code,
            platform="Moodle",
            requested_at=now,
        )
        Enrolment.objects.filter(pk=EnrolmentFactory(session=sessions[1]).pk).update(
            archived_at=now
        )
        ProcessorNotice.objects.create(trainee=trainee, client=client, sent_at=now)
        # Attendance sheets (lines grow on the anchor session's sheets) and certificates.
        for session in {sessions[0], anchor["session"]}:
            sheets_ensure(session_id=session.pk)
        Certificate.objects.create(
            enrolment=enrolled, issued_at=now, hours_planned=7, hours_attended=7, snapshot={}
        )
        SurveyInvitation.objects.create(enrolment=enrolled, invited_at=now, answered_on=today)
        for surveyed in (sessions[1], anchor["session"]):
            SessionSurvey.objects.get_or_create(
                session=surveyed, defaults={"invited": 9, "first_sent_on": today}
            )
            for score in range(1, 6):
                SurveyAnswer.objects.create(
                    session=surveyed,
                    overall=score,
                    objectives_met=score,
                    trainer=score,
                    would_recommend=True,
                    comment=f"Comment {n}",
                )
        PendingRegistration.objects.create(
            session=sessions[0],
            email=f"pending{n}@example.org",
            language="fr",
            token_hash=uuid.uuid4().hex,
            created_at=now,
            expires_at=now + datetime.timedelta(hours=1),
        )

        PolicyVersion.objects.create(
            number=f"0.{n}", published_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=n)
        )
        for email in (SUBJECT, trainee.email, contact.email):
            for purpose in (ConsentRecord.Purpose.NEWSLETTER, ConsentRecord.Purpose.TRAINEE_OFFERS):
                consent_record(
                    email=email,
                    purpose=purpose,
                    action=ConsentRecord.Action.GIVEN,
                    channel=ConsentRecord.Channel.SELF_SERVICE,
                    at=now,
                )
        campaign = Campaign.objects.create(
            name=f"Campaign {n}", purpose=Campaign.PURPOSES[0][0], subject_fr="Offre", body_fr="."
        )
        anchor.setdefault("campaign", campaign)
        for addressed in {campaign, anchor["campaign"]}:
            CampaignRecipient.objects.create(campaign=addressed, trainee=trainee)
            CampaignRecipient.objects.create(campaign=addressed, contact=contact)

        audit_record(actor=staff, action="records_viewed", obj=trainee)
        for email in (trainee.email, anchor.get("eve", "eve@example.org")):
            disclosure_record(
                email=email, recipient="OPCO", kind="funder", categories=["identity"], now=now
            )
        audit_record(actor=None, action="matrix", obj=client)
        AuditEntry.objects.create(
            at=now,
            actor=staff,
            action=EMAIL_CHANGED_BY_STAFF,
            object_type="trainees.trainee",
            object_id=str(subject.pk),
        )
        for kind in Request.Kind.values:
            for email in (SUBJECT, trainee.email):
                Request.objects.create(
                    kind=kind,
                    email=email,
                    language="fr",
                    channel=Request.Channel.WEB,
                    received_at=now - datetime.timedelta(days=n),
                    verified_at=now,
                    due_on=today + datetime.timedelta(days=n % 10),
                    status=Request.Status.OPEN,
                )
        for email in (SUBJECT, trainee.email):
            Hold.objects.create(
                email=email, kind=Hold.Kind.LEGAL_HOLD, reason="Litige", created_at=now
            )
            Hold.objects.create(
                email=email, kind=Hold.Kind.RESTRICTION, reason="Art. 18", created_at=now
            )
        OutboxEmail.objects.create(kind="test", email=SUBJECT, to=[SUBJECT], subject="Hello")
        for rule in RULES:
            PurgeLog.objects.create(
                rule=rule.name,
                started_at=now,
                duration_ms=1,
                affected=n,
                held=0,
                outcome=PurgeLog.Outcome.DONE,
            )
        Breach.objects.create(
            detected_at=now, description="Perte", data_categories="Noms", people_affected=n
        )
        Recipient.objects.create(
            name=f"Traiteur {n}", kind=Recipient.Kind.SUBCONTRACTOR, purposes="Repas", data="."
        )
        registry = CookieRegistryVersion.objects.create(
            version=f"v{n}", snapshot={}, first_used_at=now
        )
        ConsentLog.objects.create(
            consent_id=uuid.uuid4(),
            language="fr",
            action=ConsentLog.Action.ACCEPT_ALL,
            categories=["audience"],
            registry_version=registry,
            created_at=now,
        )
        AudienceHit.objects.create(day=today - datetime.timedelta(days=n), page="/", views=n)
        seen = {"user_agent": "Chromium", "ip_address": "127.0.0.1", "username": staff.username}
        seen |= {"http_accept": "text/html", "path_info": "/admin/login/", "attempt_time": now}
        AccessAttempt.objects.create(**seen, get_data="", post_data="", failures_since_start=1)
        AccessFailureLog.objects.create(**seen)
        AccessLog.objects.create(**seen)


def _admin_pages(root: User) -> list[tuple[str, str]]:
    """(name, url) of every admin list, add and change page the superuser may open."""
    request = RequestFactory().get("/")
    request.user = root
    pages = [("admin index", reverse("admin:index"))]
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        prefix = f"admin:{meta.app_label}_{meta.model_name}"
        pages.append((f"{meta.label_lower} list", reverse(f"{prefix}_changelist")))
        if model_admin.has_add_permission(request):
            pages.append((f"{meta.label_lower} add", reverse(f"{prefix}_add")))
        first = model_admin.get_queryset(request).order_by("pk").first()
        assert first is not None, f"no {meta.label_lower} to open"
        pages.append((f"{meta.label_lower} change", reverse(f"{prefix}_change", args=[first.pk])))
    return pages


def _first_surveyed(course: bool = False) -> int:
    survey = SessionSurvey.objects.select_related("session").order_by("pk").first()
    return survey.session.course_id if course else survey.session_id


def _backoffice_pages() -> list[tuple[str, str]]:
    """(name, url) of every page of the DPO's back-office, and the retention page."""
    pages = [
        (name, reverse(f"backoffice:{name}"))
        for name in ("dashboard", "queue", "audit", "processing_record", "emails")
    ]
    pages += [
        ("audit csv", reverse("backoffice:audit") + "?format=csv"),
        ("register csv", reverse("backoffice:processing_record") + "?format=csv"),
        ("queue, all done", reverse("backoffice:queue") + "?status=done"),
        ("retention", reverse("retention:overview")),
        ("retention: run now (dry run)", reverse("retention:run")),
        ("retention: approvals", reverse("retention:approvals")),
        ("survey results", reverse("surveys:results")),
        ("survey of a session", reverse("surveys:session_results", args=[_first_surveyed()])),
        (
            "survey of a course",
            reverse("surveys:course_results", args=[_first_surveyed(course=True)]),
        ),
    ]
    for kind in Request.Kind.values:
        dsr = Request.objects.filter(email=SUBJECT, kind=kind).order_by("pk").first()
        pages.append((f"request ({kind})", reverse("backoffice:request", args=[dsr.pk])))
    return pages


# The admin's page of a request is the back-office's (it redirects there).
REDIRECTS = {"dpo_requests.request change"}


def _budget(name: str) -> int:
    return BUDGET + PER_PROVIDER * len(providers()) if name.startswith("request (") else BUDGET


def _count(http: Client, url: str) -> tuple[int, int]:
    http.get(url)  # fills the per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = http.get(url)
    return response.status_code, len(queries)


def test_every_staff_page_runs_a_fixed_number_of_queries():
    anchor = {"subject": TraineeFactory(email=SUBJECT, first_name="Eve")}
    _add_data(SMALL, anchor)
    root = User.objects.create_superuser("root", password="x")
    http = Client()
    http.force_login(root)
    pages = _admin_pages(root) + _backoffice_pages()
    logistics = reverse("admin:training_session_logistics", args=[anchor["session"].pk])
    pages.append(("session logistics list", logistics))

    small = {name: _count(http, url) for name, url in pages}
    _add_data(LARGE, anchor)
    large = {name: _count(http, url) for name, url in pages}

    failures = []
    for name, url in pages:
        (status, before), (status_after, after) = small[name], large[name]
        expected = 302 if name in REDIRECTS else 200
        if {status, status_after} != {expected}:
            failures.append(f"{name} ({url}): status {status}, then {status_after}")
        elif after != before or after > _budget(name):
            failures.append(
                f"{name} ({url}): {before} queries, then {after} (budget {_budget(name)})"
            )
    assert not failures, f"{len(failures)} of {len(pages)} pages:\n" + "\n".join(failures)

"""Who may open what: every URL pattern of the site, walked from the resolver, against
every role, with the expected answer written down here.

A URL pattern without an entry below fails the test, so a new page cannot land without
someone deciding who may see it. Every answer is also read for the allergy and
disability values on file: a role without the sensitive-data permission must never see
one, whatever the page (admin, back-office, public, CSV).
"""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from consent.tokens import self_service_token_make, unsubscribe_token_make
from lms.models import LmsAccess
from training.models import Enrolment, SensitiveNeeds, Trainer
from training.sensitive_needs import sensitive_needs_record

ANONYMOUS, FORMATION, LOGISTIQUE, MARKETING, DPO, SUPERUSER = (
    "anonymous",
    "formation",
    "logistique",
    "marketing",
    "dpo",
    "superuser",
)
ROLES = (ANONYMOUS, FORMATION, LOGISTIQUE, MARKETING, DPO, SUPERUSER)
EVERYONE = frozenset(ROLES)
STAFF = EVERYONE - {ANONYMOUS}
NOBODY = frozenset()
ONLY = frozenset
# The groups each role's account belongs to (staff_auth/groups.py).
GROUPS = {
    FORMATION: ["Équipe formation"],
    LOGISTIQUE: ["Accès données sensibles (logistique)"],
    MARKETING: ["Marketing"],
    DPO: ["DPO"],
}
# The roles that may read allergy and disability values.
SENSITIVE_READERS = ONLY({LOGISTIQUE, DPO, SUPERUSER})

# Pages outside the admin, by URL name: the roles that get the page. A token page is
# opened with a valid token of the right kind (it stands for the address's owner), a
# download with a forged one (nobody gets a file without the link that was emailed).
PAGES = {
    "set_language": EVERYONE,
    "training:session_list": EVERYONE,
    "training:session_detail": EVERYONE,
    "training:registration_form": EVERYONE,
    "training:registration_submitted": EVERYONE,
    "consent:privacy": EVERYONE,
    "consent:request": EVERYONE,
    "consent:manage": EVERYONE,
    "consent:unsubscribe": EVERYONE,
    "cookies:preferences": EVERYONE,
    "cookies:audience": EVERYONE,
    "dpo_requests:new": EVERYONE,
    "dpo_requests:verify": EVERYONE,
    "dpo_requests:download": NOBODY,
    "retention:overview": ONLY({DPO, SUPERUSER}),
    # Run the schedule now, and the deletions that wait for approval: the DPO's.
    "retention:run": ONLY({DPO, SUPERUSER}),
    "retention:run_status": ONLY({DPO, SUPERUSER}),
    "retention:approvals": ONLY({DPO, SUPERUSER}),
    "retention:approval_set": ONLY({DPO, SUPERUSER}),
    "retention:pending": ONLY({DPO, SUPERUSER}),
    "retention:approve": ONLY({DPO, SUPERUSER}),
    "backoffice:dashboard": ONLY({DPO, SUPERUSER}),
    "backoffice:queue": ONLY({DPO, SUPERUSER}),
    "backoffice:request": ONLY({DPO, SUPERUSER}),
    "backoffice:act": ONLY({DPO, SUPERUSER}),
    # The access archive, downloaded by the DPO to check it before its link is sent.
    "backoffice:archive": ONLY({DPO, SUPERUSER}),
    "backoffice:audit": ONLY({DPO, SUPERUSER}),
    "backoffice:processing_record": ONLY({DPO, SUPERUSER}),
    "backoffice:emails": ONLY({DPO, SUPERUSER}),
    # The admin's own pages.
    "admin:index": STAFF,
    "admin:login": EVERYONE,
    "admin:logout": STAFF,
    "admin:password_change": STAFF,
    "admin:password_change_done": STAFF,
    # Setting another account's password: user management is the superuser's.
    "admin:auth_user_password_change": ONLY({SUPERUSER}),
    "admin:jsi18n": STAFF,
    # Trainees' names through the enrolment form's search box.
    "admin:autocomplete": ONLY({FORMATION, LOGISTIQUE, MARKETING, DPO, SUPERUSER}),
    # "View on site": no admin model links to a public page.
    "admin:view_on_site": NOBODY,
    # The second factor: asked of every signed-in staff member (anonymous visitors are sent
    # to the password first).
    "staff_auth:verify": STAFF,
    "staff_auth:enrol": STAFF,
    "staff_auth:recovery_codes": STAFF,
    # A registration's confirmation: nobody confirms without the emailed link.
    "training:registration_confirmation": NOBODY,
    # The admin's TOTP device pages show a secret's QR code: user management only.
    "admin:otp_totp_totpdevice_config": ONLY({SUPERUSER}),
    "admin:otp_totp_totpdevice_qrcode": ONLY({SUPERUSER}),
    # Attendance: a half-day's signing page, a personal signing link and a certificate's
    # download answer only a valid token (opened here with forged ones).
    "attendance:sign": NOBODY,
    "attendance:sign_me": NOBODY,
    "attendance:certificate": NOBODY,
    # The trainer's page (QR code, the trainer's signature) and the session's signed PDF.
    "admin:attendance_attendancesheet_trainer": ONLY({FORMATION, DPO, SUPERUSER}),
    "admin:attendance_attendancesheet_pdf": ONLY({FORMATION, DPO, SUPERUSER}),
    # A satisfaction survey: nobody answers without the emailed link. Its results: the
    # training staff (quality monitoring) and the DPO.
    "surveys:answer": NOBODY,
    "surveys:results": ONLY({FORMATION, DPO, SUPERUSER}),
    "surveys:session_results": ONLY({FORMATION, DPO, SUPERUSER}),
    "surveys:course_results": ONLY({FORMATION, DPO, SUPERUSER}),
    # A session's logistics list (allergy and disability needs): the sensitive-data permission.
    "admin:training_session_logistics": SENSITIVE_READERS,
    # A client's employees' data, to return to it at the end of its services (Art. 28(3)(g)):
    # the staff who manage clients and the DPO, never marketing.
    "client_data_export": ONLY({FORMATION, DPO, SUPERUSER}),
    # An address under /admin/ that is no page.
    "admin:<catch-all>": NOBODY,
}

# Admin models: who may open the list and an object's page ("view"), add, delete.
TRAINING_STAFF = {FORMATION, SUPERUSER}
MODELS = {
    "auth.group": {"view": {SUPERUSER}, "add": {SUPERUSER}, "delete": {SUPERUSER}},
    "auth.user": {"view": {SUPERUSER}, "add": {SUPERUSER}, "delete": {SUPERUSER}},
    "clients.organisation": {
        "view": {FORMATION, MARKETING, DPO, SUPERUSER},
        "add": TRAINING_STAFF,
        "delete": TRAINING_STAFF,
    },
    "clients.clientcontact": {
        "view": {FORMATION, MARKETING, DPO, SUPERUSER},
        "add": TRAINING_STAFF,
        "delete": TRAINING_STAFF,
    },
    "trainees.trainee": {
        "view": {FORMATION, LOGISTIQUE, MARKETING, DPO, SUPERUSER},
        "add": TRAINING_STAFF,
        "delete": TRAINING_STAFF,
    },
    "training.sensitiveneeds": {
        # Training staff may enter a new enrolment's needs, never read them back.
        "view": {LOGISTIQUE, DPO, SUPERUSER},
        # Training staff enter a new enrolment's needs from the enrolment form only.
        "add": {LOGISTIQUE, SUPERUSER},
        "delete": {LOGISTIQUE, DPO, SUPERUSER},
    },
    "training.course": {
        "view": {FORMATION, LOGISTIQUE, MARKETING, DPO, SUPERUSER},
        "add": TRAINING_STAFF,
        "delete": TRAINING_STAFF,
    },
    "training.session": {
        "view": {FORMATION, LOGISTIQUE, MARKETING, DPO, SUPERUSER},
        "add": TRAINING_STAFF,
        "delete": TRAINING_STAFF,
    },
    "training.enrolment": {
        "view": {FORMATION, LOGISTIQUE, DPO, SUPERUSER},
        "add": TRAINING_STAFF,
        # An enrolment is cancelled, then archived by the retention schedule, never deleted.
        "delete": set(),
    },
    # Trainers (subcontractors receive their trainees' names): training staff manage them.
    "training.trainer": {
        "view": {FORMATION, DPO, SUPERUSER},
        "add": TRAINING_STAFF,
        "delete": TRAINING_STAFF,
    },
    # Accounts on the online learning platform: training staff ask for and close them;
    # nobody deletes the record of an open account (the retention schedule deletes closed ones).
    "lms.lmsaccess": {"view": {FORMATION, DPO, SUPERUSER}, "add": TRAINING_STAFF, "delete": set()},
    # The restricted archive: the DPO only.
    "training.archivedenrolment": {"view": {DPO, SUPERUSER}, "add": set(), "delete": set()},
    # Convocations and agreements: sent and downloaded by training staff.
    "documents.enrolmentdocuments": {"view": TRAINING_STAFF, "add": set(), "delete": set()},
    "consent.consentrecord": {
        "view": {FORMATION, MARKETING, DPO, SUPERUSER},
        "add": {FORMATION, DPO, SUPERUSER},
        # The history is append-only: nobody deletes a record of a choice.
        "delete": set(),
    },
    "consent.policyversion": {"view": {DPO, SUPERUSER}, "add": {DPO, SUPERUSER}, "delete": set()},
    "campaigns.campaign": {
        "view": {MARKETING, SUPERUSER},
        "add": {MARKETING, SUPERUSER},
        "delete": {SUPERUSER},
    },
    "cookies.consentlog": {"view": {DPO, SUPERUSER}, "add": set(), "delete": set()},
    "cookies.cookieregistryversion": {"view": {DPO, SUPERUSER}, "add": set(), "delete": set()},
    "cookies.audiencehit": {"view": {MARKETING, DPO, SUPERUSER}, "add": set(), "delete": set()},
    "retention.purgelog": {"view": {DPO, SUPERUSER}, "add": set(), "delete": set()},
    "core.hold": {"view": {DPO, SUPERUSER}, "add": {DPO, SUPERUSER}, "delete": set()},
    "dpo_requests.request": {"view": {DPO, SUPERUSER}, "add": {DPO, SUPERUSER}, "delete": set()},
    # Append-only: nobody adds or deletes an audit entry by hand.
    "core.auditentry": {"view": {DPO, SUPERUSER}, "add": set(), "delete": set()},
    "core.disclosure": {"view": {DPO, SUPERUSER}, "add": set(), "delete": set()},
    "dpo_requests.recipient": {
        "view": {DPO, SUPERUSER},
        "add": {DPO, SUPERUSER},
        "delete": {DPO, SUPERUSER},
    },
    # Failed sign-ins and lockouts: the DPO watches them; only a superuser lifts a lockout;
    # nobody writes one by hand.
    "axes.accessattempt": {"view": {DPO, SUPERUSER}, "add": set(), "delete": {SUPERUSER}},
    "axes.accessfailurelog": {"view": {DPO, SUPERUSER}, "add": set(), "delete": {SUPERUSER}},
    "axes.accesslog": {"view": {SUPERUSER}, "add": set(), "delete": {SUPERUSER}},
    # Second-factor devices: user management is the superuser's.
    "otp_totp.totpdevice": {"view": {SUPERUSER}, "add": {SUPERUSER}, "delete": {SUPERUSER}},
    "otp_static.staticdevice": {"view": {SUPERUSER}, "add": {SUPERUSER}, "delete": {SUPERUSER}},
    # Sheets are made by the session's action and are evidence: only a superuser deletes.
    "attendance.attendancesheet": {
        "view": {FORMATION, DPO, SUPERUSER},
        "add": set(),
        "delete": {SUPERUSER},
    },
    "attendance.certificate": {
        "view": {FORMATION, DPO, SUPERUSER},
        "add": set(),
        "delete": {SUPERUSER},
    },
    "dpo_requests.breach": {
        "view": {DPO, SUPERUSER},
        "add": {DPO, SUPERUSER},
        "delete": {SUPERUSER},
    },
}
ADMIN_VIEWS = {
    "changelist": "view",
    "change": "view",
    "history": "view",
    "add": "add",
    "delete": "delete",
}

ALLERGY = "Sentinelle-arachide"
DISABILITY = "Sentinelle-fauteuil"


def _walk(resolver: URLResolver, namespace: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            yield from _walk(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield (f"{namespace}:" if namespace else "") + (pattern.name or "<catch-all>")


def _admin_entry(name: str) -> tuple[str, str] | None:
    """("training.enrolment", "view") for "admin:training_enrolment_change"."""
    for model in admin.site._registry:
        meta = model._meta
        for suffix, action in ADMIN_VIEWS.items():
            if name == f"admin:{meta.app_label}_{meta.model_name}_{suffix}":
                return meta.label_lower, action
    return None


def _expected(name: str) -> frozenset:
    if name in PAGES:
        return PAGES[name]
    if name == "admin:app_list":
        return EVERYONE  # expanded per app below
    entry = _admin_entry(name)
    if entry is None:
        raise KeyError(name)
    label, action = entry
    return frozenset(MODELS[label][action])


def test_every_url_pattern_and_admin_model_has_an_entry():
    names = set(_walk(get_resolver()))
    missing = sorted(name for name in names if _safe_expected(name) is None)
    assert not missing, f"URL patterns without an entry in the authorization matrix: {missing}"
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == set(MODELS), "admin models and the matrix differ"
    assert set(PAGES) - {"admin:<catch-all>"} <= names, "entries for pages that no longer exist"


def _safe_expected(name):
    try:
        return _expected(name)
    except KeyError:
        return None


@pytest.fixture
def site(db, settings, tmp_path):
    """The demo organisation, with one of each record, and a trainee whose allergy and
    disability needs are on file."""
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    call_command("seed_demo", force=True, verbosity=0)
    enrolment = Enrolment.objects.filter(session__meals_provided=True).first()
    SensitiveNeeds.objects.filter(enrolment=enrolment).delete()
    sensitive_needs_record(
        enrolment=enrolment,
        food_allergies=ALLERGY,
        allergies_consent=True,
        disability_adaptations=DISABILITY,
        disability_consent=True,
        now=timezone.now(),
    )
    _one_of_each(enrolment)
    users = {ANONYMOUS: None}
    for role, groups in GROUPS.items():
        user = User.objects.create_user(f"matrix-{role}", password="x", is_staff=True)
        user.groups.set(Group.objects.filter(name__in=groups))
        users[role] = user
    users[SUPERUSER] = User.objects.create_superuser("matrix-root", password="x")
    return {"users": users, "enrolment": enrolment}


def _one_of_each(enrolment) -> None:
    """Records the demo data lacks, so that every admin page has an object to show."""
    from campaigns.models import Campaign
    from cookies.models import AudienceHit
    from core.audit import audit_record
    from core.disclosures import disclosure_record
    from core.models import Hold
    from dpo_requests.models import Breach, Recipient, Request
    from retention.models import ManualRun, PendingDeletion, PurgeLog

    now = timezone.now()
    ManualRun.objects.create(requested_at=now)
    PendingDeletion.objects.create(rule="outbox", since=now, keys=[], count=0)
    email = enrolment.trainee.email
    Campaign.objects.create(
        name="Spring", purpose=Campaign.PURPOSES[0][0], subject_fr="Offre", body_fr="Texte"
    )
    PurgeLog.objects.create(
        rule="sensitive-needs",
        started_at=now,
        duration_ms=1,
        affected=0,
        held=0,
        outcome=PurgeLog.Outcome.choices[0][0],
    )
    Hold.objects.create(email=email, kind=Hold.Kind.choices[0][0], reason="Litige", created_at=now)
    from dpo_requests.exports import exports_folder

    (exports_folder() / "matrix.zip").write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip
    Request.objects.create(
        kind=Request.Kind.ACCESS,
        email=email,
        language="fr",
        channel=Request.Channel.choices[0][0],
        received_at=now,
        verified_at=now,
        status=Request.Status.choices[1][0],
        export_file="matrix.zip",  # built, waiting for the DPO's review
        export_expires_at=now,
    )
    audit_record(actor=None, action="matrix", obj=enrolment)
    disclosure_record(
        email="matrix@example.org",
        recipient="OPCO",
        kind="funder",
        categories=["identity"],
        now=now,
    )
    Recipient.objects.create(
        name="Traiteur", kind=Recipient.Kind.choices[0][0], purposes="Repas", data="Allergies"
    )
    enrolment.session.trainer = Trainer.objects.create(name="Nadia Benali")
    enrolment.session.save()
    LmsAccess.objects.create(
        enrolment=enrolment, email=email, course_code="C", platform="Moodle", requested_at=now
    )
    Breach.objects.create(
        detected_at=now, description="Perte", data_categories="Noms", people_affected=1
    )
    AudienceHit.objects.create(day=now.date(), page="/")
    from surveys.models import SessionSurvey

    SessionSurvey.objects.create(session=enrolment.session, invited=1, first_sent_on=now.date())
    # A failed sign-in, and the second-factor devices of a staff member.
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    seen = {"user_agent": "Chromium", "ip_address": "127.0.0.1", "username": "formation"}
    seen |= {"http_accept": "text/html", "path_info": "/admin/login/", "attempt_time": now}
    AccessAttempt.objects.create(**seen, get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**seen)
    AccessLog.objects.create(**seen)
    formation = User.objects.get(username="formation")
    TOTPDevice.objects.create(user=formation, name="Phone", confirmed=True)
    StaticDevice.objects.create(user=formation, name="Recovery codes", confirmed=True)
    # Attendance sheets of the enrolment's session, and a certificate.
    from attendance.models import Certificate
    from attendance.services import sheets_ensure

    sheets_ensure(session_id=enrolment.session_id)
    Certificate.objects.create(
        enrolment=enrolment, issued_at=now, hours_planned=7, hours_attended=7, snapshot={}
    )
    # One enrolment in the restricted archive.
    Enrolment.objects.exclude(pk=enrolment.pk).filter(
        pk=Enrolment.objects.order_by("pk").values("pk")[:1]
    ).update(archived_at=now)


def _object_id(label: str) -> str:
    """An object the model's admin lists (the archive lists only archived enrolments)."""
    from django.apps import apps
    from django.test import RequestFactory

    model = apps.get_model(label)
    request = RequestFactory().get("/")
    request.user = User.objects.filter(is_superuser=True).first()
    obj = admin.site._registry[model].get_queryset(request).order_by("pk").first()
    assert obj is not None, f"no {label} to open"
    return str(obj.pk)


def _first_pk(label: str) -> int:
    """A record of a model the admin does not list."""
    from django.apps import apps

    return apps.get_model(label).objects.order_by("pk").values_list("pk", flat=True).first()


def _urls(name: str, site) -> list[tuple[str, str]]:
    """(method, url) pairs that open the pattern with real objects and valid tokens."""
    enrolment = site["enrolment"]
    session_pk = enrolment.session_id
    email = enrolment.trainee.email
    simple = {
        "training:session_detail": {"pk": session_pk},
        "training:registration_form": {"pk": session_pk},
        "training:registration_submitted": {"pk": session_pk},
        "consent:manage": {"token": self_service_token_make(email=email)},
        "consent:unsubscribe": {
            "token": unsubscribe_token_make(email=email, purpose="training_offers")
        },
        "dpo_requests:verify": {"token": "forged"},
        "dpo_requests:download": {"token": "forged"},
        "training:registration_confirmation": {"token": "forged"},
        "surveys:answer": {"token": "forged"},
        "surveys:session_results": {"pk": session_pk},
        "surveys:course_results": {"pk": enrolment.session.course_id},
        "admin:training_session_logistics": {"session_id": session_pk},
        "client_data_export": {"pk": _object_id("clients.organisation")},
        "backoffice:request": {"pk": _object_id("dpo_requests.request")},
        "backoffice:act": {"pk": _object_id("dpo_requests.request")},
        "retention:run_status": {"pk": _first_pk("retention.manualrun")},
        "retention:pending": {"pk": _first_pk("retention.pendingdeletion")},
        "retention:approve": {"pk": _first_pk("retention.pendingdeletion")},
        "backoffice:archive": {"pk": _object_id("dpo_requests.request")},
        "attendance:sign": {"token": "forged"},
        "attendance:sign_me": {"token": "forged"},
        "attendance:certificate": {"token": "forged"},
        "admin:attendance_attendancesheet_trainer": {
            "pk": _object_id("attendance.attendancesheet")
        },
        "admin:attendance_attendancesheet_pdf": {"pk": _object_id("attendance.attendancesheet")},
    }
    posts = {"backoffice:act", "cookies:audience", "set_language", "admin:logout"}
    posts |= {"retention:approval_set", "retention:approve"}
    method = "post" if name in posts else "get"
    if name == "admin:<catch-all>":
        return [("get", "/admin/no-such-page/")]
    if name == "admin:app_list":
        return [("get", reverse(name, kwargs={"app_label": label})) for label in _app_labels()]
    if name == "admin:autocomplete":
        query = "?app_label=training&model_name=enrolment&field_name=trainee&term=a"
        return [("get", reverse(name) + query)]
    if name == "admin:view_on_site":
        from django.contrib.contenttypes.models import ContentType

        from training.models import Session

        content_type = ContentType.objects.get_for_model(Session)
        return [("get", reverse(name, args=[content_type.pk, session_pk]))]
    if name in simple:
        return [(method, reverse(name, kwargs=simple[name]))]
    entry = _admin_entry(name)
    if entry and name.endswith(("_change", "_history", "_delete")):
        return [(method, reverse(name, args=[_object_id(entry[0])]))]
    if name == "admin:auth_user_password_change":
        return [(method, reverse(name, args=[_object_id("auth.user")]))]
    if name.startswith("admin:otp_totp_totpdevice_") and name.endswith(("config", "qrcode")):
        return [(method, reverse(name, args=[_object_id("otp_totp.totpdevice")]))]
    urls = [(method, reverse(name))]
    if name in ("backoffice:audit", "backoffice:processing_record"):
        urls.append(("get", reverse(name) + "?format=csv"))
    return urls


def _app_labels() -> list[str]:
    return sorted({model._meta.app_label for model in admin.site._registry})


def _app_list_allowed(label: str) -> frozenset:
    """The admin shows an app's page to whoever may see one of its models."""
    return frozenset().union(
        *(
            access["view"] | access["add"]
            for name, access in MODELS.items()
            if name.startswith(f"{label}.")
        )
    )


def _denied(response) -> bool:
    """Refused, not found, or sent to sign in (after following any other redirect)."""
    if response.status_code in (401, 403, 404):
        return True
    return any("/admin/login/" in url for url, _ in getattr(response, "redirect_chain", []))


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _sensitive(response) -> bool:
    body = b"".join(response) if response.streaming else response.content
    text = body.decode("utf-8", errors="replace")
    return ALLERGY in text or DISABILITY in text


@pytest.mark.policy("S5")
@pytest.mark.policy("S3")
def test_each_role_opens_exactly_the_pages_of_the_matrix(site):
    names = sorted(set(_walk(get_resolver())))
    wrong, leaks, errors, served = [], [], [], 0
    for role in ROLES:
        user = site["users"][role]
        client = _client(user)
        for name in names:
            for method, url in _urls(name, site):
                if name == "admin:logout":
                    response = _client(user).post(url, follow=True)
                else:
                    response = getattr(client, method)(url, follow=True)
                served += 1
                if response.status_code >= 500:
                    errors.append(f"{role} {method.upper()} {url}: {response.status_code}")
                    continue
                if name == "admin:app_list":
                    label = re.match(r"/admin/([^/]+)/", url).group(1)
                    expected = _app_list_allowed(label)
                else:
                    expected = _expected(name)
                allowed = not _denied(response)
                if allowed != (role in expected):
                    wrong.append(f"{role} {method.upper()} {url}: {response.status_code}")
                if role not in SENSITIVE_READERS and _sensitive(response):
                    leaks.append(f"{role} {method.upper()} {url}")
    assert not errors, f"server errors: {errors}"
    assert not leaks, f"sensitive values shown to a role without the permission: {leaks}"
    assert not wrong, "answers other than the matrix says:\n" + "\n".join(wrong)
    # Every pattern was opened by every role.
    assert served >= len(names) * len(ROLES)


def test_a_reader_of_sensitive_needs_sees_them_where_the_matrix_says(site):
    """The sentinel check above can fail: the values are on the pages of those allowed."""
    needs = SensitiveNeeds.objects.get(enrolment=site["enrolment"])
    url = reverse("admin:training_sensitiveneeds_change", args=[needs.pk])
    for role in (LOGISTIQUE, SUPERUSER):
        assert _sensitive(_client(site["users"][role]).get(url)), role
    assert not _sensitive(_client(site["users"][FORMATION]).get(url))

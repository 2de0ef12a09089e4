"""Pages and files holding personal data stay out of caches and out of other accounts'
reach: every back-office page, CSV, self-service page, registration form and export
download says `Cache-Control: no-store`, and the access archive is readable by its
owner only."""

import os
import stat

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from consent.tokens import email_token_make, self_service_token_make
from dpo_requests.emails import DOWNLOAD_USE
from dpo_requests.models import Request
from retention.models import ManualRun, PendingDeletion
from tests.dpo.conftest import act, submit_and_verify

pytestmark = [
    pytest.mark.policy("Y2"),
    pytest.mark.django_db,
    pytest.mark.usefixtures("_run_on_commit"),
]

# The URL areas that show someone's personal data, by the start of their route.
PRIVATE_AREAS = (
    "backoffice/",
    "my-data/",
    "privacy/requests/download/",
    "sessions/<int:pk>/register/",
)


def _routes(patterns=None, prefix=""):
    """Every URL pattern of the project, as its full route and name."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.name


def _private_routes() -> list[str]:
    return sorted({route for route, _name in _routes() if route.startswith(PRIVATE_AREAS)})


@pytest.fixture
def answered(client, dpo, eve, settings):
    """Eve asked for her data; the DPO built the archive, checked it, sent its link."""
    dsr = submit_and_verify(client, kind="access", email="eve@example.org")
    client.force_login(dpo)
    act(client, dsr, "export", identity_checked="on")
    act(client, dsr, "send")
    dsr.refresh_from_db()
    return dsr


def _sample_urls(dsr: Request, session_id: int) -> dict[str, list[str]]:
    """One or more concrete URLs for each private route (an unknown route fails)."""
    download = email_token_make(email=f"{dsr.pk}:{dsr.email}", use=DOWNLOAD_USE)
    manage = self_service_token_make(email=dsr.email)
    now = timezone.now()
    run = ManualRun.objects.create(requested_at=now)
    waiting = PendingDeletion.objects.create(rule="outbox", since=now, keys=[], count=0)
    return {
        "backoffice/": [reverse("backoffice:dashboard")],
        "backoffice/requests/": [reverse("backoffice:queue")],
        "backoffice/requests/<int:pk>/": [reverse("backoffice:request", args=[dsr.pk])],
        "backoffice/requests/<int:pk>/act/": [reverse("backoffice:act", args=[dsr.pk])],
        "backoffice/requests/<int:pk>/archive/": [reverse("backoffice:archive", args=[dsr.pk])],
        "backoffice/audit/": [
            reverse("backoffice:audit"),
            reverse("backoffice:audit") + "?format=csv",
        ],
        "backoffice/record-of-processing/": [
            reverse("backoffice:processing_record"),
            reverse("backoffice:processing_record") + "?format=csv",
        ],
        "backoffice/emails/": [reverse("backoffice:emails")],
        "backoffice/retention/": [reverse("retention:overview")],
        "backoffice/retention/run/": [reverse("retention:run")],
        "backoffice/retention/run/<int:pk>/": [reverse("retention:run_status", args=[run.pk])],
        "backoffice/retention/approvals/": [reverse("retention:approvals")],
        "backoffice/retention/approvals/rule/": [reverse("retention:approval_set")],
        "backoffice/retention/approvals/<int:pk>/": [
            reverse("retention:pending", args=[waiting.pk])
        ],
        "backoffice/retention/approvals/<int:pk>/approve/": [
            reverse("retention:approve", args=[waiting.pk])
        ],
        "my-data/new-link/": [reverse("consent:request")],
        "my-data/<str:token>/": [reverse("consent:manage", args=[manage])],
        "privacy/requests/download/<str:token>/": [
            reverse("dpo_requests:download", args=[download]),
            reverse("dpo_requests:download", args=["forged"]),
        ],
        "sessions/<int:pk>/register/": [reverse("training:registration_form", args=[session_id])],
        "sessions/<int:pk>/register/done/": [
            reverse("training:registration_submitted", args=[session_id])
        ],
    }


def _assert_no_store(response, url):
    assert "no-store" in response.get("Cache-Control", ""), f"{url} may be cached"


def test_every_page_of_the_private_areas_says_no_store(client, answered, session):
    samples = _sample_urls(answered, session.pk)
    routes = _private_routes()

    unknown = [route for route in routes if route not in samples]
    assert not unknown, f"give these new private routes a sample URL here: {unknown}"
    for route in routes:
        for url in samples[route]:
            _assert_no_store(client.get(url), url)
            _assert_no_store(client.post(url, {}), url)


def test_a_registration_form_sent_back_with_its_errors_is_not_cached(client, session):
    response = client.post(
        reverse("training:registration_form", args=[session.pk]),
        {"food_allergies": "Arachides", "email": "not-an-address"},
    )

    assert "Arachides" in response.content.decode()
    _assert_no_store(response, "register (with errors)")


def test_every_admin_page_says_no_store(client, answered):
    root = User.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(root)
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        first = model_admin.get_queryset(client.get(urls[0]).wsgi_request).first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))

    for url in urls:
        _assert_no_store(client.get(url), url)
    client.logout()
    _assert_no_store(client.get(reverse("admin:login")), "admin login")


@pytest.fixture
def usual_umask():
    """The umask most servers run with, which left the archive readable by everyone."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_the_access_archive_and_its_folder_are_readable_by_their_owner_only(
    usual_umask, answered, settings
):
    folder = settings.PRIVATE_FILES_ROOT / "exports"

    assert stat.S_IMODE((folder / answered.export_file).stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(settings.PRIVATE_FILES_ROOT.stat().st_mode) == 0o700

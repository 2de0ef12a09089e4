"""An archive a killed build left unfinished (named after its request, never recorded)
goes with the request's next build, its erasure, or its expiry: health data is not left
on disk with nothing pointing at it."""

import datetime

import pytest
from django.utils import timezone

from dpo_requests.archives import export_build
from dpo_requests.exports import exports_delete, exports_folder
from dpo_requests.models import Request
from dpo_requests.purges import purge_request_exports

pytestmark = pytest.mark.django_db


@pytest.fixture
def private(tmp_path, settings):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return exports_folder()


def _request(email="ana@example.org") -> Request:
    return Request.objects.create(
        kind="access", email=email, language="fr", channel="web",
        status="open", received_at=timezone.now(), export_requested_at=timezone.now(),
    )  # fmt: skip


def test_the_next_build_removes_what_a_killed_one_left(private, django_capture_on_commit_callbacks):
    request = _request()
    (private / f"{request.pk}-unfinished.zip").write_bytes(b"PK")
    other = private / f"{request.pk + 1}-someone-else.zip"
    other.write_bytes(b"PK")

    with django_capture_on_commit_callbacks(execute=True):
        name = export_build(request_id=request.pk, now=timezone.now())

    assert sorted(p.name for p in private.iterdir()) == sorted([name, other.name])


def test_a_second_build_of_an_answered_request_builds_nothing(private):
    request = _request()
    name = export_build(request_id=request.pk, now=timezone.now())
    assert export_build(request_id=request.pk, now=timezone.now()) == name
    assert [p.name for p in private.iterdir()] == [name]


def test_an_erasure_and_the_expiry_remove_unfinished_archives_too(private):
    erased, expired = _request(), _request(email="bea@example.org")
    (private / f"{erased.pk}-unfinished.zip").write_bytes(b"PK")
    exports_delete(email="ana@example.org")
    assert not any(private.iterdir())

    (private / f"{expired.pk}-unfinished.zip").write_bytes(b"PK")
    Request.objects.filter(pk=expired.pk).update(
        export_file=f"{expired.pk}-offered.zip",
        export_expires_at=timezone.now() - datetime.timedelta(days=1),
    )
    purge_request_exports(ids=[expired.pk], now=timezone.now())
    assert not any(private.iterdir())

"""The public pages read the catalogue from the cache and from cached fragments (issue
14): what a visitor sees changes as soon as a registration, an enrolment or a change
of the session commits, and the pages answer when the cache is down. A registration
and an address lookup stay cheap whatever the data size: few statements, and indexes."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import ClientContact
from lms.models import LmsAccess
from tests.factories import EnrolmentFactory, TraineeFactory
from trainees.models import Trainee
from training.services import session_save

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def seats_on_the_pages(client, session) -> tuple[int, int]:
    """The seats left that the catalogue and the session's page show."""
    catalogue = client.get("/", **EN).content.decode()
    row = re.search(rf'sessions/{session.pk}/".*?</tr>', catalogue, re.S).group(0)
    listed = int(re.findall(r"<td[^>]*>(\d+)</td>", row)[-1])
    page = client.get(reverse("training:session_detail", args=[session.pk]), **EN)
    shown = re.search(r"<dt>Seats left</dt><dd>(\d+)</dd>", page.content.decode())
    return listed, int(shown.group(1))


def test_a_registration_takes_its_seat_on_the_pages_once_it_commits(
    client, session, register, form_data
):
    assert seats_on_the_pages(client, session) == (12, 12)

    register(session, form_data)

    assert seats_on_the_pages(client, session) == (11, 11)


def test_an_enrolment_and_a_new_capacity_show_at_once(
    client, session, django_capture_on_commit_callbacks
):
    assert seats_on_the_pages(client, session) == (12, 12)

    with django_capture_on_commit_callbacks(execute=True):
        EnrolmentFactory(session=session)
    assert seats_on_the_pages(client, session) == (11, 11)

    session.capacity = 20
    with django_capture_on_commit_callbacks(execute=True):
        session_save(session=session)
    assert seats_on_the_pages(client, session) == (19, 19)


def test_the_pages_answer_with_their_seats_while_the_cache_is_down(client, session, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    EnrolmentFactory(session=session)

    assert seats_on_the_pages(client, session) == (11, 11)
    assert client.get(reverse("consent:privacy"), **EN).status_code == 200


def _statements(queries) -> list[str]:
    # Savepoints come from the test's own transaction around each atomic block.
    return [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]


@pytest.mark.parametrize("already_enrolled", [False, True])
def test_a_registration_runs_five_statements(client, session, form_data, already_enrolled):
    if already_enrolled:
        EnrolmentFactory(session=session, trainee=TraineeFactory(email="alice.lambert@example.org"))
    form = reverse("training:registration_form", args=[session.pk])

    # What the request itself runs (the email leaves after the commit, from a worker).
    with CaptureQueriesContext(connection) as queries:
        assert client.post(form, form_data).status_code == 302

    # The session; the session locked; the seats and where the address stands; the
    # hold; the email in the outbox.
    statements = _statements(queries.captured_queries)
    assert len(statements) == 5, statements


@pytest.mark.parametrize(
    ("queryset", "index"),
    [
        (Trainee.objects.filter(email__lower="alice@example.org"), "trainee_email_unique_ci"),
        (
            ClientContact.objects.filter(email__lower="alice@example.org"),
            "clientcontact_email_lower",
        ),
        (LmsAccess.objects.filter(email__lower="alice@example.org"), "lmsaccess_email_lower"),
    ],
)
def test_an_address_is_found_through_an_index(db, require_postgres, queryset, index):
    with connection.cursor() as cursor:
        # On a near-empty table the planner would rightly scan it: forbid that, so the
        # plan shows whether an index can answer at all (UPPER(email) = UPPER(%s) cannot).
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
        upper = queryset.model.objects.filter(email__iexact="alice@example.org").explain()

    assert index in plan
    assert index not in upper

"""The database unreachable (PostgreSQL restarting): every page answers 503 in the
visitor's language, with Retry-After, and never the 500 page. The outage is real: the
connection points at a port nobody listens on (tests/outages.py)."""

import pytest
from django.contrib.auth.models import User
from django.test import Client, RequestFactory

from config.views import RETRY_AFTER_SECONDS, server_error
from tests.outages import database_down

FRENCH = "Service momentanément indisponible"
ENGLISH = "Service temporarily unavailable"


@pytest.fixture
def visitor():
    """A browser that gets the error page instead of the test's exception."""
    return Client(raise_request_exception=False)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("accept_language", "expected", "other"), [("fr", FRENCH, ENGLISH), ("en", ENGLISH, FRENCH)]
)
def test_the_catalogue_answers_503_in_the_visitors_language(
    visitor, accept_language, expected, other
):
    with database_down():
        response = visitor.get("/", HTTP_ACCEPT_LANGUAGE=accept_language)

    assert response.status_code == 503
    body = response.content.decode()
    assert expected in body and other not in body
    assert f'lang="{accept_language}"' in body
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Cache-Control"] == "no-store"
    # The site's own page (header, footer, language switch), not the plain fallback:
    # rendering it needed no database.
    assert 'class="site-header"' in body and 'class="site-footer"' in body


@pytest.mark.django_db(transaction=True)
def test_a_registration_sent_during_the_outage_answers_503(visitor):
    with database_down():
        response = visitor.post(
            "/sessions/1/register/", {"email": "ines@example.org"}, HTTP_ACCEPT_LANGUAGE="fr"
        )

    assert response.status_code == 503
    assert FRENCH in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_staff_session_read_by_middleware_answers_503(visitor):
    """The session and the signed-in user are loaded by middleware, before any view."""
    staff = User.objects.create_user("dora", "dora@example.org", "pw-dora", is_staff=True)
    visitor.force_login(staff)

    with database_down():
        response = visitor.get("/admin/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 503
    assert ENGLISH in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_once_the_database_is_back_pages_answer_again(visitor):
    with database_down():
        assert visitor.get("/").status_code == 503

    assert visitor.get("/").status_code == 200


def test_any_other_error_is_still_the_500_page():
    request = RequestFactory().get("/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)

    assert response.status_code == 500
    assert "Retry-After" not in response

"""Every public page says what it is (a meta description), has a favicon that exists, and
links that say where they go."""

import re

import pytest
from django.contrib.staticfiles import finders

from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_public_page_has_a_description_and_a_favicon_that_exists(client, language):
    session = SessionFactory(location="Lyon")
    descriptions = set()
    for path in ("/", f"/sessions/{session.pk}/", "/privacy/", "/privacy/requests/new/"):
        html = client.get(path, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        description = re.search(r'<meta name="description" content="([^"]+)">', html)
        assert description and len(description.group(1)) > 40, path
        descriptions.add(description.group(1))
        icon = re.search(r'<link rel="icon" href="/static/([^"]+)"', html).group(1)
        assert finders.find(icon), icon  # collected with the other static files
    assert len(descriptions) >= 3  # the catalogue, a session and the policy say their own


def test_the_banner_link_says_where_it_goes(client):
    french = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert ">En savoir plus sur les cookies</a>" in french
    assert ">Learn more about cookies</a>" in english


def test_archived_training_records_state_both_their_legal_bases(client, admin_client):
    from core.schedule import BY_NAME

    basis = str(BY_NAME["training-records"].legal_basis)
    privacy = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    record = admin_client.get(
        "/backoffice/record-of-processing/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "legal obligation" in basis and "legitimate interest" in basis
    assert "Obligation légale (articles L.6353-1 et L.6362-5 du code du travail)" in privacy
    assert "Intérêt légitime (article 2224 du code civil)" in privacy
    assert "Once archived: legal obligation for what the agreements and contracts state" in record

"""The DPO's back-office says whose it is and who is signed in, lets them sign out, and
links both ways with the admin."""

import pytest

from tests.conftest import _staff

pytestmark = pytest.mark.django_db
PAGES = ["/backoffice/", "/backoffice/requests/", "/backoffice/audit/", "/backoffice/retention/"]


@pytest.mark.parametrize("path", PAGES)
def test_each_back_office_page_names_the_organisation_the_user_and_signs_out(client, dpo, path):
    client.force_login(dpo)

    html = client.get(path, HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Django" not in html
    assert "Formations Démo · Espace DPO" in html
    assert "| Formations Démo</title>" in html
    assert "<strong>dana</strong>" in html
    assert 'action="/admin/logout/"' in html and 'id="logout-form"' in html
    assert 'href="/admin/"' in html


def test_the_admin_leads_the_dpo_to_the_back_office_and_no_one_else(client, dpo):
    client.force_login(dpo)
    assert 'href="/backoffice/"' in client.get("/admin/").content.decode()

    client.force_login(_staff("albert", "Équipe formation"))
    assert 'href="/backoffice/"' not in client.get("/admin/").content.decode()

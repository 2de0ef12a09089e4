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


def test_no_raw_code_where_the_dpo_reads(client, dpo):
    from consent.services import consent_record
    from core.audit import audit_record
    from core.models import AuditEntry

    audit_record(
        actor=dpo, action="records_viewed", object_type="dpo_requests.request", object_id=7
    )
    audit_record(
        actor=dpo, action="erasure_counts", object_type="dpo_requests.request", object_id=7
    )
    consent_record(
        email="zoe@example.org",
        purpose="allergy_data",
        action="given",
        channel="registration_form",
        at=AuditEntry.objects.first().at,
    )
    client.force_login(dpo)

    audit = client.get("/backoffice/audit/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    dashboard = client.get("/backoffice/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Données d&#x27;une personne consultées" in audit
    assert "Effacement : décompte de ce qui a été supprimé" in audit
    assert ">records_viewed<" not in audit and ">erasure_counts<" not in audit
    assert "Demande d&#x27;exercice de droits #7" in audit
    assert "dpo_requests.request" not in audit.split("<tbody>")[1]
    assert '<th scope="col">Objet</th>' in audit and "M&#x27;y opposer" not in audit
    assert "allergy_data" not in dashboard and ">given<" not in dashboard
    assert "Période" in dashboard and "<code>sensitive-needs</code>" not in dashboard


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_chart_legend_wraps_and_shows_every_kind_of_request(language):
    from django.utils import translation

    from dpo_requests.charts import Chart, stacked_bars
    from dpo_requests.models import Request

    with translation.override(language):
        chart = Chart("t", ["01/26"], [(str(label), [1]) for _kind, label in Request.Kind.choices])
        plot = stacked_bars(chart)

    assert [item.name for item in plot.legend] == [name for name, _values in chart.series]
    for item in plot.legend:
        assert item.text_x + 7 * len(item.name) <= plot.width  # inside the picture
        assert item.y + 10 <= plot.view_height
    assert len({item.y for item in plot.legend}) >= 2  # six kinds take more than one row


def test_the_record_states_security_and_recipients_as_the_privacy_page_does(client, dpo):
    from core.recipients import CATEGORIES, SECURITY_MEASURES

    client.force_login(dpo)
    record = client.get("/backoffice/record-of-processing/", HTTP_ACCEPT_LANGUAGE="en")
    privacy = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    html = record.content.decode()

    security = str(SECURITY_MEASURES)
    assert f"<strong>Security measures</strong>: {security}" in html.replace("&#x27;", "'")
    assert security in privacy.replace("&#x27;", "'")
    for text in CATEGORIES.values():
        assert str(text) in html.replace("&#x27;", "'")
        assert str(text) in privacy.replace("&#x27;", "'")
    assert "<dd>—</dd>" not in html

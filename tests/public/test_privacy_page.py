"""The privacy policy page: who we are, what we do with data, and how to exercise rights."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.mark.policy("R3")
@pytest.mark.policy("G8")
def test_it_shows_the_controller_and_dpo_from_settings(client, settings):
    settings.ORGANISATION = {
        **settings.ORGANISATION,
        "name": "Formaplus",
        "legal_form": "SA",
        "capital": "5 805 450 €",
        "registry_number": "RCS Nanterre B 552 024 671",
        "address": "19 rue René Jacques, 92130 Issy-les-Moulineaux",
        "dpo_email": "dpo@formaplus.example",
    }

    html = client.get(reverse("consent:privacy")).content.decode()

    for fact in (
        "Formaplus",
        "SA",
        "5 805 450 €",
        "RCS Nanterre B 552 024 671",
        "19 rue René Jacques",
        "dpo@formaplus.example",
        "CNIL",
    ):
        assert fact in html


@pytest.mark.policy("G8")
@pytest.mark.parametrize(
    "language, complaint",
    [
        ("fr", "introduire une réclamation auprès de l'autorité de contrôle"),
        ("en", "lodge a complaint with the supervisory authority"),
    ],
)
def test_the_rights_section_says_where_to_complain_in_both_languages(
    client, settings, language, complaint
):
    settings.ORGANISATION = {**settings.ORGANISATION, "supervisory_authority": "CNIL (cnil.fr)"}

    html = client.get(reverse("consent:privacy"), HTTP_ACCEPT_LANGUAGE=language).content.decode()

    rights = html[html.index('id="rights"') : html.index('id="cookies"')]
    assert complaint in rights
    assert "CNIL (cnil.fr)" in rights
    assert settings.ORGANISATION["dpo_email"] in rights


def test_it_covers_every_part_of_the_policy_with_a_version_and_date(client):
    html = client.get(reverse("consent:privacy"), **EN).content.decode()

    for heading in (
        "Who processes your data",
        "Our role: controller or processor",
        "The data we collect",
        "Why, and on what legal basis",
        "Who receives your data",
        "How long we keep it",
        "Your rights",
        "Cookies",
    ):
        assert heading in html
    assert "Version 1.0 of 26 November 2026" in html


@pytest.mark.policy("F1")
def test_french_is_the_default_and_english_follows_the_browser(client):
    french = client.get(reverse("consent:privacy")).content.decode()
    english = client.get(reverse("consent:privacy"), **EN).content.decode()

    assert '<html lang="fr">' in french and "Qui traite vos données" in french
    assert '<html lang="en">' in english and "Who processes your data" in english
    assert "la version française prévaut" in french
    assert "the French version prevails" in english


@pytest.mark.policy("F1")
def test_the_language_switcher_changes_the_language(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)

    assert "Upcoming sessions" in response.content.decode()


@pytest.mark.parametrize("path", ["/", "/privacy/", "/sessions/999/"])
def test_every_public_page_links_to_the_policy_in_its_footer(client, path):
    html = client.get(path).content.decode()

    footer = html[html.index("<footer") :]
    assert f'href="{reverse("consent:privacy")}"' in footer


def test_public_pages_make_no_third_party_request(client, session):
    for path in (
        "/",
        reverse("training:session_detail", args=[session.pk]),
        reverse("training:registration_form", args=[session.pk]),
        reverse("consent:privacy"),
    ):
        html = client.get(path).content.decode()
        sources = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert sources
        external = [s for s in sources if re.match(r"(https?:)?//", s) and "testserver" not in s]
        assert external == [], external
        assert all(s.startswith("/static/") for s in re.findall(r'<script src="([^"]+)"', html))


@pytest.mark.policy("S4")
@pytest.mark.parametrize("language, logistics", [("fr", "logistique"), ("en", "logistics")])
def test_the_policy_names_everyone_who_can_see_sensitive_data(client, language, logistics):
    from django.contrib.auth.models import Group

    viewers = Group.objects.filter(permissions__codename="view_sensitiveneeds")
    assert set(viewers.values_list("name", flat=True)) == {
        "Accès données sensibles (logistique)",
        "DPO",
    }

    html = client.get(reverse("consent:privacy"), HTTP_ACCEPT_LANGUAGE=language).content.decode()

    data = html[html.index('id="data"') : html.index('id="purposes"')]
    sensitive = next(item for item in data.split("<li>") if "D.5211-3" in item)
    assert logistics in sensitive and "DPO" in sensitive


@pytest.mark.policy("G3")
@pytest.mark.parametrize(
    "language, backups", [("fr", "Sauvegardes de toute la base"), ("en", "Backups of the whole")]
)
def test_the_retention_table_says_how_long_backups_keep_erased_people(
    client, settings, language, backups
):
    settings.BACKUP_KEEP = 9

    html = client.get(reverse("consent:privacy"), HTTP_ACCEPT_LANGUAGE=language).content.decode()

    retention = html[html.index('id="retention"') : html.index('id="security"')]
    row = retention[retention.index(backups) :].split("</tr>")[0]
    assert "9" in row


@pytest.mark.policy("K1")
@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_archive_row_names_what_archiving_empties(client, language):
    from django.utils import translation

    from trainees.models import Trainee
    from trainees.services import TRAINING_EVIDENCE_CLEARS

    html = client.get(reverse("consent:privacy"), HTTP_ACCEPT_LANGUAGE=language).content.decode()

    purposes = html[html.index('id="purposes"') : html.index('id="recipients"')]
    row = next(tr for tr in purposes.split("<tr>") if "2224" in tr)
    with translation.override(language):
        for field in TRAINING_EVIDENCE_CLEARS:
            assert str(Trainee._meta.get_field(field).verbose_name) in row, field


@pytest.mark.policy("K6")
@pytest.mark.parametrize(
    "language, says",
    [
        ("fr", "elles attendent alors 4 jours au plus, et jamais pour les données d'allergie"),
        (
            "en",
            "they then wait 4 days at most, and never for allergy and disability data, prospecting data",
        ),
    ],
)
def test_the_retention_table_says_how_long_a_reviewed_deletion_may_wait(
    client, settings, language, says
):
    settings.RETENTION_APPROVAL_DAYS = 4

    html = client.get(reverse("consent:privacy"), HTTP_ACCEPT_LANGUAGE=language).content
    text = re.sub(r"\s+", " ", html.decode()).replace("&#x27;", "'")

    assert says in text

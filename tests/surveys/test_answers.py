"""The public survey form: one answer per link, stored under the session only; bad input
is refused with a clear message in the visitor's language, never a 500, nothing stored."""

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.models import SurveyAnswer, SurveyInvitation
from tests.surveys.conftest import GOOD

pytestmark = pytest.mark.django_db


def test_the_form_is_shown_in_the_visitors_language(client, zoe_link):
    response = client.get(zoe_link, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Votre avis sur la formation" in page
    assert "Recommanderiez-vous cette formation ?" in page


def test_an_answer_is_stored_under_the_session_and_the_invitation_says_answered(
    client, zoe, zoe_link
):
    response = client.post(zoe_link, GOOD, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "Thank you for your answers" in response.content.decode()
    answer = SurveyAnswer.objects.get()
    assert (answer.session_id, answer.overall, answer.objectives_met) == (zoe.session_id, 5, 4)
    assert answer.would_recommend is True and answer.comment == "Très concret."
    assert SurveyInvitation.objects.get().answered_on == timezone.localdate()


def test_answering_twice_is_refused(client, zoe_link):
    client.post(zoe_link, GOOD)

    again = client.post(zoe_link, {**GOOD, "overall": "1"}, HTTP_ACCEPT_LANGUAGE="fr")
    opened = client.get(zoe_link, HTTP_ACCEPT_LANGUAGE="en")

    assert again.status_code == 409
    assert "Vous avez déjà répondu" in again.content.decode()
    assert opened.status_code == 409
    assert "already answered" in opened.content.decode()
    assert SurveyAnswer.objects.get().overall == 5


def test_a_missing_score_is_refused_with_a_clear_message(client, zoe_link):
    response = client.post(zoe_link, {**GOOD, "trainer": "9"}, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 400
    assert "Choisissez une note de 1 à 5." in response.content.decode()
    assert not SurveyAnswer.objects.exists()


def test_a_comment_too_long_is_refused(client, zoe_link):
    response = client.post(zoe_link, {**GOOD, "comment": "x" * 1001}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "at most 1000 characters" in response.content.decode()
    assert not SurveyAnswer.objects.exists()


FIELDS = ["overall", "objectives_met", "trainer", "would_recommend", "comment", "other"]
junk = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["0", "6", "-1", "5.0", "١", "yes", "no", "\x00", "x" * 1001]),
    st.lists(st.text(max_size=5), max_size=3),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.dictionaries(st.sampled_from(FIELDS), junk, max_size=6))
def test_any_input_is_answered_without_a_server_error(client, zoe_link, data):
    response = client.post(zoe_link, data, HTTP_ACCEPT_LANGUAGE="fr")

    stored = SurveyAnswer.objects.exists()
    assert response.status_code in {200, 400}
    if response.status_code == 400:
        assert "Merci de corriger" in response.content.decode()
        assert not stored
    else:  # it happened to be a valid answer: stored once, the link now spent
        assert stored
        SurveyAnswer.objects.all().delete()
        SurveyInvitation.objects.update(answered_on=None)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(token=st.text(min_size=1, max_size=80).filter(lambda t: "/" not in t and "\x00" not in t))
def test_any_token_is_refused_without_a_server_error(client, db, token):
    from urllib.parse import quote

    response = client.post(f"/survey/{quote(token, safe='')}/", GOOD, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code in {404}
    assert not SurveyAnswer.objects.exists()

"""After a session ends, each trainee is asked once, in their language, by a signed link
that expires; whether they answered is theirs to export, the answers are nobody's."""

import datetime

import pytest
import time_machine
from django.core import signing
from django.utils import timezone

from core.holds import hold_place
from core.models import OutboxEmail
from core.providers import providers
from surveys.models import SessionSurvey, SurveyAnswer, SurveyInvitation
from surveys.services import SALT, surveys_invite
from surveys.tasks import invite_to_surveys
from tests.factories import EnrolmentFactory, SessionFactory, TraineeFactory
from tests.surveys.conftest import GOOD

pytestmark = pytest.mark.django_db


@pytest.mark.policy("P1")
def test_it_asks_each_trainee_of_an_ended_session_once_in_their_language(ended, zoe):
    tom = EnrolmentFactory(session=ended, trainee=TraineeFactory(language="en"))
    EnrolmentFactory(session=ended, status="cancelled")
    EnrolmentFactory(session=SessionFactory())  # a session still to come

    assert invite_to_surveys() == 2
    assert invite_to_surveys() == 0  # the next day's run asks nobody again

    french = OutboxEmail.objects.get(email="zoe@example.org")
    english = OutboxEmail.objects.get(email=tom.trainee.email)
    assert "Votre avis sur la formation : Habilitation électrique" in french.subject
    assert "Bonjour Zoé" in french.body and "/survey/" in french.body
    assert "Your opinion of the training" in english.subject
    assert SessionSurvey.objects.get(session=ended).invited == 2
    assert SurveyInvitation.objects.filter(answered_on__isnull=True).count() == 2


def test_it_leaves_a_person_under_a_restriction_alone(ended, zoe):
    hold_place(email="zoe@example.org", kind="restriction", reason="Art. 18", now=timezone.now())

    assert surveys_invite(now=timezone.now()) == 0


def test_a_session_ended_long_ago_is_not_surveyed(zoe):
    zoe.session.end_date = timezone.localdate() - datetime.timedelta(days=30)
    zoe.session.start_date = zoe.session.end_date
    zoe.session.save()

    assert surveys_invite(now=timezone.now()) == 0


def test_the_link_expires_after_survey_link_days(client, zoe_link, settings):
    settings.SURVEY_LINK_DAYS = 30
    later = timezone.now() + datetime.timedelta(days=31)

    with time_machine.travel(later):
        response = client.post(zoe_link, GOOD, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert "not valid, or has expired" in response.content.decode()
    assert not SurveyAnswer.objects.exists()


def test_a_forged_link_is_refused(client, zoe_link):
    forged = signing.dumps(999, salt="another.salt")

    response = client.get(f"/survey/{forged}/", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 404
    assert "Lien invalide ou expiré" in response.content.decode()


def test_the_person_exports_whether_they_answered_and_no_provider_exports_answers(client, zoe_link):
    client.post(zoe_link, GOOD)

    exports = [p.export(email="ZOE@example.org") for p in providers()]
    [surveys] = [e["satisfaction_surveys"] for e in exports if "satisfaction_surveys" in e]
    assert surveys[0]["answered_on"] == timezone.localdate().isoformat()
    assert "Très concret" not in repr(exports)
    assert all(SurveyAnswer not in p.models for p in providers())


def test_an_erasure_deletes_the_invitation_and_keeps_the_anonymous_answer(client, zoe_link):
    client.post(zoe_link, GOOD)
    [provider] = [p for p in providers() if SurveyInvitation in p.models]

    assert provider.erase(email="zoe@example.org", now=timezone.now()) == {"erase": 1}
    assert SurveyAnswer.objects.count() == 1
    # The link no longer stands for anyone.
    assert client.get(zoe_link).status_code == 404


@pytest.mark.policy("P1")
def test_an_answer_holds_nothing_that_points_at_a_person_or_a_moment():
    fields = {field.name for field in SurveyAnswer._meta.get_fields()}

    assert fields == {"id", "session", "overall", "objectives_met", "trainer"} | {
        "would_recommend",
        "comment",
    }
    assert SurveyAnswer._meta.pk.get_internal_type() == "UUIDField"
    assert SALT == "surveys.answer"

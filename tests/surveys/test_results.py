"""Staff see a session's or a course's results from 5 answers, with the response rate;
the invitations go once their link has expired, the answers after the Qualiopi cycle."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.purge import rule_apply
from core.schedule import BY_NAME
from surveys.models import SessionSurvey, SurveyAnswer, SurveyInvitation
from surveys.services import surveys_invite
from tests.factories import EnrolmentFactory, TraineeFactory

pytestmark = pytest.mark.django_db


def _get(client, name, *args, language="en"):
    return client.get(reverse(name, args=args), HTTP_ACCEPT_LANGUAGE=language).content.decode()


def _answers(session, scores, comment=""):
    for n, score in enumerate(scores):
        SurveyAnswer.objects.create(
            session=session,
            overall=score,
            objectives_met=score,
            trainer=score,
            would_recommend=score >= 4,
            comment=f"{comment} {n}" if comment else "",
        )


@pytest.fixture
def surveyed(ended):
    SessionSurvey.objects.create(session=ended, invited=8, first_sent_on=timezone.localdate())
    return ended


def test_below_five_answers_nothing_but_the_counts_is_shown(client, alice, surveyed):
    _answers(surveyed, [1, 5, 5, 4], comment="Trop long")
    client.force_login(alice)

    page = _get(client, "surveys:session_results", surveyed.pk)

    assert "Not enough answers to show without identifying anyone" in page
    assert "4 answers from 8 people asked" in page and "response rate 50 %" in page
    assert "Trop long" not in page


def test_from_five_answers_averages_distribution_and_comments_are_shown(client, alice, surveyed):
    _answers(surveyed, [1, 5, 5, 4, 5], comment="Clair")
    client.force_login(alice)

    page = _get(client, "surveys:session_results", surveyed.pk)

    assert "4.0" in page  # (1 + 5 + 5 + 4 + 5) / 5
    assert "Would recommend the training: 4 of 5." in page
    assert "Clair 0" in page and "Clair 4" in page
    assert "response rate 62 %" in page


def test_a_course_adds_up_its_sessions(client, alice, surveyed):
    _answers(surveyed, [3, 3, 3, 3, 3])
    client.force_login(alice)

    course = _get(client, "surveys:course_results", surveyed.course_id)
    overview = _get(client, "surveys:results")

    assert "5 answers from 8 people asked" in course
    assert "Habilitation électrique" in overview


def test_staff_without_the_permission_are_refused(client, charlie, surveyed):
    client.force_login(charlie)

    assert client.get(reverse("surveys:results")).status_code == 403
    assert client.get(reverse("surveys:session_results", args=[surveyed.pk])).status_code == 403


def test_french_staff_read_the_results_in_french(client, alice, surveyed):
    client.force_login(alice)

    page = _get(client, "surveys:session_results", surveyed.pk, language="fr")

    assert "Pas assez de réponses pour les afficher sans identifier personne" in page


def test_invitations_go_once_their_link_has_expired(settings, zoe):
    settings.SURVEY_LINK_DAYS = 30
    surveys_invite(now=timezone.now())
    rule = BY_NAME["survey-invitations"]

    assert rule_apply(rule, now=timezone.now() + datetime.timedelta(days=29)).affected == 0
    assert rule_apply(rule, now=timezone.now() + datetime.timedelta(days=31)).affected == 1
    assert not SurveyInvitation.objects.exists()
    assert SessionSurvey.objects.get().invited == 1  # the response rate outlives them


def test_answers_go_after_the_certification_cycle(surveyed):
    _answers(surveyed, [4])
    three_years = surveyed.end_date + datetime.timedelta(days=3 * 366)
    rule = BY_NAME["survey-answers"]
    now = timezone.make_aware(datetime.datetime.combine(three_years, datetime.time(3)))

    assert rule_apply(rule, now=now - datetime.timedelta(days=5)).affected == 0
    assert rule_apply(rule, now=now).affected == 1
    assert not SurveyAnswer.objects.exists()


def test_a_held_persons_invitation_is_kept(zoe):
    from core.holds import hold_place

    surveys_invite(now=timezone.now())
    hold_place(email="zoe@example.org", kind="legal_hold", reason="Litige", now=timezone.now())
    EnrolmentFactory(session=zoe.session, trainee=TraineeFactory())

    later = timezone.now() + datetime.timedelta(days=60)
    assert rule_apply(BY_NAME["survey-invitations"], now=later).held == 1

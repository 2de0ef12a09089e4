"""What the retention schedule (core/schedule.py) applies to surveys."""

import datetime

from django.conf import settings
from django.utils import timezone

from core.periods import years_before
from surveys.models import SurveyAnswer, SurveyInvitation
from surveys.services import INVITE_WINDOW_DAYS


def survey_invitations_due(*, now: datetime.datetime):
    """Invitations whose link no longer works (and whose session is past the invitation
    window, so nobody is asked twice)."""
    days = max(settings.SURVEY_LINK_DAYS, INVITE_WINDOW_DAYS)
    return SurveyInvitation.objects.filter(invited_at__lt=now - datetime.timedelta(days=days))


def purge_survey_invitations(*, ids, now: datetime.datetime) -> int:
    """Whether a person was asked and answered serves only to refuse a second answer:
    once the link has expired it is deleted (the session keeps how many were asked)."""
    return SurveyInvitation.objects.filter(pk__any_of=ids).delete()[0]


def survey_answers_due(*, now: datetime.datetime):
    """Answers about sessions that ended more than SURVEY_ANSWERS_YEARS ago."""
    cutoff = years_before(timezone.localdate(now), settings.RETENTION["SURVEY_ANSWERS_YEARS"])
    return SurveyAnswer.objects.filter(session__end_date__lt=cutoff)


def purge_survey_answers(*, ids, now: datetime.datetime) -> int:
    """Answers name nobody, but a comment may: they are kept for one Qualiopi
    certification cycle (3 years, the evidence of the quality indicators an auditor
    checks), then deleted."""
    return SurveyAnswer.objects.filter(pk__in=list(ids)).delete()[0]

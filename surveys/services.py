"""Satisfaction surveys: ask each trainee of a session that ended, once, by email; record
an answer that names nobody, once per invitation."""

import datetime

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.holds import holds_active
from core.outbox import email_enqueue
from surveys.emails import survey_invitation_message
from surveys.models import SessionSurvey, SurveyAnswer, SurveyInvitation
from training.selectors import enrolments_of_sessions_ended

# A session that ended up to a week ago is still asked about: a day beat missed (an
# outage, a deploy) is caught up, and nobody is asked about a training long past.
INVITE_WINDOW_DAYS = 7
SALT = "surveys.answer"


class SurveyRefused(Exception):
    """The link is not valid (forged, expired, its invitation gone), or was used."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def survey_token_make(*, invitation_id: int) -> str:
    """The signed link's token; it expires after settings.SURVEY_LINK_DAYS."""
    return signing.dumps(invitation_id, salt=SALT, compress=True)


def _invitation_id(token: str) -> int:
    try:
        value = signing.loads(token, salt=SALT, max_age=settings.SURVEY_LINK_DAYS * 86400)
    except signing.BadSignature as error:  # SignatureExpired included
        raise SurveyRefused("invalid") from error
    if not isinstance(value, int):
        raise SurveyRefused("invalid")
    return value


def survey_invitation_from_token(*, token: str) -> SurveyInvitation:
    """The invitation a link stands for, if it may still be answered."""
    invitation = SurveyInvitation.objects.filter(pk=_invitation_id(token)).first()
    if invitation is None:
        raise SurveyRefused("invalid")
    if invitation.answered_on is not None:
        raise SurveyRefused("answered")
    return invitation


@transaction.atomic
def surveys_invite(*, now: datetime.datetime) -> int:
    """Ask every trainee (not cancelled, not under a restriction) of the sessions that
    ended in the last week, once each, in their language, through the outbox."""
    today = timezone.localdate(now)
    enrolments = enrolments_of_sessions_ended(
        ended_from=today - datetime.timedelta(days=INVITE_WINDOW_DAYS),
        ended_until=today - datetime.timedelta(days=1),
    )
    return _invite(enrolments, now)


@transaction.atomic
def session_survey_invite(*, session_id: int, now: datetime.datetime) -> int:
    """Ask the trainees of one session that ended (by its date or by hand) now."""
    today = timezone.localdate(now)
    enrolments = enrolments_of_sessions_ended(ended_from=datetime.date.min, ended_until=today)
    return _invite(enrolments.filter(session_id=session_id), now)


def _invite(enrolments, now) -> int:
    today = timezone.localdate(now)
    # Art. 18: a restricted person's data is only stored, not used to write to them.
    restricted = holds_active(today=today).filter(kind="restriction").values("email")
    enrolments = enrolments.exclude(trainee__email__in=restricted).exclude(
        pk__in=SurveyInvitation.objects.values("enrolment_id")
    )
    sent = 0
    for enrolment in enrolments:
        invitation = SurveyInvitation.objects.create(enrolment=enrolment, invited_at=now)
        survey, _created = SessionSurvey.objects.get_or_create(
            session=enrolment.session, defaults={"first_sent_on": today}
        )
        SessionSurvey.objects.filter(pk=survey.pk).update(invited=F("invited") + 1)
        message = survey_invitation_message(
            enrolment=enrolment, token=survey_token_make(invitation_id=invitation.pk)
        )
        email_enqueue(message=message, kind="survey.invitation")
        sent += 1
    return sent


@transaction.atomic
def survey_answer_record(*, token: str, answers: dict, today: datetime.date) -> SurveyAnswer:
    """Store the answer under its session only, and that this invitation was answered
    (the day only); a second answer is refused."""
    invitation = (
        SurveyInvitation.objects.select_for_update()
        .select_related("enrolment")
        .filter(pk=_invitation_id(token))
        .first()
    )
    if invitation is None:
        raise SurveyRefused("invalid")
    if invitation.answered_on is not None:
        raise SurveyRefused("answered")
    answer = SurveyAnswer(session_id=invitation.enrolment.session_id, **answers)
    answer.full_clean()
    answer.save(force_insert=True)
    SurveyInvitation.objects.filter(pk=invitation.pk).update(answered_on=today)
    return answer

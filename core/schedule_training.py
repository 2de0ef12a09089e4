"""The retention schedule's rules for the training side (attendance, surveys,
trainers, the learning platform): core/schedule.py adds them to its table."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.rule import CONTRACT, DELETE, INTEREST, LEGAL, Rule, _r

TRAINING_RULES = [
    Rule(
        name="attendance-evidence",
        data=_("Attendance sheets (signatures per half-day) and certificates"),
        # Proof that the training took place, which the State's control of training
        # providers and the funders may ask for, and which L.6353-1 requires delivering.
        legal_basis=LEGAL,
        trigger=_("end of the session"),
        period=lambda: _("%(years)d years") % {"years": _r("ATTENDANCE_EVIDENCE_YEARS")},
        action=DELETE,
        policy=_("§6: archived until the statutory limitation periods expire, then deleted."),
        due="attendance.purges.attendance_evidence_due",
        purge="attendance.purges.purge_attendance_evidence",
        email_path="enrolment__trainee__email",
    ),
    Rule(
        name="survey-invitations",
        data=_("Who was asked to answer a satisfaction survey, and whether they did"),
        legal_basis=LEGAL,
        trigger=_("the invitation"),
        period=lambda: _("%(days)d days") % {"days": max(settings.SURVEY_LINK_DAYS, 7)},
        action=DELETE,
        policy=_(
            "§6: we record that you answered a survey only to not ask again, until its link expires."
        ),
        due="surveys.purges.survey_invitations_due",
        purge="surveys.purges.purge_survey_invitations",
        email_path="enrolment__trainee__email",
    ),
    Rule(
        name="survey-answers",
        data=_("Satisfaction survey answers (anonymous; a comment may name someone)"),
        legal_basis=LEGAL,
        trigger=_("end of the session"),
        period=lambda: _("%(years)d years") % {"years": _r("SURVEY_ANSWERS_YEARS")},
        action=DELETE,
        policy=_(
            "§6: quality monitoring (Labour Code L.6353-9): anonymous answers are kept for one certification cycle."
        ),
        due="surveys.purges.survey_answers_due",
        purge="surveys.purges.purge_survey_answers",
    ),
    Rule(
        name="trainers",
        data=_("Trainers (name, email, employee or subcontractor)"),
        # Evidence of who trained whom, for quality audits (Qualiopi) and claims.
        legal_basis=INTEREST,
        trigger=_("the end of the trainer's last session"),
        period=lambda: _("%(years)d years") % {"years": _r("TRAINING_LIMITATION_YEARS")},
        action=DELETE,
        policy=_(
            "§6: training data is kept while the training is managed, then for the "
            "limitation period."
        ),
        due="training.purges.trainers_due",
        purge="training.purges.purge_trainers",
        email_path="email",
    ),
    Rule(
        name="lms-access-records",
        data=_("Online learning platform accounts (login, dates granted and revoked)"),
        legal_basis=CONTRACT,
        trigger=_("the access is revoked"),
        period=lambda: _("%(days)d days") % {"days": settings.LMS_RECORDS_KEEP_DAYS},
        action=DELETE,
        policy=_("§6: training data is kept no longer than needed to manage the training."),
        due="lms.purges.lms_records_due",
        purge="lms.purges.purge_lms_records",
        email_path="email",
    ),
]

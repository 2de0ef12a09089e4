"""Satisfaction surveys after a session (quality monitoring, Labour Code L.6353-9).

Two tables that never meet: whether a person was asked and answered (personal data,
per enrolment) and the answers themselves (per session, naming nobody). An answer has
no enrolment, no date and a random key, so that neither its columns nor its order say
whose it is; the invitation keeps only the day it was answered. Change them through
surveys.services.
"""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from training.models import Enrolment, Session

COMMENT_MAX = 1000


class SurveyInvitation(models.Model):
    """A trainee was asked for their opinion of a session, and whether they answered."""

    enrolment = models.OneToOneField(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("enrolment"),
    )
    invited_at = models.DateTimeField(_("invited on"))
    # The day only: a time would let anyone match it with the order answers came in.
    answered_on = models.DateField(_("answered on"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")

    def __str__(self) -> str:
        return f"{self.enrolment_id}"


class SessionSurvey(models.Model):
    """How many people of a session were asked: the response rate outlives the
    invitations, which are deleted once their link has expired."""

    session = models.OneToOneField(
        Session, on_delete=models.CASCADE, related_name="+", verbose_name=_("session")
    )
    invited = models.PositiveIntegerField(_("people asked"), default=0)
    first_sent_on = models.DateField(_("first sent on"))

    class Meta:
        verbose_name = _("session survey")
        verbose_name_plural = _("session surveys")

    def __str__(self) -> str:
        return f"{self.session_id}: {self.invited}"


def _score(name):
    return models.PositiveSmallIntegerField(
        name, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )


class SurveyAnswer(models.Model):
    """One answer, naming nobody: the session it is about and what was said."""

    # Random, so that the key's order is not the order in which people answered.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="+", verbose_name=_("session")
    )
    overall = _score(_("overall satisfaction"))
    objectives_met = _score(_("objectives met"))
    trainer = _score(_("trainer"))
    would_recommend = models.BooleanField(_("would recommend"))
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX, blank=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.CheckConstraint(
                name=f"survey_{field}_1_to_5",
                condition=Q(**{f"{field}__gte": 1, f"{field}__lte": 5}),
            )
            for field in ("overall", "objectives_met", "trainer")
        ]

    def __str__(self) -> str:
        return str(self.session_id)

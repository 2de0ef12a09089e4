"""Convocations and agreements are rendered from the enrolment, its session, course and
client whenever they are sent or downloaded: nothing is stored here but the permission to
handle them. What left, and to whom, is in the outbox and the recipients log (core)."""

from django.utils.translation import gettext_lazy as _

from training.models import Enrolment


class EnrolmentDocuments(Enrolment):
    """An enrolment seen for its documents: the convocation and the agreement or contract.
    Its admin sends and downloads them; its permissions say who may."""

    class Meta:
        proxy = True
        verbose_name = _("enrolment documents")
        verbose_name_plural = _("convocations and agreements")

"""What training does when others report: the outbox on an enrolment's confirmation,
consent on a withdrawal that takes sensitive data with it, and the public catalogue's
cache on any change of what it shows."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.signals import consent_withdrawn, email_failed, email_sent
from training.catalogue import catalogue_changed
from training.models import Course, Enrolment, PendingRegistration, Session
from training.sensitive_needs import sensitive_needs_withdraw
from training.services import CONFIRMATION_KIND, enrolment_confirmation_outcome


@receiver(email_sent, dispatch_uid="enrolment_confirmation_sent")
@receiver(email_failed, dispatch_uid="enrolment_confirmation_failed")
def confirmation_outcome(sender, email, **kwargs) -> None:
    """An enrolment's confirmation email was sent, or refused: the enrolment says so."""
    if email.kind == CONFIRMATION_KIND:
        enrolment_confirmation_outcome(email=email)


@receiver(consent_withdrawn, dispatch_uid="sensitive_needs_withdrawn")
def sensitive_consent_withdrawn(sender, email: str, purpose: str, **kwargs) -> int:
    """Consent was the only basis of allergy and disability data: withdrawn, the data goes
    at once, in the same transaction. Returns how many enrolments lost data."""
    allergies, disability = purpose == "allergy_data", purpose == "disability_data"
    if not (allergies or disability):
        return 0
    return sensitive_needs_withdraw(email=email, allergies=allergies, disability=disability)


# Saves only for enrolments and held seats: a delete receiver would make Django fetch
# every row a purge deletes, one by one, to send it; what a purge frees shows within
# the cache's few seconds (training/catalogue.py).
@receiver(post_save, sender=Course, dispatch_uid="catalogue_course_saved")
@receiver(post_save, sender=Session, dispatch_uid="catalogue_session_saved")
@receiver(post_delete, sender=Session, dispatch_uid="catalogue_session_deleted")
@receiver(post_save, sender=Enrolment, dispatch_uid="catalogue_enrolment_saved")
@receiver(post_save, sender=PendingRegistration, dispatch_uid="catalogue_hold_saved")
def catalogue_stale(sender, **kwargs) -> None:
    """What the public pages show changed: their cached data goes."""
    catalogue_changed()

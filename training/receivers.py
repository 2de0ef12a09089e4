"""What training does when others report: the outbox on an enrolment's confirmation, and
consent on a withdrawal that takes sensitive data with it."""

from django.dispatch import receiver

from core.signals import consent_withdrawn, email_failed, email_sent
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

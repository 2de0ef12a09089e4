"""What documents does when training reports: a confirmed enrolment gets its convocation."""

from django.dispatch import receiver

from core.signals import enrolment_confirmed
from documents.services import convocation_queue


@receiver(enrolment_confirmed, dispatch_uid="documents_convocation")
def convocation_on_confirmation(sender, enrolment_id: int, **kwargs) -> None:
    """Staff confirmed the enrolment: its convocation goes in the outbox, in the same
    transaction as the confirmation."""
    convocation_queue(enrolment_id=enrolment_id)

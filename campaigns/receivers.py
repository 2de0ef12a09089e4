"""What campaigns do when the outbox reports on one of their emails."""

from django.dispatch import receiver

from campaigns.services import CAMPAIGN_EMAIL_KIND, campaign_recipient_refused
from core.signals import email_failed


@receiver(email_failed, dispatch_uid="campaign_email_failed")
def campaign_email_refused(sender, email, **kwargs) -> None:
    """The mail server refused a campaign's email: that recipient is marked so."""
    if email.kind == CAMPAIGN_EMAIL_KIND:
        campaign_recipient_refused(email=email)

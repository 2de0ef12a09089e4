"""What the retention schedule (core/schedule.py) deletes among campaign records."""

import datetime

from django.conf import settings
from django.db.models.functions import Coalesce
from django.utils import timezone

from campaigns.models import CampaignRecipient


def campaign_recipients_due(*, now: datetime.datetime):
    """Recipients of campaigns that finished (or, never finished, were created) longer
    ago than the period."""
    days = settings.RETENTION["CAMPAIGN_RECIPIENTS_DAYS"]
    cutoff = timezone.localdate(now) - datetime.timedelta(days=days)
    return CampaignRecipient.objects.annotate(
        ended=Coalesce("campaign__finished_at", "campaign__created_at")
    ).filter(ended__date__lt=cutoff)


def purge_campaign_recipients(*, ids, now: datetime.datetime) -> int:
    """Who received which offer is kept a few months after sending (for questions and
    complaints); then only the campaign's counts remain."""
    return CampaignRecipient.objects.filter(pk__any_of=ids).delete()[0]

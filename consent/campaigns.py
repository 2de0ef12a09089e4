"""Offer campaigns: staff pick people, a worker sends, and nobody who said no receives
anything. Every email goes through consent.emails.marketing_message (unsubscribe headers)."""

import datetime
import logging
from smtplib import SMTPRecipientsRefused

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from consent.emails import marketing_message
from consent.models import Campaign, CampaignRecipient
from consent.selectors import communication_allowed_among
from training.selectors import trainees_not_for_offers

logger = logging.getLogger(__name__)


@transaction.atomic
def campaign_address(*, campaign: Campaign, trainees=(), contacts=()) -> int:
    """Add people to a draft campaign's recipients (once each); returns how many were new."""
    before = campaign.recipients.count()
    CampaignRecipient.objects.bulk_create(
        [CampaignRecipient(campaign=campaign, trainee=t) for t in trainees]
        + [CampaignRecipient(campaign=campaign, contact=c) for c in contacts],
        ignore_conflicts=True,
    )
    return campaign.recipients.count() - before


def campaign_start(*, campaign: Campaign, now: datetime.datetime) -> None:
    """Hand the campaign to a worker once this transaction commits."""
    from consent.tasks import send_campaign

    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SENDING)
    Campaign.objects.filter(pk=campaign.pk, started_at__isnull=True).update(started_at=now)
    transaction.on_commit(lambda: send_campaign.delay(campaign.pk))


def campaign_send(*, campaign_id: int, batch_size: int = 100) -> tuple[int, int]:
    """Send to every recipient still to send, batch by batch; returns (sent, skipped).

    Resumable and idempotent: each recipient is marked in the transaction that sends its
    email, so a worker that dies mid-way resumes where it stopped and a second run sends
    nothing twice (at worst the one email in flight when a worker died goes again).
    """
    campaign = Campaign.objects.get(pk=campaign_id)
    pending = CampaignRecipient.objects.filter(
        campaign=campaign, status=CampaignRecipient.Status.PENDING
    )
    sent = skipped = 0
    while batch := list(pending.select_related("trainee", "contact").order_by("pk")[:batch_size]):
        allowed = communication_allowed_among(
            emails=[(r.trainee or r.contact).email for r in batch], purpose=campaign.purpose
        )
        # Trainees whose data we hold only as an employer's processor, or whose last
        # training is older than the prospecting period, receive no offers.
        excluded = trainees_not_for_offers(
            trainee_ids=[r.trainee_id for r in batch if r.trainee_id], today=timezone.localdate()
        )
        for recipient in batch:
            with transaction.atomic():
                # Another worker may have taken it meanwhile: skip what is locked or done.
                if not pending.select_for_update(skip_locked=True).filter(pk=recipient.pk).exists():
                    continue
                person = recipient.trainee or recipient.contact
                if person.email.lower() in allowed and recipient.trainee_id not in excluded:
                    try:
                        _message(campaign, person).send()
                    except SMTPRecipientsRefused:
                        recipient.status = CampaignRecipient.Status.FAILED
                    else:
                        recipient.status = CampaignRecipient.Status.SENT
                        sent += 1
                else:
                    recipient.status = CampaignRecipient.Status.SKIPPED
                    skipped += 1
                recipient.done_at = timezone.now()
                recipient.save(update_fields=["status", "done_at"])
        campaign_progress_update(campaign_id=campaign.pk)
    Campaign.objects.filter(pk=campaign.pk).update(
        status=Campaign.Status.DONE, finished_at=timezone.now()
    )
    logger.info("Campaign %s: %s sent, %s skipped.", campaign.pk, sent, skipped)
    return sent, skipped


def campaign_progress_update(*, campaign_id: int) -> None:
    """Copy the recipients' counts onto the campaign, for the admin's progress view."""
    counts = CampaignRecipient.objects.filter(campaign_id=campaign_id).aggregate(
        sent=Count("pk", filter=Q(status=CampaignRecipient.Status.SENT)),
        skipped=Count("pk", filter=Q(status=CampaignRecipient.Status.SKIPPED)),
    )
    Campaign.objects.filter(pk=campaign_id).update(**counts)


def _message(campaign: Campaign, person):
    english = person.language == "en" and campaign.subject_en and campaign.body_en
    return marketing_message(
        email=person.email,
        language=person.language,
        purpose=campaign.purpose,
        subject=campaign.subject_en if english else campaign.subject_fr,
        body=campaign.body_en if english else campaign.body_fr,
    )

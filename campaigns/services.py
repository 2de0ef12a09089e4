"""Offer campaigns: staff pick people, a worker sends, and nobody who said no receives
anything. Every email goes through consent.emails.marketing_message (unsubscribe headers)."""

import datetime
import logging

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from campaigns.models import Campaign, CampaignRecipient
from campaigns.selectors import recipients_reachable
from consent.emails import marketing_message
from consent.selectors import CONTACT, TRAINEE
from core.outbox import email_enqueue

logger = logging.getLogger(__name__)
# How the outbox labels a campaign's emails (campaigns/receivers.py reads it back).
CAMPAIGN_EMAIL_KIND = "campaign.offer"


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
    """Hand the campaign to a worker once this transaction commits. With the broker
    down, the campaign stays "sending" and campaigns_resume picks it up."""
    # The task module imports this one: imported here, at the call (service -> task loop).
    from campaigns.tasks import send_campaign

    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SENDING)
    Campaign.objects.filter(pk=campaign.pk, started_at__isnull=True).update(started_at=now)

    def queue() -> None:
        try:
            send_campaign.delay(campaign.pk)
        except Exception as error:  # the broker is down
            logger.warning(
                "Campaign %s left to the resumer: %s.", campaign.pk, type(error).__name__
            )

    transaction.on_commit(queue)


def campaigns_resume(*, now: datetime.datetime, grace: datetime.timedelta) -> int:
    """Go on with campaigns left "sending" for longer than ``grace`` with recipients
    still to send (a task never queued, or a worker that died); returns how many."""
    stalled = Campaign.objects.filter(
        status=Campaign.Status.SENDING,
        started_at__lt=now - grace,
        recipients__status=CampaignRecipient.Status.PENDING,
    ).distinct()
    ids = list(stalled.values_list("pk", flat=True))
    for campaign_id in ids:
        campaign_send(campaign_id=campaign_id)
    return len(ids)


def campaign_send(*, campaign_id: int, batch_size: int = 100) -> tuple[int, int]:
    """Hand every recipient still to send to the outbox, batch by batch; returns (sent,
    skipped).

    Resumable and idempotent: each recipient is marked in the transaction that stores
    its email, so a worker that dies mid-way resumes where it stopped and a second run
    stores nothing twice. The outbox delivers; if the mail server refuses an address,
    campaign_recipient_refused marks that recipient.
    """
    campaign = Campaign.objects.get(pk=campaign_id)
    pending = CampaignRecipient.objects.filter(
        campaign=campaign, status=CampaignRecipient.Status.PENDING
    )
    sent = skipped = 0
    while batch := list(pending.select_related("trainee", "contact").order_by("pk")[:batch_size]):
        reachable = recipients_reachable(
            batch, purpose=campaign.purpose, today=timezone.localdate()
        )
        for recipient in batch:
            with transaction.atomic():
                # Another worker may have taken it meanwhile: skip what is locked or done.
                if not pending.select_for_update(skip_locked=True).filter(pk=recipient.pk).exists():
                    continue
                if recipient.pk in reachable:
                    recipient.outbox_email = email_enqueue(
                        message=_message(campaign, recipient), kind=CAMPAIGN_EMAIL_KIND
                    )
                    recipient.status = CampaignRecipient.Status.SENT
                    sent += 1
                else:
                    recipient.status = CampaignRecipient.Status.SKIPPED
                    skipped += 1
                recipient.done_at = timezone.now()
                recipient.save(update_fields=["status", "done_at", "outbox_email"])
        campaign_progress_update(campaign_id=campaign.pk)
    Campaign.objects.filter(pk=campaign.pk).update(
        status=Campaign.Status.DONE, finished_at=timezone.now()
    )
    logger.info("Campaign %s: %s sent, %s skipped.", campaign.pk, sent, skipped)
    return sent, skipped


def campaign_recipient_refused(*, email) -> None:
    """The outbox gave up on a campaign email (the mail server refused the address):
    its recipient says so, and the campaign's counts follow."""
    recipients = CampaignRecipient.objects.filter(outbox_email=email)
    for campaign_id in set(recipients.values_list("campaign_id", flat=True)):
        recipients.filter(campaign_id=campaign_id).update(status=CampaignRecipient.Status.FAILED)
        campaign_progress_update(campaign_id=campaign_id)


def campaign_progress_update(*, campaign_id: int) -> None:
    """Copy the recipients' counts onto the campaign, for the admin's progress view."""
    counts = CampaignRecipient.objects.filter(campaign_id=campaign_id).aggregate(
        sent=Count("pk", filter=Q(status=CampaignRecipient.Status.SENT)),
        skipped=Count("pk", filter=Q(status=CampaignRecipient.Status.SKIPPED)),
    )
    Campaign.objects.filter(pk=campaign_id).update(**counts)


def _message(campaign: Campaign, recipient: CampaignRecipient):
    person = recipient.trainee or recipient.contact
    english = person.language == "en" and campaign.subject_en and campaign.body_en
    return marketing_message(
        email=person.email,
        # The whole email in the language of its text: an offer written only in French
        # goes to an English speaker in French, footer and html lang included.
        language="en" if english else "fr",
        purpose=campaign.purpose,
        subject=campaign.subject_en if english else campaign.subject_fr,
        body=campaign.body_en if english else campaign.body_fr,
        kind=TRAINEE if recipient.trainee_id else CONTACT,
    )

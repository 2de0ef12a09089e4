"""Deletions that wait for the DPO's approval (per rule, the DPO's choice; automatic by
default). A rule set so records, at each run, the rows it finds due as a pending batch
(keys, count, since when) instead of deleting them; the DPO reviews and approves a
batch, or leaves it: a batch unapproved after settings.RETENTION_APPROVAL_DAYS is
deleted anyway. Some rules never wait: the policy gives their data no time after the
period (sensitive needs at the end of the training, cookie choices)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core.purge import PurgeResult, keys_filter, rule_apply, rule_due
from core.schedule import BY_NAME, RULES
from retention.models import PendingDeletion, RuleSetting

# By name: the rules whose due data may never wait, as the policy sets a maximum the
# waiting would overrun (§6: sensitive needs are kept only for the training, prospecting
# data at most 3 years; §9: cookie choices at most 6 months). Every rule of the cookies
# app too.
NEVER_WAIT = frozenset(
    {"sensitive-needs", "cookie-consent-log", "prospect-contacts", "trainee-prospects"}
)
# Rows listed for review on the batch's page; the rest are counted.
REVIEW_LIMIT = 200


def may_wait(rule) -> bool:
    """Whether the DPO may set this rule's deletions to wait for approval."""
    return rule.name not in NEVER_WAIT and not rule.due.startswith("cookies.")


def rules_waiting() -> set[str]:
    """The names of the rules whose deletions wait for approval now."""
    chosen = RuleSetting.objects.filter(approval_required=True).values_list("rule", flat=True)
    return {name for name in chosen if name in BY_NAME and may_wait(BY_NAME[name])}


def approval_set(*, rule_name: str, required: bool, now: datetime.datetime) -> RuleSetting:
    """Turn approval on or off for a rule; refused (ValidationError) for an unknown rule
    or one that may never wait. Turned off, its pending batches go at the next run."""
    rule = BY_NAME.get(rule_name)
    if rule is None:
        raise ValidationError(_("There is no such rule."))
    if required and not may_wait(rule):
        raise ValidationError(
            _("The deletions of this rule cannot wait: the policy keeps this data no longer.")
        )
    setting, _created = RuleSetting.objects.update_or_create(
        rule=rule_name, defaults={"approval_required": required, "changed_at": now}
    )
    return setting


def batch_approve(*, batch: PendingDeletion, actor, now: datetime.datetime) -> None:
    """The DPO approves a pending batch; the next run of its rule deletes it."""
    if batch.approved_at is not None:
        raise ValidationError(_("This deletion was already approved."))
    batch.approved_at, batch.approved_by = now, actor
    batch.save(update_fields=["approved_at", "approved_by"])


def _ready_all(now: datetime.datetime):
    """The batches that may go now: approved, or waiting longer than allowed."""
    cutoff = now - datetime.timedelta(days=settings.RETENTION_APPROVAL_DAYS)
    return PendingDeletion.objects.filter(Q(approved_at__isnull=False) | Q(since__lte=cutoff))


def _ready(rule_name: str, now: datetime.datetime):
    return _ready_all(now).filter(rule=rule_name)


def ready_keys(*, now: datetime.datetime) -> dict[str, list]:
    """Per rule that waits for approval: the keys a run at ``now`` would delete."""
    keys = {name: [] for name in rules_waiting()}
    for name, batch_keys in _ready_all(now).filter(rule__in=list(keys)).values_list("rule", "keys"):
        keys[name].extend(batch_keys)
    return keys


def rule_apply_approved(rule, *, now, dry_run: bool = False, progress=None) -> PurgeResult:
    """Apply a rule whose deletions wait: delete what was approved or waited too long
    (still due, people held spared), then record what else is due as pending."""
    ready = list(_ready(rule.name, now))
    keys = [key for batch in ready for key in batch.keys]
    if dry_run:
        due = rule_due(rule, now=now).count()
        going = rule_due(rule, now=now).filter(keys_filter(keys)).count() if keys else 0
        held = rule_apply(rule, now=now, dry_run=True).held
        return PurgeResult(going, held, due - going)
    result = PurgeResult(0)
    if keys:
        result = rule_apply(rule, now=now, progress=progress, only=keys)
    with transaction.atomic():
        PendingDeletion.objects.filter(pk__in=[batch.pk for batch in ready]).delete()
        pending = pending_refresh(rule, now=now)
    return PurgeResult(result.affected, result.held, pending)


def pending_refresh(rule, *, now: datetime.datetime) -> int:
    """Bring the rule's batches in line with what is due now: rows no longer due (held,
    changed) leave their batch, rows newly due form a batch of their own (their wait
    starts now). Returns the rows pending."""
    due = set(rule_due(rule, now=now).values_list("pk", flat=True))
    listed = set()
    for batch in PendingDeletion.objects.filter(rule=rule.name):
        kept = [key for key in batch.keys if key in due]
        listed.update(kept)
        if not kept:
            batch.delete()
        elif len(kept) != batch.count:
            batch.keys, batch.count = kept, len(kept)
            batch.save(update_fields=["keys", "count"])
    new = sorted(due - listed)
    if new:
        PendingDeletion.objects.create(rule=rule.name, since=now, keys=new, count=len(new))
    return len(due)


def pending_clear(rule) -> None:
    """A rule that no longer waits (set back to automatic) has deleted what was due:
    its batches are gone."""
    PendingDeletion.objects.filter(rule=rule.name).delete()


def pending_batches():
    """Every batch waiting, oldest first, with the date it goes without approval."""
    days = datetime.timedelta(days=settings.RETENTION_APPROVAL_DAYS)
    batches = PendingDeletion.objects.select_related("approved_by")
    return [(batch, batch.since + days) for batch in batches]


def pending_summary() -> dict:
    """For the dashboard: rows waiting for approval (not yet approved), how many
    batches, the oldest date."""
    waiting = PendingDeletion.objects.filter(approved_at__isnull=True).order_by("since")
    rows = list(waiting.values_list("count", "since"))
    return {
        "records": sum(count for count, _since in rows),
        "batches": len(rows),
        "oldest": rows[0][1] if rows else None,
    }


def batch_review(batch: PendingDeletion, *, now: datetime.datetime) -> tuple[list[str], int]:
    """The records of a batch still due, named as the admin names them (the first
    REVIEW_LIMIT), and how many there are."""
    rule = BY_NAME[batch.rule]
    due = rule_due(rule, now=now).filter(keys_filter(batch.keys))
    return [str(row) for row in due.order_by("pk")[:REVIEW_LIMIT]], due.count()


def rule_choices() -> list[tuple]:
    """Per rule, in the schedule's order: the rule, whether it may wait, whether it does."""
    waiting = rules_waiting()
    return [(rule, may_wait(rule), rule.name in waiting) for rule in RULES]

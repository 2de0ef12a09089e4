"""The DPO's retention actions: run the schedule now (a dry run first), and the rules
whose due deletions wait for approval, with the deletions waiting. Each action is
audited; the run itself is the nightly run's service, in the worker, under its lease."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from kombu.exceptions import OperationalError

from core.audit import audit_record
from core.schedule import BY_NAME, RULES
from retention import approvals
from retention.forecasts import dry_run_counts
from retention.models import JobLock, ManualRun, PendingDeletion
from retention.services import LEASE, LOCK, manual_run_request, retention_run

logger = logging.getLogger(__name__)
PERMISSION = "retention.change_rulesetting"


def dpo_only(view):
    """Signed-in staff allowed to act on the schedule (the DPO); never cached."""
    return never_cache(
        login_required(
            permission_required(PERMISSION, raise_exception=True)(view), login_url="admin:login"
        )
    )


def _busy(now) -> bool:
    """A run holds the lease (the nightly one, or one asked for), or one is queued."""
    return (
        JobLock.objects.filter(name=LOCK, expires_at__gt=now).exists()
        # A run queued longer than a lease lasts was lost (the broker's): it blocks nothing.
        or ManualRun.objects.filter(
            state=ManualRun.State.QUEUED, requested_at__gt=now - LEASE
        ).exists()
    )


def _queue(run: ManualRun) -> bool:
    """Hand the run to the worker; False if the broker cannot be reached."""
    from retention.tasks import run_retention_now

    try:
        run_retention_now.delay(run.pk)
    except (OperationalError, OSError) as error:  # the broker is down
        logger.warning("Retention run %s not queued (%s).", run.pk, type(error).__name__)
        run.delete()
        return False
    return True


def _run_page(request, *, status: int = 200):
    """What a run would do now, per rule (a dry run: nothing changes)."""
    now = timezone.now()
    try:
        results = dry_run_counts(now=now)  # one query for every rule
    except DatabaseError as error:  # one rule's query fails: rule by rule, to show which
        logger.error("Retention dry run in one query failed (%s).", type(error).__name__)
        results = retention_run(now=now, dry_run=True)
    rows = [(rule, results.get(rule.name)) for rule in RULES]
    return render(
        request,
        "retention/run.html",
        {"rows": rows, "busy": _busy(now), "waiting": approvals.rules_waiting()},
        status=status,
    )


@dpo_only
def run(request):
    """GET: the dry run. POST (the confirm button): queue the real run."""
    if request.method != "POST":
        return _run_page(request)
    if request.POST.get("confirm") != "run":
        messages.error(request, _("Nothing was run: confirm with the button below the dry run."))
        return _run_page(request, status=400)
    now = timezone.now()
    if _busy(now):
        messages.error(request, _("Nothing was run: another run is in progress. Try again later."))
        return _run_page(request, status=409)
    queued = manual_run_request(actor=request.user, now=now)
    audit_record(actor=request.user, action="retention_run_asked", obj=queued)
    if not _queue(queued):
        messages.error(
            request, _("Nothing was run: the worker cannot be reached. Try again later.")
        )
        return _run_page(request, status=503)
    return redirect("retention:run_status", pk=queued.pk)


@dpo_only
def run_status(request, pk: int):
    """What a run asked for did, counts only (the page reloads while it waits)."""
    done = get_object_or_404(ManualRun, pk=pk)
    names = done.rules or [rule.name for rule in RULES]
    rows = [(BY_NAME[name], done.counts.get(name)) for name in names if name in BY_NAME]
    return render(request, "retention/run_status.html", {"run": done, "rows": rows})


def _approvals_page(request, *, status: int = 200):
    return render(
        request,
        "retention/approvals.html",
        {
            "rules": approvals.rule_choices(),
            "batches": approvals.pending_batches(),
            "days": settings.RETENTION_APPROVAL_DAYS,
        },
        status=status,
    )


@dpo_only
def approval_list(request):
    """The rules that wait for approval, and the deletions waiting."""
    return _approvals_page(request)


@dpo_only
@require_POST
def approval_set(request):
    """Turn approval on or off for one rule (refused for the rules that never wait)."""
    name, required = request.POST.get("rule", ""), request.POST.get("required") == "on"
    try:
        approvals.approval_set(rule_name=name, required=required, now=timezone.now())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _approvals_page(request, status=400)
    audit_record(
        actor=request.user,
        action="retention_approval_set",
        object_type="retention.rulesetting",
        object_id=name,
        note="on" if required else "off",
    )
    if required:
        messages.success(request, _("From the next run, this rule's deletions wait for approval."))
    else:
        messages.success(request, _("This rule deletes automatically again, from the next run."))
    return redirect("retention:approvals")


@dpo_only
@require_POST
def approve(request, pk: int):
    """Approve a batch; its deletion runs at once (in the worker, under the lease)."""
    batch = get_object_or_404(PendingDeletion, pk=pk)
    now = timezone.now()
    try:
        approvals.batch_approve(batch=batch, actor=request.user, now=now)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _approvals_page(request, status=409)
    audit_record(actor=request.user, action="retention_deletion_approved", obj=batch)
    if _busy(now):
        messages.success(request, _("Approved: the deletion runs with the next run."))
        return redirect("retention:approvals")
    queued = manual_run_request(actor=request.user, now=now, rules=[batch.rule])
    if not _queue(queued):
        messages.success(request, _("Approved: the deletion runs with the next run."))
        return redirect("retention:approvals")
    return redirect("retention:run_status", pk=queued.pk)


@dpo_only
def pending(request, pk: int):
    """The records of a waiting batch, named as the admin names them. Audited: it may
    name people."""
    batch = get_object_or_404(PendingDeletion, pk=pk, rule__in=list(BY_NAME))
    names, count = approvals.batch_review(batch, now=timezone.now())
    audit_record(actor=request.user, action="retention_pending_viewed", obj=batch)
    return render(
        request,
        "retention/pending.html",
        {
            "batch": batch,
            "rule": BY_NAME[batch.rule],
            "names": names,
            "count": count,
            "more": count - len(names),
        },
    )

"""Writes on LMS accesses. The platform is called outside any transaction (it may be slow
or down); what it answered is then recorded, with the recipients log, in one."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.disclosures import Kind, disclosure_record
from core.holds import is_restricted
from lms.connectors import LmsError, LmsUser, connector
from lms.models import LmsAccess
from lms.selectors import lms_accesses_to_revoke, lms_grants_waiting

logger = logging.getLogger(__name__)

# What the platform receives about a trainee.
LMS_CATEGORIES = ["identity", "email", "enrolment"]
ONLINE_FORMATS = ("online", "blended")
RESTRICTED = gettext_lazy(
    "The trainee asked for their data to be restricted (GDPR Art. 18): nothing is sent to "
    "the platform until the DPO lifts the restriction."
)


@transaction.atomic
def lms_access_request(*, enrolment, now: datetime.datetime, login: str = "") -> LmsAccess:
    """Ask for an account on the platform for this enrolment (online and blended sessions
    only); it is opened after commit by its task, or by the retry job."""
    if enrolment.session.format not in ONLINE_FORMATS:
        raise ValidationError(_("Only online and blended sessions have platform access."))
    access = LmsAccess(
        enrolment=enrolment,
        email=enrolment.trainee.email,
        course_code=enrolment.session.course.code,
        platform=connector().name,
        login=login,
        requested_at=now,
    )
    access.full_clean()
    access.save()
    transaction.on_commit(lambda: _queue("grant_lms_access", access.pk))
    return access


def lms_access_revoke_queue(*, access_id: int) -> None:
    """After commit, close this access now rather than at the job's next run."""
    transaction.on_commit(lambda: _queue("revoke_lms_access", access_id))


def _queue(task_name: str, access_id: int) -> None:
    from lms import tasks  # the app's own service → task loop

    try:
        getattr(tasks, task_name).delay(access_id)
    except Exception as error:  # the broker is down: the jobs catch up
        logger.warning("LMS access %s left to the job: %s.", access_id, type(error).__name__)


def _user(access: LmsAccess) -> LmsUser:
    trainee = access.enrolment.trainee if access.enrolment else None
    return LmsUser(
        email=access.email,
        first_name=trainee.first_name if trainee else "",
        surname=trainee.surname if trainee else "",
        course_code=access.course_code,
        login=access.login,
    )


def _failed(access: LmsAccess, error: LmsError, now: datetime.datetime) -> bool:
    access.attempts += 1
    access.last_error, access.last_attempt_at = str(error)[:200], now
    access.save(update_fields=["attempts", "last_error", "last_attempt_at"])
    return False


def lms_access_grant(*, access_id: int, now: datetime.datetime) -> bool:
    """Open the account on the platform; records the grant and the disclosure, or the
    failure (the retry job tries again). False if not opened now."""
    access = LmsAccess.objects.select_related("enrolment__trainee").filter(pk=access_id).first()
    if access is None or access.state != LmsAccess.State.TO_GRANT:
        return False
    if access.enrolment is None:  # erased before it was opened: nothing to open
        LmsAccess.objects.filter(pk=access.pk).update(state="revoked", revoked_at=now)
        return False
    if is_restricted(email=access.email, today=timezone.localdate(now)):
        # Art. 18(2): nothing goes to the platform; the retry job opens it once lifted.
        access.last_error, access.last_attempt_at = str(RESTRICTED)[:200], now
        access.save(update_fields=["last_error", "last_attempt_at"])
        return False
    try:
        login = connector().grant(_user(access))
    except LmsError as error:
        return _failed(access, error, now)
    with transaction.atomic():
        access.state, access.login, access.granted_at = LmsAccess.State.GRANTED, login, now
        access.last_error = ""
        access.save(update_fields=["state", "login", "granted_at", "last_error"])
        disclosure_record(
            email=access.email,
            recipient=access.platform,
            kind=Kind.LMS,
            categories=LMS_CATEGORIES,
            now=now,
            obj=access,
        )
    return True


def lms_access_revoke(*, access_id: int, now: datetime.datetime) -> bool:
    """Close the account's access to the course; records the closing, or the failure
    (the revocation job tries again)."""
    access = LmsAccess.objects.filter(pk=access_id).first()
    if access is None or access.state != LmsAccess.State.GRANTED:
        return False
    try:
        connector().revoke(_user(access))
    except LmsError as error:
        return _failed(access, error, now)
    access.state, access.revoked_at, access.last_error = LmsAccess.State.REVOKED, now, ""
    access.save(update_fields=["state", "revoked_at", "last_error"])
    return True


@transaction.atomic
def lms_access_close(*, access: LmsAccess, now: datetime.datetime) -> None:
    """Staff (or an erasure) close an access before its period ends: one not yet opened
    is simply dropped; an open one is closed by the revocation job or its task."""
    if access.state == LmsAccess.State.TO_GRANT:
        LmsAccess.objects.filter(pk=access.pk).update(state="revoked", revoked_at=now)
    elif access.state == LmsAccess.State.GRANTED:
        LmsAccess.objects.filter(pk=access.pk).update(revoke_requested_at=now)


def lms_accesses_revoke_due(*, now: datetime.datetime) -> dict[str, int]:
    """The revocation job: close every access whose period ended (from the day after
    its last day), was closed by staff, or whose enrolment was cancelled or erased."""
    counts = {"revoked": 0, "failed": 0}
    for access_id in lms_accesses_to_revoke(now=now).values_list("pk", flat=True):
        done = lms_access_revoke(access_id=access_id, now=now)
        counts["revoked" if done else "failed"] += 1
    return counts


def lms_grants_retry(*, now: datetime.datetime) -> dict[str, int]:
    """Open the accesses that their task could not (platform down, broker down)."""
    counts = {"granted": 0, "failed": 0}
    for access_id in lms_grants_waiting(now=now).values_list("pk", flat=True):
        done = lms_access_grant(access_id=access_id, now=now)
        counts["granted" if done else "failed"] += 1
    return counts

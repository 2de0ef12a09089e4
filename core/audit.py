"""The audit log: one append-only line per action that matters (DPO actions, views and
changes of sensitive data, exports). Lines name objects by type and id, never by their
content."""

import datetime
from collections.abc import Callable

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.models import AuditEntry

# Actions read back by the product itself (the others are free-form, for the DPO's eyes).
EMAIL_CHANGED_BY_STAFF = "email_changed_by_staff"
IDENTITY_CONFIRMED = "identity_confirmed"


def audit_record(
    *, actor, action: str, obj=None, object_type: str = "", object_id="", note: str = ""
) -> None:
    if obj is not None:
        object_type, object_id = obj._meta.label_lower, obj.pk
    AuditEntry.objects.create(
        at=timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        note=note[:200],
    )


def admin_history_redact(*, model, pks) -> int:
    """At an erasure: the admin's change history keeps the erased records' names in its
    text; they are replaced, the fact of the change stays."""
    kind = ContentType.objects.get_for_model(model)
    return LogEntry.objects.filter(content_type=kind, object_id__in=[str(pk) for pk in pks]).update(
        object_repr="[erased]", change_message=""
    )


def audit_entries(
    *, action: str = "", object_type: str = "", actor: str = "", since: datetime.date | None = None
) -> QuerySet[AuditEntry]:
    """The log, newest first, filtered as the DPO asks (each filter optional)."""
    entries = AuditEntry.objects.select_related("actor")
    if action:
        entries = entries.filter(action=action)
    if object_type:
        entries = entries.filter(object_type=object_type)
    if actor:
        entries = entries.filter(actor__username=actor)
    if since:
        entries = entries.filter(at__date__gte=since)
    return entries


def audit_actions() -> QuerySet:
    """Every action the log holds, once each, for the DPO's filter."""
    return AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()


def audit_entries_about(
    *, objects: set[tuple[str, str]], action: str, since: datetime.datetime
) -> list[AuditEntry]:
    """Entries of this action since ``since`` about any of these (object type, id)."""
    if not objects:
        return []
    about = Q()
    for object_type, object_id in objects:
        about |= Q(object_type=object_type, object_id=object_id)
    entries = AuditEntry.objects.filter(about, action=action, at__gte=since)
    return list(entries.select_related("actor").order_by("-at"))


def audit_recorded(*, action: str, object_type: str, object_id) -> bool:
    """Whether this action was ever logged about this object."""
    return AuditEntry.objects.filter(
        action=action, object_type=object_type, object_id=str(object_id)
    ).exists()


def audit_entries_snapshot() -> list[dict]:
    """The whole audit log, oldest first, as plain values a restore carries over."""
    return list(
        AuditEntry.objects.order_by("at", "pk").values(
            "at", "actor_id", "action", "object_type", "object_id", "note"
        )
    )


def audit_entries_carry(
    *, rows: list[dict], object_id: Callable[[str, str], str] = lambda _type, pk: pk
) -> None:
    """Append the snapshot's entries missing here (the log is append-only, so none goes)."""
    # ``object_id(object_type, object_id)`` names an object that came back under another
    # id; an actor whose account is not here is kept as no one. The ids given next
    # follow the highest here, whatever the copy's sequence says.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [AuditEntry]):
            cursor.execute(sql)
    users = set(get_user_model().objects.values_list("pk", flat=True))
    known = set(AuditEntry.objects.values_list("at", "action", "object_type", "object_id"))
    missing = []
    for entry in rows:
        pk = object_id(entry["object_type"], entry["object_id"])
        if (entry["at"], entry["action"], entry["object_type"], pk) not in known:
            actor = entry["actor_id"] if entry["actor_id"] in users else None
            missing.append(AuditEntry(**{**entry, "object_id": pk, "actor_id": actor}))
    AuditEntry.objects.bulk_create(missing)

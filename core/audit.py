"""The audit log: one append-only line per action that matters (DPO actions, views and
changes of sensitive data, exports). Lines name objects by type and id, never by their
content."""

import datetime

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
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

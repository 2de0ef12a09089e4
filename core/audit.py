"""The audit log: one append-only line per action that matters (DPO actions, views and
changes of sensitive data, exports). Lines name objects by type and id, never by their
content."""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
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

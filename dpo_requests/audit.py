"""The audit log: one append-only line per action that matters (DPO actions, views and
changes of sensitive data, exports). Lines name objects by type and id, never by their
content."""

from django.utils import timezone

from dpo_requests.models import AuditEntry


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

"""Words for the codes the database stores, wherever a person reads them: the audit
log's actions and objects, consent purposes and choices. A code with no label here is
shown in words made from it, never as an identifier."""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from core.purposes import Action, Purpose
from core.schedule import BY_NAME

AUDIT_ACTIONS = {
    "added": _("Record added"),
    "changed": _("Record changed"),
    "audit_exported": _("Audit log exported"),
    "backup_restored": _("Backup restored"),
    "client_informs_employees": _("Client informs its employees itself"),
    "email_changed_by_staff": _("Email address changed by staff"),
    "encryption_rotated": _("Encryption key rotated"),
    "erasure_counts": _("Erasure: what was deleted, counted"),
    "erasure_executed": _("Erasure carried out"),
    "export_built": _("Access archive built"),
    "export_downloaded": _("Access archive downloaded"),
    "export_requested": _("Access archive asked for"),
    "export_reviewed": _("Access archive downloaded by the DPO to check it"),
    "export_sent": _("Access archive's link sent to the person"),
    "export_withheld": _("Access archive withheld"),
    "forwarded_request_closed": _("Forwarded request closed"),
    "hold_lifted": _("Legal hold lifted"),
    "hold_placed": _("Legal hold placed"),
    "identity_confirmed": _("Identity confirmed"),
    "logistics_list_viewed": _("Logistics list viewed"),
    "objection_executed": _("Objection carried out"),
    "processor_data_exported": _("Client's employees' data exported, to return it"),
    "processor_data_returned": _("Client's employees' data marked as returned"),
    "recipients_told": _("Recipients told of the change"),
    "records_viewed": _("A person's records viewed"),
    "rectification_done": _("Rectification done"),
    "register_exported": _("Record of processing exported"),
    "request_extended": _("Request deadline extended"),
    "request_forwarded": _("Request forwarded to the client"),
    "request_logged": _("Request logged"),
    "request_refused": _("Request refused"),
    "request_verified": _("Request verified by the person"),
    "restriction_lifted": _("Restriction lifted"),
    "restriction_placed": _("Restriction placed"),
    "retention_approval_set": _("Retention: approval before deletion turned on or off"),
    "retention_deletion_approved": _("Retention: deletion approved"),
    "retention_pending_viewed": _("Retention: records awaiting deletion viewed"),
    "retention_run_asked": _("Retention: run asked for"),
    "sensitive_changed": _("Sensitive data changed"),
    "sensitive_refused": _("Sensitive data: access refused"),
    "sensitive_viewed": _("Sensitive data viewed"),
}
ERASURE_ACTIONS = {
    "erase": _("erased"),
    "anonymise": _("anonymised (kept without what identifies the person)"),
    "keep": _("kept"),
}
AUDIT_OBJECTS = {"register": _("Record of processing"), "audit": _("Audit log")}


def _words(code: str) -> str:
    return str(code).replace("_", " ").replace(".", " ").capitalize()


def audit_action_label(code: str) -> str:
    """The audit action in words."""
    return str(AUDIT_ACTIONS.get(code) or _words(code))


def audit_object_label(object_type: str) -> str:
    """The audited object's kind: the model's name ("request"), not "dpo_requests.request"."""
    if object_type in AUDIT_OBJECTS:
        return str(AUDIT_OBJECTS[object_type])
    try:
        return str(apps.get_model(object_type)._meta.verbose_name).capitalize()
    except (LookupError, ValueError):
        return _words(object_type)


def purpose_label(code: str) -> str:
    """A consent purpose in words."""
    return str(Purpose(code).label) if code in Purpose.values else _words(code)


def consent_action_label(code: str) -> str:
    """A consent choice in words (given, withdrawn, objected)."""
    return str(Action(code).label) if code in Action.values else _words(code)


def rule_label(name: str) -> str:
    """A retention rule by the data it covers, not its slug."""
    rule = BY_NAME.get(name)
    return str(rule.data) if rule else _words(name)


def erasure_action_label(code: str) -> str:
    """What an erasure does to a record: erased, anonymised or kept."""
    return str(ERASURE_ACTIONS.get(code) or _words(code))

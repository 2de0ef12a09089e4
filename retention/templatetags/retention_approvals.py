"""The deletions awaiting approval, on the DPO's dashboard. A template tag, so that the
back-office (dpo_requests, a layer above) shows them without knowing how they are kept."""

from django import template
from django.conf import settings

from retention.approvals import pending_summary

register = template.Library()


@register.inclusion_tag("retention/approvals_line.html")
def retention_approvals_line():
    """How many records wait for approval, in how many batches, since when."""
    return {**pending_summary(), "days": settings.RETENTION_APPROVAL_DAYS}

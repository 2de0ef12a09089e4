"""The backups' line on the DPO's dashboard. A template tag, so that the back-office
(dpo_requests, a layer below) shows it without importing this app."""

from django import template

from backups.scheduled import backup_status

register = template.Library()


@register.inclusion_tag("backoffice/backup_status.html", takes_context=True)
def backup_status_line(context):
    """When the last good backup was taken, and whether the latest run failed."""
    return {**backup_status(), "now": context.get("now")}

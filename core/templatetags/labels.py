"""Filters that put stored codes into words for people: ``{{ entry.action|audit_action }}``."""

from django import template
from django.utils.formats import date_format

from core import labels

register = template.Library()
register.filter("audit_action", labels.audit_action_label)
register.filter("audit_object", labels.audit_object_label)
register.filter("purpose_label", labels.purpose_label)
register.filter("consent_action", labels.consent_action_label)
register.filter("rule_label", labels.rule_label)
register.filter("erasure_action", labels.erasure_action_label)


@register.filter
def date_span(session, format_name: str = "DATE_FORMAT") -> str:
    """A session's dates: one date for a one-day session, else "first – last"."""
    start, end = session.start_date, session.end_date
    if start == end:
        return date_format(start, format_name)
    return f"{date_format(start, format_name)} – {date_format(end, format_name)}"

"""Filters that put stored codes into words for people: ``{{ entry.action|audit_action }}``."""

from django import template

from core import labels

register = template.Library()
register.filter("audit_action", labels.audit_action_label)
register.filter("audit_object", labels.audit_object_label)
register.filter("purpose_label", labels.purpose_label)
register.filter("consent_action", labels.consent_action_label)
register.filter("rule_label", labels.rule_label)
register.filter("erasure_action", labels.erasure_action_label)

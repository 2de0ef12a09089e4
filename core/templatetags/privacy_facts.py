"""The recipients' categories and the security measures (core/recipients.py), for the
privacy page and the emails that repeat them."""

from django import template

from core.recipients import CATEGORIES, SECURITY_MEASURES

register = template.Library()


@register.simple_tag
def recipient_categories() -> list[str]:
    return [str(text) for text in CATEGORIES.values()]


@register.simple_tag
def security_measures() -> str:
    return str(SECURITY_MEASURES)

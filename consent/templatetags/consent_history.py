"""A person's consent history as a small read-only table, for the admin pages of trainees
and client contacts (templates/admin/with_consent_history.html): those apps sit below
consent and do not import it; the page's template asks for the table here."""

from django import template
from django.template.loader import render_to_string

from consent.selectors import consent_history
from core.permissions import SENSITIVE_VIEW
from core.purposes import Purpose

register = template.Library()


@register.simple_tag(takes_context=True)
def consent_history_table(context, email: str) -> str:
    """Allergy and disability consents only for staff who may see that data."""
    records = consent_history(email=email)
    if not context["request"].user.has_perm(SENSITIVE_VIEW):
        records = records.exclude(purpose__in=[Purpose.ALLERGY_DATA, Purpose.DISABILITY_DATA])
    return render_to_string("consent/history_table.html", {"records": records})

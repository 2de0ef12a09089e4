"""A person's consent history as a small read-only table, for the admin pages of trainees
and client contacts."""

from django.template.loader import render_to_string

from consent.selectors import consent_history


def consent_history_html(*, email: str) -> str:
    return render_to_string("consent/history_table.html", {"records": consent_history(email=email)})

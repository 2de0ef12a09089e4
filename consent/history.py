"""A person's consent history as a small read-only table, for the admin pages of trainees
and client contacts."""

from django.template.loader import render_to_string

from consent.selectors import consent_history


def consent_history_html(*, email: str, user) -> str:
    """Allergy and disability consents only for staff who may see that data."""
    records = consent_history(email=email)
    if not user.has_perm("trainees.view_sensitiveneeds"):
        records = records.exclude(purpose__in=["allergy_data", "disability_data"])
    return render_to_string("consent/history_table.html", {"records": records})

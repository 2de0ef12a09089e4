"""Validators for contact details, shared by every form that collects them."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# French and international numbers as people type them: digits, spaces, dots, dashes,
# parentheses and a leading +. Between 6 and 20 digits covers short internal lines and
# the longest international numbers (E.164 allows 15 digits, plus extensions).
phone_validator = RegexValidator(
    regex=r"^\+?[\d\s.\-()]{6,25}$",
    message=_(
        "Enter a phone number made of digits (spaces, dots, dashes and a leading + allowed)."
    ),
)

# SIREN (9 digits) or SIRET (14 digits), spaces allowed as they are usually printed.
registration_number_validator = RegexValidator(
    regex=r"^(\d\s?){8}\d$|^(\d\s?){13}\d$",
    message=_("Enter a SIREN (9 digits) or SIRET (14 digits) number."),
)


def reject_markup(value: str) -> None:
    """Refuse < and > in free text: no name, address or note needs them, and markup has no
    business in data that ends up in emails, certificates and attendance sheets."""
    if "<" in value or ">" in value:
        raise ValidationError(_("Please remove the < and > characters: text only."), code="markup")

"""Validators for contact details, shared by every form that collects them."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

_PHONE_CHARACTERS = re.compile(r"^\+?[0-9 .\-()]+$")


def phone_validator(value: str) -> None:
    """French and international numbers as people type them: ASCII digits with spaces,
    dots, dashes, parentheses and a leading +; 6 to 15 digits (E.164 allows at most 15,
    and 6 covers short internal lines)."""
    digits = sum(character.isascii() and character.isdigit() for character in value)
    if not _PHONE_CHARACTERS.match(value) or not 6 <= digits <= 15:
        raise ValidationError(
            _(
                "Enter a phone number of 6 to 15 digits (spaces, dots, dashes and a leading + allowed)."
            ),
            code="phone",
        )


def require_letter(value: str) -> None:
    """A name has at least one letter: blank-looking text (zero-width spaces) is refused."""
    if not any(character.isalpha() for character in value):
        raise ValidationError(_("Enter a name with at least one letter."), code="no_letter")


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

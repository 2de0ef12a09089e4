from django import forms
from django.utils.translation import gettext_lazy as _

from consent.models import ConsentRecord
from core.forms import AccessibleForm


class ChoiceForm(forms.Form):
    """One button on the person's page: withdraw (or object) or give, for one purpose; or
    object to every offer and the newsletter at once."""

    purpose = forms.ChoiceField(choices=ConsentRecord.Purpose.choices, required=False)
    action = forms.ChoiceField(
        choices=[("withdraw", "withdraw"), ("give", "give"), ("object_all", "object_all")]
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") in ("withdraw", "give") and not cleaned.get("purpose"):
            self.add_error("purpose", "Which purpose?")
        return cleaned


class LinkRequestForm(AccessibleForm):
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("If we hold data about this address, we send it a new link."),
    )

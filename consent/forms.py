from django import forms
from django.utils.translation import gettext_lazy as _

from consent.models import ConsentRecord
from core.forms import AccessibleForm


class ChoiceForm(forms.Form):
    """One button on the person's page: withdraw (or object) or give, for one purpose."""

    purpose = forms.ChoiceField(choices=ConsentRecord.Purpose.choices)
    action = forms.ChoiceField(choices=[("withdraw", "withdraw"), ("give", "give")])


class LinkRequestForm(AccessibleForm):
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("If we hold data about this address, we send it a new link."),
    )

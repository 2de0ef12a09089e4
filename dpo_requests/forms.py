from django import forms
from django.utils.translation import gettext_lazy as _

from clients.validators import reject_markup
from core.forms import AccessibleForm
from dpo_requests.models import Request


class RequestForm(AccessibleForm):
    """The public form to exercise a right."""

    kind = forms.ChoiceField(
        label=_("What do you ask for?"),
        choices=Request.Kind.choices,
        widget=forms.RadioSelect,
        help_text=_("Each right is explained in our privacy policy."),
    )
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_(
            "We send a link to this address: your request starts once you click it. That is how we know it is yours."
        ),
    )
    details = forms.CharField(
        label=_("Details"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[reject_markup],
        help_text=_(
            "What should be corrected, which processing you object to… Do not send identity documents."
        ),
    )


class ExtendForm(forms.Form):
    months = forms.TypedChoiceField(
        label=_("Extend by"), coerce=int, choices=[(1, _("1 month")), (2, _("2 months"))]
    )
    reason = forms.CharField(
        label=_("Reason given to the person"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("What was corrected (sent to the person)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SendForm(forms.Form):
    note = forms.CharField(
        label=_("A note for the person, in their language (optional, added to the email)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ForwardForm(forms.Form):
    client = forms.TypedChoiceField(label=_("Client (controller)"), coerce=int, choices=())

    def __init__(self, *args, clients: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].choices = sorted(clients.items(), key=lambda item: item[1])

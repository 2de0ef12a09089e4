"""Admin forms for enrolments: they validate, the services write."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from trainees.models import SensitiveNeeds
from trainees.services import sensitive_needs_validate
from training.models import Enrolment, Session
from training.selectors import enrolment_refusal, session_seats_taken
from training.services import EnrolmentRefused


class EnrolmentAdminForm(forms.ModelForm):
    class Meta:
        model = Enrolment
        fields = ["trainee", "session", "source", "client", "status"]

    def clean(self):
        cleaned = super().clean()
        source, client = cleaned.get("source"), cleaned.get("client")
        if source == Enrolment.Source.EMPLOYER and client is None:
            self.add_error("client", _("Name the client organisation that registers the trainee."))
        if source == Enrolment.Source.SELF and client is not None:
            self.add_error(
                "client", _("A trainee who registered themself has no client organisation.")
            )
        # Tell the person now rather than after saving; the service asks again under a lock.
        trainee, session = cleaned.get("trainee"), cleaned.get("session")
        if self.instance.pk is None and trainee and session:
            refusal = enrolment_refusal(trainee_id=trainee.pk, session=session)
            if refusal:
                raise EnrolmentRefused.because(refusal)
        return cleaned

    def _get_validation_exclusions(self):
        # The role is computed by the database from the source. The trainee is left out
        # so that the one-enrolment-per-session constraint is not checked here: a
        # cancelled enrolment is taken up again by the service, and enrolment_refusal
        # above says, once, when a seat really is held already.
        return {*super()._get_validation_exclusions(), "role", "trainee"}


class SessionAdminForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = [
            "course",
            "start_date",
            "end_date",
            "location",
            "format",
            "capacity",
            "trainer",
            "meals_provided",
        ]

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        taken = session_seats_taken(session_id=self.instance.pk) if self.instance.pk else 0
        if capacity < taken:
            raise ValidationError(
                _("%(taken)d seats are already taken: the capacity cannot be lower."),
                params={"taken": taken},
            )
        return capacity


class SensitiveNeedsInlineForm(forms.ModelForm):
    allergies_consent = forms.BooleanField(
        label=_("The trainee gave explicit consent to record food allergies"),
        help_text=_("Only for meal arrangements; deleted when the training ends."),
        required=False,
    )
    disability_consent = forms.BooleanField(
        label=_("The trainee gave explicit consent to record disability adaptations"),
        help_text=_("Only to adapt the training; deleted when the training ends."),
        required=False,
    )

    class Meta:
        model = SensitiveNeeds
        fields = [
            "food_allergies",
            "allergies_consent",
            "disability_adaptations",
            "disability_consent",
        ]
        widgets = {
            "food_allergies": forms.Textarea(attrs={"rows": 2, "maxlength": 1000}),
            "disability_adaptations": forms.Textarea(attrs={"rows": 2, "maxlength": 1000}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["allergies_consent"].initial = bool(self.instance.allergies_consent_at)
        self.fields["disability_consent"].initial = bool(self.instance.disability_consent_at)
        # With the view permission alone (the DPO) the admin builds this form without the
        # model fields: it shows them read-only instead.
        for name in ("food_allergies", "disability_adaptations"):
            if name in self.fields:
                self.fields[name].max_length = 1000


class SensitiveNeedsAdminForm(SensitiveNeedsInlineForm):
    """The logistics page for one enrolment's needs; the service writes them."""

    class Meta(SensitiveNeedsInlineForm.Meta):
        fields = ["enrolment", *SensitiveNeedsInlineForm.Meta.fields]

    def clean(self):
        cleaned = super().clean()
        enrolment = cleaned.get("enrolment") or getattr(self.instance, "enrolment", None)
        if enrolment is not None:
            _validate_needs(self, enrolment.session, cleaned)
        return cleaned


def _validate_needs(form, session, data) -> None:
    """Attach to the form's fields why these needs cannot be recorded, if they cannot."""
    try:
        sensitive_needs_validate(
            meals_provided=session.meals_provided,
            food_allergies=(data.get("food_allergies") or "").strip(),
            allergies_consent=data.get("allergies_consent", False),
            disability_adaptations=(data.get("disability_adaptations") or "").strip(),
            disability_consent=data.get("disability_consent", False),
        )
    except ValidationError as refusal:
        form.add_error(None, refusal)


class SensitiveNeedsInlineFormSet(BaseInlineFormSet):
    """Checks each needs form against the enrolment's session (meals, consent)."""

    def clean(self):
        super().clean()
        session = getattr(self.instance, "session", None)
        if session is None:
            return
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if data and not data.get("DELETE"):
                _validate_needs(form, session, data)

"""Admin forms for enrolments: they validate, the services write."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from clients.validators import phone_validator, reject_markup, require_letter
from core.forms import AccessibleForm
from training.models import Enrolment, SensitiveNeeds, Session
from training.registration import RegistrationDetails
from training.selectors import enrolment_refusal, session_seats_taken
from training.sensitive_needs import sensitive_needs_validate
from training.services import EnrolmentRefused


class EnrolmentAdminForm(forms.ModelForm):
    class Meta:
        model = Enrolment
        fields = ["trainee", "session", "source", "client", "funding", "status"]

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
        if self.instance.pk is None and session and session.end_date < timezone.localdate():
            self.add_error(
                "session",
                _("This session ended on %(date)s: no new enrolment on it.")
                % {"date": formats.date_format(session.end_date)},
            )
            return cleaned
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
    needs = ("food_allergies", "disability_adaptations")
    given = any((data.get(name) or "").strip() for name in needs)
    typed = any(name in form.changed_data for name in needs)
    if given and typed and session.end_date < timezone.localdate():
        # They are kept for the training only (0 days after it): after it, not taken.
        form.add_error(
            None, _("This session has ended: allergy and disability data are not recorded for it.")
        )
        return
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


class RegistrationForm(AccessibleForm):
    INDIVIDUAL, EMPLOYEE = "individual", "employee"

    surname = forms.CharField(
        label=_("Surname"),
        max_length=100,
        help_text=_("For your registration, the attendance sheet and your certificates."),
        validators=[reject_markup, require_letter],
    )
    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        help_text=_("For your registration, the attendance sheet and your certificates."),
        validators=[reject_markup, require_letter],
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_(
            "To confirm your registration and send your training documents and LMS access."
        ),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=25,
        help_text=_("To reach you if the session changes at short notice."),
        validators=[phone_validator],
    )
    postal_address = forms.CharField(
        label=_("Postal address"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For your invoice and the legal training documents."),
        validators=[reject_markup],
    )
    registering_as = forms.ChoiceField(
        label=_("I register"),
        choices=[(INDIVIDUAL, _("as an individual")), (EMPLOYEE, _("for my employer"))],
        initial=INDIVIDUAL,
        widget=forms.RadioSelect,
        help_text=_("To know who the training is for and who receives the documents."),
    )
    employer_name = forms.CharField(
        label=_("Employer"),
        max_length=200,
        required=False,
        help_text=_("Only if you register for your employer: for the training agreement."),
        validators=[reject_markup],
    )
    occupation = forms.CharField(
        label=_("Occupation"),
        max_length=150,
        help_text=_("To check the training suits you and to monitor its quality."),
        validators=[reject_markup],
    )
    diplomas_and_skills = forms.CharField(
        label=_("Diplomas and skills"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Helps the trainer adapt the course to your level."),
        validators=[reject_markup],
    )
    food_allergies = forms.CharField(
        label=_("Food allergies"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only to arrange your meals during the training."),
        validators=[reject_markup],
    )
    allergies_consent = forms.BooleanField(
        label=_(
            "I consent to the processing of my food allergies, only to arrange my meals. "
            "They are deleted when the training ends, and I can withdraw this consent at any time."
        ),
        required=False,
    )
    disability_adaptations = forms.CharField(
        label=_("Adaptations for a disability"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only to adapt the training to your situation."),
        validators=[reject_markup],
    )
    disability_consent = forms.BooleanField(
        label=_(
            "I consent to the processing of this information about my disability, only to adapt "
            "the training. It is deleted when the training ends, and I can withdraw this consent "
            "at any time."
        ),
        required=False,
    )
    # Our own offers of similar training: unless the person objects, here or later (CPCE
    # L.34-5); our subsidiaries': only with a consent of its own, unticked by default.
    no_offers = forms.BooleanField(
        label=_("I do not want to receive your offers of similar training."),
        required=False,
        help_text=_(
            "We may send offers and information about training courses similar to this one to "
            "your email. You can also object later, from any email we send or from the page "
            "about your data."
        ),
    )
    subsidiary_offers = forms.BooleanField(
        label=_("I agree that our French subsidiaries send me their offers by email."),
        required=False,
        help_text=_(
            "Only if you tick this box. You can withdraw this consent at any time, from any of "
            "their emails or from the page about your data."
        ),
    )

    def __init__(self, *args, meals_provided: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.meals_provided = meals_provided
        if not meals_provided:
            # No meals, no purpose: the question is not even asked.
            del self.fields["food_allergies"]
            del self.fields["allergies_consent"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("registering_as") == self.EMPLOYEE and not cleaned.get("employer_name"):
            self.add_error("employer_name", _("Name your employer, or register as an individual."))
        if cleaned.get("food_allergies", "").strip() and not cleaned.get("allergies_consent"):
            self.add_error(
                "food_allergies",
                _(
                    "To record your food allergies, tick the consent box below; or leave this empty."
                ),
            )
        if cleaned.get("disability_adaptations", "").strip() and not cleaned.get(
            "disability_consent"
        ):
            self.add_error(
                "disability_adaptations",
                _("To record these adaptations, tick the consent box below; or leave this empty."),
            )
        return cleaned

    def details(self) -> RegistrationDetails:
        data = self.cleaned_data
        return RegistrationDetails(
            surname=data["surname"],
            first_name=data["first_name"],
            email=data["email"],
            phone=data["phone"],
            postal_address=data["postal_address"],
            employer_name=data["employer_name"] if data["registering_as"] == self.EMPLOYEE else "",
            occupation=data["occupation"],
            diplomas_and_skills=data["diplomas_and_skills"],
            food_allergies=data.get("food_allergies", ""),
            allergies_consent=data.get("allergies_consent", False),
            disability_adaptations=data["disability_adaptations"],
            disability_consent=data["disability_consent"],
            objects_to_offers=data["no_offers"],
            accepts_subsidiary_offers=data["subsidiary_offers"],
        )

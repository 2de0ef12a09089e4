"""The public registration form: every field says whether it is mandatory and why it is asked."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clients.validators import phone_validator, reject_markup, require_letter
from config.forms import AccessibleForm
from trainees.registration import RegistrationDetails


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
    no_offers = forms.BooleanField(
        label=_("I do not want to receive offers."),
        required=False,
        help_text=_(
            "We may send offers and information about our own training courses to your "
            "email. You can also object later, from any email we send."
        ),
    )
    subsidiary_offers = forms.BooleanField(
        label=_("I agree that our French subsidiaries send me their offers by email."),
        required=False,
        help_text=_("Only if you tick this box. You can withdraw this consent at any time."),
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

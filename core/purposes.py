"""The purposes a person consents to or objects to, the choices they make and how, named
the same in every app: consent/ records the choices, the apps holding data say which purposes concern a person
(core/providers.py, ``Provider.purposes``), campaigns ask who may receive what."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    ALLERGY_DATA = "allergy_data", _("Food allergy data (meal arrangements)")
    DISABILITY_DATA = "disability_data", _("Disability data (training adaptations)")
    # Offers and newsletters: whether one needs prior consent or only the absence of an
    # objection depends on who receives it (consent/selectors.py, BASIS): the labels say
    # what each covers, the same for everyone.
    TRAINEE_OFFERS = "trainee_offers", _("Our offers of similar training")
    CLIENT_PROSPECTING = (
        "client_prospecting",
        _("Our offers, market studies and statistics (client contacts)"),
    )
    SUBSIDIARY_OFFERS = "subsidiary_offers", _("Offers from our French subsidiaries")
    NEWSLETTER = "newsletter", _("Newsletter (our news and events)")


class Action(models.TextChoices):
    # For an objection-based purpose, "given" means informed and not objecting.
    GIVEN = "given", _("Given")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    OBJECTED = "objected", _("Objected")


class Channel(models.TextChoices):
    REGISTRATION_FORM = "registration_form", _("Registration form")
    SELF_SERVICE = "self_service", _("Self-service page")
    STAFF = "staff", _("Staff, on the person's written request")
    UNSUBSCRIBE_LINK = "unsubscribe_link", _("Unsubscribe link")

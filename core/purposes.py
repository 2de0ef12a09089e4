"""The purposes a person consents to or objects to, the choices they make and how, named
the same in every app: consent/ records the choices, the apps holding data say which purposes concern a person
(core/providers.py, ``Provider.purposes``), campaigns ask who may receive what."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    ALLERGY_DATA = "allergy_data", _("Food allergy data (meal arrangements)")
    DISABILITY_DATA = "disability_data", _("Disability data (training adaptations)")
    # Objection-based (legitimate interest): allowed unless the person objected.
    TRAINEE_OFFERS = (
        "trainee_offers",
        _("Offers to trainees from us and our French subsidiaries"),
    )
    CLIENT_PROSPECTING = (
        "client_prospecting",
        _("Prospecting, studies and statistics (client contacts)"),
    )
    # Consent-based: not allowed until the person agreed. Offers from other companies
    # of the group need prior consent (CPCE L.34-5: the soft opt-in covers only our
    # own, similar services).
    SUBSIDIARY_OFFERS = "subsidiary_offers", _("Offers from our French subsidiaries")
    NEWSLETTER = "newsletter", _("Newsletter")


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

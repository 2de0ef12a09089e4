from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consent.models import ConsentRecord, PolicyVersion
from consent.self_service import consent_withdraw
from consent.services import consent_give

SENSITIVE = {ConsentRecord.Purpose.ALLERGY_DATA, ConsentRecord.Purpose.DISABILITY_DATA}
from core.permissions import SENSITIVE_VIEW  # noqa: E402


class StaffChoiceForm(forms.ModelForm):
    """A choice the person made in writing (letter, email), recorded by staff."""

    class Meta:
        model = ConsentRecord
        fields = ["email", "purpose", "action", "note"]
        help_texts = {
            "email": _("The person's address, as on file."),
            "note": _("Which letter or email: its date and sender, not a copy."),
        }

    def clean(self):
        cleaned = super().clean()
        purpose, action = cleaned.get("purpose"), cleaned.get("action")
        Purpose, Action = ConsentRecord.Purpose, ConsentRecord.Action
        allowed = {
            # Sensitive data is consented with the data itself; in writing it is withdrawn.
            Purpose.ALLERGY_DATA: {Action.WITHDRAWN},
            Purpose.DISABILITY_DATA: {Action.WITHDRAWN},
            Purpose.NEWSLETTER: {Action.GIVEN, Action.WITHDRAWN},
            # A trainee withdraws a consent; a client contact objects (consent/selectors.py).
            Purpose.SUBSIDIARY_OFFERS: {Action.GIVEN, Action.WITHDRAWN, Action.OBJECTED},
            Purpose.TRAINEE_OFFERS: {Action.GIVEN, Action.OBJECTED},
            Purpose.CLIENT_PROSPECTING: {Action.GIVEN, Action.OBJECTED},
        }
        if purpose and action and action not in allowed.get(purpose, set()):
            raise forms.ValidationError(_("This choice does not apply to this purpose."))
        if not cleaned.get("note"):
            self.add_error("note", _("Say which written request this comes from."))
        return cleaned


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    """The history is append-only: staff add a choice made in writing, never edit one.
    Allergy and disability consents show only to staff who may see that data."""

    form = StaffChoiceForm
    list_display = ["at", "email", "purpose", "action", "channel", "policy_version"]
    list_filter = ["action", "channel", "policy_version"]
    search_fields = ["email"]
    date_hierarchy = "at"
    list_select_related = ["policy_version"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not request.user.has_perm(SENSITIVE_VIEW):
            queryset = queryset.exclude(purpose__in=SENSITIVE)
        return queryset

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["email", "purpose", "action", "note"]
        return [
            "at",
            "email",
            "purpose",
            "action",
            "channel",
            "note",
            "policy_version",
            "trainee",
            "contact",
        ]

    def save_model(self, request, obj, form, change):
        now, channel = timezone.now(), ConsentRecord.Channel.STAFF
        if obj.action == ConsentRecord.Action.GIVEN:
            consent_give(
                email=obj.email, purpose=obj.purpose, channel=channel, now=now, note=obj.note
            )
        else:
            # Withdrawing consent for sensitive data deletes the data at once.
            consent_withdraw(
                email=obj.email, purpose=obj.purpose, channel=channel, now=now, note=obj.note
            )
        obj.pk = ConsentRecord.objects.filter(email=obj.email.strip().lower()).latest("pk").pk


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    """Publishing a version adds a row; a published version never changes."""

    list_display = ["number", "published_on"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

import datetime

from django import forms
from django.contrib import admin
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import audit_record
from core.models import AuditEntry, Disclosure
from dpo_requests.models import Breach, Recipient, Request
from dpo_requests.processing_record import ACTIVITIES
from dpo_requests.services import request_log_by_staff


class StaffRequestForm(forms.ModelForm):
    """A request received by post or email; staff checked who sent it."""

    class Meta:
        model = Request
        fields = ["kind", "email", "details", "language", "channel", "received_at"]


@admin.register(Request)
class RequestAdmin(admin.ModelAdmin):
    """Requests are handled in the back-office; here staff log those received by post."""

    form = StaffRequestForm
    list_display = ["pk", "kind", "status", "received_at", "due_on"]
    list_filter = ["kind", "status", "channel"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_changeform_initial_data(self, request):
        return {"channel": Request.Channel.POST, "received_at": timezone.now(), "language": "fr"}

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = request_log_by_staff(actor=request.user, now=timezone.now(), **data)
        obj.pk = saved.pk

    def response_add(self, request, obj, post_url_continue=None):
        return redirect("backoffice:request", pk=obj.pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return redirect("backoffice:request", pk=object_id)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log cannot be edited or deleted through the product."""

    list_display = ["at", "actor", "action", "object_type", "object_id", "note"]
    list_filter = ["action", "object_type"]
    list_select_related = ["actor"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Disclosure)
class DisclosureAdmin(admin.ModelAdmin):
    """Read-only: the recipients log is written by the code that sends the data."""

    list_display = ["at", "recipient", "kind", "categories", "object_type", "told_at"]
    list_filter = ["kind"]
    search_fields = ["email", "recipient"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedAdmin(admin.ModelAdmin):
    """Every change the DPO makes here goes to the audit log."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="changed" if change else "added",
            obj=obj,
            note=", ".join(form.changed_data)[:200],
        )


class RecipientForm(forms.ModelForm):
    activities = forms.MultipleChoiceField(
        label=_("For the processing activities"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only the activities whose data this recipient receives."),
    )

    class Meta:
        model = Recipient
        fields = [
            "name",
            "kind",
            "purposes",
            "data",
            "country",
            "outside_eea",
            "safeguard",
            "activities",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activities"].choices = [(a.key, a.name) for a in ACTIVITIES]


@admin.register(Recipient)
class RecipientAdmin(AuditedAdmin):
    form = RecipientForm
    list_display = ["name", "kind", "country", "outside_eea", "safeguard"]
    list_filter = ["kind", "outside_eea"]


@admin.register(Breach)
class BreachAdmin(AuditedAdmin):
    list_display = [
        "detected_at",
        "data_categories",
        "people_affected",
        "deadline",
        "authority_notified_at",
        "closed_at",
    ]
    list_filter = ["closed_at"]

    @admin.display(description=_("notify the CNIL by (72 h)"))
    def deadline(self, breach):
        return breach.detected_at + datetime.timedelta(hours=72)

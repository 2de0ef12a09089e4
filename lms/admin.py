"""Staff see every LMS access, ask for one for an enrolment of an online or blended
session, and close one early. The platform is called by tasks, never by the page."""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.holds import is_restricted
from lms.models import LmsAccess
from lms.services import (
    ONLINE_FORMATS,
    RESTRICTED,
    lms_access_close,
    lms_access_request,
    lms_access_revoke_queue,
)


class LmsAccessForm(forms.ModelForm):
    class Meta:
        model = LmsAccess
        fields = ["enrolment", "login"]
        help_texts = {
            "login": _("Only when no platform is connected: the login you created by hand.")
        }

    def clean_enrolment(self):
        enrolment = self.cleaned_data["enrolment"]
        if enrolment is None:
            raise forms.ValidationError(_("Choose the enrolment."))
        if enrolment.session.format not in ONLINE_FORMATS:
            raise forms.ValidationError(_("Only online and blended sessions have platform access."))
        if is_restricted(email=enrolment.trainee.email, today=timezone.localdate()):
            raise forms.ValidationError(RESTRICTED)
        return enrolment

    def _get_validation_exclusions(self):
        # The service fills the rest and validates the whole row.
        return {*super()._get_validation_exclusions(), "enrolment"}


@admin.register(LmsAccess)
class LmsAccessAdmin(admin.ModelAdmin):
    form = LmsAccessForm
    list_display = [
        "enrolment",
        "platform",
        "login",
        "state",
        "granted_at",
        "revoked_at",
        "attempts",
        "last_error",
    ]
    list_filter = ["state", "platform"]
    list_select_related = ["enrolment__trainee", "enrolment__session__course"]
    search_fields = ["email", "login", "course_code"]
    autocomplete_fields = ["enrolment"]
    actions = ["close_now"]
    readonly_fields = [
        "email",
        "course_code",
        "platform",
        "state",
        "requested_at",
        "granted_at",
        "revoke_requested_at",
        "revoked_at",
        "attempts",
        "last_error",
        "last_attempt_at",
    ]

    def get_fields(self, request, obj=None):
        return (
            ["enrolment", "login"] if obj is None else ["enrolment", "login", *self.readonly_fields]
        )

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["enrolment", "login", *self.readonly_fields]

    def has_delete_permission(self, request, obj=None):
        # Deleting the record of an open account would leave the account open: accesses
        # are closed here, and the retention schedule deletes closed records.
        return False

    def save_model(self, request, obj, form, change):
        access = lms_access_request(
            enrolment=form.cleaned_data["enrolment"],
            login=form.cleaned_data.get("login", ""),
            now=timezone.now(),
        )
        obj.pk = access.pk

    @admin.action(description=_("Close the selected accesses now"), permissions=["change"])
    def close_now(self, request, queryset):
        now = timezone.now()
        closing = queryset.exclude(state=LmsAccess.State.REVOKED)
        for access in closing:
            lms_access_close(access=access, now=now)
            lms_access_revoke_queue(access_id=access.pk)
        count = len(closing)
        self.message_user(
            request,
            ngettext(
                "%(count)d access is being closed.", "%(count)d accesses are being closed.", count
            )
            % {"count": count},
        )

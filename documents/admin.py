from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from documents.models import EnrolmentDocuments
from documents.services import (
    DocumentRefused,
    agreement_pdf,
    agreement_send,
    convocation_pdf,
    convocations_resend,
)


def _pdf_response(filename: str, pdf: bytes) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@admin.register(EnrolmentDocuments)
class EnrolmentDocumentsAdmin(admin.ModelAdmin):
    """Each enrolment's convocation and agreement or contract: send again, or download."""

    list_display = ["trainee", "session", "funding", "client", "status"]
    list_filter = ["status", "funding", "session__course"]
    list_select_related = ["trainee", "session__course", "client"]
    search_fields = ["trainee__surname", "trainee__first_name", "trainee__email"]
    fields = ["trainee", "session", "source", "client", "funding", "status"]
    readonly_fields = fields
    actions = ["send_convocations", "send_agreements", "download_convocation", "download_agreement"]

    def get_queryset(self, request):
        # Archived enrolments are evidence only: no document goes out for them.
        return super().get_queryset(request).filter(archived_at__isnull=True)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the convocation (again)"), permissions=["change"])
    def send_convocations(self, request, queryset):
        sent, skipped = convocations_resend(
            enrolment_ids=list(queryset.values_list("pk", flat=True))
        )
        self.message_user(
            request,
            _("%(sent)d convocations sent, %(skipped)d skipped (not confirmed).")
            % {"sent": sent, "skipped": skipped},
        )

    @admin.action(description=_("Send the agreement or contract"), permissions=["change"])
    def send_agreements(self, request, queryset):
        sent = 0
        for enrolment in queryset:
            try:
                agreement_send(enrolment_id=enrolment.pk, now=timezone.now())
                sent += 1
            except DocumentRefused as refusal:
                self.message_user(request, f"{enrolment}: {refusal.message}", messages.WARNING)
        self.message_user(
            request,
            ngettext("%(count)d document sent.", "%(count)d documents sent.", sent)
            % {"count": sent},
        )

    def _one(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one enrolment."), messages.WARNING)
            return None
        return queryset.select_related("trainee", "session__course", "client").get()

    @admin.action(description=_("Download the convocation (PDF)"), permissions=["view"])
    def download_convocation(self, request, queryset):
        enrolment = self._one(request, queryset)
        if enrolment is not None:
            pdf = convocation_pdf(enrolment=enrolment)
            return _pdf_response(f"convocation-{enrolment.pk}.pdf", pdf)
        return None

    @admin.action(description=_("Download the agreement or contract (PDF)"), permissions=["view"])
    def download_agreement(self, request, queryset):
        enrolment = self._one(request, queryset)
        if enrolment is None:
            return None
        try:
            filename, pdf = agreement_pdf(
                enrolment=enrolment, today=timezone.localdate(), language=request.LANGUAGE_CODE
            )
        except DocumentRefused as refusal:
            self.message_user(request, refusal.message, messages.WARNING)
            return None
        return _pdf_response(filename, pdf)

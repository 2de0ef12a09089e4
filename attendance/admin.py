"""Staff pages: the half-day sheets (mark 20 people on one page), the trainer's page with
the QR code and the trainer's own signature, the session's PDF, and the certificates."""

import segno
from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from attendance.certificates import certificates_issue
from attendance.documents import sheets_pdf
from attendance.models import AttendanceLine, AttendanceSheet, Certificate
from attendance.services import line_mark, sheet_trainer_sign, sheets_ensure
from attendance.views import sheet_token
from training.models import Session

# §6: once archived, a training's records are for those with the archive's own
# permission (the DPO); the training staff no longer see them, sheets and certificates
# included (they name the trainees).
ARCHIVE_PERMISSION = "training.view_archivedenrolment"


def _outside_archive(request, queryset, enrolments: str):
    if request.user.has_perm(ARCHIVE_PERMISSION):
        return queryset
    return queryset.exclude(**{f"{enrolments}__archived_at__isnull": False})


class LineInline(admin.TabularInline):
    model = AttendanceLine
    fields = ("enrolment", "status", "signed_at", "method", "marked_by")
    readonly_fields = ("enrolment", "signed_at", "method", "marked_by")
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        lines = (
            super()
            .get_queryset(request)
            .select_related("enrolment__trainee", "enrolment__session__course", "marked_by")
        )
        return _outside_archive(request, lines, "enrolment")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AttendanceSheet)
class AttendanceSheetAdmin(admin.ModelAdmin):
    list_display = ("session", "day", "half_day", "trainer_signed_at", "links")
    list_filter = ("half_day", "day")
    list_select_related = ("session__course",)
    fields = (
        "session",
        "day",
        "half_day",
        "starts_at",
        "ends_at",
        "trainer_name",
        "trainer_signed_at",
    )
    readonly_fields = fields
    inlines = [LineInline]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        sheets = super().get_queryset(request).select_related("session__course")
        return _outside_archive(request, sheets, "session__enrolments")

    @admin.display(description=_("Pages"))
    def links(self, sheet):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:attendance_attendancesheet_trainer", args=[sheet.pk]),
            _("Trainer page (QR code)"),
            reverse("admin:attendance_attendancesheet_pdf", args=[sheet.pk]),
            _("PDF of the session"),
        )

    def save_formset(self, request, form, formset, change):
        # Through the service, which records who marked and when (one read for the sheet,
        # one write per changed line).
        now = timezone.now()
        lines = {line.pk: line for line in AttendanceLine.objects.filter(sheet=form.instance)}
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if inline_form.has_changed():
                line = lines[inline_form.instance.pk]
                status = inline_form.cleaned_data["status"]
                line_mark(line=line, status=status, user=request.user, now=now)
                formset.changed_objects.append((line, ["status"]))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/trainer/",
                view(self.trainer_view),
                name="attendance_attendancesheet_trainer",
            ),
            path("<int:pk>/pdf/", view(self.pdf_view), name="attendance_attendancesheet_pdf"),
            *super().get_urls(),
        ]

    def trainer_view(self, request, pk):
        sheet = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, sheet):
            return HttpResponse(status=403)
        if request.method == "POST" and self.has_change_permission(request, sheet):
            sheet_trainer_sign(sheet_id=sheet.pk, user=request.user, now=timezone.now())
            messages.success(request, _("Your signature as trainer is recorded."))
            return redirect(request.path)
        url = settings.SITE_URL + reverse("attendance:sign", args=[sheet_token(sheet.pk)])
        lines = sheet.lines.select_related("enrolment__trainee")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Sign in for this half-day"),
            "sheet": sheet,
            "url": url,
            "qr": segno.make(url, error="m").svg_data_uri(scale=6),
            "lines": lines,
            "can_sign": self.has_change_permission(request, sheet),
        }
        return render(request, "admin/attendance/trainer.html", context)

    def pdf_view(self, request, pk):
        sheet = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, sheet):
            return HttpResponse(status=403)
        response = HttpResponse(
            sheets_pdf(session_id=sheet.session_id), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'inline; filename="attendance-{sheet.session_id}.pdf"'
        return response


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ("__str__", "hours_attended", "hours_planned", "issued_at", "emailed_at")
    list_select_related = ("enrolment__trainee",)
    fields = (
        "enrolment",
        "hours_planned",
        "hours_attended",
        "evaluation",
        "issued_at",
        "emailed_at",
    )
    readonly_fields = ("enrolment", "hours_planned", "hours_attended", "issued_at", "emailed_at")
    actions = ["regenerate"]

    def get_queryset(self, request):
        return _outside_archive(request, super().get_queryset(request), "enrolment")

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Issue again and email the link"), permissions=["change"])
    def regenerate(self, request, queryset):
        now, count = timezone.now(), 0
        by_session = {}
        for session_id, enrolment_id in queryset.values_list(
            "enrolment__session_id", "enrolment_id"
        ):
            by_session.setdefault(session_id, []).append(enrolment_id)
        for session_id, enrolment_ids in by_session.items():
            count += certificates_issue(session_id=session_id, now=now, enrolment_ids=enrolment_ids)
        messages.success(request, _("%(count)d certificates issued again.") % {"count": count})


@admin.action(description=_("Prepare the attendance sheets"), permissions=["change"])
def prepare_sheets(modeladmin, request, queryset):
    count = 0
    for session in queryset.filter(format__in=("in_person", "blended")):
        count += len(sheets_ensure(session_id=session.pk))
    messages.success(request, _("%(count)d half-day sheets ready.") % {"count": count})


@admin.action(description=_("Issue the certificates (all trainees)"), permissions=["change"])
def issue_certificates(modeladmin, request, queryset):
    now, count = timezone.now(), 0
    for session in queryset.filter(format__in=("in_person", "blended")):
        count += certificates_issue(session_id=session.pk, now=now)
    messages.success(request, _("%(count)d certificates issued.") % {"count": count})


session_admin = admin.site._registry[Session]
session_admin.actions = [*session_admin.actions, prepare_sheets, issue_certificates]

"""The trainee's pages: signing a half-day on their own phone, downloading certificates;
and, for staff, the export of a client's employees' data."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from attendance.certificates import certificate_from_token
from attendance.client_return import client_return_write
from attendance.documents import certificate_pdf
from attendance.models import AttendanceSheet, Certificate
from attendance.services import (
    SigningRefused,
    sheet_is_open,
    sheet_open_for_session,
    sheet_sign_with_code,
    sheet_sign_with_link,
    sheets_ensure,
)
from clients.selectors import organisation_by_id
from core.permissions import PROCESSOR_DATA_RETURN
from core.throttle import client_address, throttle_allow
from training.selectors import enrolment_with_trainee
from training.signing_codes import enrolment_from_signing_token

SHEET_SALT = "attendance.sheet"


def sheet_token(sheet_id: int) -> str:
    """The token in a half-day's signing address (the QR code)."""
    return signing.dumps(sheet_id, salt=SHEET_SALT)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Your personal code"),
        max_length=12,
        help_text=_("The 8 characters sent with your convocation."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}
        ),
    )


def _closed(request, sheet):
    return render(request, "attendance/closed.html", {"sheet": sheet}, status=403)


@require_http_methods(["GET", "POST"])
def sign_with_code(request, token):
    try:
        sheet = AttendanceSheet.objects.select_related("session__course").get(
            pk=signing.loads(token, salt=SHEET_SALT)
        )
    except (signing.BadSignature, AttendanceSheet.DoesNotExist):
        raise Http404 from None
    now = timezone.now()
    if not sheet_is_open(sheet=sheet, now=now):
        return _closed(request, sheet)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        scope = f"attendance-sign-{sheet.pk}"
        if not throttle_allow(
            scope=scope,
            ident=client_address(request),
            limit=settings.ATTENDANCE_SIGN_ATTEMPTS_PER_HOUR,
        ):
            return render(request, "429.html", status=429)
        try:
            line = sheet_sign_with_code(sheet_id=sheet.pk, code=form.cleaned_data["code"], now=now)
        except SigningRefused as refused:
            if refused.reason == "closed":
                return _closed(request, sheet)
            form.add_error("code", _("This code is not one of this session's trainees."))
        else:
            return render(request, "attendance/signed.html", {"sheet": sheet, "line": line})
    status = 400 if form.errors else 200
    return render(request, "attendance/sign.html", {"sheet": sheet, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
def sign_with_link(request, token):
    try:
        enrolment_id = enrolment_from_signing_token(token)
        enrolment = enrolment_with_trainee(enrolment_id=enrolment_id)
    except (signing.BadSignature, KeyError, ValueError, ObjectDoesNotExist):
        raise Http404 from None
    session_id, trainee = enrolment.session_id, enrolment.trainee
    if enrolment.status == "cancelled":
        raise Http404
    now = timezone.now()
    try:
        sheets_ensure(session_id=session_id)
    except ValueError:
        raise Http404 from None
    sheet = sheet_open_for_session(session_id=session_id, now=now)
    if sheet is None:
        return _closed(request, None)
    if request.method == "POST":
        try:
            line = sheet_sign_with_link(sheet_id=sheet.pk, enrolment_id=enrolment_id, now=now)
        except SigningRefused:
            return _closed(request, sheet)
        return render(request, "attendance/signed.html", {"sheet": sheet, "line": line})
    return render(request, "attendance/sign_me.html", {"sheet": sheet, "trainee": trainee})


def certificate_download(request, token):
    try:
        certificate, language = certificate_from_token(token)
    except (signing.BadSignature, Certificate.DoesNotExist):
        return render(request, "attendance/link_invalid.html", status=404)
    pdf = certificate_pdf(certificate=certificate, language=language)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"certificate-{certificate.pk}-{language}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET"])
def _client_data_export(request, pk):
    """A client's employees, sessions and attendance as CSV, to return to it at the end
    of its services (staff holding the permission; linked from the client's admin page)."""
    if not request.user.has_perm(PROCESSOR_DATA_RETURN):
        raise PermissionDenied
    organisation = organisation_by_id(organisation_id=pk)
    if organisation is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="client-{pk}-employees-data.csv"'
    response["Cache-Control"] = "private, no-store"
    client_return_write(
        organisation=organisation, out=response, actor=request.user, now=timezone.now()
    )
    return response


# Behind the admin's sign-in (staff only; the second factor as on every /admin/ page).
client_data_export = admin.site.admin_view(_client_data_export)

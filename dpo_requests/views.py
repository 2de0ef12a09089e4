"""The public side of data-subject requests: the form, the address check, the download."""

from django.conf import settings
from django.core import signing
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from consent.tokens import email_token_read
from core.audit import audit_record
from core.throttle import client_address, throttle_allow
from dpo_requests.emails import DOWNLOAD_USE, VERIFY_USE
from dpo_requests.exports import export_file_path
from dpo_requests.forms import RequestForm
from dpo_requests.models import Request
from dpo_requests.services import request_submit, request_verify


def _read(token: str, *, use: str, seconds: int) -> tuple[int, str] | None:
    try:
        request_id, _, email = email_token_read(token, use=use, max_age_seconds=seconds).partition(
            ":"
        )
        return int(request_id), email
    except (signing.BadSignature, ValueError):
        return None


@require_http_methods(["GET", "POST"])
def request_new(request):
    """Exercise a right. The answer is the same whether or not we know the address."""
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        limit = settings.REGISTRATION_SUBMISSIONS_PER_HOUR
        if not throttle_allow(scope="dsr", ident=client_address(request), limit=limit):
            return render(request, "429.html", status=429)
        request_submit(
            kind=form.cleaned_data["kind"],
            email=form.cleaned_data["email"],
            details=form.cleaned_data["details"],
            language=translation.get_language(),
            now=timezone.now(),
        )
        return render(request, "dpo_requests/sent.html", {"hours": settings.DSR_VERIFY_LINK_HOURS})
    return render(request, "dpo_requests/new.html", {"form": form})


@require_http_methods(["GET", "POST"])
def verify(request, token: str):
    """The person confirms the address: the GET shows a button and only its POST puts the
    request in the DPO's queue, so that a mail scanner fetching the link confirms nothing."""
    found = _read(token, use=VERIFY_USE, seconds=settings.DSR_VERIFY_LINK_HOURS * 3600)
    dsr = Request.objects.filter(pk=found[0], email=found[1]).first() if found else None
    if dsr is None:
        return render(request, "dpo_requests/link_invalid.html", status=400)
    if request.method == "GET" and dsr.status == Request.Status.AWAITING_VERIFICATION:
        return render(request, "dpo_requests/verify.html", {"dsr": dsr})
    if request.method == "POST":
        dsr = request_verify(request_id=dsr.pk, email=dsr.email, now=timezone.now())
    return render(request, "dpo_requests/verified.html", {"dsr": dsr})


@never_cache  # the person's whole file, health data included: no cache keeps a copy
def download(request, token: str):
    """The person's archive, through the link emailed to them, while it lasts."""
    found = _read(token, use=DOWNLOAD_USE, seconds=settings.DSR_EXPORT_DAYS * 24 * 3600)
    dsr = Request.objects.filter(pk=found[0], email=found[1]).first() if found else None
    # An archive works only once the DPO checked it and sent its link (archives.py).
    if dsr is None or dsr.export_sent_at is None or not dsr.export_file:
        return render(request, "dpo_requests/link_invalid.html", status=404)
    if dsr.export_expires_at < timezone.now():  # the file goes with the next night's run
        return render(request, "dpo_requests/link_invalid.html", status=404)
    path = export_file_path(name=dsr.export_file)
    if path is None:
        raise Http404
    audit_record(actor=None, action="export_downloaded", obj=dsr)
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"my-data-{dsr.pk}.zip")

"""The DPO's workplace (staff area, DPO permission): dashboard, request queue and
actions, audit log, record of processing, email templates."""

import csv
import datetime
import itertools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from consent.selectors import consent_counts
from core.audit import audit_actions, audit_entries, audit_record
from core.disclosures import Kind, recipients_to_tell
from core.providers import providers
from dpo_requests import services
from dpo_requests.archives import export_for_review, export_review_state
from dpo_requests.charts import Chart, stacked_bars
from dpo_requests.emails import TO_PERSON, request_message
from dpo_requests.forms import ExtendForm, ForwardForm, NoteForm, ReasonForm, SendForm
from dpo_requests.models import Request
from dpo_requests.processing_record import SECURITY, processing_record_rows
from dpo_requests.selectors import (
    address_changes_recent,
    breaches_open,
    erasure_plan,
    processor_clients,
    recipients_told_entries,
    request_counts_by_status,
    request_queue,
    requests_due_soon,
    requests_per_month,
    subject_holds_sensitive,
    subject_records,
)
from retention.forecasts import WEEKS, forecast_current, forecast_table
from retention.selectors import purge_log_latest

DPO = "dpo_requests.handle_request"
QUEUE_PAGE = 100
# What an action that tells nobody yet says once done.
_DONE = {
    "export": gettext_lazy(
        "The archive is being built. It appears on this page for you to check: the person "
        "gets its link only when you send it."
    )
}


def dpo_only(view):
    """Signed-in staff with the DPO permission; others are sent to sign in, or refused.
    Every page here shows people's data: no browser or proxy may keep a copy."""
    return never_cache(
        login_required(
            permission_required(DPO, raise_exception=True)(view), login_url="admin:login"
        )
    )


def _weekly_due(now, due: dict[str, list[int]]) -> Chart:
    """Records falling due per week, next 12 weeks, from the counts per rule due 0, 7,
    14… days from ``now`` (the forecast's DAYS begin with them)."""
    totals = [sum(per_rule[week] for per_rule in due.values()) for week in range(WEEKS + 1)]
    labels = [
        (timezone.localdate(now) + datetime.timedelta(days=7 * week)).strftime("%d/%m")
        for week in range(1, WEEKS + 1)
    ]
    values = [max(later - sooner, 0) for sooner, later in itertools.pairwise(totals)]
    return Chart(_("Records falling due for retention, per week"), labels, [(_("records"), values)])


@dpo_only
def dashboard(request):
    now, today = timezone.now(), timezone.localdate()
    months = requests_per_month(months=12, today=today)
    counts = request_counts_by_status()
    per_month = Chart(
        _("Requests received per month, by kind"),
        [month.strftime("%m/%y") for month, _counts in months],
        [
            (label, [counts.get(kind, 0) for _m, counts in months])
            for kind, label in Request.Kind.choices
        ],
    )
    # The table and the chart from the forecast the nightly run stored (counted once
    # here if it did not): due now, in each of 12 weeks, in 90 days.
    forecast = forecast_current(now=now)
    weekly = _weekly_due(forecast.computed_at, forecast.counts)
    breaches = [(b, b.detected_at + datetime.timedelta(hours=72)) for b in breaches_open()]
    return render(
        request,
        "backoffice/dashboard.html",
        {
            "statuses": [(key, label, counts.get(key, 0)) for key, label in Request.Status.choices],
            "due_soon": requests_due_soon(today=today)[:10],
            "today": today,
            "runs": purge_log_latest(limit=10),
            "forecast": forecast_table(forecast),
            "forecast_at": forecast.computed_at,
            "consent_counts": consent_counts(),
            "breaches": breaches,
            "now": now,
            "charts": [
                (per_month, stacked_bars(per_month)),
                (weekly, stacked_bars(weekly)),
            ],
        },
    )


@dpo_only
def queue(request):
    status = request.GET.get("status") or None
    # A page at a time: requests done pile up over the years (a thousand a year).
    page = Paginator(request_queue(status=status), QUEUE_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "backoffice/queue.html",
        {
            "requests": page,
            "page": page,
            "status": status,
            "statuses": Request.Status.choices,
            "today": timezone.localdate(),
            "soon": timezone.localdate() + datetime.timedelta(days=settings.DSR_DUE_SOON_DAYS),
        },
    )


@dpo_only
def detail(request, pk: int):
    return _request_page(request, get_object_or_404(Request, pk=pk))


def _request_page(request, dsr: Request, *, status: int = 200):
    """The request's page (again, with the error, after a refused action)."""
    audit_record(actor=request.user, action="records_viewed", obj=dsr)
    today = timezone.localdate()
    records = subject_records(email=dsr.email)
    clients = processor_clients(records=records)
    erasure = dsr.kind == Request.Kind.ERASURE
    restricted = dsr.kind == Request.Kind.RESTRICTION and any(
        p.restricted(email=dsr.email, today=today) for p in providers()
    )
    exporting = dsr.kind in (Request.Kind.ACCESS, Request.Kind.PORTABILITY)
    # Art. 19: a rectification or an erasure is passed on to whoever received the data.
    passed_on = dsr.kind in (Request.Kind.RECTIFICATION, Request.Kind.ERASURE)
    since = timezone.now() - datetime.timedelta(days=settings.DSR_ADDRESS_CHANGE_DAYS)
    return render(
        request,
        "backoffice/request.html",
        {
            "dsr": dsr,
            "records": records,
            "plan": erasure_plan(email=dsr.email, today=today) if erasure else None,
            "blocked": services.erasure_blocked(email=dsr.email, today=today) if erasure else [],
            "restricted": restricted,
            "clients": clients,
            "address_changes": address_changes_recent(records=records, since=since),
            "address_changes_days": settings.DSR_ADDRESS_CHANGE_DAYS,
            "asks_identity": exporting and subject_holds_sensitive(email=dsr.email),
            "to_tell": [
                (name, Kind(kind).label) for name, kind in recipients_to_tell(email=dsr.email)
            ]
            if passed_on
            else [],
            "told": recipients_told_entries(request=dsr) if passed_on else [],
            "may_tell": dsr.status in (*services.ACTIONABLE, Request.Status.DONE),
            "forms": {
                "extend": ExtendForm(),
                "refuse": ReasonForm(),
                "restrict": ReasonForm(),
                "rectified": NoteForm(),
                "close": NoteForm(),
                "send": SendForm(),
                "forward": ForwardForm(clients=clients) if clients else None,
            },
            "is_open": dsr.status in services.ACTIONABLE,
            "waiting_client": dsr.status == Request.Status.WAITING_CLIENT,
            "archive": export_review_state(request=dsr) if exporting else None,
        },
        status=status,
    )


@dpo_only
def archive(request, pk: int):
    """The archive as the person will get it, for the DPO to check before sending it."""
    dsr = get_object_or_404(Request, pk=pk)
    path = export_for_review(request=dsr, actor=request.user)  # audited
    if path is None:
        return render(request, "backoffice/archive_gone.html", {"dsr": dsr}, status=404)
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"request-{dsr.pk}.zip")


def _act_fields(post, *, dsr: Request, action: str) -> dict:
    """The fields of one DPO action, from the form that checks them where there is one."""
    if action == "extend":
        form = ExtendForm(post)
        if not form.is_valid():
            raise ValidationError(_("An extension is one or two months, with its reason."))
        return {"months": form.cleaned_data["months"], "reason": form.cleaned_data["reason"]}
    if action == "forward":
        clients = processor_clients(records=subject_records(email=dsr.email))
        form = ForwardForm(post, clients=clients)
        if not form.is_valid():
            raise ValidationError(_("Choose the client to forward to."))
        return {"client_id": form.cleaned_data["client"]}
    if action == "export":
        return {"identity_checked": post.get("identity_checked") == "on"}
    if action == "send":
        form = SendForm(post)
        if not form.is_valid():
            raise ValidationError(_("A note for the person is at most 1,000 characters."))
        return {"note": form.cleaned_data["note"]}
    if action == "erase" and post.get("confirm_email", "").strip().lower() != dsr.email.lower():
        # Erasure cannot be undone: the DPO types the address, as pretix's shredder asks
        # for the event's name, so that a misplaced click erases nothing.
        raise ValidationError(
            _("Nothing was erased: type the person's email address exactly to confirm.")
        )
    if action in ("restrict", "refuse"):
        return {"reason": post.get("reason", "")}
    if action in ("rectified", "close"):
        return {"note": post.get("note", "")}
    return {}


@dpo_only
@require_POST
def act(request, pk: int):
    """One DPO action on a request; each service audits itself and emails the person."""
    dsr = get_object_or_404(Request, pk=pk)
    action, now, actor = request.POST.get("action"), timezone.now(), request.user
    try:
        fields = _act_fields(request.POST, dsr=dsr, action=action)
        services.request_act(request=dsr, actor=actor, action=action, now=now, **fields)
    except ValidationError as error:
        # Nothing was done: the page again, with why, and a 400 (never a 500).
        messages.error(request, " ".join(error.messages))
        return _request_page(request, dsr, status=400)
    reviewed = action in _DONE and settings.DSR_EXPORT_REVIEW  # else the link goes as built
    messages.success(
        request, _DONE[action] if reviewed else _("Done. The person is told by email.")
    )
    return redirect("backoffice:request", pk=dsr.pk)


@dpo_only
def audit_log(request):
    entries = audit_entries(
        action=request.GET.get("action", ""),
        object_type=request.GET.get("object_type", ""),
        actor=request.GET.get("actor", ""),
        since=parse_date(request.GET.get("since") or ""),
    )
    if request.GET.get("format") == "csv":
        audit_record(actor=request.user, action="audit_exported", object_type="audit")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
        writer = csv.writer(response)
        writer.writerow(["at", "who", "action", "object", "id", "note"])
        # Plain values, no model per line: 100,000 lines took 7.4 s as models, 2.3 s so
        # (a loaded 2-core machine). Still proportional to the log: a download.
        lines = entries.values_list(
            "at", "actor__username", "action", "object_type", "object_id", "note"
        )
        for at, who, *rest in lines.iterator(chunk_size=5000):
            writer.writerow([at.isoformat(), who or "", *rest])
        return response
    return render(
        request,
        "backoffice/audit.html",
        {
            "entries": entries[:500],
            "actions": audit_actions(),
            "filters": request.GET,
        },
    )


@dpo_only
def processing_record(request):
    rows = processing_record_rows()
    if request.GET.get("format") == "csv":
        audit_record(actor=request.user, action="register_exported", object_type="register")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="record-of-processing.csv"'
        writer = csv.writer(response)
        writer.writerow(
            [
                _("Activity"),
                _("Purposes"),
                _("Legal basis"),
                _("Data subjects"),
                _("Data"),
                _("Our role"),
                _("Recipients"),
                _("Transfers outside the EEA"),
                _("Retention"),
                _("Security measures"),
            ]
        )
        for row in rows:
            a = row["activity"]
            writer.writerow(
                [
                    a.name,
                    a.purposes,
                    a.legal_basis,
                    a.subjects,
                    a.data,
                    a.role,
                    "; ".join(
                        [
                            *row["categories"],
                            *(f"{r.name} ({r.get_kind_display()})" for r in row["recipients"]),
                        ]
                    ),
                    "; ".join(
                        f"{r.name}, {r.country}: {r.get_safeguard_display()}"
                        for r in row["transfers"]
                    ),
                    "; ".join(
                        f"{rule.data}: {rule.period()} → {rule.action}" for rule in row["retention"]
                    ),
                    SECURITY,
                ]
            )
        return response
    return render(
        request,
        "backoffice/processing_record.html",
        {"rows": rows, "organisation": settings.ORGANISATION, "security": SECURITY},
    )


@dpo_only
def email_templates(request):
    """Every answer the person may receive, as it would read, in French and English."""
    sample = Request(
        pk=0,
        kind=Request.Kind.ACCESS,
        email="prenom.nom@example.org",
        language="fr",
        channel=Request.Channel.WEB,
        received_at=timezone.now(),
        due_on=timezone.localdate() + datetime.timedelta(days=30),
        extension_reason=_("(reason written by the DPO)"),
        answer=_("(answer written by the DPO)"),
        forwarded_to="Client SA",
    )
    extra = {
        "kept": [
            {
                "kind": _("enrolment"),
                "reason": _("(reason given by the record's app)"),
                "until": "2031-06-30",
            }
        ],
        "recipients": ["OPCO Atlas", "Moodle Cloud"],
    }
    previews = []
    for template in TO_PERSON:
        for language in ("fr", "en"):
            message = request_message(
                request=sample, template=template, extra=extra, language=language
            )
            previews.append((template, language, message.subject, message.body))
    return render(request, "backoffice/emails.html", {"previews": previews})

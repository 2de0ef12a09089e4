"""The logistics list: per session, the meal and adaptation needs for the people who
arrange them. Only with the sensitive-data permission; every look audited (a refused one
as a refusal); rendered from the live data, so needs purged or withdrawn are gone from it.
Printable (print CSS) and as a PDF."""

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from core.audit import audit_record
from core.pdf import pdf_render
from core.permissions import SENSITIVE_VIEW
from training.models import Session
from training.selectors import session_logistics_needs

TEMPLATE = "training/admin/logistics.html"
STYLES = settings.BASE_DIR / "static" / "css" / "logistics.css"


@staff_member_required
def session_logistics(request, session_id: int):
    """The logistics list of one session (``?format=pdf`` for the PDF)."""
    audited = {"object_type": "training.session", "object_id": session_id}
    if not request.user.has_perm(SENSITIVE_VIEW):
        audit_record(actor=request.user, action="sensitive_refused", **audited)
        raise PermissionDenied
    session = Session.objects.select_related("course", "trainer").filter(pk=session_id).first()
    if session is None:
        raise Http404
    audit_record(actor=request.user, action="logistics_list_viewed", **audited)
    context = {
        "session": session,
        "needs": session_logistics_needs(session_id=session.pk),
        "printed_at": timezone.now(),
        "printed_by": request.user.get_username(),
    }
    if request.GET.get("format") != "pdf":
        return render(request, TEMPLATE, context)
    styles = STYLES.read_text()
    document = pdf_render(
        template=TEMPLATE, context={**context, "styles": styles}, language=get_language()
    )
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="logistics-{session.pk}.pdf"'
    return response

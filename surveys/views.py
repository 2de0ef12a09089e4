"""The public survey page (by signed link) and the results for staff."""

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from surveys.forms import SurveyForm
from surveys.selectors import (
    MIN_ANSWERS,
    survey_results_for_course,
    survey_results_for_session,
    survey_results_overview,
)
from surveys.services import (
    SurveyRefused,
    survey_answer_record,
    survey_invitation_from_token,
)

# 404: nothing to answer behind this link; 409: it was answered already.
REFUSAL_STATUS = {"invalid": 404, "answered": 409}


def _refused(request, reason: str):
    context = {"reason": reason, "days": settings.SURVEY_LINK_DAYS}
    return render(request, "surveys/refused.html", context, status=REFUSAL_STATUS[reason])


@never_cache
@require_http_methods(["GET", "POST"])
def answer(request, token: str):
    """The survey behind an emailed link: answered once, before the link expires."""
    try:
        invitation = survey_invitation_from_token(token=token)
    except SurveyRefused as refusal:
        return _refused(request, refusal.reason)
    session = invitation.enrolment.session
    form = SurveyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not form.is_valid():
            context = {"form": form, "session": session}
            return render(request, "surveys/answer.html", context, status=400)
        try:
            survey_answer_record(token=token, answers=form.cleaned_data, today=timezone.localdate())
        except SurveyRefused as refusal:
            return _refused(request, refusal.reason)
        return render(request, "surveys/thanks.html", {"session": session})
    return render(request, "surveys/answer.html", {"form": form, "session": session})


def staff_results(view):
    """Signed-in staff allowed to read survey results."""
    return never_cache(
        login_required(
            permission_required("surveys.view_surveyanswer", raise_exception=True)(view),
            login_url="admin:login",
        )
    )


@staff_results
def results(request):
    """Every surveyed session with its response rate."""
    rows = survey_results_overview()
    return render(request, "surveys/results.html", {"rows": rows, "minimum": MIN_ANSWERS})


@staff_results
def session_results(request, pk: int):
    """One session's results, if enough people answered."""
    result = survey_results_for_session(session_id=pk)
    if result is None:
        raise Http404
    return render(request, "surveys/result.html", {"result": result, "minimum": MIN_ANSWERS})


@staff_results
def course_results(request, pk: int):
    """One course's results over its sessions, if enough people answered."""
    result = survey_results_for_course(course_id=pk)
    if result is None:
        raise Http404
    return render(request, "surveys/result.html", {"result": result, "minimum": MIN_ANSWERS})

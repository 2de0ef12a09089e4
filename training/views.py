from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.throttle import client_address, throttle_allow
from training.catalogue import (
    catalogue_page,
    catalogue_page_number,
    catalogue_session,
    catalogue_version,
)
from training.forms import RegistrationForm
from training.models import Session
from training.registration import (
    Outcome,
    registration_confirm,
    registration_pending_for,
    registration_submit,
)
from training.selectors import session_is_open


def session_list(request):
    """The public catalogue: upcoming sessions with the seats they have left."""
    today, number = timezone.localdate(), catalogue_page_number(request.GET.get("page"))
    # The table is a cached fragment named by the catalogue's version: the sessions are
    # read only when it has to be rendered again.
    page = SimpleLazyObject(lambda: catalogue_page(today=today, number=number))
    fragment = f"{catalogue_version()}:{today.isoformat()}:{number}"
    return render(request, "training/session_list.html", {"page": page, "fragment": fragment})


def session_detail(request, pk: int):
    """One session; registration is open until the day it starts."""
    session = catalogue_session(pk=pk)
    if session is None:
        raise Http404
    today = timezone.localdate()
    context = {
        "session": session,
        "is_open": session.start_date > today,
        "fragment": f"{catalogue_version()}:{today.isoformat()}:{pk}",
    }
    return render(request, "training/session_detail.html", context)


@never_cache  # sent back with its errors, the form holds what the person typed, needs too
@require_http_methods(["GET", "POST"])
def registration_form(request, pk: int):
    """The public registration form for one session still open for registration."""
    if request.method == "POST":
        # The seats are counted again under the session's lock (registration_submit):
        # a count here would be thrown away.
        session = get_object_or_404(Session.objects.select_related("course"), pk=pk)
    else:
        session = catalogue_session(pk=pk)
        if session is None:
            raise Http404
    if not session_is_open(session=session, today=timezone.localdate()):
        return render(
            request, "training/registration_closed.html", {"session": session}, status=410
        )
    form = RegistrationForm(request.POST or None, meals_provided=session.meals_provided)
    if request.method == "POST" and form.is_valid():
        # Only submissions that would write are counted: a person correcting typos is not.
        limit = settings.REGISTRATION_SUBMISSIONS_PER_HOUR
        if not throttle_allow(scope="registration", ident=client_address(request), limit=limit):
            return render(request, "429.html", status=429)
        try:
            registration_submit(
                session=session,
                details=form.details(),
                language=translation.get_language(),
                now=timezone.now(),
            )
        except ValidationError as refusal:
            # Refusals about the session or the form only, never about the address.
            form.add_error(None, " ".join(refusal.messages))
        else:
            # The same page whatever became of it (awaiting confirmation, already
            # enrolled, full): the email, which only the address's owner reads, says it.
            return redirect("training:registration_submitted", pk=session.pk)
    if request.method == "POST":  # shown again, with its seats left
        session = catalogue_session(pk=pk) or session
    return render(request, "training/registration_form.html", {"session": session, "form": form})


@never_cache  # the registration path keeps one rule
def registration_submitted(request, pk: int):
    """What happens after a registration: check your email.

    No seat count here: read straight after submitting, it would tell whether the
    submission took a seat (and so something about the address)."""
    session = get_object_or_404(Session.objects.select_related("course"), pk=pk)
    return render(
        request,
        "training/registration_submitted.html",
        {"session": session, "hours": settings.REGISTRATION_CONFIRM_HOURS},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def registration_confirmation(request, token: str):
    """The link emailed to the address: GET shows a button, only its POST confirms, so
    that a mail scanner fetching the link confirms nothing."""
    now = timezone.now()
    if request.method == "POST":
        found = registration_confirm(token=token, now=now)
    else:
        found = registration_pending_for(token=token, now=now)
    status = _CONFIRM_PAGES.get(found.outcome, 200)
    return render(
        request,
        "training/registration_confirmation.html",
        {
            "outcome": found.outcome,
            "session": found.session,
            "enrolment": found.enrolment,
            "pending": found.pending,
        },
        status=status,
    )


# What each outcome of a confirmation answers: a page, and its status.
_CONFIRM_PAGES = {
    Outcome.CONFIRMED: 200,
    Outcome.INVALID: 404,
    Outcome.EXPIRED: 410,
    Outcome.CLOSED: 410,
    Outcome.ALREADY_ENROLLED: 409,
    Outcome.FULL: 409,
}

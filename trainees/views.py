from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.views.decorators.http import require_http_methods

from trainees.forms import RegistrationForm
from trainees.registration import trainee_register
from trainees.throttle import client_address, throttle_allow
from training.selectors import session_list_with_seats


def _open_session_or_gone(request, pk: int):
    session = get_object_or_404(session_list_with_seats(), pk=pk)
    if session.start_date <= timezone.localdate():
        return session, render(
            request, "trainees/registration_closed.html", {"session": session}, status=410
        )
    return session, None


@require_http_methods(["GET", "POST"])
def register(request, pk: int):
    """The public registration form for one upcoming session."""
    session, closed = _open_session_or_gone(request, pk)
    if closed:
        return closed
    form = RegistrationForm(request.POST or None, meals_provided=session.meals_provided)
    if request.method == "POST":
        limit = settings.REGISTRATION_SUBMISSIONS_PER_HOUR
        if not throttle_allow(scope="registration", ident=client_address(request), limit=limit):
            return render(request, "429.html", status=429)
        if form.is_valid():
            try:
                trainee_register(
                    session=session,
                    details=form.details(),
                    language=translation.get_language(),
                    now=timezone.now(),
                )
            except ValidationError as refusal:
                form.add_error(None, refusal)
            else:
                return redirect("trainees:registered", pk=session.pk)
    return render(request, "trainees/register.html", {"session": session, "form": form})


def registered(request, pk: int):
    """What happens after a registration."""
    session = get_object_or_404(session_list_with_seats(), pk=pk)
    return render(request, "trainees/registered.html", {"session": session})

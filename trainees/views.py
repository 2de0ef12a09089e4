from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from trainees.forms import RegistrationForm
from trainees.registration import trainee_register
from trainees.throttle import client_address, throttle_allow
from training.selectors import session_is_open, session_list_with_seats


def _public_refusal(refusal: ValidationError) -> str:
    """What the service's refusal means for the person at the form."""
    code = getattr(refusal, "code", None)
    if code == "already_enrolled":
        return _(
            "This email address is already registered for this session. If you did not "
            "receive the confirmation email, write to us at %(email)s."
        ) % {"email": settings.ORGANISATION["email"]}
    if code == "full":
        return _("This session has just filled up: no seat is left.")
    return " ".join(refusal.messages)


@never_cache  # sent back with its errors, the form holds what the person typed, needs too
@require_http_methods(["GET", "POST"])
def register(request, pk: int):
    """The public registration form for one session still open for registration."""
    session = get_object_or_404(session_list_with_seats(), pk=pk)
    if not session_is_open(session=session, today=timezone.localdate()):
        return render(
            request, "trainees/registration_closed.html", {"session": session}, status=410
        )
    form = RegistrationForm(request.POST or None, meals_provided=session.meals_provided)
    if request.method == "POST" and form.is_valid():
        # Only submissions that would write are counted: a person correcting typos is not.
        limit = settings.REGISTRATION_SUBMISSIONS_PER_HOUR
        if not throttle_allow(scope="registration", ident=client_address(request), limit=limit):
            return render(request, "429.html", status=429)
        try:
            trainee_register(
                session=session,
                details=form.details(),
                language=translation.get_language(),
                now=timezone.now(),
            )
        except ValidationError as refusal:
            form.add_error(None, _public_refusal(refusal))
        else:
            # Whether we knew the address is not said here (it would tell anyone who
            # types it): the confirmation email, which only its owner reads, says it.
            return redirect("trainees:registered", pk=session.pk)
    return render(request, "trainees/register.html", {"session": session, "form": form})


@never_cache  # the registration path keeps one rule
def registered(request, pk: int):
    """What happens after a registration."""
    session = get_object_or_404(session_list_with_seats(), pk=pk)
    return render(request, "trainees/registered.html", {"session": session})

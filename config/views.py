"""Pages the whole site shares: a refused CSRF check, and the answer when an error
escapes every view and middleware (handler500)."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.views import defaults

logger = logging.getLogger(__name__)

# The database cannot be reached: it is restarting, or the connection was cut. Not a bug
# to look into but a wait: 503, and the client may try again this many seconds later.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def csrf_failure(request, reason=""):
    """A form refused for CSRF: say so in the visitor's language; nothing was stored."""
    return render(request, "403_csrf.html", status=403)


def server_error(request):
    """handler500. Django calls it inside its ``except`` block, whatever raised: a view or
    a middleware (a session or a signed-in user is loaded from the database too). The
    database being unreachable answers 503 with Retry-After; anything else, the 500 page."""
    if not isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return defaults.server_error(request)
    response = _unavailable_page(request)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _unavailable_page(request) -> HttpResponse:
    # The visitor's language from the request itself: the error may have come before
    # LocaleMiddleware chose it.
    with translation.override(translation.get_language_from_request(request)):
        try:
            # The site's page, whose context processors read only the request and the
            # settings (never request.user or messages, which would need the database).
            return render(request, "503.html", status=503)
        except Exception as error:  # a page that needed the database after all: the plain one
            logger.warning("The 503 page fell back to its plain version: %s.", type(error).__name__)
            return HttpResponse(render_to_string("503_plain.html"), status=503)

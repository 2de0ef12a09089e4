"""No staff page without the second factor: a signed-in user whose session has not passed
it is sent to the second-factor step from every /admin/ and /backoffice/ page."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

PROTECTED = ("/admin/", "/backoffice/")


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            request.path.startswith(PROTECTED)
            and user.is_authenticated
            and not user.is_verified()
            and not _exempt(request.path)
        ):
            step = reverse("staff_auth:verify")
            return redirect(f"{step}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def _exempt(path: str) -> bool:
    # The password page, signing out, and the second-factor pages themselves.
    exempt = ("admin:login", "admin:logout", "staff_auth:verify", "staff_auth:enrol")
    return path in {reverse(name) for name in exempt}

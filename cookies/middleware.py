from cookies.choice import choice_read
from cookies.selectors import cookies_to_expire


class CookieChoiceMiddleware:
    """Reads the visitor's cookie choice once per request: ``request.cookie_choice``.

    Without a valid choice (none, expired after 6 months, tampered with, or made under an
    older registry, which asks again), the cookies that need consent are expired too: none
    outlives the consent that allowed it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.cookie_choice = choice_read(request)
        response = self.get_response(request)
        if request.cookie_choice is None or not request.cookie_choice.is_current:
            for name in cookies_to_expire(accepted=set(), present=request.COOKIES):
                if name not in response.cookies:
                    response.delete_cookie(name, samesite="Lax")
        return response

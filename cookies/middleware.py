from cookies.choice import choice_read


class CookieChoiceMiddleware:
    """Reads the visitor's cookie choice once per request: ``request.cookie_choice``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.cookie_choice = choice_read(request)
        return self.get_response(request)

"""/healthz: "ok" while the app answers, for compose's and a load balancer's health checks.

It says nothing else (no version, no database details) and is answered by the first
middleware, before host validation and the HTTPS redirect: a check that calls
http://127.0.0.1:8000/healthz from inside the container would otherwise be refused
(127.0.0.1 is not a real ALLOWED_HOSTS entry) or redirected to HTTPS, which gunicorn does
not speak. It reads nothing, so a health check cannot slow the app down either."""

from django.http import HttpResponse

HEALTH_PATH = "/healthz"


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTH_PATH and request.method in {"GET", "HEAD"}:
            response = HttpResponse("ok", content_type="text/plain; charset=utf-8")
            response["Cache-Control"] = "no-store"
            response["X-Content-Type-Options"] = "nosniff"
            return response
        return self.get_response(request)

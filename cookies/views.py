import json

from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from cookies import registry
from cookies.choice import choice_write
from cookies.forms import CookieChoiceForm
from cookies.selectors import cookies_to_expire, gated_script_tags
from cookies.services import audience_hit_record, cookie_choice_record


def _safe_next(request, target: str) -> str:
    """Only a path of this site: never an open redirect."""
    if (
        len(target) <= 2000
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return "/"


@require_http_methods(["GET", "POST"])
def preferences(request):
    """The preferences panel (GET) and every cookie choice (POST), with or without JavaScript."""
    if request.method == "GET":
        return render(
            request,
            "cookies/preferences.html",
            # The page is the panel: no second copy in a dialog.
            {"next": _safe_next(request, request.GET.get("next", "/")), "hide_cookie_panel": True},
        )
    form = CookieChoiceForm(request.POST)
    if not form.is_valid():
        return render(request, "400.html", status=400)
    previous = request.cookie_choice
    choice = cookie_choice_record(
        action=form.log_action(),
        categories=form.accepted(),
        previous=previous,
        language=translation.get_language(),
        now=timezone.now(),
    )
    if request.headers.get("Accept") == "application/json":
        response = JsonResponse(
            {
                "categories": sorted(choice.categories),
                "scripts": gated_script_tags(categories=choice.categories),
            }
        )
    else:
        response = redirect(_safe_next(request, form.cleaned_data["next"]))
        response.status_code = 303
    choice_write(response, choice)
    for name in cookies_to_expire(accepted=choice.categories, present=request.COOKIES):
        response.delete_cookie(name, samesite="Lax")
    return response


@csrf_exempt  # a navigator.sendBeacon() cannot carry a CSRF token; it only adds to counts
@require_POST
def audience(request):
    """The gated audience snippet reports a page view; counted only with consent."""
    choice = request.cookie_choice
    if choice is None or not choice.allows(registry.AUDIENCE):
        return HttpResponse(status=204)
    try:
        data = json.loads(request.body[:2000] or b"{}")
        page = resolve(str(data.get("path", ""))[:500]).view_name
    except (ValueError, AttributeError, Resolver404):
        return HttpResponse(status=204)
    audience_hit_record(
        day=timezone.localdate(), page=page[:100], returning=bool(data.get("returning"))
    )
    return HttpResponse(status=204)

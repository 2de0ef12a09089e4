from django.conf import settings
from django.core import signing
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from consent.forms import ChoiceForm, LinkRequestForm
from consent.models import ConsentRecord
from consent.selectors import (
    CONSENT,
    MARKETING,
    OBJECTION,
    policy_version_in_force,
    subject_purposes,
)
from consent.self_service import consent_withdraw, object_to_marketing, self_service_link_send
from consent.services import consent_give
from consent.tokens import self_service_token_read, unsubscribe_token_read
from core.schedule import RULES, self_expiring
from core.throttle import client_address, throttle_allow

Channel, Purpose = ConsentRecord.Channel, ConsentRecord.Purpose
# What each choice covers, in the words of the person's page, for the basis it rests on
# for them (consent/selectors.py, BASIS).
COVERS = {
    (Purpose.ALLERGY_DATA, CONSENT): _(
        "Used only to arrange your meals during the training; deleted when it ends."
    ),
    (Purpose.DISABILITY_DATA, CONSENT): _(
        "Used only to adapt the training to your situation; deleted when it ends."
    ),
    (Purpose.TRAINEE_OFFERS, OBJECTION): _(
        "Emails from us about training courses similar to yours, unless you object. "
        "Our subsidiaries' offers are a separate choice."
    ),
    (Purpose.CLIENT_PROSPECTING, OBJECTION): _(
        "Our offers sent to your professional address, and your data in our market studies "
        "and statistics, unless you object."
    ),
    (Purpose.SUBSIDIARY_OFFERS, CONSENT): _(
        "Offers from the other companies of our group in France, by email: only if you agree."
    ),
    (Purpose.SUBSIDIARY_OFFERS, OBJECTION): _(
        "Offers related to your job from the other companies of our group in France, sent to "
        "your professional address, unless you object."
    ),
    (Purpose.NEWSLETTER, CONSENT): _("Our news and events, by email: only if you agree."),
}


def privacy_policy(request):
    """The privacy policy, in the visitor's language, with its version and date; the
    retention periods come from the retention schedule itself."""
    return render(
        request,
        "consent/privacy.html",
        {
            "version": policy_version_in_force(),
            "retention_rules": RULES,
            "retention_self_expiring": self_expiring(),
            "retention_approval_days": settings.RETENTION_APPROVAL_DAYS,
        },
    )


def _link_invalid(request, status=400):
    return render(request, "consent/link_invalid.html", {"form": LinkRequestForm()}, status=status)


def _change(request, email: str):
    """One button of the person's page: withdraw (or object), give, or object to all."""
    form = ChoiceForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(
            _("This page offers no such choice: go back to it and press one of its buttons.")
        )
    purpose, action = form.cleaned_data["purpose"], form.cleaned_data["action"]
    now = timezone.now()
    if action == "object_all":
        object_to_marketing(email=email, now=now, channel=Channel.SELF_SERVICE)
        return redirect(f"{request.path}?done=objected_all")
    if action == "withdraw":
        deleted = consent_withdraw(
            email=email, purpose=purpose, channel=Channel.SELF_SERVICE, now=now
        )
        done = "deleted" if deleted else "withdrawn"
    elif purpose in MARKETING:
        consent_give(email=email, purpose=purpose, channel=Channel.SELF_SERVICE, now=now)
        done = "given"
    else:
        return HttpResponseBadRequest(
            _(
                "This consent is given with the data itself, when you register: here you can only withdraw it."
            )
        )
    return redirect(f"{request.path}?done={done}&purpose={purpose}")


@never_cache  # a person's consents: a shared computer's cache must not keep them
@require_http_methods(["GET", "POST"])
def manage(request, token: str):
    """A person's consents and objections, from a signed link: each one changes in a click."""
    try:
        email = self_service_token_read(token)
    except signing.BadSignature:
        return _link_invalid(request)
    if request.method == "POST":
        return _change(request, email)
    purposes = [
        {
            "key": line.key,
            "label": line.label,
            "covers": COVERS.get((line.key, line.basis), ""),
            "allowed": line.allowed,
            "consent_based": line.basis == CONSENT,
            "can_give": line.key in MARKETING,
        }
        for line in subject_purposes(email=email)
    ]
    return render(
        request,
        "consent/manage.html",
        {
            "purposes": purposes,
            "any_marketing": any(p["allowed"] and p["can_give"] for p in purposes),
            "done": request.GET.get("done"),
            "request_url": "consent:request",
        },
    )


@never_cache  # the address typed in comes back in the form
@require_http_methods(["GET", "POST"])
def link_request(request):
    """Ask for a fresh link. The answer never says whether the address is known."""
    form = LinkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        limit = settings.REGISTRATION_SUBMISSIONS_PER_HOUR
        if not throttle_allow(scope="link-request", ident=client_address(request), limit=limit):
            return render(request, "429.html", status=429)
        self_service_link_send(
            email=form.cleaned_data["email"], language=translation.get_language()
        )
        return render(request, "consent/link_request.html", {"sent": True})
    return render(request, "consent/link_request.html", {"form": form})


@csrf_exempt  # mail clients post here without a page (RFC 8058); the token authenticates
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET: a page with one button. POST: unsubscribed at once (one click, RFC 8058)."""
    try:
        email, purpose = unsubscribe_token_read(token)
    except signing.BadSignature:
        return _link_invalid(request)
    if purpose not in MARKETING:
        return _link_invalid(request)
    label = ConsentRecord.Purpose(purpose).label
    if request.method == "GET":
        return render(request, "consent/unsubscribe.html", {"purpose": label})
    consent_withdraw(
        email=email, purpose=purpose, channel=Channel.UNSUBSCRIBE_LINK, now=timezone.now()
    )
    if request.POST.get("List-Unsubscribe") == "One-Click":
        return HttpResponse(status=200)  # a mail client: no page to show
    return render(request, "consent/unsubscribe.html", {"purpose": label, "done": True})

from django.core import signing
from django.shortcuts import render

from consent.models import ConsentRecord
from consent.selectors import consent_state, policy_version_current
from consent.tokens import self_service_token_read


def privacy_policy(request):
    """The privacy policy, in the visitor's language, with its version and date."""
    return render(request, "consent/privacy.html", {"version": policy_version_current()})


def manage(request, token: str):
    """A person's consents and objections, reached from a signed link in an email."""
    try:
        email = self_service_token_read(token)
    except signing.BadSignature:
        return render(request, "consent/link_invalid.html", status=400)
    state = consent_state(email=email)
    purposes = [
        (label, state.get(purpose))
        for purpose, label in ConsentRecord.Purpose.choices
        if purpose in state
    ]
    return render(request, "consent/manage.html", {"purposes": purposes})

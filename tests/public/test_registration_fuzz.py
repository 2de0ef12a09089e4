"""Whatever a person (or a robot) types, the form answers with a page, never a 500, and
either holds a whole, valid submission awaiting confirmation or nothing at all; once
confirmed, it is a whole registration."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from consent.models import ConsentRecord
from trainees.models import Trainee
from training.models import Enrolment, PendingRegistration, SensitiveNeeds

text = st.text(max_size=1200)
fields = st.fixed_dictionaries(
    {
        "surname": text,
        "first_name": text,
        "email": st.one_of(st.emails(), text),
        "phone": st.one_of(st.from_regex(r"\+?[0-9 ]{6,20}", fullmatch=True), text),
        "postal_address": text,
        "registering_as": st.sampled_from(["individual", "employee", "", "admin"]),
        "employer_name": text,
        "occupation": text,
        "diplomas_and_skills": text,
        "food_allergies": text,
        "disability_adaptations": text,
    },
    optional={
        "allergies_consent": st.sampled_from(["on", "", "false"]),
        "disability_consent": st.sampled_from(["on", ""]),
        "no_offers": st.sampled_from(["on", ""]),
        "subsidiary_offers": st.sampled_from(["on", ""]),
    },
)


VALID = {
    "surname": "Lambert",
    "first_name": "Alice",
    "email": "alice@example.org",
    "phone": "0612345678",
    "postal_address": "Lyon",
    "registering_as": "individual",
    "employer_name": "",
    "occupation": "Technicienne",
    "diplomas_and_skills": "",
    "food_allergies": "",
    "disability_adaptations": "",
}
MODELS = (Trainee, Enrolment, SensitiveNeeds, ConsentRecord, PendingRegistration)


def _counts():
    return {m.__name__: m.objects.count() for m in MODELS}


@pytest.mark.policy("D4")
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=fields)
# Valid submissions, so that the confirmation is always tried too.
@example(data=VALID)
@example(data={**VALID, "food_allergies": "Gluten", "allergies_consent": "on", "no_offers": "on"})
def test_any_input_gets_a_page_and_a_whole_registration_or_nothing(
    client, session, data, django_capture_on_commit_callbacks
):
    session.capacity = 10_000
    session.save()
    before = _counts()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("training:registration_form", args=[session.pk]), data)

    assert response.status_code in (200, 302)
    after = _counts()
    if response.status_code == 200:
        event("refused with a message")
        assert after == before
        return
    # Sent, not confirmed: nothing in anyone's name but an objection, which applies at once.
    objected = data.get("no_offers") == "on"
    assert {k: v for k, v in after.items() if k != "PendingRegistration"} == {
        **{k: v for k, v in before.items() if k != "PendingRegistration"},
        "ConsentRecord": before["ConsentRecord"] + objected,
    }
    # One held seat per address: a second submission of one address replaces the first.
    assert after["PendingRegistration"] - before["PendingRegistration"] in (0, 1)
    pending = PendingRegistration.objects.latest("pk")
    pending.full_clean()
    link = re.search(r"http://testserver(/register/confirm/\S+/)", mail.outbox[-1].body)
    if link is None:  # an address this run already enrolled: told so, nothing to confirm
        event("told it is already enrolled")
        return

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(link.group(1))

    event("held, then confirmed")
    assert confirmed.status_code == 200
    enrolment = Enrolment.objects.select_related("trainee").latest("pk")
    trainee = enrolment.trainee
    trainee.full_clean()
    assert "<" not in trainee.surname and ">" not in trainee.first_name
    assert Enrolment.objects.count() == before["Enrolment"] + 1
    assert not PendingRegistration.objects.filter(pk=pending.pk).exists()


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    settings.REGISTRATION_SUBMISSIONS_PER_HOUR = 10**9

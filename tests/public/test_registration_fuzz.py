"""Whatever a person (or a robot) types, the form answers with a page, never a 500, and
either stores a whole, valid registration or nothing at all."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consent.models import ConsentRecord
from trainees.models import SensitiveNeeds, Trainee
from training.models import Enrolment

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
    },
)


def _counts():
    return tuple(m.objects.count() for m in (Trainee, Enrolment, SensitiveNeeds, ConsentRecord))


@pytest.mark.policy("D4")
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=fields)
def test_any_input_gets_a_page_and_a_whole_registration_or_nothing(client, session, data):
    session.capacity = 10_000
    session.save()
    before = _counts()

    response = client.post(reverse("trainees:register", args=[session.pk]), data)

    assert response.status_code in (200, 302)
    after = _counts()
    if response.status_code == 200:
        assert after == before
    else:
        enrolment = Enrolment.objects.select_related("trainee").latest("pk")
        trainee = enrolment.trainee
        trainee.full_clean()
        assert "<" not in trainee.surname and ">" not in trainee.first_name
        assert after[1] == before[1] + 1


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    settings.REGISTRATION_SUBMISSIONS_PER_HOUR = 10**9

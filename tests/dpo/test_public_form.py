"""The public form to exercise a right: found from the policy and the person's page,
clear about bad input, never a server error."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consent.tokens import self_service_token_make
from dpo_requests.models import Request

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.mark.policy("G8")
def test_the_form_is_linked_from_the_policy_the_persons_page_and_every_footer(client, db):
    link = reverse("dpo_requests:new")
    for path in (
        reverse("consent:privacy"),
        reverse("consent:manage", args=[self_service_token_make(email="a@example.org")]),
        "/",
    ):
        assert f'href="{link}"' in client.get(path).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "access", "email": "not-an-address"}, "Enter a valid email address."),
        ({"kind": "everything", "email": "a@example.org"}, "Select a valid choice."),
        (
            {"kind": "erasure", "email": "a@example.org", "details": "<b>x</b>"},
            "remove the &lt; and &gt;",
        ),
        (
            {"kind": "access", "email": "a@example.org", "details": "x" * 3001},
            "at most 3000 characters",
        ),
    ],
)
def test_bad_input_is_explained_and_nothing_is_stored(client, data, message):
    response = client.post(reverse("dpo_requests:new"), data, **EN)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Request.objects.exists()


def test_a_forged_verification_link_is_a_clear_400(client):
    response = client.get(reverse("dpo_requests:verify", args=["forged-token"]), **EN)

    assert response.status_code == 400
    assert "Link invalid or expired" in response.content.decode()


@pytest.mark.policy("G8")
def test_opening_the_verification_link_confirms_nothing_until_the_person_presses_confirm(
    client, django_capture_on_commit_callbacks
):
    """A mail scanner fetches every link of an email: only the button sends the request."""
    import re

    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("dpo_requests:new"), {"kind": "erasure", "email": "gus@example.org"})
    link = re.search(r"http://testserver(/privacy/requests/verify/\S+)", mail.outbox[0].body)[1]
    mail.outbox.clear()

    opened = client.get(link, **EN)

    assert opened.status_code == 200 and "Confirm my request" in opened.content.decode()
    assert Request.objects.get().status == Request.Status.AWAITING_VERIFICATION
    with django_capture_on_commit_callbacks(execute=True):
        pressed = client.post(link, **EN)
    assert "Request received" in pressed.content.decode()
    assert Request.objects.get().status == Request.Status.OPEN
    assert [m.to for m in mail.outbox] == [["gus@example.org"]]  # "we received your request"
    assert "Request received" in client.get(link, **EN).content.decode()  # opened again later


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.fixed_dictionaries(
        {
            "kind": st.one_of(
                st.sampled_from([k for k, _ in Request.Kind.choices]), st.text(max_size=20)
            ),
            "email": st.one_of(st.emails(), st.text(max_size=300)),
            "details": st.text(max_size=3500),
        }
    )
)
def test_any_input_gets_a_page_and_a_whole_request_or_nothing(client, data, settings_override):
    before = Request.objects.count()

    response = client.post(reverse("dpo_requests:new"), data)

    assert response.status_code == 200
    assert Request.objects.count() in (before, before + 1)


@pytest.fixture
def settings_override(settings):
    settings.REGISTRATION_SUBMISSIONS_PER_HOUR = 10**9

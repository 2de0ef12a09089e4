import pytest


@pytest.fixture
def form_data():
    """What a person fills in, as the browser sends it."""
    return {
        "surname": "Lambert",
        "first_name": "Alice",
        "email": "Alice.Lambert@example.org",
        "phone": "+33 6 12 34 56 78",
        "postal_address": "3 rue des Lilas, 69003 Lyon",
        "registering_as": "individual",
        "employer_name": "",
        "occupation": "Technicienne",
        "diplomas_and_skills": "",
        "food_allergies": "",
        "disability_adaptations": "",
    }


def confirm_link(email: str) -> str:
    """The path of the confirmation link in the last email sent to this address."""
    import re
    from urllib.parse import urlparse

    from django.core import mail

    to_them = [m for m in mail.outbox if m.to == [email.strip().lower()]]
    assert to_them, f"no email was sent to {email}"
    found = re.search(r"http://testserver(/register/confirm/\S+/)", to_them[-1].body)
    assert found, "the last email to this address has no confirmation link"
    return urlparse(found.group(0)).path


@pytest.fixture
def register(client, django_capture_on_commit_callbacks):
    """Send the registration form as a browser would; what waits for the commit (the
    emails) happens as it would after a real request."""
    from django.urls import reverse

    def send(session, data, **headers):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("training:registration_form", args=[session.pk]), data, **headers
            )

    return send


@pytest.fixture
def confirm(client, django_capture_on_commit_callbacks):
    """The address's owner opens the link of their last email and presses Confirm."""

    def press(email, **headers):
        link = confirm_link(email)
        assert client.get(link, **headers).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(link, **headers)

    return press


@pytest.fixture
def register_and_confirm(register, confirm):
    """A registration its address's owner confirms straight away."""

    def both(session, data, **headers):
        assert register(session, data, **headers).status_code == 302
        return confirm(data["email"], **headers)

    return both

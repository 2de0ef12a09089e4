"""A staff session lasts STAFF_SESSION_HOURS (8 by default) and ends with the browser."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from tests.staff_auth.conftest import sign_in_with_password


@pytest.mark.django_db
def test_a_staff_session_ends_after_eight_hours(client, alice, settings):
    assert settings.STAFF_SESSION_HOURS == 8
    client.force_login(alice)
    now = timezone.now()

    with time_machine.travel(now + datetime.timedelta(hours=7, minutes=59)):
        assert client.get("/admin/").status_code == 200
    with time_machine.travel(now + datetime.timedelta(hours=8, minutes=1)):
        response = client.get("/admin/")

    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_the_session_cookie_ends_with_the_browser(client, alice):
    response = sign_in_with_password(client, "alice", "pw-alice")

    cookie = response.cookies["sessionid"]
    assert cookie.value and not cookie["max-age"] and not cookie["expires"]

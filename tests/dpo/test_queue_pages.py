"""The request queue shows a page at a time: requests done pile up over the years, and
a page listing them all grew with them (0.5 s for 1,500 at the benchmark's size)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from dpo_requests.backoffice import QUEUE_PAGE
from dpo_requests.models import Request

pytestmark = pytest.mark.django_db


def _done(count: int) -> None:
    now = timezone.now()
    Request.objects.bulk_create(
        Request(
            kind=Request.Kind.ACCESS,
            email=f"person{n}@example.org",
            language="fr",
            channel=Request.Channel.WEB,
            status=Request.Status.DONE,
            received_at=now,
            verified_at=now,
            closed_at=now,
        )
        for n in range(count)
    )


def test_requests_done_are_shown_a_page_at_a_time(client, dpo):
    _done(QUEUE_PAGE + 1)
    client.force_login(dpo)
    url = reverse("backoffice:queue")

    first = client.get(url, {"status": "done"}, HTTP_ACCEPT_LANGUAGE="en")
    second = client.get(url, {"status": "done", "page": 2}, HTTP_ACCEPT_LANGUAGE="en")

    assert len(first.context["requests"]) == QUEUE_PAGE
    assert "?status=done&amp;page=2" in first.content.decode()
    assert "Page 1 of 2" in first.content.decode()
    assert len(second.context["requests"]) == 1


def test_a_page_past_the_end_or_not_a_number_is_no_error(client, dpo):
    _done(3)
    client.force_login(dpo)
    url = reverse("backoffice:queue")

    for page in ("9", "x", "-1"):
        response = client.get(url, {"status": "done", "page": page})
        assert response.status_code == 200
        assert len(response.context["requests"]) == 3

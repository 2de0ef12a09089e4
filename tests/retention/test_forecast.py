"""The nightly run counts what falls due and keeps it; the DPO's dashboard and retention
page read that, not millions of rows at each visit (issue 14: seconds at 1M enrolments)."""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from retention.forecasts import DAYS, forecast_current
from retention.models import Forecast
from retention.services import retention_run
from tests.factories import EnrolmentFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dpo(db):
    user = User.objects.create_user("dpo", password="x", is_staff=True)
    user.groups.set(Group.objects.filter(name="DPO"))
    return user


def _ended(days_ago: int):
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return EnrolmentFactory(session=SessionFactory(start_date=day, end_date=day))


def _archive_row(response) -> tuple[int, int]:
    return next(
        (n, later) for name, n, later in response.context["forecast"] if name == "training-archive"
    )


def test_the_nightly_run_stores_what_falls_due_after_its_purges():
    _ended(days_ago=80)  # due for the archive in 10 days
    _ended(days_ago=100)  # archived by this run

    retention_run(now=timezone.now())

    forecast = Forecast.objects.get()
    assert forecast.days == DAYS
    assert forecast.counts["training-archive"][0] == 0  # done by the run
    assert forecast.counts["training-archive"][DAYS.index(14)] == 1


def test_a_partial_or_dry_run_keeps_the_stored_forecast():
    retention_run(now=timezone.now())
    stored = Forecast.objects.get()

    retention_run(now=timezone.now(), dry_run=True)
    retention_run(now=timezone.now(), rules=["training-archive"])

    assert Forecast.objects.get() == stored


def test_the_dashboard_shows_the_stored_forecast_without_counting(client, dpo):
    retention_run(now=timezone.now())
    _ended(days_ago=80)  # after the run: the page does not count it until the next one
    client.force_login(dpo)
    url = reverse("backoffice:dashboard")
    client.get(url)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    assert _archive_row(response) == (0, 0)
    assert not any("COUNT(*) FROM (SELECT" in query["sql"] for query in queries)
    assert "counted by the nightly run" in response.content.decode()

    retention_run(now=timezone.now())
    assert _archive_row(client.get(url)) == (0, 1)


def test_without_a_recent_forecast_the_page_counts_once_and_keeps_it(client, dpo):
    _ended(days_ago=80)
    stale = timezone.now() - datetime.timedelta(days=2)
    Forecast.objects.create(computed_at=stale, days=DAYS, counts={"training-archive": [7] * 14})
    client.force_login(dpo)

    response = client.get(reverse("retention:overview"))

    rows = {rule.name: (now, later) for rule, now, later in response.context["rules"]}
    assert rows["training-archive"] == (0, 1)
    assert Forecast.objects.get().computed_at > stale
    assert forecast_current(now=timezone.now()) == Forecast.objects.get()

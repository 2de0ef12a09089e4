"""The DPO sees the schedule, the last runs and the forecast; so does every visitor, in
the privacy policy, from the same table."""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone

from core.schedule import RULES
from retention.services import retention_run
from tests.factories import EnrolmentFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dpo(db):
    user = User.objects.create_user("dpo", password="x", is_staff=True)
    user.groups.set(Group.objects.filter(name="DPO"))
    return user


def test_the_dpo_sees_the_schedule_the_runs_and_what_falls_due(client, dpo):
    ended = timezone.localdate() - datetime.timedelta(days=80)
    EnrolmentFactory(session=SessionFactory(start_date=ended, end_date=ended))
    retention_run(now=timezone.now())
    client.force_login(dpo)

    response = client.get(reverse("retention:overview"), HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 200
    for rule in RULES:
        assert f"<code>{rule.name}</code>" in html
    rows = {rule.name: (now, later) for rule, now, later in response.context["rules"]}
    assert rows["training-archive"] == (0, 1)
    assert len(response.context["runs"]) == len(RULES)


def test_nobody_else_sees_it(client, alice):
    client.force_login(alice)

    assert client.get(reverse("retention:overview")).status_code == 403


def test_the_privacy_policy_states_the_periods_of_the_schedule(client, settings):
    settings.RETENTION = {**settings.RETENTION, "TRAINING_LIMITATION_YEARS": 4}

    html = client.get(reverse("consent:privacy"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "4 years" in html
    from django.utils.html import escape

    for rule in RULES:
        assert escape(str(rule.data)) in html

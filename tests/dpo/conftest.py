import datetime
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.utils import timezone

from tests.factories import (
    ClientContactFactory,
    EnrolmentFactory,
    OrganisationFactory,
    SessionFactory,
    TraineeFactory,
)
from training.sensitive_needs import sensitive_needs_record


@pytest.fixture
def dpo(db):
    """Dana, the DPO."""
    user = User.objects.create_user("dana", password="x", is_staff=True)
    user.groups.set(Group.objects.filter(name="DPO"))
    return user


@pytest.fixture
def _run_on_commit(django_capture_on_commit_callbacks, monkeypatch):
    """Emails and tasks queued on commit run at once, as a worker would soon after."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda fn, using=None, robust=False: fn())


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"


@pytest.fixture
def eve(db):
    """Eve, who registered herself twice: an old course (evidence kept) and an upcoming one
    with allergy data; she also received offers."""
    today = timezone.localdate()
    trainee = TraineeFactory(
        email="eve@example.org",
        surname="Martin",
        first_name="Eve",
        phone="0612345678",
        postal_address="Lyon",
        language="en",
    )
    past = today - datetime.timedelta(days=200)
    EnrolmentFactory(trainee=trainee, session=SessionFactory(start_date=past, end_date=past))
    upcoming = EnrolmentFactory(trainee=trainee, session=SessionFactory(meals_provided=True))
    sensitive_needs_record(
        enrolment=upcoming,
        food_allergies="Arachides",
        allergies_consent=True,
        disability_adaptations="",
        disability_consent=False,
        now=timezone.now(),
    )
    return trainee


@pytest.fixture
def employee(db):
    """Paul, registered by his employer Acme: we hold his data as Acme's processor."""
    acme = OrganisationFactory(name="Acme Industrie")
    ClientContactFactory(organisation=acme, email="rh@acme.example", department="hr")
    ClientContactFactory(organisation=acme, email="formation@acme.example", department="training")
    trainee = TraineeFactory(email="paul@example.org", employer=acme)
    EnrolmentFactory(trainee=trainee, source="employer", client=acme)
    return trainee


def submit_and_verify(client, *, kind, email, details="", language="en"):
    """The person fills in the public form, opens the link emailed to them and presses
    Confirm."""
    mail.outbox.clear()
    client.post(
        "/privacy/requests/new/",
        {"kind": kind, "email": email, "details": details},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    [verify] = mail.outbox
    link = re.search(r"http://testserver(/privacy/requests/verify/\S+)", verify.body).group(1)
    client.get(link, HTTP_ACCEPT_LANGUAGE=language)
    client.post(link, HTTP_ACCEPT_LANGUAGE=language)
    mail.outbox.clear()
    from dpo_requests.models import Request

    return Request.objects.latest("pk")


def act(http, dsr, action, HTTP_ACCEPT_LANGUAGE="en", **data):
    """The DPO presses one action's button on the request's page (for an erasure, having
    typed the person's address, as the page asks)."""
    if action == "erase":
        data.setdefault("confirm_email", dsr.email)
    return http.post(
        f"/backoffice/requests/{dsr.pk}/act/",
        {"action": action, **data},
        follow=True,
        HTTP_ACCEPT_LANGUAGE=HTTP_ACCEPT_LANGUAGE,
    )

import datetime
import os

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.utils import timezone

from tests.factories import CourseFactory, EnrolmentFactory, SessionFactory, TrainerFactory

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture
def require_postgres():
    """Some behaviour (row locks under real concurrency) only PostgreSQL shows. In CI,
    where DATABASE_URL points at PostgreSQL, its absence is a failure, never a skip."""
    if connection.vendor != "postgresql":
        if IN_CI:
            pytest.fail("CI must run on PostgreSQL (set DATABASE_URL).")
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")


def _staff(username: str, *groups: str) -> User:
    user = User.objects.create_user(
        username, f"{username}@example.org", "pw-" + username, is_staff=True
    )
    user.groups.set(Group.objects.filter(name__in=groups))
    return user


@pytest.fixture
def alice(db) -> User:
    """Alice, of the training staff: manages enrolments, never sees sensitive needs."""
    return _staff("alice", "Équipe formation")


@pytest.fixture
def bob(db) -> User:
    """Bob, of logistics: arranges meals and adapted training, so he sees sensitive needs."""
    return _staff("bob", "Équipe formation", "Accès données sensibles (logistique)")


@pytest.fixture
def charlie(db) -> User:
    """Charlie, staff with no group: may log in, sees nothing."""
    return _staff("charlie")


@pytest.fixture(autouse=True)
def force_login_is_fully_signed_in(monkeypatch):
    """``client.force_login(user)`` stands for "fully signed in": password AND second
    factor. It gives the user a confirmed authenticator device and marks the session as
    verified by it (django-otp), so that tests about what staff may do read as before.
    ``client.login(username=..., password=...)`` checks the password as the sign-in page
    does (django-axes needs a request, so one is made) and then counts as fully signed in
    too. The second factor itself (enrolment, codes, recovery codes, the refusal of a
    session with a password only) is tested through the real pages in tests/staff_auth/."""
    from django.contrib.auth import authenticate
    from django.test import Client, RequestFactory
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    force_login = Client.force_login

    def pass_second_factor(client, user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    def force_login_with_second_factor(self, user, backend=None):
        force_login(self, user, backend)
        pass_second_factor(self, user)

    def login_with_second_factor(self, **credentials):
        user = authenticate(RequestFactory().post("/admin/login/"), **credentials)
        if user is None:
            return False
        force_login(self, user, user.backend)
        pass_second_factor(self, user)
        return True

    monkeypatch.setattr(Client, "force_login", force_login_with_second_factor)
    monkeypatch.setattr(Client, "login", login_with_second_factor)


@pytest.fixture
def enrolment(db):
    return EnrolmentFactory()


@pytest.fixture(autouse=True)
def english():
    """Tests read in English; requests still pick their language (French by default)."""
    from django.utils import translation

    with translation.override("en"):
        yield


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a downloaded browser; flags for a closed network."""
    if not os.path.exists(CHROMIUM):
        if IN_CI:
            pytest.fail(f"CI needs Chromium at {CHROMIUM} (apt-get install chromium).")
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    """A French-speaking visitor by default: French is the reference language."""
    return {**browser_context_args, "locale": "fr-FR"}


@pytest.fixture(autouse=True)
def tasks_run_in_process():
    """Tasks run in the test's process, on its database, unless a test starts a worker
    (tests/test_celery_worker.py) or breaks the broker on purpose (dead_broker)."""
    from config.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def fresh_throttle_counters():
    """Each test starts with no submission counted against its client address, and with
    no cached data or template fragment left by another test's settings."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture
def session(db):
    """An upcoming in-person session with meals and seats left."""
    start = timezone.localdate() + datetime.timedelta(days=20)
    return SessionFactory(
        course=CourseFactory(title="Sauveteur secouriste du travail", code="SST"),
        start_date=start,
        end_date=start + datetime.timedelta(days=1),
        location="Lyon",
        capacity=12,
        meals_provided=True,
        trainer=TrainerFactory(name="Nadia Benali"),
    )


@pytest.fixture
def dead_broker():
    """A broker nobody listens on: publishing fails with a real connection error."""
    from tests.outages import broker_down

    with broker_down():
        yield


@pytest.fixture
def dead_mail_server():
    """SMTP on a port nobody listens on: sending fails with a real connection error."""
    from tests.outages import mail_server_down

    with mail_server_down():
        yield

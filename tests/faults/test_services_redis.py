"""Redis stopped while registrations and rights requests arrive (issue 14): Redis is
both the broker and the cache (the throttle's counters). Every form still answers as
usual, its email waits in the outbox, and once Redis is back (empty: queued tasks are
lost) the worker and beat reconnect by themselves and every email leaves exactly once."""

import time

import pytest

from core.models import OutboxEmail
from tests.factories import SessionFactory
from tests.faults.services import (  # noqa: F401 (fixtures)
    AppStack,
    app_environment,
    delivered,
    processes,
    redis_server,
    wait_until,
)
from tests.faults.services_load import Visitors
from tests.test_celery_worker import _database_url

FORMS_DURING_THE_OUTAGE = 10  # of each: registrations and rights requests


@pytest.fixture
def stack(processes, redis_server, tmp_path):  # noqa: F811
    """gunicorn, a worker and beat on the test's database and its own Redis."""
    mail_dir = tmp_path / "mail"
    env = app_environment(database_url=_database_url(), redis=redis_server, mail_dir=mail_dir)
    app = AppStack(processes, env)
    app.start()
    app.wait_ready()
    app.mail_dir = mail_dir
    return app


def _delivered_once(mail_dir, address: str) -> bool:
    return delivered(mail_dir).get(address) == 1


@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_forms_answer_and_every_email_leaves_once_it_is_back(
    stack,
    redis_server,  # noqa: F811
):
    session = SessionFactory(capacity=1000, meals_provided=False)
    visitors = Visitors(stack.base, session_id=session.pk, prefix="redis")
    assert visitors.visit("register", "fr", "before@example.org").ok
    assert wait_until(lambda: _delivered_once(stack.mail_dir, "before@example.org"), timeout=30)

    redis_server.stop()
    during = [
        visitors.visit(what, ("fr", "en")[n % 2], f"{what}-{n}@example.org")
        for n in range(FORMS_DURING_THE_OUTAGE)
        for what in ("register", "rights")
    ]
    slowest = max(a.seconds for a in during)
    assert [(a.what, a.status) for a in during if not a.ok] == [], stack.logs()
    waiting = OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING)
    assert waiting.count() == len(during), "an email was lost or sent without a broker"

    redis_server.start()
    back_at = time.monotonic()
    # Publishing works again from the web processes, too.
    assert visitors.visit("rights", "en", "after@example.org").ok

    addresses = [a.email for a in during] + ["before@example.org", "after@example.org"]
    assert wait_until(
        lambda: not OutboxEmail.objects.exclude(status=OutboxEmail.Status.SENT).exists(),
        timeout=60,
    ), stack.logs()
    caught_up = time.monotonic() - back_at
    counts = delivered(stack.mail_dir)
    assert {address: counts.get(address, 0) for address in addresses} == dict.fromkeys(addresses, 1)
    print(
        f"{len(during)} forms with Redis stopped, none failed, the slowest in {slowest:.2f} s; "
        f"every email sent {caught_up:.1f} s after Redis was back; "
        f"restarts: {stack.processes.restarts}"
    )

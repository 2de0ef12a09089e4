"""PostgreSQL restarted under load (issue 14): visitors browse, register and exercise
their rights through gunicorn (2 sync workers, DEBUG off, persistent connections) while
the test stops the cluster and starts it again. Every answer is the page asked for or
the 503 page in the visitor's language; pages answer again within seconds; the worker
and beat go on by themselves; nothing is half-written and every email leaves once."""

import time
from collections import Counter

import pytest

from core.models import OutboxEmail
from dpo_requests.models import Request
from tests.faults.services import (  # noqa: F401 (fixtures)
    AppStack,
    Processes,
    RedisServer,
    app_environment,
    delivered,
    postgres_cluster,
    wait_until,
)
from tests.faults.services_load import Visitors, get
from training.models import PendingRegistration

# Read with SQL on the cluster (the test's own database is another one).
OUTBOX = OutboxEmail._meta.db_table
PENDING = PendingRegistration._meta.db_table
REQUESTS = Request._meta.db_table
OUTAGE_SECONDS = 2
# Every request sent this long after PostgreSQL is back must succeed.
RECOVERY_SECONDS = 5
# The worker's prefork processes (AppStack): each delivers one email at a time.
WORKER_PROCESSES = 2


@pytest.fixture(scope="module")
def stack(postgres_cluster, tmp_path_factory):  # noqa: F811
    """gunicorn, a worker and beat on the module's cluster and a Redis of their own."""
    directory = tmp_path_factory.mktemp("postgres-stack")
    started = Processes(directory)
    try:
        redis = RedisServer(started)
        redis.start()
        app = AppStack(
            started,
            app_environment(
                database_url=postgres_cluster.url(), redis=redis, mail_dir=directory / "mail"
            ),
        )
        app.start()
        app.wait_ready()
        app.mail_dir = directory / "mail"
        yield app
    finally:
        started.stop_all()


def _restart_under_load(cluster, visitors: Visitors) -> float:
    """Stop PostgreSQL (fast: sessions cut mid-transaction) for OUTAGE_SECONDS, under
    load; returns the monotonic time it answered again."""
    visitors.start()
    try:
        time.sleep(2)
        cluster.stop("fast")
        time.sleep(OUTAGE_SECONDS)
        cluster.start()
        back_at = time.monotonic()
        time.sleep(RECOVERY_SECONDS + 3)
    finally:
        visitors.stop()
    return back_at


def _summary(answers, back_at: float) -> str:
    statuses = Counter((a.what, a.status) for a in answers)
    ok_after = [a.started - back_at for a in answers if a.ok and a.started >= back_at]
    return (
        f"{len(answers)} requests, {sum(a.status == 503 for a in answers)} answered 503, "
        f"first success {min(ok_after, default=float('nan')):.2f} s after PostgreSQL was "
        f"back; by page and status: {dict(statuses)}"
    )


def _assert_nothing_half_written(cluster, answers) -> set[str]:
    """Each registration or request a visitor saw succeed is stored once; whatever is
    stored (a 503 may have come after its COMMIT) has its email in the outbox, once."""
    pending = dict(cluster.sql("SELECT email, count(*) FROM {} GROUP BY email", table=PENDING))
    requests = dict(cluster.sql("SELECT email, count(*) FROM {} GROUP BY email", table=REQUESTS))
    outbox = Counter(
        (email, kind) for email, kind in cluster.sql("SELECT email, kind FROM {}", table=OUTBOX)
    )
    for answer in answers:
        if answer.ok and answer.what == "register":
            assert pending.get(answer.email) == 1, answer.email
        if answer.ok and answer.what == "rights":
            assert requests.get(answer.email) == 1, answer.email
    assert all(count == 1 for count in [*pending.values(), *requests.values()])
    stored = {(email, "registration.confirm") for email in pending}
    stored |= {(email, "dsr.verify") for email in requests}
    assert set(outbox) == stored and set(outbox.values()) == {1}
    return {email for email, _kind in stored}


def _sweeper_only_email(cluster) -> str:
    """An email no task was queued for, as if its request's broker had failed: only
    beat's sweeper, run by the worker, can send it."""
    address = "sweeper-after-restart@example.org"
    cluster.sql(
        'INSERT INTO {} (kind, status, email, from_email, "to", cc, bcc, reply_to, headers, '
        "subject, body, alternatives, attachments, created_at, attempts, last_error) "
        "VALUES ('faults.sweeper', 'pending', %s, '', %s, '[]', '[]', '[]', %s, "
        "'Après le redémarrage', 'Bonjour.', '[]', '[]', now() - interval '1 hour', 0, '')",
        (address, f'["{address}"]', "{}"),
        table=OUTBOX,
    )
    return address


def test_a_postgresql_restart_under_load_answers_503_then_recovers(postgres_cluster, stack):  # noqa: F811
    visitors = Visitors(stack.base, session_id=postgres_cluster.session_id, prefix="pg")

    back_at = _restart_under_load(postgres_cluster, visitors)

    answers, summary = visitors.answers, _summary(visitors.answers, back_at)
    print(summary)
    # Never another error: the page asked for, or the 503 page in the visitor's language.
    broken = [
        (a.what, a.language, a.status, a.body[:300])
        for a in answers
        if not (a.ok or a.is_clean_503)
    ]
    assert not broken, f"{summary}\n{broken[:5]}\n{stack.logs()}"
    assert any(a.status == 503 for a in answers), f"the outage went unseen: {summary}"
    after = [a for a in answers if a.started >= back_at + RECOVERY_SECONDS]
    assert after and all(a.ok for a in after), summary

    addresses = _assert_nothing_half_written(postgres_cluster, answers)
    addresses.add(_sweeper_only_email(postgres_cluster))
    # The worker reconnected by itself (the emails queued after the restart), and beat
    # goes on (the email only its sweeper sends): every email leaves.
    assert wait_until(
        lambda: (
            postgres_cluster.sql("SELECT count(*) FROM {} WHERE status <> 'sent'", table=OUTBOX)
            == [(0,)]
        ),
        timeout=60,
    ), stack.logs()
    # ... by themselves: neither was started again.
    assert stack.processes.restarts == {"worker": 0, "beat": 0}, stack.logs()
    counts = delivered(stack.mail_dir)
    assert all(counts.get(address, 0) >= 1 for address in addresses), "an email was lost"
    # An email being sent when PostgreSQL stopped went out, but its "sent" could not be
    # committed: it goes again (core/outbox.py). One such copy per delivery in flight,
    # and a worker process has one at a time.
    copies = {address: counts[address] for address in addresses if counts[address] > 1}
    print(f"emails: {len(addresses)}, sent twice (in flight at the stop): {len(copies)}")
    assert sum(copies.values()) - len(copies) <= WORKER_PROCESSES, copies


def test_a_quick_restart_costs_no_request_and_no_task(postgres_cluster, stack):  # noqa: F811
    """Each gunicorn worker and each Celery process holds a connection the restart
    killed: the health check before its first query replaces it, so no visitor and no
    task sees the restart."""
    for _ in range(4):  # both web workers hold a persistent connection
        assert get(stack.base, "/")[0] == 200
    time.sleep(2)  # and so do the worker's processes, after beat's sweeps
    before = len(stack.processes.log("worker"))

    postgres_cluster.stop("fast")
    postgres_cluster.start()

    assert [get(stack.base, "/")[0] for _ in range(6)] == [200] * 6
    time.sleep(3)  # three sweeps
    tasks = stack.processes.log("worker")[before:]
    assert "sweep_outbox" in tasks and "raised unexpected" not in tasks, tasks

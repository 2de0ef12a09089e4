"""Two of everything against one PostgreSQL and one Redis: two web processes (gunicorn,
production settings, on two ports), two Celery workers, and beat started twice by
mistake. Nothing may live in one process's memory: seats, the throttle, the nightly
job and the outbox hold across processes."""

import datetime
import http.client
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.utils import timezone

from attendance.models import Certificate
from attendance.services import sheets_ensure
from core.models import OutboxEmail
from core.outbox import email_enqueue
from dpo_requests.models import Request
from retention.models import NightlyRun, PurgeLog
from tests.factories import EnrolmentFactory, SessionFactory, TraineeFactory
from tests.faults.processes import (
    WORKER,
    free_port,
    held,
    service_env,
    task_send,
    wait_for,
    waiting_for_locks,
)
from tests.outages import broker_down
from training.models import Enrolment, PendingRegistration

pytestmark = pytest.mark.django_db(transaction=True)
LIMIT = 4  # registrations per address and hour, counted in Redis


@pytest.fixture
def env(redis_url, queue, smtp_sink, private_root):
    return service_env(
        redis_url=redis_url,
        queue=queue,
        smtp=smtp_sink,
        private_root=private_root,
        TRUSTED_PROXIES=1,  # each visitor of the test has its own address
        REGISTRATION_SUBMISSIONS_PER_HOUR=LIMIT,
        OUTBOX_GRACE_SECONDS=0,
        # An archive's link leaves with its build, unreviewed: two builds could send two.
        DSR_EXPORT_REVIEW="false",
    )


@pytest.fixture
def two_workers(processes, env, queue):
    for n in (1, 2):
        processes.celery(f"worker-{n}", [*WORKER, "-Q", queue, "-n", f"w{n}-{queue}@%h"], env)


@pytest.fixture
def two_webs(processes, env, two_workers):
    """Two gunicorn servers (two sync workers each), as on two hosts."""
    ports = [free_port(), free_port()]
    for n, port in enumerate(ports, 1):
        args = ["-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2"]
        processes.start(f"web-{n}", [sys.executable, *args], env)
    for port in ports:
        wait_for(lambda port=port: _up(port), what=f"gunicorn on {port}", timeout=60, every=0.3)
    return ports


def _http(port: int, method: str, path: str, *, body=None, headers=None):
    """One request, redirects not followed; returns (status, headers, text)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read().decode()
    finally:
        conn.close()


def _up(port: int) -> bool:
    try:
        return _http(port, "GET", "/healthz")[0] == 200
    except OSError:  # not listening yet, or still loading the app
        return False


def _form(email: str) -> dict:
    return {
        "surname": "Lambert",
        "first_name": "Alice",
        "email": email,
        "phone": "+33 6 12 34 56 78",
        "postal_address": "3 rue des Lilas, 69003 Lyon",
        "registering_as": "individual",
        "occupation": "Technicienne",
    }


def _post_form(port: int, path: str, data: dict, address: str) -> int:
    """GET the page (its CSRF token), then POST it, as a browser at ``address`` would."""
    headers = {"X-Forwarded-For": address}
    _status, page_headers, page = _http(port, "GET", path, headers=headers)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    # The cookie is Secure (production settings): sent back by hand over plain HTTP.
    cookie = next(
        c.split(";")[0] for c in page_headers.get_all("Set-Cookie") if c.startswith("csrftoken=")
    )
    headers |= {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    body = urlencode({**data, "csrfmiddlewaretoken": token})
    return _http(port, "POST", path, body=body, headers=headers)[0]


def _text(message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode()
    return ""


def test_registrations_race_for_the_last_seats_and_the_throttle_holds_across_two_webs(
    two_webs, smtp_sink
):
    session = SessionFactory(capacity=5)
    EnrolmentFactory.create_batch(2, session=session, status="confirmed")  # 3 seats left
    racers = 12
    register = f"/sessions/{session.pk}/register/"
    with ThreadPoolExecutor(max_workers=racers) as pool:
        codes = list(
            pool.map(
                lambda n: _post_form(
                    two_webs[n % 2], register, _form(f"racer{n}@example.org"), f"198.51.100.{n}"
                ),
                range(racers),
            )
        )
    assert codes == [302] * racers
    assert PendingRegistration.objects.filter(session=session).count() == 3  # not one more

    # Each address hears once: 3 "confirm", 9 "full".
    wait_for(lambda: len(smtp_sink.received) >= racers, what="an email to every racer")
    links = [
        re.search(r"http://testserver(/register/confirm/\S+?/)\s", _text(m)).group(1)
        for m in smtp_sink.received
        if "/register/confirm/" in _text(m)
    ]
    assert len(links) == 3

    # Each person presses Confirm twice, once through each web process, at once.
    with ThreadPoolExecutor(max_workers=6) as pool:
        pressed = list(
            pool.map(
                lambda job: _post_form(job[0], job[1], {}, "198.51.100.200"),
                [(port, link) for link in links for port in two_webs],
            )
        )
    assert sorted(pressed).count(200) == 3, pressed
    assert Enrolment.objects.filter(session=session).count() == 5  # exactly the capacity

    # The throttle: one address, twice its limit, spread over both web processes at once.
    other = SessionFactory(capacity=50)
    path = f"/sessions/{other.pk}/register/"
    with ThreadPoolExecutor(max_workers=2 * LIMIT) as pool:
        codes = list(
            pool.map(
                lambda n: _post_form(
                    two_webs[n % 2], path, _form(f"flood{n}@example.org"), "203.0.113.9"
                ),
                range(2 * LIMIT),
            )
        )
    assert sorted(codes) == [302] * LIMIT + [429] * LIMIT

    # No email twice: every stored email delivered once, with its own Message-ID.
    stored = OutboxEmail.objects.count()
    wait_for(lambda: len(smtp_sink.received) >= stored, what="every email delivered")
    time.sleep(1)
    assert len(smtp_sink.received) == stored == len(set(smtp_sink.message_ids()))
    assert not OutboxEmail.objects.exclude(status="sent").exists()


def test_beat_started_twice_runs_the_night_once_and_sends_nothing_twice(
    processes, env, two_workers, smtp_sink, tmp_path, private_root
):
    # Due for the nightly purge, and kept.
    old = timezone.now() - datetime.timedelta(days=settings.OUTBOX_KEEP_DAYS + 5)
    OutboxEmail.objects.bulk_create(
        OutboxEmail(
            kind="test.old",
            email="o@example.org",
            to=["o@example.org"],
            subject="Old",
            status="sent",
            sent_at=old,
        )
        for _ in range(50)
    )
    # Emails the broker held back: for the sweepers of both beats.
    with broker_down(), transaction.atomic():
        for n in range(10):
            email_enqueue(
                message=EmailMessage(subject="Bonjour", body=".", to=[f"s{n}@example.org"]),
                kind="test.swept",
            )
    # A session that ended yesterday: certificates for both beats' jobs.
    ended = timezone.localdate() - datetime.timedelta(days=1)
    session = SessionFactory(start_date=ended, end_date=ended)
    for n in range(4):
        EnrolmentFactory(
            session=session, status="confirmed", trainee=TraineeFactory(surname=f"C{n}")
        )
    # An archive asked for while the broker was down, for both beats' requeue jobs.
    asked = timezone.now() - datetime.timedelta(minutes=11)
    request = Request.objects.create(
        kind="access",
        email="ana@example.org",
        language="fr",
        channel="web",
        status="open",
        received_at=asked,
        export_requested_at=asked,
    )

    beats = {}
    for n in (1, 2):  # each beat with its own schedule file, as on two hosts
        (tmp_path / f"beat-{n}").mkdir()
        beats[n] = processes.celery(
            f"beat-{n}",
            ["beat", "-s", str(tmp_path / f"beat-{n}" / "schedule"), "--loglevel=INFO"],
            {**env, "BEAT_LEASE_SECONDS": "3"},
            app="tests.faults.beat_app",
        )

    def sent_by(n: int) -> int:
        return processes.log(f"beat-{n}").count("Sending due task retention")

    wait_for(lambda: sent_by(1) + sent_by(2) >= 3, what="the nightly job fired", every=0.5)
    wait_for(lambda: len(smtp_sink.received) >= 10 + 4 + 1, what="every email delivered")
    # One beat holds the lease and sends; the other sends nothing...
    [sender] = [n for n in (1, 2) if sent_by(n)]
    standby = 3 - sender
    assert sent_by(standby) == 0
    # ...until the sender dies: the standby takes over, and fires the nightly job again.
    processes.kill(f"beat-{sender}")
    wait_for(lambda: sent_by(standby) >= 2, what="the standby to take over", every=0.5)
    time.sleep(1.5)

    assert NightlyRun.objects.count() == 1
    assert PurgeLog.objects.filter(rule="outbox").count() == 1  # from both beats: one run
    assert not OutboxEmail.objects.filter(kind="test.old").exists()
    assert Certificate.objects.filter(enrolment__session=session).count() == 4
    request.refresh_from_db()
    assert request.status == "done" and len(list((private_root / "exports").iterdir())) == 1
    recipients = [m["To"] for m in smtp_sink.received]
    assert len(recipients) == 10 + 4 + 1 == len(set(recipients))  # nobody twice
    assert len(set(smtp_sink.message_ids())) == len(recipients)


def test_a_daily_job_fired_twice_at_once_mails_each_person_once(
    two_workers, redis_url, queue, smtp_sink, private_root
):
    """Two beats fire the same job in the same second: two workers run it side by side."""
    ended = timezone.localdate() - datetime.timedelta(days=1)
    session = SessionFactory(start_date=ended, end_date=ended)
    for n in range(3):
        EnrolmentFactory(
            session=session, status="confirmed", trainee=TraineeFactory(surname=f"C{n}")
        )
    sheets_ensure(session_id=session.pk)  # prepared before the session, as staff do

    # Both runs line up at their first email (the outbox's table held), then go.
    with held(lambda: connection.cursor().execute("LOCK TABLE core_outboxemail IN EXCLUSIVE MODE")):
        for _ in range(2):
            task_send(redis_url, "attendance.tasks.issue_certificates", queue=queue)
        wait_for(lambda: waiting_for_locks() == 2, what="both runs to wait")
    wait_for(lambda: len(smtp_sink.received) >= 3, what="the certificate emails")

    # An archive built twice at once (a task and the requeue, or two beats' requeues).
    request = Request.objects.create(
        kind="access",
        email="ana@example.org",
        language="fr",
        channel="web",
        status="open",
        received_at=timezone.now(),
        export_requested_at=timezone.now(),
    )
    with held(lambda: Request.objects.select_for_update().get(pk=request.pk)):
        for _ in range(2):
            task_send(redis_url, "dpo_requests.tasks.build_export", request.pk, queue=queue)
        wait_for(lambda: waiting_for_locks() == 2, what="both builds to wait")
    wait_for(lambda: len(smtp_sink.received) >= 4, what="the archive's link")
    time.sleep(1.5)

    assert Certificate.objects.count() == 3
    assert sorted(m["To"] for m in smtp_sink.received) == sorted(
        [*(e.trainee.email for e in Enrolment.objects.filter(session=session)), "ana@example.org"]
    )
    request.refresh_from_db()
    assert [p.name for p in (private_root / "exports").iterdir()] == [request.export_file]

"""Ten minutes of mixed traffic against the production stack: is every worker's memory
flat, and does every request get an answer that is not an error?

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_soak \\
    BENCH_REDIS_URL=redis://127.0.0.1:6379/10 .venv/bin/python bench/soak.py [--minutes 10]

Drops and creates the database, migrates it and loads the demo data (``seed_demo``), then
starts gunicorn (2 sync workers, DEBUG off, persistent database connections) and a Celery
worker, and sends from 4 threads at once, each picking at random: the catalogue and a
session's page (browse), a self-registration with a new address (its page, then the POST
with its CSRF token), a data-subject request (the same), and staff pages (the admin's
lists and the DPO's back-office, signed in with both factors). Visitors come from random
addresses (``X-Forwarded-For`` behind one trusted proxy), as they would in production, so
the per-address throttle does not refuse them.

Every 5 seconds it reads the resident memory (VmRSS) of each gunicorn worker and of the
Celery worker's processes. "Flat": after the first minute (imports, caches, the first
query plans), no process grows by more than ``FLAT_MB``. The run fails on any 5xx, any
connection error, or a worker process that changed (a crash and respawn).
"""

import argparse
import contextlib
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import requests

ROOT = Path(__file__).resolve().parent.parent
PORT = 18090
THREADS = 4
FLAT_MB = 5.0
SAMPLE_SECONDS = 5
KEYS = {
    "SECRET_KEY": "bench-soak-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "CRYPTOGRAPHY_KEY": "bench-soak-cryptography-key-0123456789",
    "SUPPRESSION_KEY": "bench-soak-suppression-key-0123456789",
}


def _environment(database_url: str, redis_url: str) -> dict:
    """Production settings on loopback: DEBUG off, plain HTTP, one trusted proxy."""
    base = redis_url.rsplit("/", 1)[0]
    number = int(redis_url.rsplit("/", 1)[1] or 0)
    return {
        **os.environ,
        **KEYS,
        "ENV_FILE": "/nonexistent",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CACHE_URL": f"{base}/{number + 1}",
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SITE_URL": f"http://127.0.0.1:{PORT}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "TRUSTED_PROXIES": "1",
        "DB_CONN_MAX_AGE": "60",
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
    }


def _fresh_database(database_url: str) -> None:
    parts = urlparse(database_url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _manage(env: dict, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stderr[-2000:]}")


def _staff_cookie(env: dict, username: str) -> str:
    """A session of a demo staff member with both factors passed, made the way the sign-in
    does (django-otp's device key in the session)."""
    code = (
        "from django.contrib.auth import get_user_model\n"
        "from django.test import Client\n"
        "from django_otp import DEVICE_ID_SESSION_KEY\n"
        "from django_otp.plugins.otp_totp.models import TOTPDevice\n"
        f"user = get_user_model().objects.get(username={username!r})\n"
        "device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or "
        "TOTPDevice.objects.create(user=user, name='soak', confirmed=True)\n"
        "client = Client()\n"
        "client.force_login(user)\n"
        "session = client.session\n"
        "session[DEVICE_ID_SESSION_KEY] = device.persistent_id\n"
        "session.save()\n"
        "print(session.session_key)\n"
    )
    return _shell(env, code)


def _shell(env: dict, code: str) -> str:
    """The last line ``code`` prints, run by ``manage.py shell`` on the soak's database
    (the lines before it are the shell's own)."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip().splitlines()[-1]


def _csrf(http, form) -> str:
    """The form's CSRF token. Production cookies are Secure, which a client does not send
    back over the plain HTTP of loopback: the cookie is copied over by hand."""
    cookie = form.cookies.get("csrftoken")
    if cookie:
        http.cookies.set("csrftoken", cookie)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    return token.group(1) if token else ""


class Traffic:
    """What the threads send, and what came back."""

    def __init__(self, base: str, staff: dict[str, str], sessions: list[int]):
        self.base = base
        self.staff = staff
        self.sessions = sessions
        self.lock = threading.Lock()
        self.counts: dict[str, int] = {}
        self.statuses: dict[str, int] = {}
        self.failures: list[str] = []
        self.times: list[float] = []

    def _record(self, kind: str, response=None, error: Exception | None = None, took=0.0):
        with self.lock:
            self.counts[kind] = self.counts.get(kind, 0) + 1
            status = "error" if error is not None else str(response.status_code)
            self.statuses[f"{kind} {status}"] = self.statuses.get(f"{kind} {status}", 0) + 1
            self.times.append(took)
            if error is not None:
                self.failures.append(f"{kind}: {type(error).__name__}")
            elif response.status_code >= 500:
                self.failures.append(f"{kind}: {response.status_code} {response.url}")

    def _call(self, kind, http, method, path, **kwargs):
        started = time.perf_counter()
        try:
            response = http.request(method, self.base + path, timeout=30, **kwargs)
        except requests.RequestException as error:
            self._record(kind, error=error, took=time.perf_counter() - started)
            return None
        self._record(kind, response, took=time.perf_counter() - started)
        return response

    def browse(self, http):
        self._call("browse", http, "GET", "/")
        self._call("browse", http, "GET", f"/sessions/{random.choice(self.sessions)}/")
        self._call("browse", http, "GET", "/privacy/")

    def register(self, http):
        path = f"/sessions/{random.choice(self.sessions)}/register/"
        form = self._call("register", http, "GET", path)
        if form is None or form.status_code != 200:
            return
        data = {
            "csrfmiddlewaretoken": _csrf(http, form),
            "surname": "Soak",
            "first_name": "Visitor",
            "email": f"soak-{uuid.uuid4().hex[:16]}@example.org",
            "phone": "0102030405",
            "postal_address": "1 rue de l'Exemple, 75001 Paris",
            "registering_as": "individual",
            "occupation": "Technicienne",
        }
        self._call("register:post", http, "POST", path, data=data, allow_redirects=False)

    def rights_request(self, http):
        path = "/privacy/requests/new/"
        form = self._call("rights", http, "GET", path)
        if form is None or form.status_code != 200:
            return
        data = {
            "csrfmiddlewaretoken": _csrf(http, form),
            "kind": random.choice(["access", "erasure", "objection"]),
            "email": f"soak-{uuid.uuid4().hex[:16]}@example.org",
        }
        self._call("rights:post", http, "POST", path, data=data, allow_redirects=False)

    def staff_pages(self, http, user):
        http.cookies.set("sessionid", self.staff[user])
        pages = {
            "admin": [
                "/admin/",
                "/admin/training/enrolment/",
                "/admin/trainees/trainee/",
                "/admin/training/session/",
            ],
            "dpo": ["/backoffice/", "/backoffice/requests/", "/backoffice/record-of-processing/"],
        }[user]
        for page in pages:
            self._call(f"staff:{user}", http, "GET", page)
        http.cookies.clear()

    def loop(self, until: float) -> None:
        http = requests.Session()
        address = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(256)}"
        http.headers.update({"X-Forwarded-For": address, "Accept-Language": "fr"})
        while time.monotonic() < until:
            pick = random.random()
            if pick < 0.5:
                self.browse(http)
            elif pick < 0.7:
                self.register(http)
            elif pick < 0.8:
                self.rights_request(http)
            else:
                self.staff_pages(http, random.choice(["admin", "dpo"]))
            http.cookies.clear()
            new = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(256)}"
            http.headers["X-Forwarded-For"] = new


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def _rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def soak(database_url: str, redis_url: str, seconds: float) -> dict:
    """Set up, run the traffic for ``seconds``, and return what was seen."""
    env = _environment(database_url, redis_url)
    _fresh_database(database_url)
    _manage(env, "migrate", "--noinput")
    # The demo's accounts have a known password: the command wants DEBUG on to make them.
    _manage({**env, "DEBUG": "true"}, "seed_demo")
    staff = {user: _staff_cookie(env, user) for user in ("admin", "dpo")}
    sessions_code = (
        "from django.apps import apps\n"
        "Session = apps.get_model('training', 'Session')\n"
        "from django.utils import timezone\n"
        "open_ = Session.objects.filter(start_date__gt=timezone.localdate())\n"
        "print(' '.join(str(pk) for pk in open_.values_list('pk', flat=True)))\n"
    )
    sessions = [int(pk) for pk in _shell(env, sessions_code).split()]
    gunicorn = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--workers=2",
            f"--bind=127.0.0.1:{PORT}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--concurrency=1",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        _wait_for(f"http://127.0.0.1:{PORT}/")
        time.sleep(3)  # the Celery worker's pool is up
        processes = {f"gunicorn worker {i + 1}": p for i, p in enumerate(_children(gunicorn.pid))}
        processes.update(
            {f"celery {i + 1}": p for i, p in enumerate([worker.pid, *_children(worker.pid)])}
        )
        traffic = Traffic(f"http://127.0.0.1:{PORT}", staff, sessions)
        until = time.monotonic() + seconds
        threads = [threading.Thread(target=traffic.loop, args=(until,)) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in processes}
        started = time.monotonic()
        while any(thread.is_alive() for thread in threads):
            for name, pid in processes.items():
                rss = _rss_mb(pid)
                if rss is not None:
                    samples[name].append((time.monotonic() - started, rss))
            time.sleep(SAMPLE_SECONDS)
        for thread in threads:
            thread.join()
        respawned = sorted(set(_children(gunicorn.pid)) - set(processes.values()))
    finally:
        for process in (gunicorn, worker):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in (gunicorn, worker):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
    return _summary(traffic, samples, respawned, seconds)


def _summary(traffic, samples, respawned, seconds) -> dict:
    growth = {}
    for name, points in samples.items():
        warm = [rss for at, rss in points if 60 <= at < 120] or [points[0][1]]
        last = [rss for at, rss in points if at >= seconds - 60] or [points[-1][1]]
        growth[name] = (statistics.median(warm), statistics.median(last))
    return {
        "seconds": seconds,
        "requests": sum(traffic.counts.values()),
        "counts": traffic.counts,
        "statuses": traffic.statuses,
        "failures": traffic.failures,
        "respawned": respawned,
        "rss": growth,
        "p50_ms": statistics.median(traffic.times) * 1000 if traffic.times else 0.0,
    }


def rows(quick: bool = False) -> list[dict]:
    """The soak's figures for ``make bench`` (2 minutes with ``quick``)."""
    database_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_soak"
    )
    database_url = urlparse(database_url)._replace(path="/bench_soak").geturl()
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")
    result = soak(database_url, redis_url, 120 if quick else 600)
    worst = max(last - warm for warm, last in result["rss"].values())
    memory = ", ".join(
        f"{name} {warm:.0f}→{last:.0f} MB" for name, (warm, last) in result["rss"].items()
    )
    errors = len(result["failures"]) + len(result["respawned"])
    return [
        {
            "what": f"soak, {result['seconds'] / 60:.0f} min of mixed traffic: "
            f"{result['requests']:,} requests, errors and 5xx",
            "value": str(errors),
            "baseline": "",
            "ratio": None,
            "target": "0",
            "met": errors == 0,
        },
        {
            "what": f"soak: worst growth of a worker's memory after minute 1 ({memory})",
            "value": f"{worst:+.1f} MB",
            "baseline": "",
            "ratio": None,
            "target": f"≤ {FLAT_MB:.0f} MB",
            "met": worst <= FLAT_MB,
        },
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    args = parser.parse_args()
    database_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_soak"
    )
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")
    outcome = soak(database_url, redis_url, args.minutes * 60)
    for key, value in outcome.items():
        print(f"{key}: {value}")

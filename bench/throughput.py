"""HTTP throughput of the public pages and the registration, against baselines served by
the same gunicorn in the same run (issue 14).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_web \\
    BENCH_REDIS_URL=redis://127.0.0.1:6379/6 .venv/bin/python bench/throughput.py [--quick]

For each data size (10k and 1M enrolments) it builds a fresh database (bench_web_10k,
bench_web_1m), starts gunicorn (2 sync workers, DEBUG off, persistent connections,
settings bench.web.settings: the product's URLs plus a hello view and a one-INSERT view)
and drives it with wrk, 4 connections, alternating the pages over 3 rounds (medians).
POSTs carry a valid CSRF pair; each registration a new address, each click a new token.
"""

import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

# Run as a script, bench/ is first on sys.path; the project's root must be there too.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.web import fixtures, wrk  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 3
# The registration form as a person fills it in, allergies included (meals provided).
_FORM = (
    "csrfmiddlewaretoken={token}&surname=Martin&first_name=Claire&email={prefix}-{{n}}%40"
    "example.org&phone=0612345678&postal_address=1+rue+de+Lyon&registering_as=individual"
    "&occupation=Nurse&diplomas_and_skills=&food_allergies=Peanuts&allergies_consent=on"
    "&disability_adaptations="
)


def _environment(url: str, redis_url: str) -> dict:
    env = {
        "SECRET_KEY": "bench-secret-0123456789abcdef0123456789abcdef",
        "CRYPTOGRAPHY_KEY": "bench-crypto-0123456789abcdef0123",
        "SUPPRESSION_KEY": "bench-supp-0123456789abcdef0123",
        "SITE_URL": "http://127.0.0.1",
        "EMAIL_URL": "memorymail://",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        # Every request comes from 127.0.0.1: the throttle still counts, never refuses.
        "REGISTRATION_SUBMISSIONS_PER_HOUR": "100000000",
    }
    return {
        **os.environ,
        **env,
        "DEBUG": "false",
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "CACHE_URL": os.environ.get("BENCH_CACHE_URL", redis_url),
        "DJANGO_SETTINGS_MODULE": "bench.web.settings",
        "DB_CONN_MAX_AGE": os.environ.get("DB_CONN_MAX_AGE", "600"),
    }


def _csrf_pair() -> tuple[str, str]:
    """A CSRF cookie and a form token that Django accepts together."""
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    secret = _get_new_csrf_string()
    return secret, _mask_cipher_secret(secret)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _gunicorn(env: dict, port: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-w", "2"]
    command += ["-b", f"127.0.0.1:{port}", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/hello/", timeout=2)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not answer")


def _flush_redis(redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).flushdb()


def _measure_size(label: str, enrolments: int, *, quick: bool, workdir: Path) -> dict:
    """Every figure for one data size: {name: [run, ...]} alternating rounds."""
    server_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_web"
    )
    base = server_url.rsplit("/", 1)[1] or "bench_web"
    url = fixtures.database_url(server_url, f"{base}_{label.lower()}")
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
    env = _environment(url, redis_url)
    began = time.perf_counter()
    how = fixtures.seed(url, enrolments=enrolments, env=env)
    print(f"{label}: seeded by {how} in {time.perf_counter() - began:.0f} s", file=sys.stderr)
    _flush_redis(redis_url)
    sessions = fixtures.upcoming_sessions(url)
    seconds = 2 if quick else 5
    port = _free_port()
    server = _gunicorn(env, port)
    try:
        return _rounds(url, port, sessions, seconds=seconds, workdir=workdir)
    finally:
        server.terminate()
        server.wait(timeout=30)
        _flush_redis(redis_url)


def _scripts(url: str, sessions: list[int], *, seconds: float, workdir: Path, n: int) -> dict:
    cookie, token = _csrf_pair()
    prefix = f"r{n}{secrets.token_hex(3)}"
    clicks = 400 * seconds  # tokens per wrk thread: more than a run confirms
    fixtures.pending_for_clicks(url, prefix=prefix, count=2 * clicks, sessions=sessions)
    form = _FORM.format(token=token, prefix=prefix)
    register = f"/sessions/{sessions[n % len(sessions)]}/register/"
    return prefix, {
        "insert": wrk.post_script(
            workdir / f"insert{n}.lua",
            url_path="/bench/insert/",
            body=f"csrfmiddlewaretoken={token}&email={prefix}-{{n}}%40example.org",
            cookie=cookie,
        ),
        "register": wrk.post_script(
            workdir / f"register{n}.lua", url_path=register, body=form, cookie=cookie
        ),
        "confirm": wrk.clicks_script(
            workdir / f"confirm{n}.lua",
            prefix=prefix,
            per_thread=clicks,
            body=f"csrfmiddlewaretoken={token}",
            cookie=cookie,
        ),
    }


def _rounds(url: str, port: int, sessions: list[int], *, seconds: float, workdir: Path) -> dict:
    base = f"http://127.0.0.1:{port}"
    pages = {
        "hello": "/bench/hello/",
        "catalogue": "/",
        "session": f"/sessions/{sessions[0]}/",
        "privacy": "/privacy/",
    }
    for page in pages.values():  # warm every worker's caches and connections
        wrk.run(base + page, seconds=1)
    figures: dict[str, list[dict]] = {}
    for n in range(ROUNDS):
        prefix, scripts = _scripts(url, sessions, seconds=seconds, workdir=workdir, n=n)
        runs = [(name, base + page, None) for name, page in pages.items()]
        runs += [(name, f"{base}/", script) for name, script in scripts.items()]
        if n % 2:
            runs.reverse()
        for name, target, script in runs:
            figures.setdefault(name, []).append(wrk.run(target, seconds=seconds, script=script))
        # A form sent back with its errors would be a 200 too: every answer must have
        # stored its registration.
        stored = fixtures.registrations_stored(url, prefix=prefix)
        if stored < figures["register"][-1]["requests"]:
            raise RuntimeError(f"{stored} registrations stored for {figures['register'][-1]}")
    return figures


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def _row(what, value, baseline, ratio, target, met) -> dict:
    return {
        "what": what,
        "value": value,
        "baseline": baseline,
        "ratio": round(ratio, 3) if ratio is not None else None,
        "target": target,
        "met": met,
    }


def _failed(runs: list[dict]) -> str:
    """ ", N failed": answers other than 2xx/3xx and socket errors (timeouts: 2 s)."""
    bad = sum(run["bad"] for run in runs)
    return f", {bad} failed" if bad else ""


def _size_rows(label: str, figures: dict) -> list[dict]:
    rows = []
    hello, insert = _median(figures["hello"], "rps"), _median(figures["insert"], "rps")
    for name, what in (("register", "registration POST"), ("confirm", "confirmation click")):
        rps, p99 = _median(figures[name], "rps"), _median(figures[name], "p99")
        ratio, failed = rps / insert, _failed(figures[name])
        rows.append(
            _row(
                f"{what}, {label} enrolments (req/s, p99)",
                f"{rps:.0f} req/s, p99 {p99:.1f} ms{failed}",
                f"one-INSERT view {insert:.0f} req/s",
                ratio,
                "≥ 0.25× INSERT view, p99 < 50 ms",
                ratio >= 0.25 and p99 < 50 and not failed,
            )
        )
    for name in ("catalogue", "session", "privacy"):
        rps, p50 = _median(figures[name], "rps"), _median(figures[name], "p50")
        failed = _failed(figures[name])
        rows.append(
            _row(
                f"public page {name}, {label} enrolments (req/s, p50)",
                f"{rps:.0f} req/s, p50 {p50:.1f} ms{failed}",
                f"hello view {hello:.0f} req/s",
                rps / hello,
                "≥ 0.25× hello view",
                rps / hello >= 0.25 and not failed,
            )
        )
    return rows


def _scale_rows(small: dict, large: dict, labels: tuple[str, str]) -> list[dict]:
    rows = []
    for name in ("register", "confirm"):
        a, b = _median(small[name], "rps"), _median(large[name], "rps")
        rows.append(
            _row(
                f"{name} throughput at {labels[1]} vs {labels[0]} enrolments",
                f"{b:.0f} req/s{_failed(large[name])}",
                f"{a:.0f} req/s{_failed(small[name])}",
                b / a if a else None,
                "≥ 0.9×",
                bool(a) and b / a >= 0.9 and not (_failed(small[name]) or _failed(large[name])),
            )
        )
    for name in ("catalogue", "session", "privacy"):
        a, b = _median(small[name], "p50"), _median(large[name], "p50")
        rows.append(
            _row(
                f"{name} p50 at {labels[1]} vs {labels[0]} enrolments",
                f"{b:.2f} ms{_failed(large[name])}",
                f"{a:.2f} ms{_failed(small[name])}",
                b / a if a else None,
                "≤ 1.2×",
                bool(a) and b / a <= 1.2 and not (_failed(small[name]) or _failed(large[name])),
            )
        )
    return rows


def rows(quick: bool = False) -> list[dict]:
    """The HTTP figures, at 10k enrolments and at 1M (200k when quick)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.web.settings")
    os.environ.setdefault("SECRET_KEY", "bench-secret-0123456789abcdef0123456789abcdef")
    sizes = [("10k", 10_000), ("200k", 200_000) if quick else ("1M", 1_000_000)]
    results = {}
    with tempfile.TemporaryDirectory() as workdir:
        for label, enrolments in sizes:
            results[label] = _measure_size(label, enrolments, quick=quick, workdir=Path(workdir))
    (small, a), (large, b) = [(results[label], label) for label, _ in sizes]
    return [*_size_rows(a, small), *_size_rows(b, large), *_scale_rows(small, large, (a, b))]


if __name__ == "__main__":
    for row in rows(quick="--quick" in sys.argv):
        print(row)

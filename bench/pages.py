"""Every admin list and every back-office page, timed at 100,000 trainees and 1,000,000
enrolments: p50 of several openings through Django's test client, and the queries each
runs (the same list as tests/test_page_queries.py: that test holds the counts constant,
this one says what they cost at size).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_x \\
        .venv/bin/python bench/pages.py [--quick] [--repeat 5] [--all]

Seeds (or reuses) ``bench_data_100000_1000000`` on that server with bench/seed.py (with
``--quick``: 1,000 trainees and 10,000 enrolments), adds one round of every model the
page test adds (so every page has an object to open and Eve, the subject of the
requests, exists), and opens each page as a superuser (back-office pages also as the
DPO). Target: p50 < 300 ms for each. ``--all`` also times every add and change page.
Measured in a child process, so that the caller's Django is left alone.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench")]
import seed as seeding  # noqa: E402 (bench/ is not a package)

TARGET_MS = 300
SIZES = {False: (100_000, 1_000_000), True: (1_000, 10_000)}


def database_url(quick: bool) -> str:
    trainees, enrolments = SIZES[quick]
    server = os.environ.get("BENCH_DATABASE_URL") or os.environ["DATABASE_URL"]
    return urlunparse(urlparse(server)._replace(path=f"/bench_data_{trainees}_{enrolments}"))


def _setup(url: str) -> None:
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="config.settings",
        ALLOWED_HOSTS="testserver,localhost",
        SITE_URL="http://testserver",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    # The seeded database was migrated by the code of its day: bring it to this code's.
    call_command("migrate", verbosity=0)


def _anchor():
    """Eve and one round of every model, once per database (the page test's helper)."""
    from tests import test_page_queries as pages
    from trainees.models import Trainee

    if not Trainee.objects.filter(email=pages.SUBJECT).exists():
        from django.db import transaction

        from tests.factories import TraineeFactory

        with transaction.atomic():  # all or nothing, should the run be stopped
            subject = TraineeFactory(email=pages.SUBJECT, first_name="Eve")
            pages._add_data(1, {"subject": subject})


def _fresh_attempt():
    """django-axes deletes sign-in attempts past their cool-off: one, fresh, for its
    pages (after the sign-ins, which may clean them too)."""
    from axes.models import AccessAttempt
    from django.utils import timezone

    if not AccessAttempt.objects.exists():
        seen = {"user_agent": "Chromium", "ip_address": "127.0.0.1", "username": "x"}
        seen |= {"http_accept": "text/html", "path_info": "/admin/login/"}
        AccessAttempt.objects.create(
            **seen, attempt_time=timezone.now(), get_data="", post_data="", failures_since_start=1
        )


def _client(username: str):
    from django.contrib.auth.models import User
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = User.objects.get(username=username)
    http = Client()
    http.force_login(user)
    session = http.session
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return http


def _time(http, url: str, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    http.get(url)  # the per-process caches, as the page test does
    timings = []
    for _ in range(repeat):
        began = time.perf_counter()
        response = http.get(url)
        timings.append((time.perf_counter() - began) * 1000)
    with CaptureQueriesContext(connection) as queries:
        http.get(url)
    slowest = max(queries.captured_queries, key=lambda q: float(q["time"]), default=None)
    return {
        "status": response.status_code,
        "p50": statistics.median(timings),
        "queries": len(queries),
        "slowest_sql_ms": float(slowest["time"]) * 1000 if slowest else 0.0,
        "slowest_sql": slowest["sql"][:300] if slowest else "",
    }


def measure(repeat: int, everything: bool, only: str = "") -> list[dict]:
    """Time each page (in this process: Django is set up for the bench database), or
    those whose name contains ``only``."""
    from django.contrib.auth.models import User

    from tests import test_page_queries as pages

    _anchor()
    root = _client(seeding.STAFF["admin"])
    dpo = _client(seeding.STAFF["dpo"])
    _fresh_attempt()
    admin_pages = pages._admin_pages(User.objects.get(username=seeding.STAFF["admin"]))
    if not everything:
        admin_pages = [(n, u) for n, u in admin_pages if n.endswith(" list") or n == "admin index"]
    results = []
    for name, url in admin_pages:
        if only in name:
            results.append(
                {"page": f"admin: {name}", "as": "superuser", **_time(root, url, repeat)}
            )
    for name, url in pages._backoffice_pages():
        for who, http in (("superuser", root), ("DPO", dpo)) if only in name else ():
            results.append({"page": f"back-office: {name}", "as": who, **_time(http, url, repeat)})
    return results


def _child(quick: bool, repeat: int, everything: bool, only: str = "") -> list[dict]:
    command = [sys.executable, __file__, "--child", "--repeat", str(repeat), "--only", only]
    command += ["--quick"] * quick + ["--all"] * everything
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=os.environ)
    if done.returncode:
        raise RuntimeError(f"bench/pages.py failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def rows(quick: bool = False, repeat: int = 5, everything: bool = False) -> list[dict]:
    """One row per page: its p50, the queries it ran, against the 300 ms target."""
    trainees, enrolments = SIZES[quick]
    seeding.seed(database_url(quick), trainees, enrolments)
    size = f"{trainees:,} trainees / {enrolments:,} enrolments"
    out = []
    for result in _child(quick, 3 if quick else repeat, everything):
        met = result["status"] in (200, 302) and result["p50"] < TARGET_MS
        out.append(
            {
                "what": f"{result['page']} ({result['as']}), p50 at {size}",
                "value": f"{result['p50']:.0f} ms, {result['queries']} queries",
                "baseline": "",
                "ratio": None,
                "target": f"< {TARGET_MS} ms",
                "met": met,
            }
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 trainees, 10,000 enrolments")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--all", action="store_true", help="also every add and change page")
    parser.add_argument("--only", default="", help="only the pages whose name contains this")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _setup(database_url(args.quick))
        print(json.dumps(measure(args.repeat, args.all, args.only)))
        return 0
    trainees, enrolments = SIZES[args.quick]
    seeding.seed(database_url(args.quick), trainees, enrolments)
    results = _child(args.quick, args.repeat, args.all, args.only)
    for r in sorted(results, key=lambda r: -r["p50"]):
        flag = "  " if r["p50"] < TARGET_MS and r["status"] in (200, 302) else "!!"
        print(
            f"{flag} {r['p50']:7.0f} ms {r['queries']:3d} q {r['status']} "
            f"{r['page']} ({r['as']})  slowest SQL {r['slowest_sql_ms']:.0f} ms"
        )
        if r["p50"] >= TARGET_MS:
            print(f"       {r['slowest_sql']}")
    slow = [r for r in results if r["p50"] >= TARGET_MS or r["status"] not in (200, 302)]
    print(f"{len(results) - len(slow)} of {len(results)} pages under {TARGET_MS} ms")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())

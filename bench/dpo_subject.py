"""Finding and exporting one person's data, as the DPO does, at 10,000 and at 1,000,000
enrolments.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_x \\
        .venv/bin/python bench/dpo_subject.py [--quick]

Uses the seeded databases of bench/seed.py (1,000 trainees / 10,000 enrolments, and
100,000 trainees / 1,000,000 enrolments, seeded on first use), to which bench/pages.py
adds Eve, a person with a bit of everything (trainee and client-contact records,
enrolments, allergy data, consents, requests, holds, disclosures, an LMS account). For
her, counts the queries and times ``subject_records`` + ``subject_export`` (every
privacy provider): median of 7 runs. Targets: the same number of queries at both sizes,
and under 50 ms at 1M. Measured in a child process per database.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench")]
import pages  # noqa: E402 (bench/ is not a package)
import seed as seeding  # noqa: E402

TARGET_MS = 50


def measure(email: str, repeat: int = 7) -> tuple[int, float]:
    """(queries, median milliseconds) of one person's records and export."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dpo_requests.selectors import subject_export, subject_records

    subject_records(email=email)  # per-process caches (content types)
    timings = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            subject_records(email=email)
            subject_export(email=email)
            timings.append(time.perf_counter() - start)
    return len(queries), statistics.median(timings) * 1000


def _child(quick: bool) -> dict:
    command = [sys.executable, __file__, "--child"] + ["--quick"] * quick
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=os.environ)
    if done.returncode:
        raise RuntimeError(f"bench/dpo_subject.py failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def rows(quick: bool = False) -> list[dict]:
    """One row: the 1M figure against the 10k one (quick: the 10k figure alone)."""
    small_size = pages.SIZES[True][1]
    seeding.seed(pages.database_url(True), *pages.SIZES[True])
    small = _child(True)
    if quick:
        return [
            {
                "what": f"one subject's lookup + export, {small_size:,} enrolments",
                "value": f"{small['ms']:.1f} ms, {small['queries']} queries",
                "baseline": "",
                "ratio": None,
                "target": f"< {TARGET_MS} ms",
                "met": small["ms"] < TARGET_MS,
            }
        ]
    seeding.seed(pages.database_url(False), *pages.SIZES[False])
    large = _child(False)
    return [
        {
            "what": f"one subject's lookup + export, {pages.SIZES[False][1]:,} enrolments",
            "value": f"{large['ms']:.1f} ms, {large['queries']} queries",
            "baseline": f"{small['ms']:.1f} ms, {small['queries']} queries at {small_size:,}",
            "ratio": round(large["ms"] / small["ms"], 2),
            "target": f"< {TARGET_MS} ms, same queries",
            "met": large["ms"] < TARGET_MS and large["queries"] == small["queries"],
        }
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the small database only")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        pages._setup(pages.database_url(args.quick))
        pages._anchor()
        from tests.test_page_queries import SUBJECT

        queries, ms = measure(SUBJECT)
        print(json.dumps({"queries": queries, "ms": ms}))
        return 0
    measured = rows(quick=args.quick)
    for row in measured:
        print(f"{row['what']}: {row['value']} (baseline {row['baseline'] or '-'}, {row['target']})")
    return 0 if all(row["met"] for row in measured) else 1


if __name__ == "__main__":
    sys.exit(main())

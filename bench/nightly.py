"""The nightly job's reading side at 1,000,000 enrolments: ``manage.py retention forecast``,
``manage.py retention run --dry-run``, and the forecast the run now stores for the DPO's
pages (every rule counted at 14 dates), each against the same at 10,000 enrolments.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_x \\
        .venv/bin/python bench/nightly.py [--quick] [--repeat 3]

Uses bench/seed.py's databases (a dry run and a forecast change nothing but the stored
forecast). Times the commands inside one process (Django's start-up left out): median of
``--repeat`` runs. No target was set but "reported"; the issue measured about 1.1 s.
"""

import argparse
import io
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

STEPS = {
    "retention forecast": ("retention", "forecast"),
    "retention run --dry-run": ("retention", "run", "--dry-run"),
}


def measure(repeat: int) -> dict[str, float]:
    """Median seconds of each command, and of storing the forecast."""
    from django.core.management import call_command
    from django.utils import timezone

    from retention.forecasts import forecast_store

    out = {}
    for name, command in STEPS.items():
        runs = []
        for _ in range(repeat):
            began = time.perf_counter()
            call_command(*command, stdout=io.StringIO(), stderr=io.StringIO())
            runs.append(time.perf_counter() - began)
        out[name] = statistics.median(runs)
    runs = []
    for _ in range(repeat):
        began = time.perf_counter()
        forecast_store(now=timezone.now())
        runs.append(time.perf_counter() - began)
    out["forecast stored for the DPO's pages (14 dates)"] = statistics.median(runs)
    return out


def _child(quick: bool, repeat: int) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", "--repeat", str(repeat)]
    command += ["--quick"] * quick
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=os.environ)
    if done.returncode:
        raise RuntimeError(f"bench/nightly.py failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def rows(quick: bool = False, repeat: int = 3) -> list[dict]:
    """Per step: seconds at 1M enrolments against 10k (quick: 10k only)."""
    seeding.seed(pages.database_url(True), *pages.SIZES[True])
    small = _child(True, repeat)
    large = {}
    if not quick:
        seeding.seed(pages.database_url(False), *pages.SIZES[False])
        large = _child(False, repeat)
    out = []
    for name, seconds in small.items():
        at = large.get(name)
        out.append(
            {
                "what": f"nightly job: {name}, "
                f"{pages.SIZES[quick][1]:,} enrolments (median of {repeat})",
                "value": f"{at if at is not None else seconds:.2f} s",
                "baseline": "" if quick else f"{seconds:.2f} s at {pages.SIZES[True][1]:,}",
                "ratio": None if quick else round(at / seconds, 1),
                "target": "reported",
                "met": None,
            }
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 enrolments only")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        pages._setup(pages.database_url(args.quick))
        print(json.dumps(measure(args.repeat)))
        return 0
    for row in rows(quick=args.quick, repeat=args.repeat):
        print(f"{row['what']}: {row['value']}  (baseline {row['baseline'] or '-'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

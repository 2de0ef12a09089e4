"""Runs every benchmark and rewrites the table of figures in bench/README.md.

    make bench              # everything, the soak for 10 minutes
    make bench QUICK=1      # smaller runs and a 2-minute soak, to try the benchmarks out
    make bench ONLY=http    # one module (several: ONLY="http pages")

A benchmark is a module of bench/ with ``rows(quick=False)``: it seeds what it needs and
returns its figures, each with the baseline measured in the same run, the ratio, the
target and whether it is met. Each module runs in its own process (each sets Django up
on its own database). The databases come from BENCH_DATABASE_URL (a PostgreSQL server;
the modules drop and create their own databases on it) and BENCH_REDIS_URL.

The table between the two markers in bench/README.md gets this run's lines (with ONLY,
the other modules' lines stay, each with the time it was taken), the machine and the
date; the run exits non-zero if a target is missed or a module failed.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
README = BENCH / "README.md"
START, END = "<!-- bench:table -->", "<!-- /bench:table -->"
# The order of the table; a new module with rows() is run after these.
ORDER = ["throughput", "pages", "nightly", "retention_purge", "dpo_subject", "soak"]
MARK = "@@rows@@"


def modules(only: list[str]) -> list[str]:
    found = [
        path.stem
        for path in sorted(BENCH.glob("*.py"))
        if path.stem != "run" and "\ndef rows(" in path.read_text()
    ]
    ordered = [name for name in ORDER if name in found] + [n for n in found if n not in ORDER]
    return [name for name in ordered if not only or name in only]


def run_module(name: str, quick: bool) -> tuple[list[dict], str, float]:
    """The module's rows, from its own process; an error becomes one failed row."""
    code = (
        "import json, sys\n"
        f"sys.path[:0] = [{str(BENCH)!r}, {str(ROOT)!r}]\n"
        f"import {name}\n"
        f"print({MARK!r} + json.dumps({name}.rows(quick={quick!r})))\n"
    )
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=os.environ
    )
    took = time.monotonic() - started
    for line in reversed(result.stdout.splitlines()):
        if line.startswith(MARK):
            return json.loads(line[len(MARK) :]), "", took
    error = (result.stderr.strip().splitlines() or ["no output"])[-1]
    failed = {"what": f"{name}: the benchmark failed ({error})", "value": "", "met": False}
    return [failed], result.stderr[-3000:], took


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = int(line.split()[1]) // (1024 * 1024)
    try:
        postgres = subprocess.run(
            ["psql", "--version"], capture_output=True, text=True
        ).stdout.split()[2]
    except (OSError, IndexError):
        postgres = "?"
    load = os.getloadavg()[0]
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory} GiB, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, PostgreSQL {postgres}; "
        f"load average {load:.1f} at the start"
    )


def _cell(value) -> str:
    return "" if value in (None, "") else str(value).replace("|", "\\|")


HEAD = [
    "| benchmark | figure | value | baseline (same run) | ratio | target | met |",
    "| --- | --- | ---: | ---: | ---: | --- | :---: |",
]


def table_lines(results: list[tuple[str, list[dict]]], stamp: str) -> list[str]:
    """One line per figure; the first cell names the module and when it ran."""
    lines = []
    for name, rows in results:
        for row in rows:
            ratio = row.get("ratio")
            met = {True: "yes", False: "**no**", None: "—"}[row.get("met")]
            lines.append(
                f"| {name} ({stamp}) | {_cell(row.get('what'))} | {_cell(row.get('value'))} | "
                f"{_cell(row.get('baseline'))} | {'' if ratio is None else f'{ratio:.2f}×'} | "
                f"{_cell(row.get('target'))} | {met} |"
            )
    return lines


def _module_of(line: str) -> str:
    return line.split("|")[1].strip().split(" ")[0]


def rewrite_readme(lines: list[str], ran: set[str], header: str) -> str:
    """Replace the lines of the modules that ran in bench/README.md's table (all of them
    after a full run; the others' lines stay, with the time they were taken)."""
    readme = README.read_text()
    before, _, rest = readme.partition(START)
    old, _, after = rest.partition(END)
    if not rest:
        before, old, after = readme.rstrip() + "\n\n", "", "\n"
    kept = [
        line
        for line in old.splitlines()
        if line.startswith("| ") and line not in HEAD and _module_of(line) not in ran
    ]
    by_module = {name: i for i, name in enumerate(ORDER)}
    merged = sorted(kept + lines, key=lambda line: by_module.get(_module_of(line), 99))
    text = "\n".join([header, "", *HEAD, *merged])
    README.write_text(f"{before}{START}\n{text}\n{END}{after}")
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default="", help="module names, separated by spaces")
    parser.add_argument("--no-write", action="store_true", help="print, leave README alone")
    args = parser.parse_args()
    os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
    os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")
    # Production settings with keys of their own, whatever .env (the demo's) says.
    os.environ.update(
        ENV_FILE="/nonexistent",
        DEBUG="false",
        SECURE_SSL_REDIRECT="false",
        EMAIL_URL="dummymail://",
        SITE_URL="http://127.0.0.1",
    )
    for key in ("SECRET_KEY", "CRYPTOGRAPHY_KEY", "SUPPRESSION_KEY"):
        os.environ.setdefault(key, f"bench-{key.lower()}-0123456789abcdefghijklmnop")
    os.environ.setdefault("DATABASE_URL", os.environ["BENCH_DATABASE_URL"])
    os.environ.setdefault("REDIS_URL", os.environ["BENCH_REDIS_URL"])
    header = (
        f"Last run: `make bench{' QUICK=1' if args.quick else ''}"
        f"{' ONLY=' + repr(args.only) if args.only else ''}` on "
        f"{datetime.datetime.now():%Y-%m-%d %H:%M}: {machine()}."
    )
    stamp = f"{datetime.datetime.now():%Y-%m-%d %H:%M}{', quick' if args.quick else ''}"
    results, failed = [], False
    for name in modules(args.only.split()):
        print(f"== {name}", flush=True)
        rows, errors, took = run_module(name, args.quick)
        if errors:
            print(errors, file=sys.stderr)
        for row in rows:
            print(f"   {row.get('what')}: {row.get('value')} (target {row.get('target')})")
        print(f"   ({took:.0f} s)", flush=True)
        results.append((name, rows))
        failed |= any(row.get("met") is False for row in rows)
    lines = table_lines(results, stamp)
    print("\n" + "\n".join([header, "", *HEAD, *lines]))
    if not args.no_write:
        rewrite_readme(lines, {name for name, _rows in results}, header)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

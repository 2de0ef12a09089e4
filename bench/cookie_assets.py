"""How much the cookie banner costs a visitor: our script and stylesheet, gzipped,
against the 3 KB budget, and (with --anchors) against well-known consent managers.

    .venv/bin/python bench/cookie_assets.py            # ours only
    .venv/bin/python bench/cookie_assets.py --anchors  # also fetches the anchors with npm pack

Exits non-zero when ours pass the budget.
"""

import argparse
import gzip
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET = 3 * 1024
OURS = [ROOT / "static/cookies/cookies.js", ROOT / "static/cookies/cookies.css"]
# What a page must load for each anchor's banner to show (main script and stylesheet).
ANCHORS = {
    "tarteaucitronjs": ["package/tarteaucitron.min.js", "package/css/tarteaucitron.min.css"],
    "klaro": ["package/dist/klaro.js"],  # one file: script, styles and translations
    "vanilla-cookieconsent": [
        "package/dist/cookieconsent.umd.js",
        "package/dist/cookieconsent.css",
    ],
}


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def anchors() -> list[tuple[str, int, int]]:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for package, members in ANCHORS.items():
            subprocess.run(
                ["npm", "pack", package, "--silent"],
                cwd=folder,
                check=True,
                capture_output=True,
                timeout=300,
            )
            archive = next(Path(folder).glob(f"{package}-*.tgz"))
            version = archive.stem.removeprefix(f"{package}-")
            with tarfile.open(archive) as tar:
                data = b"".join(tar.extractfile(member).read() for member in members)
            rows.append((f"{package} {version}", len(data), gz(data)))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--anchors", action="store_true", help="measure the anchors too (npm)")
    args = parser.parse_args()

    ours = b"".join(path.read_bytes() for path in OURS)
    rows = [("ours (cookies.js + cookies.css)", len(ours), gz(ours))]
    if args.anchors:
        rows += anchors()
    print(f"{'':40} {'raw bytes':>10} {'gzip -9':>10} {'x ours':>7}")
    for name, raw, zipped in rows:
        print(f"{name:40} {raw:>10,} {zipped:>10,} {zipped / rows[0][2]:>7.1f}")
    print(f"budget: {BUDGET:,} bytes gzipped; ours use {rows[0][2] / BUDGET:.0%}")
    return 0 if rows[0][2] <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())

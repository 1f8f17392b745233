"""``make bench``: small vs large workspace, same run, PASS/FAIL against issue 6's targets.

Small: 100 prospects / 1,000 interactions. Large: 100,000 prospects / 1,000,000
interactions. Every figure is a median of several runs with its min and max; the process
exits non-zero when any target fails. Not part of the test suite (timings are noisy);
``tests/test_bench.py`` only checks that it runs on tiny sizes.

    python -m dualrole.bench [--small 100:1000] [--large 100000:1000000] [--runs 5]
                             [--data bench-data]
                             [--only demo,startup,tui,review,insights,import,replica,dav,mail,
                                     deals]
                             [--dav-prospects 10000] [--mail 100000]
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

from dualrole.bench.figures import Report
from dualrole.bench.measures import (
    measure_demo,
    measure_import,
    measure_insights,
    measure_review,
    measure_startup,
    measure_tui,
)

SECTIONS = (
    "demo",
    "startup",
    "tui",
    "review",
    "insights",
    "import",
    "replica",
    "dav",
    "mail",
    "deals",
)


def _size(text: str) -> tuple[int, int]:
    prospects, interactions = text.split(":")
    return int(prospects), int(interactions)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dualrole.bench", description=__doc__)
    parser.add_argument("--small", type=_size, default=(100, 1_000))
    parser.add_argument("--large", type=_size, default=(100_000, 1_000_000))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data", type=Path, default=Path("bench-data"))
    parser.add_argument("--only", default=",".join(SECTIONS))
    parser.add_argument("--rebuild", action="store_true", help="regenerate the workspaces")
    parser.add_argument(
        "--dav-prospects", type=int, default=10_000, help="workspace size of the phone sync"
    )
    parser.add_argument("--mail", type=int, default=100_000, help="messages in the Maildir")
    args = parser.parse_args(argv)
    only = set(args.only.split(","))
    args.data.mkdir(parents=True, exist_ok=True)
    report = Report()
    started = time.perf_counter()
    print(
        f"dualrole benchmark — {platform.node()} · {platform.processor() or platform.machine()} "
        f"· Python {platform.python_version()} · {time.strftime('%Y-%m-%d %H:%M')}",
        flush=True,
    )
    paths = measure_demo(report, args.data, args.small, args.large, args.rebuild,
                         timed="demo" in only)  # fmt: skip
    if "startup" in only:
        measure_startup(report, paths, args.runs)
    if "tui" in only:
        measure_tui(report, paths, args.runs)
    if "review" in only:
        measure_review(report, paths, args.runs)
    if "insights" in only:
        measure_insights(report, paths, args.runs)
    if "import" in only:
        measure_import(report, args.data, args.runs)
    if "replica" in only:
        from dualrole.bench.replica_bench import measure as measure_replica

        measure_replica(report, paths, args.data, args.runs)
    if "dav" in only:
        from dualrole.bench.dav_bench import measure as measure_dav

        measure_dav(report, args.data, args.dav_prospects, args.runs)
    if "mail" in only:
        from dualrole.bench.mail_bench import measure as measure_mail

        measure_mail(report, args.data, args.runs, args.mail)
    if "deals" in only:
        from dualrole.bench.deals_bench import measure as measure_deals

        measure_deals(report, paths, args.runs)
    print()
    print(report.table())
    print(f"\n{report.summary()} in {time.perf_counter() - started:.0f}s")
    return 0 if report.all_passed() else 1


if __name__ == "__main__":
    sys.exit(main())

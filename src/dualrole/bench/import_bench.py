"""Benchmark: importing 10,000 contacts (a Google Contacts CSV) into an empty workspace."""

from __future__ import annotations

import csv
import time
from pathlib import Path

from dualrole.bench.figures import Report
from dualrole.interop.importer import import_contacts
from dualrole.storage.db import open_store

ROWS = 10_000
HEADER = ["First Name", "Last Name", "Organization Name", "Organization Title",
          "E-mail 1 - Value", "Phone 1 - Value", "Notes"]  # fmt: skip


def write_contacts(path: Path, rows: int = ROWS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for index in range(rows):
            writer.writerow([f"Ada{index}", f"Lovelace{index}", f"Firm {index % 700}", "Owner",
                             f"ada.{index}@import{index % 97}.example", f"+49 30 {index:07d}",
                             "Met at the fair; wants a quote"])  # fmt: skip
    return path


def _time_import(target: Path, source: Path) -> tuple[float, float]:
    """Seconds to import ``source`` into an empty workspace, then to import it again."""
    with open_store(target) as store:
        started = time.perf_counter()
        report = import_contacts(store, source)
        first = time.perf_counter() - started
        if report.created != ROWS:
            raise RuntimeError(f"import created {report.created} of {ROWS}: {report.summary()}")
        started = time.perf_counter()
        again = import_contacts(store, source)
        second = time.perf_counter() - started
        if again.skipped != ROWS:
            raise RuntimeError(f"re-import skipped {again.skipped} of {ROWS}: {again.summary()}")
    return first, second


def measure(report: Report, data: Path, runs: int) -> None:
    source = write_contacts(data / "contacts-10k.csv")
    empty: list[float] = []
    again: list[float] = []
    for index in range(runs):
        target = data / f"import-{index}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        first, second = _time_import(target, source)
        empty.append(first)
        again.append(second)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
    report.add(
        f"import {ROWS:,} contacts (CSV) into an empty workspace",
        None, empty, unit="s", target="≤ 2 s",
        check=lambda _s, big: big.median <= 2.0,
    )  # fmt: skip
    report.add(
        f"import the same {ROWS:,} contacts again (all duplicates)",
        None, again, unit="s", target="≤ 2 s",
        check=lambda _s, big: big.median <= 2.0,
    )  # fmt: skip

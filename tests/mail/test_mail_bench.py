"""The mail rows of ``make bench`` run end to end on a tiny Maildir (timings not asserted)."""

from __future__ import annotations

from pathlib import Path

from dualrole.bench.figures import Report
from dualrole.bench.mail_bench import measure
from dualrole.storage.db import open_store


def test_mail_bench_runs_and_logs_each_message_once(tmp_path: Path) -> None:
    report = Report()
    measure(report, tmp_path, runs=1, messages=300)
    assert [f.what.split(":")[0] for f in report.figures] == ["mail"] * 3
    with open_store(tmp_path / "mail.db") as store:
        # 300 + the week's 1,000: one in fifty to or from a prospect, each logged once
        assert store.scalar("SELECT count(*) FROM interactions") == 1300 // 50
        assert store.scalar("SELECT count(*) FROM mail_messages") == 1300

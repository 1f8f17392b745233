"""Deals and companies at scale (issue 27): the board, a company page, a person's deals and
the repeat-business insight at 100,000 prospects / 150,000 deals / 1,000,000 interactions.

Each workspace is copied and topped up to 1.5 deals per prospect (repeat sales of every
other person, won or open, through the demo's bulk path), then each read is timed against
the small one.
The upgrade of a workspace from the release before (schema 10) is timed in the docs
(docs/companies-and-deals.md): this bench only has workspaces of today's schema.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dualrole.bench.figures import Report, Stats, ms
from dualrole.storage.db import Store, open_store

# Every other person's repeat sale (won for one in four, else in proposal), as the demo
# writes them: through services.bulk.
PEOPLE = (
    "SELECT id, name, company_id, coalesce(value_minor, 0) / 2, currency, created_at "
    "FROM prospects WHERE id % 2 = 0"
)
BOUND_MS = 50.0  # a key press must answer well within a frame budget


def _copy(path: Path) -> Path:
    copy = path.with_name(f"deals-{path.name}")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(path, copy)
    from dualrole.services import bulk

    with open_store(copy) as store, store.transaction():
        next_id = int(store.scalar("SELECT max(id) FROM deals")) + 1
        rows, history = [], []
        for offset, (pid, name, company, value, currency, at) in enumerate(store.query(PEOPLE)):
            stage = "won" if pid % 4 == 0 else "proposal"
            rows.append((next_id + offset, pid, name, company, "Repeat", stage, value, currency,
                         None, None, at, at))  # fmt: skip
            history.append((pid, next_id + offset, None, stage, at))
        bulk.add_deal_rows(store, rows, history)
    return copy


def _time(runs: int, action: Callable[[], Any]) -> list[float]:
    action()  # warm the page cache
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return samples


def _measures(store: Store, runs: int) -> dict[str, list[float]]:
    from dualrole.core.enums import Stage
    from dualrole.insights import default_period
    from dualrole.insights.repeat import build_repeat
    from dualrole.services import companies, deals

    lead = int(store.scalar("SELECT prospects FROM stage_totals WHERE stage = 'proposal'") or 0)
    company = store.scalar(
        "SELECT company_id FROM prospects WHERE company_id IS NOT NULL "
        "GROUP BY company_id ORDER BY count(*) DESC LIMIT 1"
    )
    person = int(store.scalar("SELECT max(prospect_id) FROM deals WHERE title = 'Repeat'") or 1)
    last_deal = int(store.scalar("SELECT max(id) FROM deals"))
    params = default_period().params()
    return {
        "board": _time(runs, lambda: deals.board_cards(store, Stage.proposal, 0, 20)),
        "board end": _time(
            runs, lambda: deals.board_cards(store, Stage.proposal, max(lead - 20, 0), 20)
        ),
        "board select": _time(runs, lambda: deals.board_position(store, last_deal)),
        "company page": _time(runs, lambda: companies.company_page(store, int(company))),
        "deals of a person": _time(runs, lambda: deals.deals_for(store, person)),
        "repeat business": _time(runs, lambda: build_repeat(store, params)),
    }


def measure(report: Report, paths: dict[str, Path], runs: int) -> None:
    found = {}
    for name in ("small", "large"):
        copy = _copy(paths[name])
        with open_store(copy) as store:
            counts = store.query("SELECT (SELECT count(*) FROM prospects), count(*) FROM deals")
            found[name] = (_measures(store, runs), tuple(counts[0]))
    small, large = found["small"][0], found["large"][0]
    people, deals = found["large"][1]
    for what in small:
        bound = 500.0 if what == "repeat business" else BOUND_MS
        report.add(
            f"deals: {what} ({people:,} prospects / {deals:,} deals)",
            ms(small[what]), ms(large[what]), target=f"≤ {bound:.0f} ms",
            check=_within(bound),
        )  # fmt: skip


def _within(bound: float) -> Callable[[Stats | None, Stats], bool]:
    return lambda _small, big: big.median <= bound

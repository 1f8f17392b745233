"""The demo workspace: a small consultancy's last 12 weeks, and the same at benchmark scale.

Deterministic for a given seed and clock (``DUALROLE_NOW``). Rows go in through the services'
bulk path (:mod:`dualrole.services.bulk`: ``executemany``, the interactions with one ``INSERT …
SELECT``) inside one transaction, so 100,000 prospects and 1,000,000 interactions take
seconds, and an interrupted run leaves nothing behind. From
``BULK_FROM`` prospects the big tables' indexes are made once after loading, on a connection
set up for it (``BULK_PRAGMAS``). The service-layer invariants (stage history, last
contact, next follow-up) are computed here the same way the services keep them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from dualrole.core.dates import clock
from dualrole.demo.prospects import Row, Stamper
from dualrole.demo.prospects import prospect_rows as make_prospects
from dualrole.services import bulk
from dualrole.services.settings import set_setting
from dualrole.storage.db import Store

Progress = Callable[[str, int, int], None]

SEGMENTS = [
    (
        "Independent café owners",
        "25–45",
        "Owners of 1–3 cafés in the city",
        "food & hospitality",
        "Berlin",
        "Thin margins; no time for marketing",
        "Quality, community",
        "Price; 'we tried ads'",
    ),
    (
        "Dental practices",
        "35–60",
        "Practice owners and managers",
        "health",
        "Berlin & Brandenburg",
        "Empty slots mid-week",
        "Trust, reputation",
        "Patient privacy worries",
    ),
    (
        "E-commerce founders",
        "25–40",
        "Shopify stores doing €10k–€100k/month",
        "retail",
        "DACH",
        "Rising ad costs",
        "Growth, autonomy",
        "Agency bad experiences",
    ),
    (
        "Local law firms",
        "40–65",
        "Partners of 2–10 lawyer firms",
        "legal",
        "Berlin",
        "Referrals drying up",
        "Discretion, expertise",
        "Marketing feels undignified",
    ),
]
NOTE_TITLES = {
    "consumer": ["Interview notes: café owners", "Survey: what dentists read", "Buyer journey map"],
    "product": ["Onboarding takes too long", "Reporting does not answer 'is it working?'"],
    "competitor": ["Agency X pricing page", "Freelancer rates on Malt", "Competitor webinar"],
    "trend": ["Short video on LinkedIn", "Local SEO after the core update"],
    "feedback": ["Pricing page unclear", "Wants a monthly plan", "Asked for case studies"],
}
NOTE_SEGMENTS = {  # a note about one segment is filed under it (1-based, as in SEGMENTS)
    "Interview notes: café owners": 1,
    "Survey: what dentists read": 2,
    "Agency X pricing page": 3,  # e-commerce founders' objection: agency bad experiences
}
"""Notes not named here fit any segment and get a drawn one; feedback gets its prospect's."""
PROMOTIONS = [
    ("Spring webinar", "email", "done", "Show the 3-step local marketing audit", 60000),
    ("Trade fair Berlin", "event", "running", "Meet café owners at the fair", 150000),
    ("LinkedIn case studies", "social media", "running", "One case study a week", 0),
    ("Google Ads: dentists", "online ads", "running", "Book a free practice audit", 120000),
    ("Newsletter relaunch", "email", "planned", "Monthly tips for owners", 20000),
    ("Podcast guest spots", "other", "idea", "Talk about pricing for small firms", None),
]
PROMOTION_SEGMENTS = {  # the segment each promotion speaks to (1-based, as in SEGMENTS)
    "Spring webinar": 1,
    "Trade fair Berlin": 1,  # café owners at the fair
    "LinkedIn case studies": 4,
    "Google Ads: dentists": 2,
    "Newsletter relaunch": 3,
    "Podcast guest spots": 4,  # pricing for small firms
}
TASKS = [  # (title, the promotion it names or None)
    ("Post case study (LinkedIn)", "LinkedIn case studies"),
    ("Log results: Spring webinar", "Spring webinar"),
    ("Draft newsletter", "Newsletter relaunch"),
    ("Book fair stand", "Trade fair Berlin"),
    ("Update website pricing", None),
    ("Interview two café owners", None),
    ("Plan Q1 budget", None),
]
SUMMARIES = [
    "Intro call",
    "Sent proposal",
    "Demo of the audit",
    "Follow-up email",
    "Coffee meeting",
    "Answered pricing questions",
    "Checked in after launch",
    "Discussed timeline",
    "Shared case study",
    "Negotiated scope",
]
OUTCOMES = [
    "Interested, wants numbers",
    "Needs to talk to partner",
    "Asked for a discount",
    "Ready to sign next week",
    "Not now, maybe Q2",
    "Wants a monthly plan",
]
KINDS = ["call", "email", "meeting", "message", "demo", "note"]
FOLLOWUPS = [
    "Send proposal",
    "Call back",
    "Share case study",
    "Check decision",
    "Send invoice",
    "Book demo",
    "Intro deck",
]


BULK_TABLES = ("prospects", "interactions", "stage_changes", "followups")
BULK_FROM = 5_000
# The connection while a workspace is loaded in bulk: no foreign-key lookup per row (a
# million for the interactions alone; the generator's ids hold by construction and a test
# runs foreign_key_check); a page cache big enough for the index builds to sort in memory;
# and a rollback journal instead of the WAL. A new file's pages are written once that way:
# the journal holds only the few pages the file had (the schema), where the WAL would take
# all ~300 MB and then copy them into the file again. The commit is just as atomic.
BULK_PRAGMAS = {"foreign_keys": "OFF", "cache_size": "-262144", "journal_mode": "DELETE"}


@contextlib.contextmanager
def _bulk_settings(store: Store, enabled: bool) -> Iterator[None]:
    """:data:`BULK_PRAGMAS` around the load, then the connection's own settings again.

    Set outside the transaction: inside one, SQLite ignores ``foreign_keys`` and cannot
    change the journal mode. (With another connection open the mode stays WAL: slower, as
    safe.)
    """
    if not enabled:
        yield
        return
    conn = store.conn
    before = {name: conn.execute(f"PRAGMA {name}").fetchone()[0] for name in BULK_PRAGMAS}

    def put(settings: dict[str, object]) -> None:
        for name, value in settings.items():
            if name == "journal_mode":  # through the store, which watches the -wal
                store.set_journal_mode(str(value))
            else:
                conn.execute(f"PRAGMA {name}={value}")

    put(dict(BULK_PRAGMAS))
    try:
        yield
    finally:
        put(before)


class _Indexes:
    """The big tables' indexes and full-text triggers, dropped while their rows are loaded and
    made again once per table, full-text index included (far cheaper than row by row)."""

    def __init__(self, store: Store, enabled: bool) -> None:
        self.store = store
        self.dropped: dict[str, list[str]] = {}
        if not enabled:
            return
        marks = ",".join("?" for _ in BULK_TABLES)
        for kind, name, table, sql in store.query(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN "
            f"('index', 'trigger') AND tbl_name IN ({marks}) AND sql IS NOT NULL",
            BULK_TABLES,
        ):
            store.execute(f'DROP {kind.upper()} "{name}"')
            self.dropped.setdefault(table, []).append(sql)

    def restore(self, table: str) -> None:
        """``table``'s indexes and triggers again, and its full-text index rebuilt."""
        statements = self.dropped.pop(table, None)
        if statements is None:
            return
        for sql in statements:
            self.store.execute(sql)
        bulk.rebuild_derived(self.store, table)  # what its triggers would have kept

    def restore_all(self) -> None:
        for table in list(self.dropped):
            self.restore(table)


@dataclass(frozen=True)
class DemoSize:
    prospects: int = 60
    interactions: int | None = None  # default: about six per prospect
    weeks: int = 12


def _stamp(moment: dt.datetime) -> str:
    """``clock.to_db`` without its strftime: this runs a million times at benchmark scale."""
    if moment.utcoffset():
        moment = moment.astimezone(dt.UTC)
    return moment.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def _pick(expression: str, options: list[str]) -> str:
    """SQL choosing ``options[expression % len]`` (our constants, never user text)."""
    cases = " ".join(
        f"WHEN {index} THEN '{option.replace(chr(39), chr(39) * 2)}'"
        for index, option in enumerate(options)
    )
    return f"CASE ({expression}) % {len(options)} {cases} END"


def generate(
    store: Store, *, seed: int = 7, size: DemoSize | None = None, progress: Progress | None = None
) -> dict[str, int]:
    """Fill an empty workspace; return row counts per table."""
    size = size or DemoSize()
    rng = random.Random(seed)
    now = clock.now().replace(microsecond=0)
    counts: dict[str, int] = {}

    def report(step: str, done: int, total: int) -> None:
        if progress:
            progress(step, done, total)

    bulk = size.prospects >= BULK_FROM
    with _bulk_settings(store, bulk), store.transaction():
        indexes = _Indexes(store, bulk)
        _fill(store, rng, size, now, progress, counts, indexes)
        indexes.restore_all()
        report("done", 1, 1)
    return counts


# What a customer buys next, and the share of the first deal's value it is worth.
REPEAT_TITLES = [
    ("Second project", 0.8), ("Monthly retainer", 0.5), ("Upgrade", 0.4),
    ("Team workshop", 0.3), ("Follow-on audit", 0.6),
]  # fmt: skip
DAY = 86_400


def _repeat_deals(store: Store, seed: int, now: dt.datetime) -> int:
    """Customers buying again: about half of the won customers get a second deal some weeks
    after their first sale (won by now if it had time, else in proposal); a few a third.
    Drawn from a generator of their own, so the rest of the demo stays as it was."""
    rng = random.Random(seed * 1_000 + 27)
    end = int(now.timestamp())
    next_id = int(store.scalar("SELECT coalesce(max(id), 0) FROM deals")) + 1
    rows: list[tuple[object, ...]] = []
    history: list[tuple[object, ...]] = []
    won = store.query(
        "SELECT id, name, company_id, value_minor, currency, stage_changed_at FROM prospects "
        "WHERE stage = 'won' AND deleted_at IS NULL ORDER BY id"
    )
    for pid, name, company_id, value, currency, won_at in won:
        start = int(clock.from_db(won_at).timestamp())
        for _ in range(rng.choice((0, 1, 1, 2, 2))):
            created = start + rng.randint(2, 21) * DAY
            if created >= end:
                break
            title, share = rng.choice(REPEAT_TITLES)
            worth = round((value or 500_000) * share / 10_000) * 10_000
            source = "referral" if rng.random() < 0.2 else None  # most: credited to the first
            stamps = [created, created + rng.randint(2, 8) * DAY]
            stamps.append(stamps[-1] + rng.randint(3, 12) * DAY)
            path = ["lead", "proposal", "won"]
            done = [(stage, at) for stage, at in zip(path, stamps, strict=True) if at < end]
            stage, moved = done[-1]
            close = None if stage == "won" else dt.date.fromtimestamp(stamps[-1]).isoformat()
            rows.append((
                next_id, pid, name, company_id, title, stage, worth, currency, source, close,
                _utc(moved), _utc(created),
            ))  # fmt: skip
            before = None
            for step, at in done:
                history.append((pid, next_id, before, step, _utc(at)))
                before = step
            next_id += 1
            start = stamps[-1]
    bulk.add_deal_rows(store, rows, history)
    return len(rows)


def _utc(stamp: int) -> str:
    return clock.to_db(dt.datetime.fromtimestamp(stamp, dt.UTC))


def _insert_interactions(
    store: Store, seed: int, count: int, prospects: int, start: int, now: int
) -> None:
    """A million interactions in one INSERT … SELECT: SQLite makes the rows itself.

    Attributes come from multiplicative hashes of the row number (deterministic per seed).
    Prospect ids follow creation time (prospect ``p`` is created within slot ``p`` of the
    window, see demo_prospects), so each interaction falls after its prospect's creation
    without a join. The moment is both ``occurred_at`` and ``created_at``; a subquery with an
    ``OFFSET`` is never flattened, so ``strftime`` runs once per row, not twice.
    """
    if not count:
        return
    bulk.add_interactions_from(
        store,
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < :count), "
        "h AS (SELECT (x * 2654435761 + :seed) % 4294967291 AS a, "
        "(x * 40503 + :seed * 7) % 1000003 AS b FROM n), "
        "r AS (SELECT a, b, a % :prospects + 1 AS pid FROM h), "
        "c AS (SELECT r.*, :start + pid * :slot AS created FROM r) "
        f"SELECT pid, {_pick('b', KINDS)}, ts, {_pick('a / 97', SUMMARIES)}, "
        f"{_pick('b / 7', OUTCOMES)}, (a % 100) < 4, ts "
        "FROM (SELECT c.*, strftime('%Y-%m-%dT%H:%M:%SZ', "
        "created + 1 + (b / 1000003.0) * (:now - created - 1), 'unixepoch') AS ts FROM c "
        "LIMIT -1 OFFSET 0)",
        {"count": count, "seed": seed, "prospects": prospects, "start": start, "now": now,
         "slot": (now - start) * 0.97 / prospects},
    )  # fmt: skip


def _people(
    rng: random.Random,
    count: int,
    *,
    start: int,
    now: dt.datetime,
    today: dt.date,
    promotions: list[int],
    segments: int,
    report: Progress,
) -> tuple[list[Row], list[Row], list[Row]]:
    """Rows for prospects (vectorised: see demo_prospects), stage_changes and followups.

    ``start`` is in epoch seconds. Runs on a worker thread: it touches no connection.
    """
    prospects, history = make_prospects(
        rng, count, start=start, now=int(now.timestamp()), promotions=promotions,
        segments=segments, stamp=Stamper(), report=report,
    )  # fmt: skip
    lost = {row[0] for row in prospects if row[5] == "lost"}  # no follow-ups on lost deals
    return prospects, history, _followups(rng, count, lost, today, now)


def _followups(
    rng: random.Random, prospects: int, lost: set[int], today: dt.date, now: dt.datetime
) -> list[Row]:
    """Follow-up rows: about 60% of the open prospects have one, due around today."""
    rows = []
    for pid in range(1, prospects + 1):
        if rng.random() < 0.6 and pid not in lost:
            due = today + dt.timedelta(days=rng.randint(-6, 14))
            done = (
                _stamp(now - dt.timedelta(days=rng.randint(0, 5)))
                if due < today and rng.random() < 0.5
                else None
            )
            rows.append(
                (
                    pid,
                    rng.choice(FOLLOWUPS),
                    due.isoformat(),
                    rng.choice([None, "10:00", "14:30"]),
                    done,
                    rng.choice([None, None, 2]),
                    "weeks",
                    _stamp(now),
                )
            )
    return rows


def _fill(
    store: Store,
    rng: random.Random,
    size: DemoSize,
    now: dt.datetime,
    progress: Progress | None,
    counts: dict[str, int],
    indexes: _Indexes,
) -> None:
    """Every table's rows (inside the caller's transaction), drawn from ``rng`` in one order."""
    today = clock.today()
    start = now - dt.timedelta(weeks=size.weeks)
    n_interactions = size.interactions if size.interactions is not None else size.prospects * 6
    seed = rng.randint(0, 10**6)

    def report(step: str, done: int, total: int) -> None:
        if progress:
            progress(step, done, total)

    set_setting(store, "business_name", "Costa Consulting")
    _add_segments(store, start)
    active = _add_promotions(store, today, now, start)
    counts["promotion_results"] = _add_results(store, rng, active, today, now)
    _add_people(
        store, rng, size, today=today, now=now, start=start, active=active, seed=seed,
        interactions=n_interactions, report=report, counts=counts, indexes=indexes,
    )  # fmt: skip
    counts["research_notes"] = _add_notes(store, rng, size, start, now)
    counts["marketing_tasks"] = _add_tasks(store, today, now, start)
    counts["focus_sessions"] = _add_sessions(store, rng, size, now)
    for tag, modulus in (("vip", 7), ("berlin", 3), ("newsletter", 5)):
        bulk.tag_prospects(store, tag, range(modulus, size.prospects + 1, modulus))


def _add_segments(store: Store, start: dt.datetime) -> None:
    bulk.add_marketing_rows(
        store,
        "segments",
        (
            (
                name,
                desc,
                age,
                occupation,
                location,
                pains,
                values,
                objections,
                "Local events, LinkedIn",
                _stamp(start),
            )
            for name, age, desc, occupation, location, pains, values, objections in SEGMENTS
        ),
    )


def _add_promotions(
    store: Store, today: dt.date, now: dt.datetime, start: dt.datetime
) -> list[int]:
    """The promotions; returns the ids of those launched (running or done)."""
    n_segments = len(SEGMENTS)
    promotions = []
    for index, (name, channel, status, message, budget) in enumerate(PROMOTIONS):
        first = today - dt.timedelta(weeks=10 - index * 2)
        launched = _stamp(clock.local_day_start(first)) if status in ("running", "done") else None
        finished = _stamp(now - dt.timedelta(weeks=5)) if status == "done" else None
        promotions.append(
            (
                name,
                message,
                channel,
                PROMOTION_SEGMENTS.get(name, index % n_segments + 1),
                status,
                first.isoformat(),
                (first + dt.timedelta(weeks=6)).isoformat(),
                budget,
                launched,
                finished,
                _stamp(start),
            )
        )
    bulk.add_marketing_rows(store, "promotions", promotions)
    return [i + 1 for i, p in enumerate(PROMOTIONS) if p[2] in ("running", "done")]


def _add_results(
    store: Store, rng: random.Random, active: list[int], today: dt.date, now: dt.datetime
) -> int:
    """Results every few days of each launched promotion's six weeks; returns how many."""
    results = []
    for promotion_id in active:
        first = dt.date.fromisoformat(
            str(store.scalar("SELECT start_date FROM promotions WHERE id = ?", (promotion_id,)))
        )
        day = first
        while day <= today and day <= first + dt.timedelta(weeks=6):
            reach = rng.randint(300, 3000)
            results.append(
                (
                    promotion_id,
                    day.isoformat(),
                    reach,
                    reach // rng.randint(8, 20),
                    reach // rng.randint(30, 80),
                    rng.choice([0, 2500, 5000, 8000]),
                    _stamp(now),
                )
            )
            day += dt.timedelta(days=rng.choice([3, 4, 7]))
    bulk.add_marketing_rows(store, "promotion_results", results)
    return len(results)


def _add_people(
    store: Store,
    rng: random.Random,
    size: DemoSize,
    *,
    today: dt.date,
    now: dt.datetime,
    start: dt.datetime,
    active: list[int],
    seed: int,
    interactions: int,
    report: Progress,
    counts: dict[str, int],
    indexes: _Indexes,
) -> None:
    """Prospects, their stage history, interactions, last contacts and follow-ups."""
    # Prospects, their stage history and follow-ups are drawn in Python (~1 s at 100k) on a
    # worker thread while SQLite makes the interactions: sqlite3 lets go of the GIL while a
    # statement runs, so each takes a core. Interactions thus go in before their prospects;
    # foreign keys (when on) are checked at commit.
    store.execute("PRAGMA defer_foreign_keys=ON")
    with ThreadPoolExecutor(max_workers=1) as pool:
        drawing = pool.submit(
            _people, rng, size.prospects, start=int(start.timestamp()), now=now, today=today,
            promotions=active, segments=len(SEGMENTS), report=report,
        )  # fmt: skip
        report("interactions", 0, interactions)
        _insert_interactions(
            store, seed, interactions, size.prospects, int(start.timestamp()),
            int(now.timestamp()),
        )  # fmt: skip
        prospect_rows, history, followups = drawing.result()
    next_due: dict[int, str] = {}  # each prospect's next open follow-up, written with it
    for pid, _title, due, _time, done, *_rest in followups:
        if done is None and due < next_due.get(pid, "9999"):
            next_due[pid] = due
    bulk.add_prospect_rows(store, ((*row, next_due.get(row[0])) for row in prospect_rows))
    bulk.add_stage_history(store, history)
    bulk.add_first_deals(store)
    counts["repeat deals"] = _repeat_deals(store, seed, now)
    counts["prospects"], counts["stage_changes"] = len(prospect_rows), len(history)
    del prospect_rows, history
    counts["interactions"] = interactions
    # Each prospect's last contact, as the services keep it: one lookup per prospect in
    # interactions_by_prospect, so that index is made first.
    indexes.restore("interactions")
    bulk.refresh_all_last_contacts(store)
    bulk.add_followup_rows(store, followups)
    counts["followups"] = len(followups)


def _add_notes(
    store: Store, rng: random.Random, size: DemoSize, start: dt.datetime, now: dt.datetime
) -> int:
    """Research notes (feedback ones from a prospect); returns how many."""
    span = (now - start).total_seconds()

    def when(low: float = 0.0, high: float = 1.0) -> dt.datetime:
        return start + dt.timedelta(seconds=span * rng.uniform(low, high))

    notes = []
    for kind, titles in NOTE_TITLES.items():
        for title in titles:
            segment = rng.randint(1, len(SEGMENTS))  # drawn for every note: the rest stays the same
            prospect = rng.randint(1, size.prospects) if kind == "feedback" else None
            if prospect is not None:  # what a prospect said belongs to the prospect's segment
                segment = store.scalar("SELECT segment_id FROM prospects WHERE id = ?", (prospect,))
            notes.append(
                (
                    kind,
                    title,
                    f"## {title}\n\n- What we heard\n- What it means",
                    "sales feedback" if kind == "feedback" else "interview",
                    NOTE_SEGMENTS.get(title, segment),
                    prospect,
                    _stamp(when(0.1, 1.0)),
                )
            )
    bulk.add_marketing_rows(store, "research_notes", notes)
    return len(notes)


def _add_tasks(store: Store, today: dt.date, now: dt.datetime, start: dt.datetime) -> int:
    """Marketing tasks, two of them done; returns how many."""
    tasks = []
    promotion_ids = {name: index + 1 for index, (name, *_rest) in enumerate(PROMOTIONS)}
    for index, (title, promotion) in enumerate(TASKS):
        due = today + dt.timedelta(days=index * 2 - 4)
        done = _stamp(now) if index in (3, 4) else None
        tasks.append(
            (
                title,
                due.isoformat(),
                done,
                promotion_ids.get(promotion) if promotion else None,
                _stamp(start),
            )
        )
    bulk.add_marketing_rows(store, "marketing_tasks", tasks)
    return len(tasks)


def _add_sessions(store: Store, rng: random.Random, size: DemoSize, now: dt.datetime) -> int:
    """Focus sessions on weekdays, marketing mornings and sales afternoons; returns how many."""
    sessions = []
    for days_ago in range(size.weeks * 7):
        day = now - dt.timedelta(days=days_ago)
        if day.weekday() < 5:
            for role, hours in (
                ("marketing", rng.uniform(0.5, 2.5)),
                ("sales", rng.uniform(1, 4)),
            ):
                began = day.replace(hour=9 if role == "marketing" else 13, minute=0, second=0)
                if began < now:
                    sessions.append(
                        (
                            role,
                            _stamp(began),
                            _stamp(min(now, began + dt.timedelta(hours=hours))),
                        )
                    )
    bulk.add_marketing_rows(store, "focus_sessions", sessions)
    return len(sessions)

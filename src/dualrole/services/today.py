"""What needs the owner today, per role: overdue and due items, running promotions, idle deals.

Each section is capped (``LIMIT``) so the Today screen stays instant at any size; counts
report how many there are in all.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from dualrole.core.dates import clock
from dualrole.core.words import counted
from dualrole.services.pipeline import idle_cutoff, pipeline
from dualrole.storage.db import Store
from dualrole.storage.schema import TOUCH_DUE_ANY_STAGE

CAP = 25


@dataclass(frozen=True)
class AgendaItem:
    kind: str  # "task", "followup", "promotion", "idle", "cadence"
    record_id: int
    label: str
    detail: str = ""
    due: dt.date | None = None
    prospect_id: int | None = None
    title: str = ""  # a task's or follow-up's own title (``label`` adds the prospect's name)
    prospect: str = ""  # a follow-up's prospect
    time: str = ""  # a follow-up's time of day, HH:MM


@dataclass
class Agenda:
    day: dt.date
    marketing_overdue: list[AgendaItem] = field(default_factory=list)
    marketing_today: list[AgendaItem] = field(default_factory=list)
    running_promotions: list[AgendaItem] = field(default_factory=list)
    sales_overdue: list[AgendaItem] = field(default_factory=list)
    sales_today: list[AgendaItem] = field(default_factory=list)
    idle_deals: list[AgendaItem] = field(default_factory=list)
    keep_in_touch: list[AgendaItem] = field(default_factory=list)
    pipeline: list[tuple[str, int, int]] = field(default_factory=list)


def _tasks(store: Store, condition: str, day: str) -> list[AgendaItem]:
    rows = store.query(
        "SELECT id, title, due_date FROM marketing_tasks WHERE deleted_at IS NULL "
        f"AND done_at IS NULL AND {condition} ORDER BY due_date, id LIMIT ?",
        (day, CAP),
    )
    return [
        AgendaItem(
            "task", r["id"], r["title"], due=dt.date.fromisoformat(r["due_date"]), title=r["title"]
        )
        for r in rows
    ]


def _followups(store: Store, condition: str, day: str) -> list[AgendaItem]:
    rows = store.query(
        "SELECT f.id, f.title, f.due_date, f.due_time, p.name, p.id AS pid, p.stage "
        "FROM followups f JOIN prospects p ON p.id = f.prospect_id "
        "WHERE f.done_at IS NULL AND f.deleted_at IS NULL AND p.deleted_at IS NULL "
        # In the order of followups_live_by_done (done_at, due_date, prospect_id): 25 rows
        # read, not every overdue one sorted (7,000 at 100k prospects: 4 ms → 0.8 ms).
        f"AND {condition} ORDER BY f.due_date, f.prospect_id, f.id LIMIT ?",
        (day, CAP),
    )
    return [
        AgendaItem(
            "followup",
            r["id"],
            f"{r['name']} — {r['title']}",
            detail=r["stage"] + (f" · {r['due_time']}" if r["due_time"] else ""),
            due=dt.date.fromisoformat(r["due_date"]),
            prospect_id=r["pid"],
            title=r["title"],
            prospect=r["name"],
            time=(r["due_time"] or "")[:5],
        )
        for r in rows
    ]


def agenda(store: Store, day: dt.date | None = None) -> Agenda:
    """What is due on ``day`` (today) in both roles; the same object until the data changes
    or the minute turns (screens shown again read it for free)."""
    day = day or clock.today()
    return store.memo(_memo_key(day), lambda: _agenda(store, day))


def prefetch_agenda(store: Store) -> None:
    """Start reading today's agenda in the background, for :func:`agenda` to find ready
    (the app's start: see :meth:`~dualrole.storage.db.Store.prefetch`)."""
    day = clock.today()
    store.prefetch(_memo_key(day), lambda reader: _agenda(reader, day))


def _memo_key(day: dt.date) -> tuple[str, dt.date, str]:
    # The minute too: idle deals and keep-in-touch are counted from now.
    return "agenda", day, clock.to_db(clock.now())[:16]


def _agenda(store: Store, day: dt.date) -> Agenda:
    text = day.isoformat()
    result = Agenda(day=day)
    result.marketing_overdue = _tasks(store, "due_date < ?", text)
    result.marketing_today = _tasks(store, "due_date = ?", text)
    result.sales_overdue = _followups(store, "f.due_date < ?", text)
    result.sales_today = _followups(store, "f.due_date = ?", text)
    for row in store.query(
        "SELECT m.id, m.name, m.channel, (SELECT count(*) FROM prospects l "
        "WHERE l.promotion_id = m.id AND l.deleted_at IS NULL) AS leads "
        "FROM promotions m WHERE m.status = 'running' AND m.deleted_at IS NULL "
        "ORDER BY m.start_date, m.id LIMIT ?",
        (CAP,),
    ):
        result.running_promotions.append(
            AgendaItem(
                "promotion",
                row["id"],
                row["name"],
                # the count first: it survives truncation
                detail=f"{counted(row['leads'], 'lead')} · {row['channel']}",
            )
        )
    now = clock.now()
    result.idle_deals = _idle_deals(store, now)
    result.keep_in_touch = _keep_in_touch(store, now)
    result.pipeline = [(stage.value, count, value) for stage, count, value in pipeline(store)]
    return result


# When a deal last saw anything: its person's last contact (or creation, never contacted);
# a later deal's own opening counts too (the first deal's is its person's creation, which an
# earlier contact, e.g. imported history, stands before).
_DEAL_SEEN = (
    "CASE WHEN d.created_at > p.created_at "
    "THEN max(coalesce(p.last_contact_at, p.created_at), d.created_at) "
    "ELSE coalesce(p.last_contact_at, p.created_at) END"
)


def _idle_deals(store: Store, now: dt.datetime) -> list[AgendaItem]:
    """Open deals not seen for the idle days, biggest first: each deal judged on its own (a
    person's idle deal shows though another of theirs is active or won), named by its person,
    a later deal with its title, and two listed of one name each with their company."""
    rows = store.query(
        "WITH idle AS (SELECT d.id, " + _DEAL_SEEN + " AS seen "
        "FROM deals d INDEXED BY deals_idle_by_value JOIN prospects p ON p.id = d.prospect_id "
        "WHERE d.deleted_at IS NULL AND d.stage NOT IN ('won', 'lost') AND p.deleted_at IS NULL "
        "AND " + _DEAL_SEEN + " < ? "
        "ORDER BY d.value_minor DESC, d.id DESC LIMIT ?) "  # NULL values last, on the index
        "SELECT d.id, d.prospect_id, d.person, d.title, d.stage, c.name AS company, idle.seen, "
        "d.id > (SELECT min(e.id) FROM deals e WHERE e.prospect_id = d.prospect_id) AS later "
        "FROM idle JOIN deals d ON d.id = idle.id LEFT JOIN companies c ON c.id = d.company_id "
        "ORDER BY d.value_minor DESC, d.id DESC",
        (idle_cutoff(store), CAP),
    )
    names = Counter(str(row["person"]).casefold() for row in rows)
    items = []
    for row in rows:
        days = (now - clock.from_db(row["seen"])).days
        named = row["title"] if row["later"] else None
        if named is None and names[str(row["person"]).casefold()] > 1:
            named = row["company"] or row["title"]  # two of one name: told apart
        items.append(
            AgendaItem(
                "idle",
                row["id"],
                f"{row['person']} · {named}" if named else row["person"],
                detail=f"{days}d · {row['stage']}",
                prospect_id=row["prospect_id"],
                title=row["title"],
                prospect=row["person"],
            )
        )
    return items


def _keep_in_touch(store: Store, now: dt.datetime) -> list[AgendaItem]:
    """People due a touch by their cadence, soonest first: their last contact is theirs across
    all their deals, and a person whose first deal is lost is still due while another of their
    deals is not lost (``touch_due_at`` only knows the first deal's stage)."""
    moment = clock.to_db(now)
    rows = list(
        store.query(
            "SELECT id, name, keep_in_touch_days, touch_due_at AS due FROM prospects "
            "WHERE touch_due_at IS NOT NULL AND deleted_at IS NULL AND touch_due_at <= ? "
            "ORDER BY touch_due_at, id LIMIT ?",
            (moment, CAP),
        )
    )
    rows += store.query(
        f"SELECT id, name, keep_in_touch_days, {TOUCH_DUE_ANY_STAGE} AS due "
        "FROM prospects INDEXED BY prospects_touch_due_when_lost "
        "WHERE stage = 'lost' AND keep_in_touch_days IS NOT NULL AND deleted_at IS NULL "
        f"AND {TOUCH_DUE_ANY_STAGE} <= ? AND EXISTS (SELECT 1 FROM deals d "
        "WHERE d.prospect_id = prospects.id AND d.deleted_at IS NULL AND d.stage != 'lost') "
        "ORDER BY due, id LIMIT ?",
        (moment, CAP),
    )
    rows.sort(key=lambda row: (row["due"], row["id"]))
    return [
        AgendaItem(
            "cadence",
            row["id"],
            row["name"],
            detail=f"every {row['keep_in_touch_days']}d",
            prospect_id=row["id"],
        )
        for row in rows[:CAP]
    ]

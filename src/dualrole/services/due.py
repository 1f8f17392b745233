"""The agenda as items with ids that say what they are, and as a stable JSON document.

Items come from :func:`dualrole.services.today.agenda`, the Today screen's own reading; this
module only names and shapes them for the command line (no pydantic, so ``dualrole today``
starts fast enough for a status bar refreshing every few seconds). ``f12`` is follow-up 12,
``t7`` marketing task 7 (:func:`parse_ref`); ``dualrole today`` prints them, ``done`` and
``snooze`` take them.

``today_document`` (``format`` "dualrole-today", ``version`` 1)::

    {"format": "dualrole-today", "version": 1, "date": "2026-11-20",
     "counts": {"overdue": 2, "today": 1, "marketing": 1, "sales": 2},
     "items": [{"id": "f12", "role": "sales", "kind": "followup", "title": "Send proposal",
                "prospect": {"id": 3, "name": "Margaretha Quill"}, "due": "2026-11-18",
                "time": "14:30", "overdue_days": 2}, ...],
     "running_promotions": [{"id": 4, "name": "…", "detail": "12 leads · event"}],
     "idle_deals": [{"id": 9, "deal": "d14", "name": "…", "detail": "31d · proposal"}],
     "keep_in_touch": [{"id": 5, "name": "…", "detail": "every 30d"}]}

Items are overdue first, then due today (marketing before sales in each, oldest first);
``kind`` is "followup" (role sales, with its prospect) or "task" (role marketing,
``prospect`` null); ``time`` is null when none was set; ``overdue_days`` is 0 for today.
An idle deal's ``id`` is its person's, ``deal`` the deal's own (a person may have several).
Each section holds at most 25 entries, as on the Today screen. New keys may be added;
existing ones keep their meaning.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from dualrole.core.printable import visible
from dualrole.services.today import Agenda, AgendaItem

FORMAT, VERSION = "dualrole-today", 1
_REF = re.compile(r"#?([ft])(\d{1,18})", re.IGNORECASE)
_KINDS = {"f": "followup", "t": "task"}
_PREFIX = {"followup": "f", "task": "t"}


@dataclass(frozen=True)
class ItemRef:
    """A follow-up (``f12``) or a marketing task (``t7``)."""

    kind: str  # "followup" or "task"
    id: int

    def __str__(self) -> str:
        return f"{_PREFIX[self.kind]}{self.id}"


def parse_ref(text: str) -> ItemRef:
    match = _REF.fullmatch((text or "").strip())
    if not match:
        raise ValueError(
            f"{visible(text)!r} is not an item id; use f12 (a follow-up) or t7 (a marketing "
            "task), as `dualrole today` prints them"
        )
    return ItemRef(_KINDS[match[1].lower()], int(match[2]))


# --- the agenda --------------------------------------------------------------------------


@dataclass(frozen=True)
class DueItem:
    """One row of ``dualrole today``: a task or follow-up that is overdue or due today."""

    ref: ItemRef
    role: str
    title: str
    prospect_id: int | None
    prospect: str | None
    due: dt.date
    time: str | None
    overdue_days: int


def due_items(day: Agenda) -> list[DueItem]:
    """Overdue items (oldest first), then today's; marketing before sales within each."""
    sections = (day.marketing_overdue, day.sales_overdue, day.marketing_today, day.sales_today)
    return [_due(item, day.day) for section in sections for item in section]


def _due(item: AgendaItem, today: dt.date) -> DueItem:
    followup = item.kind == "followup"
    due = item.due or today
    return DueItem(
        ItemRef("followup" if followup else "task", item.record_id),
        "sales" if followup else "marketing",
        item.title or item.label,
        item.prospect_id,
        item.prospect or None,
        due,
        item.time or None,
        max(0, (today - due).days),
    )


def today_document(day: Agenda) -> dict[str, Any]:
    """The agenda as the documented JSON document (see the module docstring)."""
    items = due_items(day)

    def others(section: list[AgendaItem]) -> list[dict[str, Any]]:
        return [{"id": i.record_id, "name": i.label, "detail": i.detail} for i in section]

    def idle(section: list[AgendaItem]) -> list[dict[str, Any]]:
        # ``id`` stays the person's (its meaning since version 1); ``deal`` names the deal
        return [
            {"id": i.prospect_id, "deal": f"d{i.record_id}", "name": i.label, "detail": i.detail}
            for i in section
        ]

    return {
        "format": FORMAT,
        "version": VERSION,
        "date": day.day.isoformat(),
        "counts": {
            "overdue": sum(1 for i in items if i.overdue_days),
            "today": sum(1 for i in items if not i.overdue_days),
            "marketing": sum(1 for i in items if i.role == "marketing"),
            "sales": sum(1 for i in items if i.role == "sales"),
        },
        "items": [
            {
                "id": str(i.ref),
                "role": i.role,
                "kind": i.ref.kind,
                "title": i.title,
                "prospect": {"id": i.prospect_id, "name": i.prospect} if i.prospect_id else None,
                "due": i.due.isoformat(),
                "time": i.time,
                "overdue_days": i.overdue_days,
            }
            for i in items
        ],
        "running_promotions": others(day.running_promotions),
        "idle_deals": idle(day.idle_deals),
        "keep_in_touch": others(day.keep_in_touch),
    }

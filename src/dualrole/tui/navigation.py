"""Opening a record's page: one message, handled in one place (``DualroleApp``).

A screen or dialog never builds another area's page itself::

    self.app.post_message(OpenRecord(RecordKind.prospect, prospect_id))
    self.app.post_message(OpenRecord(RecordKind.promotion, pid, in_area=True))  # palette, Today

``in_area`` first goes to the record's area (Sales or Marketing, on the record's tab), so
escape leads back there; otherwise the page is pushed on top of the current screen. Posted
to the app (not the screen), so a dialog may close right after posting it.
"""

from __future__ import annotations

from textual.message import Message

from dualrole.core.enums import RecordKind

PAGES: dict[RecordKind, tuple[str, str]] = {
    RecordKind.prospect: ("sales.prospect", "ProspectScreen"),
    RecordKind.segment: ("marketing.segment", "SegmentScreen"),
    RecordKind.research_note: ("marketing.note", "NoteScreen"),
    RecordKind.promotion: ("marketing.promotion", "PromotionScreen"),
}
"""Each kind's page: module under ``dualrole.tui.areas`` and class (imported when opened)."""

AREA: dict[RecordKind, tuple[str, str | None]] = {
    RecordKind.prospect: ("sales", None),
    RecordKind.segment: ("marketing", "segments"),
    RecordKind.research_note: ("marketing", "research"),
    RecordKind.promotion: ("marketing", "promotions"),
}
"""Each kind's area (mode) and the tab it lists it on."""


class OpenRecord(Message):
    """Show the page of one record."""

    def __init__(self, kind: RecordKind | str, record_id: int, *, in_area: bool = False) -> None:
        super().__init__()
        self.kind = RecordKind(kind)
        self.record_id = record_id
        self.in_area = in_area

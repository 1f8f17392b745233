"""Opening a record's page: one message, handled in one place (``DualroleApp``).

A screen or dialog never builds another area's page itself::

    self.app.post_message(OpenRecord(RecordKind.prospect, prospect_id))
    self.app.post_message(OpenRecord(RecordKind.promotion, pid, in_area=True))  # palette, Today

``in_area`` first goes to the record's area (Sales or Marketing, on the record's tab), so
escape leads back there; otherwise the page is pushed on top of the current screen. Posted
to the app (not the screen), so a dialog may close right after posting it. Each area
declares its record pages and the tab listing them (``Page`` in its ``__init__``).
"""

from __future__ import annotations

from textual.message import Message

from dualrole.core.enums import RecordKind


class OpenRecord(Message):
    """Show the page of one record."""

    def __init__(self, kind: RecordKind | str, record_id: int, *, in_area: bool = False) -> None:
        super().__init__()
        self.kind = RecordKind(kind)
        self.record_id = record_id
        self.in_area = in_area

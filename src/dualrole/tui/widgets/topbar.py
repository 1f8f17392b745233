"""The one-line bar at the top of every screen: where you are, the focus timer, the file.

``TopBar(title, side)`` — ``side`` ("marketing"/"sales"/None) colours the title by role. It
watches the app's ``focus_session`` reactive (started, stopped: shown at once); only while a
session runs does a clock tick redraw its timer. The timer uses
:mod:`~dualrole.core.dates.clock`, so it is frozen under ``DUALROLE_NOW``. It also watches
the app's ``replica_label`` reactive (which the app refreshes every second while a replica is
set), so the replica's words ("replicated 4 s ago", "replica unreachable since 10:42") follow
the replicator on every screen, focus session or not; and the app's ``phone_label``
("phone synced 10:00", "phone sync failed 10:02") when a phone sync is connected.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from dualrole.core.dates import clock
from dualrole.tui.text import visible


def focus_label(app: object) -> str:
    session = getattr(app, "focus_session", None)
    if session is None:
        return ""
    seconds = max(int((clock.now() - session.started_at).total_seconds()), 0)
    hours, rest = divmod(seconds, 3600)
    return f"◷ {session.role.value} focus {hours}:{rest // 60:02d}"


class TopBar(Widget):
    """`` dualrole · Today · Fri 20 Nov 2026        ◷ sales focus 0:42     demo.db``."""

    DEFAULT_CSS = """
    TopBar {
        height: 1;
        background: $panel;
        color: $foreground;
        &.marketing { background: $marketing-muted; }
        &.sales { background: $sales-muted; }
    }
    """

    detail: reactive[str] = reactive("", layout=False)
    """What the screen shows beside its title (the review's week: ``2026-W46``)."""

    def __init__(self, title: str, side: str | None = None) -> None:
        super().__init__(classes=side or "")
        self.title_text = title
        self.side = side
        self._shown = ""

    def on_mount(self) -> None:
        self._shown = focus_label(self.app)
        self._clock = self.set_interval(1, self._tick, pause=True)
        if hasattr(self.app, "focus_session"):
            self.watch(self.app, "focus_session", self._session_changed)
        if hasattr(self.app, "replica_label"):
            self.watch(self.app, "replica_label", self._replica_changed, init=False)
        if hasattr(self.app, "phone_label"):
            self.watch(self.app, "phone_label", self._replica_changed, init=False)

    def _replica_changed(self, _label: str) -> None:
        self.refresh()

    def _session_changed(self, session: object) -> None:
        if session is None:
            self._clock.pause()
        else:
            self._clock.resume()
        self._tick()

    def _tick(self) -> None:
        """Repaint only when the focus timer's text changes."""
        label = focus_label(self.app)
        if label != self._shown:
            self._shown = label
            self.refresh()

    def render(self) -> Text:
        app = self.app
        store = getattr(app, "store", None)
        left = Text()
        left.append(" dualrole", style="bold")
        left.append(" · ")
        left.append(self.title_text, style="bold")
        if self.detail:
            left.append(f" {visible(self.detail)}", style="bold")
        left.append(f" · {clock.local_now():%a %d %b %Y}")
        right = Text()
        timer = self._shown = focus_label(app)
        if timer:
            right.append(timer, style="bold reverse")
            right.append("   ")
        replica = getattr(app, "replica_label", "")
        if replica:  # only when the owner set a replica (dualrole.replication)
            right.append(replica, style="italic")
            right.append("   ")
        phone = getattr(app, "phone_label", "")
        if phone:  # only when the owner connected a phone sync (dualrole.dav)
            failed = "failed" in phone
            right.append(visible(phone), style="bold reverse" if failed else "italic")
            right.append("   ")
        if store is not None and store.read_only:
            right.append("read-only ", style="bold reverse")
        name = store.path.name if store is not None and store.path else "memory"
        right.append(visible(name) + " ")
        width = self.size.width
        gap = width - left.cell_len - right.cell_len
        if gap < 1:
            left.truncate(max(width - right.cell_len - 1, 0), overflow="ellipsis")
            gap = max(width - left.cell_len - right.cell_len, 1)
        line = left + Text(" " * gap) + right
        line.truncate(width, overflow="ellipsis")
        return line

"""The key bar at the bottom of every screen: one widget, one line (the footer = the manual).

Textual's ``Footer`` is a container with a widget per key and recomposes all of them each
time the screen's bindings change (every focus change and screen switch); with ~20 keys
that was most of the time it took to switch screens and to paint the first frame. ``KeyBar``
draws the same line — each shown binding as `` key Description ``, the palette key on the
right — from ``screen.active_bindings`` at render time, so a bindings change is a repaint.
A click on a key presses it. When the line is too short, the least important keys go first
(:func:`priority`: the screen's own actions stay, then the area keys, then tabs and quit) and
``?`` is always shown on the right, beside the palette key. Use it where a screen would yield
``Footer()``::

    yield KeyBar()
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.strip import Strip
from textual.widget import Widget

PINNED = "question_mark"
"""Help, always shown on the right (every other key can be found there)."""


def priority(action: str) -> int:
    """Which keys give way first on a narrow line: higher goes first."""
    if action.startswith(("switch_mode", "area(")):
        return 1
    if action.startswith("tab(") or action == "quit":
        return 2
    return 0


class KeyBar(Widget):
    """Every shown binding of the current screen on one line, palette key on the right."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"keybar--key", "keybar--description", "keybar--separator"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .keybar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .keybar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .keybar--separator { color: $foreground 20%; }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._spans: list[tuple[int, int, str]] = []  # (start, end, key) for clicks
        self._drawn: tuple[object, Strip] | None = None  # (what it was drawn from, the line)

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: object) -> None:
        self.refresh()

    def _items(
        self,
    ) -> tuple[list[tuple[str, str, str, bool, int]], list[tuple[str, str, str]]]:
        """(key, shown key, description, enabled, priority) per action; the pinned keys."""
        app = self.app
        active = self.screen.active_bindings
        seen: set[str] = set()
        items: list[tuple[str, str, str, bool, int]] = []
        pinned: list[tuple[str, str, str]] = []
        for key, (_node, binding, enabled, _tooltip) in active.items():
            if key == PINNED and binding.show:
                pinned.append((key, app.get_key_display(binding), binding.description))
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            items.append(
                (
                    binding.key,
                    app.get_key_display(binding),
                    binding.description,
                    enabled,
                    priority(binding.action),
                )
            )
        if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
            binding = active[app.COMMAND_PALETTE_BINDING].binding
            pinned.append((binding.key, app.get_key_display(binding), binding.description))
        return items, pinned

    def render(self) -> Text:
        """The line as text (what :meth:`render_line` draws)."""
        return self._text(*self._items(), self.size.width, self._styles())

    def render_line(self, y: int) -> Strip:
        # The line is drawn from the text's segments, not through Textual's content
        # pipeline (~3 ms a repaint, and the bar is repainted at each screen switch), and
        # drawn again only when its keys, width or styles change.
        items, pinned = self._items()
        width, base = self.size.width, self.rich_style
        styles = self._styles()
        look = (width, tuple(items), tuple(pinned), base, styles)
        if self._drawn is None or self._drawn[0] != look:
            text = self._text(items, pinned, width, styles)
            segments = Segment.apply_style(text.render(self.app.console), base)
            self._drawn = (look, Strip(segments).adjust_cell_length(width, base))
        return self._drawn[1]

    def _styles(self) -> tuple[Style, Style, Style]:
        return (
            self.get_component_rich_style("keybar--key"),
            self.get_component_rich_style("keybar--description"),
            self.get_component_rich_style("keybar--separator"),
        )

    def _text(
        self,
        items: list[tuple[str, str, str, bool, int]],
        pinned: list[tuple[str, str, str]],
        width: int,
        styles: tuple[Style, Style, Style],
    ) -> Text:
        key_style, description_style, separator_style = styles
        right = Text(no_wrap=True, end="")
        right_spans: list[tuple[int, int, str]] = []
        if pinned:
            right.append("▏", style=separator_style)
        for key, shown, description in pinned:
            start = right.cell_len
            right.append(shown, style=key_style)
            right.append(f" {description} ", style=description_style)
            right_spans.append((start, right.cell_len, key))
        room = max(width - right.cell_len, 0)
        pieces: list[Text] = []
        for _key, shown, description, enabled, _priority in items:
            piece = Text(no_wrap=True, end="")
            piece.append(f" {shown} ", style=key_style)
            if description:
                piece.append(f"{description} ", style=description_style)
            if not enabled:
                piece.stylize("dim")
            pieces.append(piece)
        kept: set[int] = set()
        used = 0
        for index in sorted(range(len(items)), key=lambda i: (items[i][4], i)):
            if used + pieces[index].cell_len <= room:
                kept.add(index)
                used += pieces[index].cell_len
        line = Text(no_wrap=True, end="")
        spans: list[tuple[int, int, str]] = []
        for index, piece in enumerate(pieces):
            if index in kept:
                spans.append((line.cell_len, line.cell_len + piece.cell_len, items[index][0]))
                line.append_text(piece)
        line.append(" " * (room - line.cell_len))
        if pinned and width >= right.cell_len:
            spans.extend((room + start, room + end, key) for start, end, key in right_spans)
            line.append_text(right)
        self._spans = spans
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return

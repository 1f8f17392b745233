"""One rule for quitting: unsaved input is never dropped without a question.

A screen that holds typed input (a form, the review's reflection) offers three methods::

    def unsaved_input(self) -> bool: ...   # something typed and not saved
    def save_input(self) -> bool: ...      # save it; False when it could not be saved
    def unsaved_label(self) -> str: ...    # what holds it, e.g. 'the form “New prospect”'

On ``q``, ``ctrl+q`` or the palette's Quit, the app (``DualroleApp.action_quit``) looks at
every screen of every area; if one holds unsaved input it asks Save / Discard / Cancel
(:class:`QuitScreen`), naming each form or screen that holds some. Save that fails keeps
the app open on what could not be saved.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal, Protocol, runtime_checkable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Static

from dualrole.tui.text import plain

QuitChoice = Literal["save", "discard", "cancel"]


@runtime_checkable
class HoldsInput(Protocol):
    """A screen whose typed input must not be lost on quit."""

    def unsaved_input(self) -> bool: ...

    def save_input(self) -> bool: ...

    def unsaved_label(self) -> str: ...


def holding_input(screens: Iterable[Screen[Any]]) -> list[HoldsInput]:
    """The screens among ``screens`` that hold unsaved input (topmost first)."""
    return [s for s in screens if isinstance(s, HoldsInput) and s.unsaved_input()]


class QuitScreen(ModalScreen[QuitChoice]):
    """Quit with unsaved input: ``s`` saves then quits, ``d`` discards, escape stays."""

    BINDINGS = [
        Binding("s", "answer('save')", "Save and quit", id="quit.save"),
        Binding("d", "answer('discard')", "Discard and quit", id="quit.discard"),
        Binding("escape,c", "answer('cancel')", "Cancel", id="quit.cancel"),
    ]

    def __init__(self, holders: list[str]) -> None:
        """``holders`` name what holds unsaved input (``HoldsInput.unsaved_label``)."""
        super().__init__()
        self.holders = holders

    def question(self) -> str:
        """One sentence naming every form or screen whose input is not saved."""
        if len(self.holders) == 1:
            what = self.holders[0]
            return f"{what[:1].upper()}{what[1:]} is not saved. Save it before quitting?"
        listed = ", ".join(self.holders[:-1]) + " and " + self.holders[-1]
        return f"Not saved: {listed}. Save them before quitting?"

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(plain(self.question()), id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button("Save  s", variant="primary", id="quit-save")
                yield Button("Discard  d", variant="error", id="quit-discard")
                yield Button("Cancel  esc", id="quit-cancel")

    def action_answer(self, answer: QuitChoice) -> None:
        self.dismiss(answer)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        answers: dict[str | None, QuitChoice] = {"quit-save": "save", "quit-discard": "discard"}
        self.dismiss(answers.get(event.button.id, "cancel"))

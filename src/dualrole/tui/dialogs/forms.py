"""Modal forms built from a field list, and a yes/no confirm dialog.

A form never loses what was typed: on ``ctrl+s`` the values are validated with the pydantic
input model (errors appear next to their field, the form stays open), then handed to
``save``; a :class:`~dualrole.storage.db.StorageError` (conflict, read-only, locked…) or a
``ValueError`` from the service is shown in the form too. Only a successful save closes it.
``escape`` cancels, asking first when something changed. Date fields read what is typed with
the one date parser (:mod:`dualrole.core.dates`) and show what they resolve to ("fri → Fri 27 Nov
2026"; a ``moment`` field, when something happened, with its time: "yesterday 15:00 → Thu 19
Nov 2026 15:00"). Errors are our sentences, never the validation library's. Toasts never
cover the form's key line (its buttons).

Opening a form from a screen::

    fields = [
        Field("name", "Name"),
        Field("stage", "Stage", kind="select", options=[(s.value, s.value) for s in Stage]),
        Field("due_date", "Due", kind="date", value="tomorrow"),
        Field("notes", "Notes", kind="text"),
    ]
    form = FormScreen("New prospect", fields, ProspectIn,
                      save=lambda data: sales.create_prospect(store, data),
                      fixed={"currency": "EUR"}, side="sales")
    self.app.push_screen(form, callback=self.after_save)   # callback gets save()'s result

``model=None`` hands ``save`` the raw ``{field: value}`` dict (validate in the service).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from dualrole.core.models import error_sentence, field_errors
from dualrole.storage.db import StorageError
from dualrole.tui.text import plain, visible

T = TypeVar("T")


FieldKind = Literal["input", "date", "moment", "text", "select", "check"]
"""How a field is typed: one line, a date, when something happened (a day and a time),
several lines, a choice, or a yes/no tick."""


@dataclass
class Field:
    """One form field. ``kind``: input, date, moment, text (multi-line), select or check
    (a bool).

    A date field's ``past`` reads weekdays backwards (``mon``: last Monday); ``with_time``
    lets it carry a time (``fri 14:30``), as a follow-up's Due does.
    """

    name: str
    label: str
    kind: FieldKind = "input"
    options: Sequence[tuple[str, Any]] = ()
    value: Any = ""
    placeholder: str = ""
    allow_blank: bool = True
    past: bool = False
    with_time: bool = False
    suggester: Suggester | None = None
    """An input's completion (shown dimmed as typed, ``right`` accepts it)."""

    @property
    def dated(self) -> bool:
        """Whether the field holds a date (and shows what it understood beside it)."""
        return self.kind in ("date", "moment")


def enum_options(enum: Any) -> list[tuple[str, str]]:
    """A select's options: each member of a string enum, shown as its value."""
    return [(member.value, member.value) for member in enum]


def _initial(field: Field) -> Any:
    if field.kind == "check":
        return bool(field.value)
    if field.kind == "select":
        values = [value for _, value in field.options]
        return field.value if field.value in values else Select.NULL
    if field.value is None:
        return ""
    if isinstance(field.value, dt.date):
        return field.value.isoformat()
    return str(field.value)


class FormScreen(ModalScreen[T], Generic[T]):
    """A modal form; dismisses with whatever ``save`` returned."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="form.save"),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]

    def __init__(
        self,
        title: str,
        fields: list[Field],
        model: type[BaseModel] | None,
        save: Callable[[Any], T],
        *,
        fixed: dict[str, Any] | None = None,
        side: str | None = None,
        intro: str = "",
    ) -> None:
        super().__init__(classes=side or "")
        self.title_text = title
        self.fields = fields
        self.model = model
        self.save_callback = save
        self.fixed = fixed or {}
        self.intro = intro
        self._initial_values: dict[str, Any] = {}
        self._saved = False

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box"):
            yield Label(plain(self.title_text), id="form-title")
            if self.intro:
                yield Static(plain(self.intro), id="form-intro")
            with VerticalScroll(id="form-fields"):
                for field in self.fields:
                    with Horizontal(classes=f"form-row -{field.kind}"):  # label beside its field
                        yield Label(field.label, classes="form-label")
                        yield self._widget(field)
                    if field.dated:
                        yield Static("", id=f"hint-{field.name}", classes="form-hint")
                    yield Static("", id=f"error-{field.name}", classes="form-error")
            with Vertical(id="form-footer"):
                yield Static("", id="form-error", classes="form-error")
                with Horizontal(id="form-buttons"):
                    yield Button("ctrl+s save", variant="primary", id="form-save", compact=True)
                    yield Button("esc cancel", id="form-cancel", compact=True)

    def _widget(self, field: Field) -> Input | TextArea | Select[Any] | Checkbox:
        wid = f"field-{field.name}"
        initial = _initial(field)
        if field.kind == "check":  # the placeholder says what ticking it does
            return Checkbox(plain(field.placeholder), initial, id=wid, compact=True)
        if field.kind == "text":
            return TextArea(initial, id=wid, soft_wrap=True, show_line_numbers=False, compact=True)
        if field.kind == "select":
            options = [(visible(label), value) for label, value in field.options]
            return Select(
                options, value=initial, allow_blank=field.allow_blank, id=wid, compact=True
            )
        return Input(
            initial,
            placeholder=field.placeholder,
            id=wid,
            compact=True,
            suggester=field.suggester,
        )

    def on_mount(self) -> None:
        self._initial_values = self.values()
        for field in self.fields:
            if field.dated:
                self._show_date_hint(field, str(self._initial_values.get(field.name) or ""))
        if self.fields:
            self.query_one(f"#field-{self.fields[0].name}").focus()
        self.call_after_refresh(self._fit)
        self.screen_layout_refresh_signal.subscribe(self, self._place_toasts)

    fitted = False
    """Whether the form has been measured against the screen (tests wait for it)."""

    @on(Resize)
    def _resized(self) -> None:
        self.fitted = False
        self.remove_class("-tall")
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """A form taller than the screen gets ``-tall``: its fields scroll, the buttons show."""
        box = self.query_one("#form-box")
        footer = self.query_one("#form-footer")
        if footer.region.bottom > box.content_region.bottom:
            self.add_class("-tall")
        self.fitted = True

    _toast_place: tuple[int, int | None] | None = None
    TOAST_ROWS = 6
    """The rows a one- or two-line toast takes with its margin (Textual's Toast style)."""

    def _place_toasts(self, _screen: object = None) -> None:
        """Keep toasts off the key line: under it when one fits there, else stacked above it.

        Textual stacks toasts up from the screen's bottom, where a tall form (or several
        toasts) would hide ``ctrl+s save  esc cancel``. Runs after every layout of the form.
        """
        racks = self.query_children("ToastRack")  # the screen's own (Textual's, by type name)
        if not racks:  # notifications off (tests) or not composed yet
            return
        keys, height = self.query_one("#form-buttons").region, self.size.height
        below = height - keys.bottom - 1  # rows under the key line, less the rack's own margin
        place = (1, below) if below >= self.TOAST_ROWS else (height - keys.y, None)
        if place != self._toast_place:  # set only on a change: setting styles lays out again
            self._toast_place = place
            racks.first().styles.margin = (0, 0, place[0], 0)
            racks.first().styles.max_height = place[1]

    # --- values --------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """What the fields hold now (select: its value or None)."""
        result: dict[str, Any] = {}
        for field in self.fields:
            widget = self.query_one(f"#field-{field.name}")
            if isinstance(widget, TextArea):
                result[field.name] = widget.text
            elif isinstance(widget, Checkbox):
                result[field.name] = widget.value
            elif isinstance(widget, Select):
                result[field.name] = None if widget.value is Select.NULL else widget.value
            elif isinstance(widget, Input):
                result[field.name] = widget.value
        return result

    @property
    def changed(self) -> bool:
        return self.values() != self._initial_values

    def unsaved_input(self) -> bool:
        """Something typed and not saved (asked about on quit: see ``tui/dialogs/quit.py``)."""
        return self.is_mounted and self.changed

    def unsaved_label(self) -> str:
        """The form by its title, as the quit question names it."""
        return f"the form “{self.title_text}”"

    def save_input(self) -> bool:
        """Save as ``ctrl+s`` does; False (the errors shown in the form) when it could not."""
        self.action_save()
        return self._saved

    @on(Input.Changed)
    def _date_changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("field-")
        field = next((f for f in self.fields if f.name == name and f.dated), None)
        if field is not None:
            self._show_date_hint(field, event.value)

    def _show_date_hint(self, field: Field, text: str) -> None:
        from dualrole.core.dates.when import echo

        hint = self.query_one(f"#hint-{field.name}", Static)
        try:
            understood = echo(
                text, moment=field.kind == "moment", with_time=field.with_time, past=field.past
            )
        except ValueError as exc:
            hint.update(plain(str(exc)))
            hint.add_class("-unreadable")
            return
        hint.remove_class("-unreadable")
        hint.update(plain(understood))

    # --- saving --------------------------------------------------------------------------

    def show_errors(self, errors: dict[str, str]) -> None:
        names = {field.name for field in self.fields}
        for field in self.fields:
            self.query_one(f"#error-{field.name}", Static).update("")
        general: list[str] = []
        for name, message in errors.items():
            if name in names:
                label = next(f.label for f in self.fields if f.name == name)
                self.query_one(f"#error-{name}", Static).update(plain(f"{label} {message}"))
            else:
                general.append(f"{name.replace('_', ' ')} {message}".strip())
        self.query_one("#form-error", Static).update(plain("\n".join(general)))
        first = next((f.name for f in self.fields if f.name in errors), None)
        if first:
            self.query_one(f"#field-{first}").focus()

    def action_save(self) -> None:
        data = {**self.fixed, **self.values()}
        data = {key: value for key, value in data.items() if value is not None}
        try:
            payload: Any = self.model.model_validate(data) if self.model else data
        except ValidationError as exc:
            self.show_errors(field_errors(exc))
            return
        try:
            result = self.save_callback(payload)
        except ValidationError as exc:
            self.show_errors(field_errors(exc))
            return
        except StorageError as exc:
            self.show_errors({"": str(exc)})
            return
        except ValueError as exc:
            message = error_sentence(exc)
            field, _, rest = message.partition(": ")
            if rest and field.replace(" ", "_") in {f.name for f in self.fields}:
                self.show_errors({field.replace(" ", "_"): rest})
            else:
                self.show_errors({"": message})
            return
        self._saved = True
        self.dismiss(result)

    def action_cancel(self) -> None:
        if not self.changed:
            self.dismiss(None)
            return

        def leave(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Discard what you typed?", yes="Discard"), leave)

    @on(Button.Pressed, "#form-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#form-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question: ``y``/enter confirms, ``n``/escape declines."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(plain(self.question), id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(f"{self.yes}  y", variant="error", id="confirm-yes")
                yield Button(f"{self.no}  n", id="confirm-no")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")

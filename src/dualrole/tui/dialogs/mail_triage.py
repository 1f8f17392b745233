"""Mail triage in the app: unknown people who wrote, and what to do with each.

The same list as ``dualrole mail triage`` (:func:`dualrole.services.mail.triage`): ``l`` makes
a lead (name and company from the message), ``k`` links the address to an existing prospect
(typed as an id, email or name, resolved like the command line does), ``x`` ignores the
sender forever; ``d`` picks the deal of a logged message whose person has several open deals
(:mod:`dualrole.services.mail_deals`, listed below the senders); ``f`` fetches new mail (in a
worker, on its own connection; the password from ``DUALROLE_MAIL_PASSWORD`` or the keyring,
since the app asks for none). Every row is shown as plain text, never markup. Dismisses
with whether anything changed, so Sales can refresh its lists.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from dualrole.mail.fetch import FetchReport, fetch_all
from dualrole.services.mail_deals import MessageToFile, file_under_deal, messages_to_file
from dualrole.services.mail_triage import ignore_address, link_address, make_lead, triage
from dualrole.services.resolve import resolve_prospect
from dualrole.storage.db import StorageError, Store, open_store
from dualrole.tui.dialogs.forms import Field, FormScreen
from dualrole.tui.text import plain

NO_DEAL = 0
"""The deal picker's "none of them" (deal ids start at 1)."""


class MailTriageScreen(ModalScreen[bool]):
    """Unknown senders waiting: make a lead, link, or ignore."""

    CSS_PATH = "mail_triage.tcss"
    BINDINGS = [
        Binding("l", "lead", "Make lead", id="triage.lead", tooltip="A lead from the message"),
        Binding("k", "link", "Link", id="triage.link", tooltip="A second address of a prospect"),
        Binding("x", "ignore", "Ignore", id="triage.ignore", tooltip="Ignore this sender forever"),
        Binding("d", "pick_deal", "Deal", id="triage.deal", tooltip="Which deal it was about"),
        Binding("f", "fetch", "Fetch mail", id="triage.fetch", tooltip="Read new mail now"),
        Binding("escape", "close", "Close", id="triage.close"),
    ]

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.changed = False
        self.addresses: list[str] = []
        self.to_file: list[MessageToFile] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="triage-box"):
            yield Static("Mail triage — unknown senders", id="triage-title")
            yield OptionList(id="triage-list")
            yield Input(placeholder="link to prospect: id, email or name", id="triage-link")
            yield Static("Which deal? Messages of people with several open deals", id="deals-title")
            yield OptionList(id="triage-deals")
            yield Static("", id="triage-status")
            yield Static(
                "l make a lead · k link to a prospect · x ignore forever · d pick a message's "
                "deal · f fetch mail · escape close",
                id="triage-keys",
            )

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        entries = triage(self.store)
        self.addresses = [e.address for e in entries]
        options = self.query_one("#triage-list", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for e in entries:
            who = f"{e.name} <{e.address}>" if e.name else e.address
            line = f"{who}  · {e.messages} message(s), {e.last_at:%Y-%m-%d} · {e.subject}"
            options.add_option(Option(plain(line)))
        if entries:
            options.highlighted = min(highlighted or 0, len(entries) - 1)
        else:
            self.say("Nobody waits in triage.")
        self.to_file = messages_to_file(self.store)
        waiting = self.query_one("#triage-deals", OptionList)
        at = waiting.highlighted
        waiting.clear_options()
        for m in self.to_file:
            line = f"{m.occurred_at:%Y-%m-%d} {m.direction:<3} {m.person} · {m.subject}"
            waiting.add_option(Option(plain(line)))
        if self.to_file:
            waiting.highlighted = min(at or 0, len(self.to_file) - 1)
        self.set_class(bool(self.to_file), "-deals")
        (options if entries or not self.to_file else waiting).focus()

    def say(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#triage-status", Static)
        status.update(plain(text))
        status.set_class(error, "-error")

    def selected(self) -> str | None:
        index = self.query_one("#triage-list", OptionList).highlighted
        if index is None or index >= len(self.addresses):
            self.say("Nobody is selected.", error=True)
            return None
        return self.addresses[index]

    def action_lead(self) -> None:
        address = self.selected()
        if address is None:
            return
        try:
            prospect = make_lead(self.store, address)
        except (StorageError, ValueError) as exc:
            self.say(str(exc), error=True)
            return
        self.changed = True
        self.reload()
        self.say(f"New lead: {prospect.name}.")

    def action_link(self) -> None:
        if self.selected() is None:
            return
        box = self.query_one("#triage-link", Input)
        box.add_class("-shown")
        box.focus()

    @on(Input.Submitted, "#triage-link")
    def _linked(self, event: Input.Submitted) -> None:
        address = self.selected()
        if address is None:
            return
        try:
            prospect = link_address(self.store, address, resolve_prospect(self.store, event.value))
        except StorageError as exc:
            self.say(str(exc), error=True)  # the input keeps what was typed
            return
        event.input.value = ""
        event.input.remove_class("-shown")
        self.changed = True
        self.reload()
        self.say(f"{address} is now an address of {prospect.name}.")

    def action_ignore(self) -> None:
        address = self.selected()
        if address is None:
            return
        ignore_address(self.store, address)
        self.changed = True
        self.reload()
        self.say(f"Ignoring {address} from now on.")

    def action_pick_deal(self) -> None:
        index = self.query_one("#triage-deals", OptionList).highlighted
        if index is None or index >= len(self.to_file):
            self.say("No message waits for its deal.", error=True)
            return
        message = self.to_file[index]
        options = [(f"{d.ref} {d.title} · {d.stage.value}", d.id) for d in message.deals]
        options.append(("none of them", NO_DEAL))

        def save(data: dict[str, Any]) -> str:
            deal_id = int(data["deal"]) or None
            file_under_deal(self.store, message.interaction_id, deal_id)
            return f"Filed under d{deal_id}." if deal_id else "Filed under no deal."

        first = message.deals[0].id if message.deals else NO_DEAL
        field = Field("deal", "Deal", "select", options, first, allow_blank=False)
        title = f"Which deal? {message.person}: {message.subject}"
        self.app.push_screen(FormScreen(title, [field], None, save, side="sales"), self._filed)

    def _filed(self, said: str | None) -> None:
        if said is None:
            return
        self.changed = True
        self.reload()
        self.say(said)

    def action_fetch(self) -> None:
        self.say("Fetching mail…")
        self.fetch_mail()

    @work(thread=True, exclusive=True, group="mail-fetch", exit_on_error=False)
    def fetch_mail(self) -> FetchReport:
        if self.store.path is None:
            raise StorageError("An in-memory workspace cannot fetch mail.")
        with open_store(self.store.path, create=False, backup_before_migrate=False) as store:
            return fetch_all(store)

    @on(Worker.StateChanged)
    def _fetched(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.SUCCESS:
            report = event.worker.result
            assert isinstance(report, FetchReport)
            t = report.tally
            self.changed = self.changed or t.logged > 0
            self.reload()
            text = f"Read {t.read}: {t.logged} logged, {t.waiting} waiting."
            self.say(" ".join([text, *report.problems]), error=bool(report.problems))
        elif event.state == WorkerState.ERROR:
            self.say(f"Mail could not be fetched: {event.worker.error}", error=True)

    def action_close(self) -> None:
        box = self.query_one("#triage-link", Input)
        if box.has_class("-shown"):
            box.remove_class("-shown")
            self.query_one("#triage-list", OptionList).focus()
            return
        self.dismiss(self.changed)

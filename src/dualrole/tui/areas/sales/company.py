"""A company's page (issue 27): its people, their deals, the conversation history, revenue.

Opened as every record page is (``OpenRecord``, kind ``company``): from a prospect's page
(``C``) or the command palette, which finds companies by name; ``escape`` goes back,
``enter`` on a person opens their page, ``e`` edits the company (name, website, notes,
tags). Everything shown is read by :func:`dualrole.services.companies.company_page`, which
``dualrole company show`` prints too.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from dualrole.core.enums import RecordKind
from dualrole.core.money import format_money
from dualrole.services import companies
from dualrole.services.companies import Person
from dualrole.storage.db import NotFoundError
from dualrole.tui import format as fmt
from dualrole.tui.areas.base import AreaScreen
from dualrole.tui.navigation import OpenRecord
from dualrole.tui.text import plain
from dualrole.tui.widgets.keybar import KeyBar
from dualrole.tui.widgets.paged_list import Column, PagedList, RowsSource

PEOPLE_COLUMNS: list[Column[Person]] = [
    Column("Person", lambda r: r.name),
    Column("Title", lambda r: r.title or "", width=16),
    Column("Email", lambda r: r.email or "", width=26),
]


class CompanyScreen(AreaScreen):
    """One company: people, deals, history, revenue."""

    TITLE_TEXT = "Company"
    SIDE = "sales"
    BINDINGS = [
        Binding("escape", "back", "Back", id="company.back"),
        Binding("e", "edit", "Edit", id="company.edit", tooltip="Name, website, notes, tags"),
    ]

    def __init__(self, company_id: int) -> None:
        super().__init__()
        self.company_id = company_id

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        with VerticalScroll(id="company-body"):
            yield Static("", id="company-head")
            yield Static("People", classes="section-title")
            yield PagedList(
                self.store,
                RowsSource([]),
                PEOPLE_COLUMNS,
                id="company-people",
                show_header=False,
                empty_text="Nobody here yet.",
            )
            yield Static("Deals", classes="section-title")
            yield Static("", id="company-deals")
            yield Static("History", classes="section-title")
            yield Static("", id="company-history")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#company-people", PagedList).focus()

    def refresh_data(self) -> None:
        try:
            page = companies.company_page(self.store, self.company_id)
        except NotFoundError:
            self.notify("That company no longer exists (deleted elsewhere?).")
            self.dismiss()
            return
        c = page.company
        head = Text()
        head.append_text(plain(c.name, "bold"))
        if c.website:
            head.append("  ")
            head.append_text(plain(c.website))
        if c.tags:
            head.append("  ")
            head.append_text(plain("#" + " #".join(c.tags), "dim"))
        if c.notes:
            head.append("\n")
            head.append_text(plain(c.notes.splitlines()[0]))
        head.append("\n" + companies.summary_line(page))
        self.query_one("#company-head", Static).update(head)
        self.query_one("#company-people", PagedList).refresh_query(RowsSource(page.people))
        listed = Text()
        for d in page.deals:
            worth = format_money(d.value_minor, d.currency) if d.value_minor is not None else ""
            listed.append(f"{d.ref:<6}", style="dim")
            listed.append_text(plain(" · ".join(x for x in (d.title, d.person) if x)))
            listed.append(f"  {d.stage.value}", style="bold")
            if worth:
                listed.append(f"  {worth}")
            listed.append("\n")
        self.query_one("#company-deals", Static).update(listed or "No deals.")
        history = Text()
        for t in page.history:
            history.append(f"{fmt.when(t.occurred_at)}  {t.kind:<8}", style="dim")
            history.append_text(plain(f"{t.prospect}{t.about(page.deal_count)}: {t.summary}"))
            history.append("\n")
        self.query_one("#company-history", Static).update(history or "No interactions yet.")

    @on(PagedList.Selected, "#company-people")
    def _open_person(self, event: PagedList.Selected) -> None:
        if event.row is not None:
            self.app.post_message(OpenRecord(RecordKind.prospect, event.row.id))

    def action_back(self) -> None:
        self.dismiss()

    def action_edit(self) -> None:
        from dualrole.core.models import CompanyIn
        from dualrole.tui.dialogs.forms import Field, FormScreen

        company = self.attempt(companies.get_company, self.store, self.company_id)
        if company is None:
            return
        fields = [
            Field("name", "Name", value=company.name),
            Field("website", "Website", value=company.website or ""),
            Field("tags", "Tags (comma separated)", value=", ".join(company.tags)),
            Field("notes", "Notes", "text", value=company.notes),
        ]
        form: FormScreen[companies.Company] = FormScreen(
            f"Company: {company.name}",
            fields,
            CompanyIn,
            lambda data: companies.update_company(self.store, self.company_id, data),
            side="sales",
        )

        def saved(result: companies.Company | None) -> None:
            if result is not None:  # the page follows by the data-changed signal
                self.notify("Saved.")

        self.app.push_screen(form, saved)

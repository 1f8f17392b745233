"""Which deal an interaction was about, in the app: triage's ``d`` files a captured message
of a person with several open deals; the log form asks for the deal; the prospect page and
the company page name each interaction's deal."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList, Select, Static

from dualrole.core.enums import RecordKind
from dualrole.core.models import DealIn, ProspectIn
from dualrole.mail.fetch import fetch_all
from dualrole.services import deals, sales
from dualrole.services.mail import add_source
from dualrole.services.mail_deals import messages_to_file
from dualrole.storage.db import Store
from dualrole.tui.app import DualroleApp
from dualrole.tui.areas.sales.company import CompanyScreen
from dualrole.tui.areas.sales.prospect import ProspectScreen
from dualrole.tui.dialogs.forms import FormScreen
from dualrole.tui.dialogs.mail_triage import MailTriageScreen
from dualrole.tui.navigation import OpenRecord
from dualrole.tui.widgets.paged_list import PagedList

SIZE = (110, 32)
ME = "owner@mybiz.example"
ADA = "ada@quill.example"


def _mail(folder: Path, name: str, subject: str, day: int) -> None:
    for sub in ("cur", "new", "tmp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    (folder / "cur" / name).write_bytes(
        (
            f"From: Ada <{ADA}>\r\nTo: {ME}\r\nSubject: {subject}\r\n"
            f"Date: {day} Nov 2026 09:00:00 +0000\r\nMessage-ID: <{name}@t>\r\n\r\nHello\r\n"
        ).encode()
    )


def _ada(demo: Store) -> tuple[int, int, int]:
    """Ada at Quill Works with two open deals: (person, first deal, second deal)."""
    person = ProspectIn(name="Ada Twice", company="Quill Works", email=ADA)
    ada = sales.create_prospect(demo, person)
    first = deals.first_deal_id(demo, ada.id)
    assert first is not None
    second = deals.create_deal(demo, ada.id, DealIn(title="Support contract"))
    return ada.id, first, second.id


async def test_triage_d_files_a_message_under_a_deal_or_none(
    demo: Store, tmp_path: Path, wait_until, lines
) -> None:
    ada, first, second = _ada(demo)
    folder = tmp_path / "Mail"
    _mail(folder, "a", "Renewal", 18)
    _mail(folder, "b", "Lunch?", 17)
    add_source(demo, f"maildir:{folder}", [ME], [])
    assert fetch_all(demo).problems == []
    app = DualroleApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "E")
        await wait_until(pilot, lambda: isinstance(app.screen, MailTriageScreen))
        dialog = app.screen
        waiting = dialog.query_one("#triage-deals", OptionList)
        assert waiting.option_count == 2 and waiting.display
        assert "Ada Twice · Renewal" in str(waiting.get_option_at_index(0).prompt)

        await pilot.press("d")  # Renewal: the newest open deal is offered first
        await wait_until(pilot, lambda: isinstance(app.screen, FormScreen))
        assert app.screen.query_one("#field-deal", Select).value == second
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is dialog and waiting.option_count == 1)
        assert f"Filed under d{second}." in str(dialog.query_one("#triage-status", Static).content)

        await pilot.press("d")  # Lunch?: none of them
        await wait_until(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.press("enter", "down", "down", "enter")  # open the list, the last: none
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is dialog and waiting.option_count == 0)
        assert not waiting.display
        await pilot.press("escape")

        await pilot.pause()
        app.post_message(OpenRecord(RecordKind.prospect, ada))
        await wait_until(pilot, lambda: isinstance(app.screen, ProspectScreen))
        timeline = app.screen.query_one("#prospect-timeline", PagedList)
        await wait_until(pilot, lambda: any("Renewal" in line for line in lines(timeline)))
        shown = lines(timeline)
        assert any(f"d{second} Renewal" in line for line in shown)
        assert any("Lunch?" in line and f"d{first}" not in line for line in shown)
        await pilot.press("C")
        await wait_until(pilot, lambda: isinstance(app.screen, CompanyScreen))
        history = app.screen.query_one("#company-history", Static)
        await wait_until(pilot, lambda: "Renewal" in str(history.content))
        assert f"Ada Twice (d{second}): Renewal" in str(history.content)
    assert messages_to_file(demo) == []
    assert {i.summary: i.deal_id for i in sales.interactions_for(demo, ada)} == {
        "Renewal": second,
        "Lunch?": None,
    }


async def test_the_log_form_asks_which_of_several_open_deals(demo: Store, wait_until) -> None:
    ada, first, _second = _ada(demo)
    app = DualroleApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        app.post_message(OpenRecord(RecordKind.prospect, ada))
        await wait_until(pilot, lambda: isinstance(app.screen, ProspectScreen))
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        await pilot.press(*"Scope call")
        deal = form.query_one("#field-deal_id", Select)
        deal.focus()
        await pilot.press("enter", "down", "down", "enter")  # blank, newest, then the first deal
        await wait_until(pilot, lambda: deal.value == first)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, FormScreen))
    [logged] = sales.interactions_for(demo, ada)
    assert (logged.summary, logged.deal_id) == ("Scope call", first)

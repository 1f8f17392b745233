"""Mail triage in Sales (``E``): make a lead, link to a prospect, ignore; the lists refresh."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList, Static

from dualrole.mail.fetch import fetch_all
from dualrole.services.mail import add_source
from dualrole.services.mail_triage import triage
from dualrole.services.sales import find_by_email, interactions_for
from dualrole.storage.db import Store
from dualrole.tui.app import DualroleApp
from dualrole.tui.areas.sales.screen import SalesScreen
from dualrole.tui.dialogs.mail_triage import MailTriageScreen

SIZE = (110, 32)
ME = "owner@mybiz.example"


def _mail(folder: Path, name: str, sender: str, subject: str, day: int) -> None:
    for sub in ("cur", "new", "tmp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    (folder / "cur" / name).write_bytes(
        (
            f"From: {sender}\r\nTo: {ME}\r\nSubject: {subject}\r\n"
            f"Date: {day} Nov 2026 09:00:00 +0000\r\nMessage-ID: <{name}@t>\r\n\r\nHello\r\n"
        ).encode()
    )


def _option_texts(screen: MailTriageScreen) -> list[str]:
    options = screen.query_one("#triage-list", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_triage_lead_link_and_ignore_with_keys(demo: Store, tmp_path: Path) -> None:
    folder = tmp_path / "Mail"
    _mail(folder, "a", "Cleo Chen <cleo@initech.example>", "Intro \u202eevil", 18)
    _mail(folder, "b", "Dan <dan@dan.example>", "Hi", 17)
    _mail(folder, "c", "Eve <eve@spam.example>", "Buy", 16)
    add_source(demo, f"maildir:{folder}", [ME], [])
    fetch_all(demo)
    target = demo.query("SELECT id, name FROM prospects ORDER BY id LIMIT 1")[0]
    app = DualroleApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        sales = app.screen
        assert isinstance(sales, SalesScreen)
        await pilot.press("E")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, MailTriageScreen)
        shown = _option_texts(dialog)
        assert shown[0].startswith("Cleo Chen <cleo@initech.example>")
        assert "\u202e" not in shown[0]  # a bidi override is never obeyed

        await pilot.press("l")  # Cleo becomes a lead
        await pilot.pause()
        cleo = find_by_email(demo, "cleo@initech.example")
        assert cleo is not None and cleo.company == "Initech"
        assert [i.summary for i in interactions_for(demo, cleo.id)] == ["Intro evil"]

        await pilot.press("k")  # Dan is a second address of the first prospect
        await pilot.pause()
        link = dialog.query_one("#triage-link", Input)
        link.value = "no such person at all"
        await pilot.press("enter")
        await pilot.pause()
        assert "no such person" in str(dialog.query_one("#triage-status", Static).content)
        assert link.value == "no such person at all"  # what was typed stays
        link.value = str(target["id"])
        await pilot.press("enter")
        await pilot.pause()
        assert "Hi" in [i.summary for i in interactions_for(demo, target["id"], limit=1000)]
        assert "dan@dan.example" not in " ".join(_option_texts(dialog))

        await pilot.press("x")  # Eve ignored forever
        await pilot.pause()
        assert triage(demo) == []
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is sales


async def test_f_fetches_new_mail_in_the_dialog(demo: Store, tmp_path: Path) -> None:
    folder = tmp_path / "Mail"
    _mail(folder, "a", "Cleo Chen <cleo@initech.example>", "Intro", 18)
    add_source(demo, f"maildir:{folder}", [ME], [])
    app = DualroleApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "E")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, MailTriageScreen)
        assert _option_texts(dialog) == []
        await pilot.press("f")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert _option_texts(dialog)[0].startswith("Cleo Chen <cleo@initech.example>")
        assert "Read 1: 0 logged, 1 waiting." in str(
            dialog.query_one("#triage-status", Static).content
        )


async def test_m_on_sales_still_starts_a_marketing_focus_session(demo: Store, wait_until) -> None:
    """Triage was first bound to ``M`` on Sales, which hid the app's marketing focus session
    there; it is ``E`` (for email), and ``M`` works on every screen."""
    from dualrole.core.enums import Side

    app = DualroleApp(demo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("M")
        await wait_until(
            pilot,
            lambda: app.focus_session is not None and app.focus_session.role is Side.marketing,
        )
        assert not isinstance(app.screen, MailTriageScreen)

"""Writing an email from the app (``W`` on a prospect): a template, $EDITOR with the app
suspended, a question, then sent to a real SMTP sink and logged once; each fault one toast."""

from __future__ import annotations

import asyncio
import socket
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from textual.widgets import Select

from dualrole.core.enums import RecordKind
from dualrole.services.outreach import save_template
from dualrole.services.sales import find_by_email, interactions_for
from dualrole.storage.db import Store
from dualrole.tui.app import DualroleApp
from dualrole.tui.areas.sales.prospect import ProspectScreen
from dualrole.tui.dialogs.forms import ConfirmScreen, FormScreen
from dualrole.tui.navigation import OpenRecord

from .conftest import ANA, ME, SmtpSink, recording_toasts

SIZE = (100, 30)


@pytest.fixture
def wait_until():
    """As tests/tui's: let the app run until a condition holds (60 s only as a safety net)."""

    async def until(pilot, condition) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 60
        while not condition():
            assert loop.time() < deadline, f"gave up waiting for {condition}"
            await pilot.pause(0.01)

    return until


@pytest.fixture
def ana(people: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """Ana with a template; an editor that leaves the text as it is; mail from ME."""
    editor = tmp_path / "editor.sh"
    editor.write_text("#!/bin/sh\n# leaves the message as it is\nexit 0\n")
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("DUALROLE_MAIL_FROM", ME)
    save_template(people, "intro", "Notes for {{ company.name }}", "Hi {{ first_name }},\n")
    prospect = find_by_email(people, ANA)
    assert prospect is not None
    return prospect.id


async def _open(app: DualroleApp, pilot, wait_until, prospect_id: int) -> None:
    await pilot.press("s")
    await pilot.pause()
    app.post_message(OpenRecord(RecordKind.prospect, prospect_id))
    await wait_until(pilot, lambda: isinstance(app.screen, ProspectScreen))


async def test_w_writes_sends_and_logs_once(
    people: Store, ana: int, smtp_sink: SmtpSink, monkeypatch: pytest.MonkeyPatch, wait_until
) -> None:
    monkeypatch.setenv("DUALROLE_MAIL_SEND", f"smtp+plain://127.0.0.1:{smtp_sink.port}")
    save_template(people, "nudge", "Still keen, {{ first_name }}?", "Just checking in.\n")
    app = DualroleApp(people)
    told = recording_toasts(app)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, wait_until, ana)
        await pilot.press("W")  # two templates: which one?
        await wait_until(pilot, lambda: isinstance(app.screen, FormScreen))
        picker = app.screen.query_one("#field-template", Select)
        assert picker.value == "intro"
        await pilot.press("enter", "down", "enter")  # the list, then the next one: nudge
        await wait_until(pilot, lambda: picker.value == "nudge")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Send “Still keen, Ana?” to ana@acme.example?" in str(
            app.screen.query_one("#confirm-question").render()
        )
        await pilot.press("y")
        await wait_until(pilot, lambda: any("and logged it" in t for t in told))
        assert "Sent “Still keen, Ana?” to ana@acme.example, and logged it." in told
    [raw] = smtp_sink.received
    sent = message_from_bytes(raw, policy=policy.default)
    assert (sent["From"], sent["To"]) == (ME, ANA)
    assert sent.get_content().strip() == "Just checking in."  # the editor left it as it was
    [logged] = interactions_for(people, ana)
    assert (logged.kind.value, logged.summary) == ("email", "Still keen, Ana?")
    assert (
        people.scalar("SELECT direction FROM mail_log WHERE interaction_id = ?", (logged.id,))
        == "out"
    )
    assert people.scalar("SELECT count(*) FROM mail_log") == 1


async def test_each_fault_is_one_toast_and_nothing_is_logged(
    people: Store, ana: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, wait_until
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    app = DualroleApp(people)
    told = recording_toasts(app)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, wait_until, ana)
        monkeypatch.delenv("DUALROLE_MAIL_SEND", raising=False)
        await pilot.press("W")
        await wait_until(pilot, lambda: len(told) == 1)
        assert told[0].startswith("Set DUALROLE_MAIL_SEND (smtps://")

        monkeypatch.setenv("DUALROLE_MAIL_SEND", f"smtp+plain://127.0.0.1:{closed}")
        await pilot.press("W")  # one template: straight to the editor, then the question
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: any("Cannot reach" in t for t in told))
        assert told[-1].startswith(f"Cannot reach the mail server at 127.0.0.1:{closed}")

        failing = tmp_path / "quit.sh"  # vim's :cq — the owner changed their mind
        failing.write_text("#!/bin/sh\nexit 1\n")
        failing.chmod(0o755)
        monkeypatch.setenv("EDITOR", str(failing))
        await pilot.press("W")
        await wait_until(pilot, lambda: "ended with an error" in told[-1])
        assert isinstance(app.screen, ProspectScreen)

        save_template(people, "intro", "Hi", "{{ nickname }}")
        monkeypatch.setenv("EDITOR", str(tmp_path / "editor.sh"))
        await pilot.press("W")
        await wait_until(pilot, lambda: "field that does not exist" in told[-1])
    assert interactions_for(people, ana) == []


async def test_the_palette_writes_to_the_prospect_selected_in_sales(
    people: Store, ana: int, smtp_sink: SmtpSink, monkeypatch: pytest.MonkeyPatch, wait_until
) -> None:
    from textual.command import CommandPalette
    from textual.widgets import OptionList

    from dualrole.tui.areas.sales.screen import SalesScreen

    def offers(text: str) -> bool:
        if not isinstance(app.screen, CommandPalette):
            return False
        options = app.screen.query_one(OptionList)
        at = options.highlighted
        return at is not None and text in str(options.get_option_at_index(at).prompt)

    monkeypatch.setenv("DUALROLE_MAIL_SEND", f"smtp+plain://127.0.0.1:{smtp_sink.port}")
    app = DualroleApp(people)
    told = recording_toasts(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, SalesScreen))
        sales = app.screen
        await wait_until(pilot, lambda: sales.selected_prospect_id() == ana)  # Ana, first by name
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"sales: Write email")
        await wait_until(pilot, lambda: offers("Write email"))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: any("and logged it" in t for t in told))
    [raw] = smtp_sink.received
    assert message_from_bytes(raw, policy=policy.default)["Subject"] == "Notes for Acme"
    assert [i.summary for i in interactions_for(people, ana)] == ["Notes for Acme"]

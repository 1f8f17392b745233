"""Sales flows driven by real keys: the screen and the database must agree."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import Input, OptionList, Select, Static

from dualrole.core.models import ProspectIn
from dualrole.services import sales
from dualrole.services.lists import ProspectFilter, prospects_query
from dualrole.tui.areas.sales.prospect import ProspectScreen
from dualrole.tui.areas.sales.screen import SalesScreen
from dualrole.tui.dialogs.forms import ConfirmScreen, FormScreen
from dualrole.tui.widgets.paged_list import PagedList
from dualrole.tui.widgets.search_bar import SearchBar

SIZE = (100, 32)


def live_prospects(store) -> int:
    return int(store.scalar("SELECT count(*) FROM prospects WHERE deleted_at IS NULL"))


def palette_offers(app, text: str) -> bool:
    """The command palette is open and its highlighted hit mentions ``text``."""
    if not isinstance(app.screen, CommandPalette):
        return False
    options = app.screen.query_one(OptionList)
    highlighted = options.highlighted
    if highlighted is None:
        return False
    return text in str(options.get_option_at_index(highlighted).prompt)


async def open_sales(pilot) -> PagedList:
    await pilot.press("s")
    await pilot.pause()
    assert isinstance(pilot.app.screen, SalesScreen)
    return pilot.app.screen.query_one("#prospects", PagedList)


async def search(pilot, text: str) -> PagedList:
    prospects = await open_sales(pilot)
    await pilot.press("slash", *text)
    await pilot.pause()
    return prospects


class TestProspects:
    async def test_create_prospect(self, app, demo, lines):
        before = live_prospects(demo)
        async with app.run_test(size=SIZE) as pilot:
            await open_sales(pilot)
            await pilot.press("n")
            await pilot.pause()
            assert isinstance(app.screen, FormScreen)
            assert app.screen.focused.id == "field-name"
            await pilot.press(*"Zed Quinn", "tab", *"Quinn Labs", "ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, SalesScreen)
            prospects = await search(pilot, "quinn")
            assert prospects.row_count == 1
            assert any("Zed Quinn" in line and "Quinn Labs" in line for line in lines(prospects))
        assert live_prospects(demo) == before + 1
        assert demo.scalar("SELECT company FROM prospects WHERE name = 'Zed Quinn'") == "Quinn Labs"

    async def test_edit_with_invalid_value_then_fix(self, app, demo):
        async with app.run_test(size=SIZE) as pilot:
            prospects = await open_sales(pilot)
            prospect_id = prospects.row.id
            await pilot.press("e")
            await pilot.pause()
            form = app.screen
            assert isinstance(form, FormScreen)
            email = form.query_one("#field-email", Input)
            email.value = ""
            email.focus()
            await pilot.press(*"not-an-email", "ctrl+s")
            await pilot.pause()
            assert app.screen is form, "the form stays open with what was typed"
            assert email.value == "not-an-email"
            error = str(form.query_one("#error-email", Static).content)
            assert "not an email address" in error
            assert "not-an-email" not in str(
                demo.scalar("SELECT email FROM prospects WHERE id = ?", (prospect_id,))
            )
            email.value = ""
            await pilot.press(*"fixed@example.com", "ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, SalesScreen)
        stored = demo.scalar("SELECT email FROM prospects WHERE id = ?", (prospect_id,))
        assert stored == "fixed@example.com"

    async def test_delete_then_undo(self, app, demo, lines):
        before = live_prospects(demo)
        async with app.run_test(size=SIZE) as pilot:
            prospects = await open_sales(pilot)
            name = prospects.row.name
            await pilot.press("delete")
            await pilot.pause()
            assert live_prospects(demo) == before - 1
            assert prospects.row.name != name
            assert not any(line.startswith(name + " ") for line in lines(prospects)[1:2])
            await pilot.press("u")
            await pilot.pause()
            assert live_prospects(demo) == before
            assert prospects.row.name == name

    async def test_stage_change_to_lost_requires_a_reason(self, app, demo):
        async with app.run_test(size=SIZE) as pilot:
            prospects = await open_sales(pilot)
            prospect_id = prospects.row.id
            await pilot.press("c")
            await pilot.pause()
            form = app.screen
            assert isinstance(form, FormScreen)
            form.query_one("#field-stage", Select).value = "lost"
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.screen is form
            assert "say why" in str(form.query_one("#error-reason", Static).content)
            assert sales.get_prospect(demo, prospect_id).stage.value != "lost"
            form.query_one("#field-reason", Input).focus()
            await pilot.press(*"went with a competitor", "ctrl+s")
            await pilot.pause()
            if isinstance(app.screen, ConfirmScreen):  # close its open follow-ups? keep them
                await pilot.press("n")
                await pilot.pause()
            assert isinstance(app.screen, SalesScreen)
        moved = sales.get_prospect(demo, prospect_id)
        assert moved.stage.value == "lost"
        assert moved.lost_reason == "went with a competitor"
        assert sales.stage_history(demo, prospect_id)[-1].reason == "went with a competitor"


class TestInteractions:
    async def test_log_interaction_then_send_feedback(self, app, demo):
        async with app.run_test(size=SIZE) as pilot:
            prospects = await open_sales(pilot)
            prospect_id = prospects.row.id
            count = len(sales.interactions_for(demo, prospect_id))
            await pilot.press("l")
            await pilot.pause()
            assert isinstance(app.screen, FormScreen)
            await pilot.press(*"Pricing call", "tab", "tab", "tab", *"Wants a monthly plan")
            await pilot.press("ctrl+s")
            await pilot.pause()
            if isinstance(app.screen, ConfirmScreen):  # its open follow-up: not this one
                await pilot.press("n")
                await pilot.pause()
            assert isinstance(app.screen, SalesScreen)
            logged = sales.interactions_for(demo, prospect_id)
            assert len(logged) == count + 1
            assert logged[0].outcome == "Wants a monthly plan"
            await pilot.press("F")  # names what it sends: the latest feedback, this one
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            question = str(app.screen.query_one("#confirm-question", Static).content)
            assert "Wants a monthly plan" in question
            await pilot.press("y")
            await pilot.pause()
        note_id = sales.get_interaction(demo, logged[0].id).research_note_id
        assert note_id is not None
        row = demo.query("SELECT kind, prospect_id FROM research_notes WHERE id = ?", (note_id,))[0]
        assert (row["kind"], row["prospect_id"]) == ("feedback", prospect_id)


class TestFollowUps:
    async def test_complete_followup_offers_the_next(self, app, demo):
        async with app.run_test(size=SIZE) as pilot:
            await open_sales(pilot)
            await pilot.press("3")
            await pilot.pause()
            followups = app.screen.query_one("#followups", PagedList)
            followup_id = followups.row.id
            await pilot.press("d")
            await pilot.pause()
            assert sales.get_followup(demo, followup_id).done_at is not None
            offer = app.screen
            assert isinstance(offer, FormScreen)
            assert offer.title_text == "Next follow-up"
            assert offer.query_one("#field-due_date", Input).value  # prefilled
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, SalesScreen)
        original = sales.get_followup(demo, followup_id)
        open_ones = sales.followups_for(demo, original.prospect_id, open_only=True)
        assert any(f.title == original.title and f.id != followup_id for f in open_ones)


class TestSearchAndPalette:
    async def test_slash_filters_as_you_type(self, app, demo, lines):
        sales.create_prospect(demo, ProspectIn(name="Priya Raman", company="Kite Logistics"))
        expected = prospects_query(demo, ProspectFilter(search="priya")).count(demo)
        assert expected >= 2  # the demo's Priyas and the one added here
        async with app.run_test(size=SIZE) as pilot:
            prospects = await search(pilot, "priya")
            assert prospects.row_count == expected
            shown = [line for line in lines(prospects)[1:] if line.strip()]
            assert len(shown) == expected and all("Priya" in line for line in shown)
            await pilot.press("escape")
            await pilot.pause()
            assert prospects.row_count == 61

    async def test_typing_a_search_lays_the_screen_out_only_for_long_text(self, app, monkeypatch):
        """An input's scrollable width followed its text, so each keystroke laid the whole
        screen out again; the search box keeps its own width until the text outgrows it,
        and then scrolls to show the end of what was typed."""
        layouts: list[bool] = []
        refresh = SearchBar.refresh

        def counted(self: SearchBar, *regions: object, layout: bool = False, **kw: object):
            if layout:
                layouts.append(layout)
            return refresh(self, *regions, layout=layout, **kw)

        async with app.run_test(size=(60, 24)) as pilot:
            await search(pilot, "p")
            bar = app.screen.query_one(SearchBar)
            monkeypatch.setattr(SearchBar, "refresh", counted)
            await pilot.press(*"riya")
            await pilot.pause()
            assert layouts == []
            typed = "priya" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
            await pilot.press(*typed[5:])
            await pilot.pause()
            shown = "".join(segment.text for segment in bar.render_line(0)).rstrip()
            assert len(shown) > 40 and typed.endswith(shown)  # the end, with the cursor

    async def test_palette_finds_a_prospect_by_name(self, app, demo, wait_until):
        target = sales.create_prospect(demo, ProspectIn(name="Xavier Quenneville"))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*"Quenneville")
            await wait_until(pilot, lambda: palette_offers(app, "Xavier Quenneville"))
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, ProspectScreen))
            assert isinstance(app.screen, ProspectScreen)
            assert app.screen.prospect_id == target.id

    async def test_palette_runs_an_action(self, app, wait_until):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*"sales: New prospect")
            await wait_until(pilot, lambda: palette_offers(app, "New prospect"))
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, FormScreen))
            assert isinstance(app.screen, FormScreen)
            assert app.screen.title_text == "New prospect"

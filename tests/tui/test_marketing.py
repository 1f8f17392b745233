"""Marketing flows driven by real keys: the screen and the database must agree."""

from __future__ import annotations

from textual.widgets import Input, Markdown, Select, Sparkline, Static
from textual.widgets.markdown import MarkdownBlock

from dualrole.core.enums import RecordKind
from dualrole.core.models import (
    MarketingTaskIn,
    PromotionIn,
    PromotionResultIn,
    ResearchNoteIn,
    SegmentIn,
)
from dualrole.services import marketing
from dualrole.tui.areas.marketing.note import NoteScreen
from dualrole.tui.areas.marketing.promotion import PromotionScreen
from dualrole.tui.areas.marketing.screen import MarketingScreen
from dualrole.tui.areas.marketing.segment import SegmentScreen
from dualrole.tui.dialogs.forms import FormScreen
from dualrole.tui.navigation import OpenRecord
from dualrole.tui.widgets.paged_list import PagedList

SIZE = (100, 32)
NASTY = "[bold]Acme[/b] [@click=app.quit]x[/] \x1b[31mred"
"""Kept in names by an older release (one-line fields refuse control characters now), hence
``model_copy(update=…)`` below, which stores it the way that release did."""
SHOWN = "[bold]Acme[/b] [@click=app.quit]x[/] ␛[31mred"


def live(store, table: str) -> int:
    return int(store.scalar(f"SELECT count(*) FROM {table} WHERE deleted_at IS NULL"))


async def open_tab(pilot, key: str) -> PagedList:
    await pilot.press("m")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, MarketingScreen)
    await pilot.press(key)
    await pilot.pause()
    return screen.current_list


def static_text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


def markdown_text(markdown: Markdown) -> str:
    return "\n".join(str(block.content) for block in markdown.query(MarkdownBlock))


class TestSegments:
    async def test_create_segment_and_open_its_page(self, app, demo, lines):
        before = live(demo, "segments")
        async with app.run_test(size=SIZE) as pilot:
            segments = await open_tab(pilot, "1")
            await pilot.press("n")
            await pilot.pause()
            form = app.screen
            assert isinstance(form, FormScreen)
            assert form.focused.id == "field-name"
            await pilot.press(*"Yoga studios", "tab")
            form.query_one("#field-age_range", Input).focus()
            await pilot.press(*"25-45", "ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, MarketingScreen)
            shown = [line for line in lines(segments) if line.startswith("Yoga studios")]
            assert len(shown) == 1
            while segments.row.name != "Yoga studios":
                await pilot.press("down")
            await pilot.press("enter")
            await pilot.pause()
            page = app.screen
            assert isinstance(page, SegmentScreen)
            details = static_text(page, "#segment-details")
            assert "Yoga studios" in details and "25-45" in details and "prospects 0" in details
        assert live(demo, "segments") == before + 1
        stored = demo.query("SELECT age_range FROM segments WHERE name = 'Yoga studios'")
        assert stored[0]["age_range"] == "25-45"

    async def test_segment_page_lists_its_notes_and_promotions(self, app, demo, lines):
        segment = marketing.create_segment(demo, SegmentIn(name="Bakeries", pain_points="Rent"))
        marketing.create_note(demo, ResearchNoteIn(title="Flour prices", segment_id=segment.id))
        marketing.create_promotion(demo, PromotionIn(name="Bread fair", segment_id=segment.id))
        async with app.run_test(size=SIZE) as pilot:
            segments = await open_tab(pilot, "1")
            assert segments.row.name == "Bakeries"  # sorted by name: first
            await pilot.press("enter")
            await pilot.pause()
            page = app.screen
            assert isinstance(page, SegmentScreen)
            assert static_text(page, "#segment-pain_points") == "Rent"
            notes = page.query_one("#segment-notes", PagedList)
            promotions = page.query_one("#segment-promotions", PagedList)
            assert notes.row_count == 1 and "Flour prices" in lines(notes)[1]
            assert promotions.row_count == 1 and "Bread fair" in lines(promotions)[1]
            await pilot.press("enter")  # the notes list has focus
            await pilot.pause()
            assert isinstance(app.screen, NoteScreen)
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is page


class TestResearch:
    async def test_create_note_with_invalid_then_fixed_field(self, app, demo, lines):
        before = live(demo, "research_notes")
        async with app.run_test(size=SIZE) as pilot:
            notes = await open_tab(pilot, "2")
            await pilot.press("n")
            await pilot.pause()
            form = app.screen
            assert isinstance(form, FormScreen)
            tags = form.query_one("#field-tags", Input)
            tags.focus()
            await pilot.press(*"pricing, " + "x" * 51, "ctrl+s")
            await pilot.pause()
            assert app.screen is form, "the form stays open with what was typed"
            assert "Title is required" in static_text(form, "#error-title")
            assert "longer than 50" in static_text(form, "#error-tags")
            assert live(demo, "research_notes") == before
            assert form.focused.id == "field-title", "the first wrong field gets the focus"
            await pilot.press(*"Wants a yearly plan")
            tags.value = ""
            tags.focus()
            await pilot.press(*"pricing, monthly")
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, MarketingScreen)
            assert notes.row.title == "Wants a yearly plan"  # newest first
            assert "Wants a yearly plan" in lines(notes)[1]
        assert live(demo, "research_notes") == before + 1
        note_id = demo.scalar("SELECT id FROM research_notes WHERE title = 'Wants a yearly plan'")
        assert marketing.get_note(demo, note_id).tags == ["monthly", "pricing"]

    async def test_note_page_renders_markdown_but_never_markup(self, app, demo):
        body = "# Heard\n\n**Price** is the issue. [@click=app.quit]click me[/] [bold]x[/b]"
        note = marketing.create_note(
            demo,
            ResearchNoteIn(title="T", body=body, tags=["t1"]).model_copy(update={"title": NASTY}),
        )
        async with app.run_test(size=SIZE) as pilot:
            notes = await open_tab(pilot, "2")
            assert notes.row.id == note.id
            await pilot.press("enter")
            await pilot.pause()
            page = app.screen
            assert isinstance(page, NoteScreen)
            assert SHOWN in static_text(page, "#note-meta")
            markdown = page.query_one("#note-markdown", Markdown)
            shown = markdown_text(markdown)
            assert "Heard" in shown and "**" not in shown  # Markdown is rendered
            assert "[@click=app.quit]click me[/] [bold]x[/b]" in shown  # markup is not
            await pilot.click("#note-markdown")
            await pilot.pause()
            assert app.is_running

    async def test_kind_filter_cycles(self, app, demo):
        consumer = int(demo.scalar("SELECT count(*) FROM research_notes WHERE kind = 'consumer'"))
        async with app.run_test(size=SIZE) as pilot:
            notes = await open_tab(pilot, "2")
            assert notes.row_count == live(demo, "research_notes")
            await pilot.press("v")
            await pilot.pause()
            assert notes.row_count == consumer
            assert "kind: consumer" in static_text(app.screen, "#status-research")


class TestPromotions:
    async def test_create_promotion(self, app, demo, lines):
        before = live(demo, "promotions")
        async with app.run_test(size=SIZE) as pilot:
            promotions = await open_tab(pilot, "3")
            await pilot.press("n")
            await pilot.pause()
            form = app.screen
            assert isinstance(form, FormScreen)
            await pilot.press(*"Winter newsletter")
            form.query_one("#field-budget", Input).focus()
            await pilot.press(*"oops", "ctrl+s")
            await pilot.pause()
            assert app.screen is form
            assert static_text(form, "#error-budget").startswith("Budget ")
            form.query_one("#field-budget", Input).value = ""
            await pilot.press(*"250", "ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, MarketingScreen)
            shown = [line for line in lines(promotions) if line.startswith("Winter newsletter")]
            assert len(shown) == 1 and "€0/€250" in shown[0]
        assert live(demo, "promotions") == before + 1
        row = demo.query(
            "SELECT status, budget_minor FROM promotions WHERE name = ?", ("Winter newsletter",)
        )
        assert (row[0]["status"], row[0]["budget_minor"]) == ("idea", 25000)

    async def test_log_result_shows_on_the_page_and_in_the_db(self, app, demo, lines):
        promotion = marketing.create_promotion(
            demo, PromotionIn(name="Radio spot", status="running", budget=10000)
        )
        async with app.run_test(size=SIZE) as pilot:
            promotions = await open_tab(pilot, "3")
            await pilot.press("slash", *"radio", "enter", "enter")
            await pilot.pause()
            page = app.screen
            assert isinstance(page, PromotionScreen) and page.promotion_id == promotion.id
            await pilot.press("r")
            await pilot.pause()
            form = app.screen
            assert isinstance(form, FormScreen)
            assert form.query_one("#field-day", Input).value == "today"
            await pilot.press("tab", *"12,400", "tab", *"310", "tab", *"42", "tab", *"120")
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.screen is page
            results = page.query_one("#promotion-results", PagedList)
            assert results.row_count == 1
            assert lines(results)[1].startswith("20 Nov") and "12,400" in lines(results)[1]
            assert "reach    12,400" in static_text(page, "#promotion-summary")
            assert "€120 of €100" in static_text(page, "#promotion-budget")
            assert "over budget" in static_text(page, "#promotion-budget")
            assert list(page.query_one(Sparkline).data or []) == [12400]
        (result,) = marketing.results_for(demo, promotion.id)
        assert (result.reach, result.engagement, result.clicks, result.spend) == (
            12400,
            310,
            42,
            12000,
        )
        assert str(result.day) == "2026-11-20"
        assert promotions.row_count >= 1

    async def test_page_shows_leads_and_status_moves(self, app, demo, lines):
        promotion_id = int(
            demo.scalar("SELECT id FROM promotions WHERE name = 'Podcast guest spots'")
        )
        leads = marketing.leads_of(demo, promotion_id)
        async with app.run_test(size=SIZE) as pilot:
            await open_tab(pilot, "3")
            app.post_message(OpenRecord(RecordKind.promotion, promotion_id))
            await pilot.pause()
            page = app.screen
            assert isinstance(page, PromotionScreen)
            assert page.query_one("#promotion-leads", PagedList).row_count == len(leads)
            for expected in ("planned", "running", "done"):
                await pilot.press("a")
                await pilot.pause()
                assert marketing.get_promotion(demo, promotion_id).status.value == expected
                assert f"status   {expected}" in static_text(page, "#promotion-details")
            await pilot.press("a")  # done is the end of the road
            await pilot.pause()
            assert marketing.get_promotion(demo, promotion_id).status.value == "done"
        stamps = demo.query(
            "SELECT launched_at, finished_at FROM promotions WHERE id = ?", (promotion_id,)
        )
        assert stamps[0]["launched_at"] and stamps[0]["finished_at"]

    async def test_advance_from_the_list_keeps_the_cursor_on_it(self, app, demo):
        async with app.run_test(size=SIZE) as pilot:
            promotions = await open_tab(pilot, "3")
            while promotions.row.name != "Podcast guest spots":
                await pilot.press("down")
            promotion_id = promotions.row.id
            await pilot.press("a")
            await pilot.pause()
            assert marketing.get_promotion(demo, promotion_id).status.value == "planned"
            assert promotions.row.id == promotion_id, "the list reorders; the cursor follows"
            assert promotions.row.status == "planned"
            await pilot.press("c")
            await pilot.pause()
            form = app.screen
            assert isinstance(form, FormScreen)
            form.query_one("#field-status", Select).value = "cancelled"
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert promotions.row.id == promotion_id
        assert marketing.get_promotion(demo, promotion_id).status.value == "cancelled"

    async def test_leads_with_stage_and_value(self, app, demo, lines):
        promotion_id = int(
            demo.scalar("SELECT id FROM promotions WHERE name = 'Trade fair Berlin'")
        )
        leads = marketing.leads_of(demo, promotion_id)
        summary = marketing.promotion_summary(demo, promotion_id)
        async with app.run_test(size=SIZE) as pilot:
            await open_tab(pilot, "3")
            app.post_message(OpenRecord(RecordKind.promotion, promotion_id))
            await pilot.pause()
            page = app.screen
            shown = lines(page.query_one("#promotion-leads", PagedList))
            assert leads[0]["name"] in shown[1] and leads[0]["stage"] in shown[1]
            assert f"leads    {summary.leads}" in static_text(page, "#promotion-summary")
            assert f"won      {summary.won} (" in static_text(page, "#promotion-summary")


class TestTasks:
    async def test_done_and_undone(self, app, demo, lines):
        async with app.run_test(size=SIZE) as pilot:
            tasks = await open_tab(pilot, "4")
            first = tasks.row._asdict()
            assert first["done_at"] is None
            assert lines(tasks)[1].startswith("· " + first["title"][:10])
            await pilot.press("d")
            await pilot.pause()
            assert marketing.get_task(demo, first["id"]).done_at is not None
            assert tasks.row.id != first["id"], "open tasks come first"
            done_line = next(line for line in lines(tasks) if first["title"][:20] in line)
            assert done_line.startswith("✓ ")
            while tasks.row.id != first["id"]:
                await pilot.press("down")
            await pilot.press("d")
            await pilot.pause()
            assert marketing.get_task(demo, first["id"]).done_at is None

    async def test_new_task_then_overdue_stands_out(self, app, demo):
        async with app.run_test(size=SIZE) as pilot:
            tasks = await open_tab(pilot, "4")
            await pilot.press("n")
            await pilot.pause()
            form = app.screen
            await pilot.press(*"Order flyers", "tab", *"yesterday", "ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, MarketingScreen)
            row = next(
                tasks.row_at(i)
                for i in range(tasks.row_count)
                if tasks.row_at(i).title == "Order flyers"
            )
            assert tasks.row_style(row) == "overdue"
            assert form is not app.screen
        assert (
            str(demo.scalar("SELECT due_date FROM marketing_tasks WHERE title = 'Order flyers'"))
            == "2026-11-19"
        )


class TestDeleteSearchAndSafety:
    async def test_delete_then_undo(self, app, demo):
        before = live(demo, "research_notes")
        async with app.run_test(size=SIZE) as pilot:
            notes = await open_tab(pilot, "2")
            title = notes.row.title
            await pilot.press("delete")
            await pilot.pause()
            assert live(demo, "research_notes") == before - 1
            assert notes.row.title != title
            assert f"{before - 1} research notes" in static_text(app.screen, "#status-research")
            await pilot.press("u")
            await pilot.pause()
            assert live(demo, "research_notes") == before
            assert notes.row.title == title

    async def test_slash_filters_as_you_type_and_keys_do_not_fire(self, app, demo, lines):
        async with app.run_test(size=SIZE) as pilot:
            promotions = await open_tab(pilot, "3")
            total = promotions.row_count
            await pilot.press("slash", *"dentists")  # d, n, t, s must type, not act
            await pilot.pause()
            assert isinstance(app.screen, MarketingScreen)
            assert promotions.row_count == 1
            assert lines(promotions)[1].startswith("Google Ads: dentists")
            assert "search: dentists" in static_text(app.screen, "#status-promotions")
            await pilot.press("escape")
            await pilot.pause()
            assert promotions.row_count == total
            await pilot.press("slash", *"zzzz")
            await pilot.pause()
            assert promotions.row_count == 0
            await pilot.press("1")  # typed into the box, not a tab switch
            await pilot.pause()
            assert app.screen.current_tab == "promotions"
        assert live(demo, "promotions") == total

    async def test_markup_injection_shows_literally_everywhere(self, demo, lines):
        from dualrole.tui.app import DualroleApp

        segment = marketing.create_segment(
            demo, SegmentIn(name="S", objections=NASTY).model_copy(update={"name": NASTY})
        )
        promotion = marketing.create_promotion(
            demo,
            PromotionIn(name="P", message=NASTY, segment_id=segment.id).model_copy(
                update={"name": NASTY}
            ),
        )
        marketing.log_result(demo, PromotionResultIn(promotion_id=promotion.id, day="today"))
        marketing.create_task(
            demo, MarketingTaskIn(title="T", due_date="today").model_copy(update={"title": NASTY})
        )
        app = DualroleApp(demo)
        async with app.run_test(size=SIZE) as pilot:
            for key, name in (("1", "segments"), ("3", "promotions"), ("4", "tasks")):
                shown = lines(await open_tab(pilot, key))
                assert any("[bold]Acme[/b] [@click" in line for line in shown), name
            app.post_message(OpenRecord(RecordKind.promotion, promotion.id))
            await pilot.pause()
            page = app.screen
            assert isinstance(page, PromotionScreen)
            assert (
                static_text(page, "#promotion-details").count(SHOWN) == 3
            )  # name, segment, message
            await pilot.press("escape")
            await pilot.pause()
            app.post_message(OpenRecord(RecordKind.segment, segment.id))
            await pilot.pause()
            page = app.screen
            assert isinstance(page, SegmentScreen)
            assert SHOWN in static_text(page, "#segment-details")
            assert static_text(page, "#segment-objections") == SHOWN
            await pilot.click("#segment-objections")
            await pilot.pause()
            assert app.is_running


class TestNoteBodyIsText:
    async def test_html_in_a_note_body_is_shown_as_typed(self, app, demo):
        body = "<script>alert(1)</script>\n\n</td><h1>Big</h1>\n\nSay <b>hi</b> & <i>bye</i>"
        note = marketing.create_note(demo, ResearchNoteIn(title="Html note", body=body))
        async with app.run_test(size=SIZE) as pilot:
            notes = await open_tab(pilot, "2")
            assert notes.row.id == note.id
            await pilot.press("enter")
            await pilot.pause()
            shown = markdown_text(app.screen.query_one("#note-markdown", Markdown))
            assert "<script>alert(1)</script>" in shown
            assert "</td><h1>Big</h1>" in shown
            assert "Say <b>hi</b> & <i>bye</i>" in shown

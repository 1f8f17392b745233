"""The review screen: weeks, reflection, targets, the records behind a figure, export."""

from __future__ import annotations

import datetime as dt
import json

from textual.widgets import Input, Label, Select, Static, TextArea

from dualrole.review import build_review, get_reflection, get_targets
from dualrole.review.records import records_behind
from dualrole.tui.areas.review.dialogs import ExportScreen, RecordsScreen, TargetsForm
from dualrole.tui.areas.sales.prospect import ProspectScreen
from dualrole.tui.dialogs.forms import ConfirmScreen
from dualrole.tui.widgets.paged_list import PagedList

W47 = dt.date(2026, 11, 16)
SIZE = (160, 60)


async def settle(app, pilot):
    """Wait for the week, which the screen builds in a worker thread."""
    await app.workers.wait_for_complete()
    await pilot.pause()


async def open_review(app, pilot):
    await pilot.press("w")
    await settle(app, pilot)
    return app.screen


def week_label(screen) -> str:
    return str(screen.query_one("#review-week", Label).content)


async def test_review_shows_both_sides_and_moves_between_weeks(app, demo, lines):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(app, pilot)
        assert week_label(screen).startswith("2026-W47")
        review = build_review(demo, W47)
        marketing = screen.query_one("#review-marketing")
        score = review.scores["marketing"].score
        assert marketing.border_title == f"Marketing {score}/100 so far"  # W47 is this week
        shown = "\n".join(lines(screen.query_one("#metrics-marketing", PagedList)))
        assert "research notes" in shown and "reach logged" in shown
        sales = "\n".join(lines(screen.query_one("#metrics-sales", PagedList)))
        assert "interactions" in sales and "deals won" in sales
        await pilot.press("[")
        await settle(app, pilot)
        assert week_label(screen).startswith("2026-W46")
        w46 = build_review(demo, W47 - dt.timedelta(weeks=1))
        sales = "\n".join(lines(screen.query_one("#metrics-sales", PagedList)))
        row = next(line for line in sales.splitlines() if "interactions" in line)
        assert f"{w46.metric('interactions').actual:,.0f}" in row
        await pilot.press("]", "]")
        await settle(app, pilot)
        assert week_label(screen).startswith("2026-W48")
        # Issue 24: the next week read "Sales 0/100", every metric "missed".
        assert screen.query_one("#review-sales").border_title == "Sales not started"
        sales = "\n".join(lines(screen.query_one("#metrics-sales", PagedList)))
        assert "missed" not in sales and "partial" not in sales
        row = next(line for line in sales.splitlines() if "interactions" in line)
        assert "not started" in row
        await pilot.press(".")
        await settle(app, pilot)
        assert week_label(screen).startswith("2026-W47")
        assert "(this week)" in week_label(screen)


async def test_reflection_is_saved_in_place(app, demo):
    async with app.run_test(size=SIZE) as pilot:
        await open_review(app, pilot)
        field = app.screen.query_one("#reflection-went_well", TextArea)
        field.focus()
        field.load_text("[b]Fair[/b] went well")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert get_reflection(demo, "2026-W47").went_well == "[b]Fair[/b] went well"
        app.screen.query_one("#reflection-to_improve", TextArea).load_text("calls")
        app.screen.query_one("#metrics-marketing", PagedList).focus()
        await pilot.press("[")  # moving to another week saves too
        await settle(app, pilot)
        assert get_reflection(demo, "2026-W47").to_improve == "calls"


async def test_target_edited_invalid_then_valid(app, demo, lines):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(app, pilot)
        await pilot.press("g")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, TargetsForm)
        form.query_one("#field-research_notes", Input).value = "lots"
        form.query_one("#field-cost_per_lead", Input).value = "-5"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        error = str(form.query_one("#error-research_notes", Static).content)
        assert "must be a number" in error and "lots" in error
        assert str(form.query_one("#error-cost_per_lead", Static).content)
        assert get_targets(demo)["research_notes"] == 2  # nothing stored
        form.query_one("#field-research_notes", Input).value = "7"
        form.query_one("#field-cost_per_lead", Input).value = "40"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        targets = get_targets(demo)
        assert targets["research_notes"] == 7 and targets["cost_per_lead"] == 4000
        shown = "\n".join(lines(screen.query_one("#metrics-marketing", PagedList)))
        row = next(line for line in shown.splitlines() if "research notes" in line)
        assert " 7 " in row


async def test_drill_down_lists_the_records_and_opens_a_prospect(app, demo, lines):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(app, pilot)
        listing = screen.query_one("#metrics-sales", PagedList)
        listing.focus()
        keys = [m.key for m in build_review(demo, W47).sales]
        listing.cursor = keys.index("deals_won")
        await pilot.pause()
        assert "deals won:" in str(screen.query_one("#review-explain", Static).content)
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, RecordsScreen)
        expected = records_behind(demo, "deals_won", W47)
        assert expected, "the demo week has deals won"
        rows = lines(dialog.query_one(PagedList))[1 : len(expected) + 1]
        assert [r.title in row for r, row in zip(expected, rows, strict=True)] == [True] * len(
            expected
        )
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ProspectScreen)
        assert app.screen.prospect_id == expected[0].prospect_id
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is dialog
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_export_writes_asks_before_overwriting_and_refuses_the_database(app, demo, tmp_path):
    target = tmp_path / "week.json"
    async with app.run_test(size=SIZE) as pilot:
        await open_review(app, pilot)
        await pilot.press("x")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        path = dialog.query_one("#export-path", Input)
        assert path.value == "./review-2026-W47.md"
        dialog.query_one("#export-format", Select).value = "json"
        await pilot.pause()
        assert path.value == "./review-2026-W47.json"
        path.value = str(demo.path)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog
        assert "is the database" in str(dialog.query_one("#export-error", Static).content)
        path.value = str(target)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert json.loads(target.read_text())["reviews"][0]["week"] == "2026-W47"

        target.write_text("keep me")
        await pilot.press("x")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#export-path", Input).value = str(target)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is dialog and target.read_text() == "keep me"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert target.read_text().startswith("# Progress review")  # the dialog's default: md


async def test_a_reflection_of_several_lines_shows_them_and_keeps_its_breaks(app, demo):
    from dualrole.core.models import ReflectionIn
    from dualrole.review import save_reflection

    save_reflection(demo, "2026-W47", ReflectionIn(went_well="one\ntwo\r\nthree", focus_next="x"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(app, pilot)
        field = screen.query_one("#reflection-went_well", TextArea)
        assert field.text == "one\ntwo\nthree" and field.size.height >= 3  # one line each
        assert not screen.unsaved_input()  # shown is not typed: quitting does not ask
        field.focus()
        field.move_cursor(field.document.end)
        await pilot.press(*" four", "enter", *"five")  # enter starts a line, never saves
        await pilot.pause()
        assert get_reflection(demo, "2026-W47").went_well == "one\ntwo\r\nthree"
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert get_reflection(demo, "2026-W47").went_well == "one\ntwo\nthree four\nfive"


async def test_typed_reflection_survives_escape_and_is_exported(app, demo, tmp_path):
    """Issue 24: Enter saved and later text was glued on; escape then x exported without
    what was typed. Two lines typed, escape, x: the file and the database hold both."""
    target = tmp_path / "week.md"
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_review(app, pilot)
        field = screen.query_one("#reflection-went_well", TextArea)
        field.focus()
        field.load_text("")
        await pilot.press(*"Fair went well", "enter", *"two demos booked")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(screen.focused, TextArea)
        assert field.text == "Fair went well\ntwo demos booked"  # kept, not lost
        await pilot.press("x")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        dialog.query_one("#export-path", Input).value = str(target)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert get_reflection(demo, "2026-W47").went_well == "Fair went well\ntwo demos booked"
    exported = target.read_text()
    assert "Fair went well" in exported and "two demos booked" in exported

"""The review screen: both sides shown, week navigation, the reflection saved in place."""

from __future__ import annotations

from textual.widgets import Input, Label, Static

from dualrole.review import get_reflection


async def test_review_shows_both_sides_and_moves_between_weeks(app, demo):
    async with app.run_test(size=(160, 60)) as pilot:
        await pilot.press("w")
        await pilot.pause()
        screen = app.screen
        assert str(screen.query_one("#review-week", Label).content).startswith("2026-W47")
        marketing = str(screen.query_one("#review-marketing", Static).content)
        sales = str(screen.query_one("#review-sales", Static).content)
        assert marketing.startswith("Marketing ") and "research notes" in marketing
        assert sales.startswith("Sales ") and "interactions" in sales
        await pilot.press("[")
        await pilot.pause()
        assert str(screen.query_one("#review-week", Label).content).startswith("2026-W46")
        await pilot.press(".")
        await pilot.pause()
        assert str(screen.query_one("#review-week", Label).content).startswith("2026-W47")


async def test_reflection_is_saved_in_place(app, demo):
    async with app.run_test(size=(160, 60)) as pilot:
        await pilot.press("w")
        await pilot.pause()
        field = app.screen.query_one("#reflection-went_well", Input)
        field.focus()
        field.value = "[b]Fair[/b] went well"
        await pilot.press("enter")
        await pilot.pause()
        assert get_reflection(demo, "2026-W47").went_well == "[b]Fair[/b] went well"

"""The top bar shows a focus session as soon as it starts or stops (a reactive, no polling)."""

from __future__ import annotations

from dualrole.tui.widgets.topbar import TopBar


def bar_text(app) -> str:
    bar = app.screen.query_one(TopBar)
    return "".join(segment.text for segment in bar.render_line(0))


async def test_focus_session_shows_and_goes_at_once(app):
    async with app.run_test(size=(120, 30)) as pilot:
        assert "focus" not in bar_text(app)
        await pilot.press("S")
        await pilot.pause()
        assert "sales focus 0:00" in bar_text(app)
        await pilot.press("s")  # another area's bar knows it too
        await pilot.pause()
        assert "sales focus" in bar_text(app)
        await pilot.press("S")
        await pilot.pause()
        assert "focus" not in bar_text(app)

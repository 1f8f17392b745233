"""The key bar draws its line from segments, and again only when its keys, width or styles
change (it is repainted at every screen switch)."""

from dualrole.tui.app import DualroleApp
from dualrole.tui.widgets.keybar import KeyBar


async def test_the_key_bar_is_drawn_again_only_when_its_line_changes(demo):
    app = DualroleApp(demo)
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)

        def shown() -> str:
            return "".join(segment.text for segment in bar.render_line(0))

        assert shown() == str(bar.render())
        assert "t Today" in shown() and shown().rstrip().endswith("palette")
        line = bar.render_line(0)
        bar.refresh()  # as at a screen switch
        await pilot.pause()
        assert bar.render_line(0) is line  # kept, not drawn again

        await pilot.resize_terminal(90, 32)
        await pilot.pause()
        assert bar.render_line(0) is not line
        assert len(shown()) == 90 and shown() == str(bar.render())

        line = bar.render_line(0)
        app.theme = "textual-light"
        await pilot.pause()
        assert bar.render_line(0) is not line  # new colours
        key_style = bar.get_component_rich_style("keybar--key")
        assert any(segment.style == key_style for segment in bar.render_line(0))

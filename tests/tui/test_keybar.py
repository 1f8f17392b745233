"""The key bar draws its line from segments, and again only when its keys, width or styles
change (it is repainted at every screen switch)."""

from dualrole.tui.app import DualroleApp
from dualrole.tui.widgets.keybar import KeyBar


async def test_the_key_bar_is_drawn_again_only_when_its_line_changes(demo, monkeypatch):
    app = DualroleApp(demo)
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        drawn: list[int] = []
        text = KeyBar._text

        def counted(self: KeyBar, *args: object) -> object:
            if self is bar:  # not the bars of the areas built meanwhile, unseen
                drawn.append(args[-1])  # the width
            return text(self, *args)

        monkeypatch.setattr(KeyBar, "_text", counted)

        def shown() -> str:
            return "".join(segment.text for segment in bar.render_line(0))

        assert shown() == str(bar.render())
        assert "t Today" in shown() and shown().rstrip().endswith("palette")
        drawn.clear()
        bar.refresh()  # as at a screen switch
        await pilot.pause()
        assert drawn == []

        await pilot.resize_terminal(90, 32)
        await pilot.pause()
        assert drawn and drawn[0] == 90
        assert len(shown()) == 90 and shown() == str(bar.render())

        drawn.clear()
        app.theme = "textual-light"
        await pilot.pause()
        assert drawn  # new colours
        key_style = bar.get_component_rich_style("keybar--key")
        assert any(segment.style == key_style for segment in bar.render_line(0))

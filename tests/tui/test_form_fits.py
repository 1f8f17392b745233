"""A long form (the prospect's) keeps its error line and its buttons on screen."""

from __future__ import annotations

import pytest

from dualrole.tui.dialogs.forms import Field, FormScreen


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_prospect_form_error_and_buttons_are_visible(app, size):
    async with app.run_test(size=size) as pilot:
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormScreen)
        form.show_errors({"": "This prospect was changed elsewhere; reopen it."})
        await pilot.pause()
        width, height = size
        for selector in ("#form-error", "#form-save", "#form-cancel"):
            region = form.query_one(selector).region
            assert region.height >= 1, selector
            assert region.y >= 0 and region.bottom <= height, (selector, region, size)
            assert region.right <= width, (selector, region, size)
        fields = form.query_one("#form-fields")
        assert fields.region.bottom <= form.query_one("#form-error").region.y
        last = form.query_one(f"#field-{form.fields[-1].name}")
        fields.scroll_to_widget(last, animate=False)
        await pilot.pause()
        assert fields.region.contains_region(last.region), "the last field can be reached"


async def test_a_short_form_is_not_stretched(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(
            FormScreen("Two fields", [Field("a", "A"), Field("b", "B")], None, dict)
        )
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormScreen)
        box = form.query_one("#form-box")
        fields = form.query_one("#form-fields")
        assert box.region.height < 40
        for field in form.fields:
            assert fields.region.contains_region(form.query_one(f"#field-{field.name}").region)

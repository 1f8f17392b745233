"""The prospect form picks a company (issue 27's leftover): typing the start of a company's
name in the Company field suggests it (any case), ``right`` accepts it in the company's own
spelling, and the saved prospect is linked to that company, no second one made; a new name
still makes a new company."""

from __future__ import annotations

from textual.widgets import Input

from dualrole.core.models import ProspectIn
from dualrole.services import companies, sales
from dualrole.storage.db import Store
from dualrole.tui.dialogs.forms import FormScreen

SIZE = (100, 32)


def _count(store: Store) -> int:
    return int(store.scalar("SELECT count(*) FROM companies"))


def shown(field: Input) -> str:
    """The field's line as painted (the suggestion's rest included)."""
    return "".join(segment.text for segment in field.render_line(0)).rstrip()


async def _new_prospect(pilot, app, wait_until, name: str, company: str) -> Input:
    await pilot.press("s", "n")
    await wait_until(pilot, lambda: isinstance(app.screen, FormScreen))
    await pilot.press(*name, "tab", *company)
    field = app.screen.query_one("#field-company", Input)
    await wait_until(pilot, lambda: field.value == company)
    return field


async def test_a_typed_prefix_suggests_the_company_and_right_picks_it(app, demo, wait_until):
    sales.create_prospect(demo, ProspectIn(name="Ida Vogel", company="Quillfeather Studio"))
    sales.create_prospect(demo, ProspectIn(name="Oskar Berg", company="Quillmore"))
    existing = companies.names_starting(demo, "quillfeather")[0][0]
    before = _count(demo)
    async with app.run_test(size=SIZE) as pilot:
        field = await _new_prospect(pilot, app, wait_until, "Jon Hale", "quillf")
        await wait_until(pilot, lambda: "quillfeather Studio" in shown(field))
        await pilot.press("right")
        assert field.value == "Quillfeather Studio"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, FormScreen))
    jon = demo.scalar("SELECT company_id FROM prospects WHERE name = 'Jon Hale'")
    assert jon == existing and _count(demo) == before
    assert demo.scalar("SELECT company FROM prospects WHERE name = 'Jon Hale'") == (
        "Quillfeather Studio"
    )


async def test_a_name_no_company_has_makes_a_new_company(app, demo, wait_until):
    before = _count(demo)
    async with app.run_test(size=SIZE) as pilot:
        field = await _new_prospect(pilot, app, wait_until, "Jon Hale", "Zzyzx Works")
        await pilot.pause()
        assert shown(field).strip() == "Zzyzx Works"  # nothing suggested
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, FormScreen))
    assert _count(demo) == before + 1
    assert companies.names_starting(demo, "zzyzx")[0][1] == "Zzyzx Works"

"""A company is a record like the others (issue 27's leftover): the palette finds it by the
start of its name, whatever the case, and opens its page through ``OpenRecord``; the
prospect page's ``C`` opens it the same way."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import OptionList

from dualrole.core.enums import RecordKind
from dualrole.core.models import ProspectIn
from dualrole.services import companies, sales
from dualrole.tui.areas.sales.company import CompanyScreen
from dualrole.tui.areas.sales.prospect import ProspectScreen
from dualrole.tui.navigation import OpenRecord

SIZE = (100, 32)


def highlighted(app) -> str:
    """The palette's highlighted hit, as shown ("" when the palette is not open)."""
    if not isinstance(app.screen, CommandPalette):
        return ""
    options = app.screen.query_one(OptionList)
    if options.highlighted is None:
        return ""
    return str(options.get_option_at_index(options.highlighted).prompt)


async def test_the_palette_finds_a_company_and_opens_its_page(app, demo, wait_until):
    person = sales.create_prospect(demo, ProspectIn(name="Ida Vogel", company="Zephyrine Works"))
    company_id = companies.company_of(demo, person.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"zephyr")
        await wait_until(pilot, lambda: "Zephyrine Works" in highlighted(app))
        assert highlighted(app).startswith("sales: company · Zephyrine Works")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CompanyScreen))
        assert isinstance(app.screen, CompanyScreen) and app.screen.company_id == company_id
        assert app.current_mode == "sales"  # opened in its area: escape leads back to Sales
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, CompanyScreen))


async def test_the_prospect_pages_c_opens_the_company_through_open_record(app, demo, wait_until):
    person = sales.create_prospect(demo, ProspectIn(name="Ida Vogel", company="Zephyrine Works"))
    opened: list[tuple[RecordKind, int]] = []

    def seen(message: object) -> None:
        if isinstance(message, OpenRecord):
            opened.append((message.kind, message.record_id))

    async with app.run_test(size=SIZE, message_hook=seen) as pilot:
        app.post_message(OpenRecord(RecordKind.prospect, person.id))
        await wait_until(pilot, lambda: isinstance(app.screen, ProspectScreen))
        await pilot.press("C")
        await wait_until(pilot, lambda: isinstance(app.screen, CompanyScreen))
    company_id = companies.company_of(demo, person.id)
    assert opened == [(RecordKind.prospect, person.id), (RecordKind.company, company_id)]

"""The prospect page lists a person's deals and adds one (``D``, the deal form); the company
page (``C``) shows its people, deals, history and revenue (issue 27)."""

from __future__ import annotations

from textual.widgets import Input, Static

from dualrole.core.enums import RecordKind
from dualrole.core.models import DealIn, ProspectIn, Stage
from dualrole.services import deals, sales
from dualrole.tui.areas.sales.company import CompanyScreen
from dualrole.tui.areas.sales.prospect import ProspectScreen
from dualrole.tui.dialogs.forms import FormScreen
from dualrole.tui.navigation import OpenRecord
from dualrole.tui.widgets.paged_list import PagedList

SMALL = (80, 24)


def shown(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


async def test_a_second_deal_from_the_prospect_page_and_the_company_page(app, demo, wait_until):
    ada = sales.create_prospect(demo, ProspectIn(name="Ada Again", company="Quill Works"))
    sales.move_stage(demo, ada.id, Stage.won)
    sales.create_prospect(demo, ProspectIn(name="Ben Colleague", company="QUILL WORKS"))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("s")
        await pilot.pause()
        app.post_message(OpenRecord(RecordKind.prospect, ada.id))
        await wait_until(pilot, lambda: isinstance(app.screen, ProspectScreen))
        await wait_until(pilot, lambda: "First deal" in shown(app.screen, "#prospect-deals"))
        await pilot.press("D")
        await wait_until(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        form.query_one("#field-title", Input).focus()
        await pilot.press(*"Upgrade")
        form.query_one("#field-value", Input).focus()
        await pilot.press(*"lots")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # bad input: said beside the field, nothing stored
        assert str(form.query_one("#error-value", Static).content)
        assert len(deals.deals_for(demo, ada.id)) == 1
        value = form.query_one("#field-value", Input)
        value.value = ""
        value.focus()
        await pilot.press(*"2,400")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ProspectScreen))
        [upgrade] = deals.deals_for(demo, ada.id, open_only=True)
        assert (upgrade.title, upgrade.value_minor, upgrade.source) == ("Upgrade", 240000, None)
        await wait_until(pilot, lambda: "Upgrade" in shown(app.screen, "#prospect-deals"))
        listed = shown(app.screen, "#prospect-deals")
        assert listed.index(upgrade.ref) < listed.index("First deal")  # open deals first
        await pilot.press("C")
        await wait_until(pilot, lambda: isinstance(app.screen, CompanyScreen))
        await wait_until(pilot, lambda: "Quill Works" in shown(app.screen, "#company-head"))
        head = shown(app.screen, "#company-head")
        assert "2 people · 3 deals" in head and "open €2,400" in head
        people = app.screen.query_one("#company-people", PagedList)
        await wait_until(pilot, lambda: people.row is not None)
        assert "Upgrade · Ada Again" in shown(app.screen, "#company-deals")
        page = app.screen
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, FormScreen))
        app.screen.query_one("#field-website", Input).focus()
        await pilot.press(*"quill.example")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is page)
        await wait_until(pilot, lambda: "quill.example" in shown(page, "#company-head"))
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ProspectScreen))


async def test_the_stage_form_asks_which_of_several_open_deals(app, demo, wait_until):
    from textual.widgets import Select

    ada = sales.create_prospect(demo, ProspectIn(name="Ada Twice", value="100"))
    second = deals.create_deal(demo, ada.id, DealIn(title="Second", value="50"))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("s")
        await pilot.pause()
        app.post_message(OpenRecord(RecordKind.prospect, ada.id))
        await wait_until(pilot, lambda: isinstance(app.screen, ProspectScreen))
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        assert form.query_one("#field-deal", Select).value == second.id  # the newest first
        form.query_one("#field-stage", Select).value = "won"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: deals.get_deal(demo, second.id).stage == Stage.won)
        first = deals.first_deal_id(demo, ada.id)
        assert first is not None and deals.get_deal(demo, first).stage == Stage.lead
        assert deals.get_deal(demo, second.id).value_minor == 5000  # blank: unchanged

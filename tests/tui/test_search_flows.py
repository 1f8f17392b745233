"""``/`` on the Sales list and the command palette find what ``dualrole find`` finds (issue 24).

Real keys: the list filter folds accents and case, finds any word of a name and lists name
matches before tags; the palette finds Renée typed as "renee".
"""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import OptionList

from dualrole.core.models import InteractionIn, ProspectIn
from dualrole.services import sales
from dualrole.services.resolve import find_prospects
from dualrole.services.search import fold
from dualrole.tui.areas.sales.prospect import ProspectScreen
from dualrole.tui.areas.sales.screen import SalesScreen
from dualrole.tui.widgets.paged_list import PagedList

SIZE = (100, 32)


async def search(pilot, text: str) -> PagedList:
    await pilot.press("s")
    await pilot.pause()
    assert isinstance(pilot.app.screen, SalesScreen)
    prospects = pilot.app.screen.query_one("#prospects", PagedList)
    await pilot.press("slash", *text)
    await pilot.pause()
    return prospects


def palette_offers(app, text: str) -> bool:
    """The command palette is open and its highlighted hit mentions ``text``."""
    if not isinstance(app.screen, CommandPalette):
        return False
    highlighted = app.screen.query_one(OptionList).highlighted
    if highlighted is None:
        return False
    return text in str(app.screen.query_one(OptionList).get_option_at_index(highlighted).prompt)


def shown(prospects: PagedList, lines) -> list[str]:
    return [line for line in lines(prospects)[1:] if line.strip()]


async def test_the_sales_filter_folds_accents_and_finds_any_word(app, demo, lines, wait_until):
    sales.create_prospect(demo, ProspectIn(name="José García", company="Cafetería Sol"))
    async with app.run_test(size=SIZE) as pilot:
        prospects = await search(pilot, "garcia")
        await wait_until(pilot, lambda: prospects.row_count == 1)
        assert shown(prospects, lines)[0].startswith("José García")
        await pilot.press(*["backspace"] * 6, *"JOSE")
        await wait_until(pilot, lambda: prospects.row_count == 1)
        assert shown(prospects, lines)[0].startswith("José García")
        await pilot.press("enter", "enter")  # keep the filter, open the prospect
        await wait_until(pilot, lambda: isinstance(app.screen, ProspectScreen))
        chosen = demo.scalar("SELECT name FROM prospects WHERE id = ?", (app.screen.prospect_id,))
        assert chosen == "José García"


async def test_the_sales_filter_lists_names_before_tags(app, demo, lines, wait_until):
    sales.create_prospect(demo, ProspectIn(name="Zoe Becker"))
    matching = [
        row["name"]
        for row in demo.query("SELECT name FROM prospects WHERE deleted_at IS NULL")
        if any(word.startswith("be") for word in fold(row["name"]).split())
    ]
    names, count = set(matching), len(matching)
    async with app.run_test(size=SIZE) as pilot:
        prospects = await search(pilot, "be")
        await wait_until(pilot, lambda: prospects.row_count > count)  # + those tagged berlin
        rows = shown(prospects, lines)
        top = rows[:count]
        assert all(any(row.startswith(name) for name in names) for row in top), top
        assert any(row.startswith("Zoe Becker") for row in top)
        assert not any(row.startswith(name) for row in rows[count:] for name in names)
    # The command line's find lists the same names first.
    assert sorted(c.name for c in find_prospects(demo, "be", limit=count)) == sorted(matching)


async def test_the_palette_finds_renee_typed_without_the_accent(app, demo, wait_until):
    target = sales.create_prospect(demo, ProspectIn(name="Renée Quenneville"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"renee")
        await wait_until(pilot, lambda: palette_offers(app, "Renée Quenneville"))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ProspectScreen))
        assert app.screen.prospect_id == target.id


async def test_the_sales_filter_finds_a_word_only_in_a_logged_call(app, demo, lines, wait_until):
    kim = sales.create_prospect(demo, ProspectIn(name="Kim Ortiz"))
    data = InteractionIn(prospect_id=kim.id, summary="Call", outcome="asked for the quokka plan")
    sales.log_interaction(demo, data)
    assert [c.name for c in find_prospects(demo, "quokka")] == ["Kim Ortiz"]  # as the CLI
    async with app.run_test(size=SIZE) as pilot:
        prospects = await search(pilot, "quokka")
        await wait_until(pilot, lambda: prospects.row_count == 1)
        assert shown(prospects, lines)[0].startswith("Kim Ortiz")

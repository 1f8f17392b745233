"""Issue 28: the settings form (``,`` and the palette), the person's config in the app: a
broken file is said and ignored, a remapped key and the vim preset work, the theme picked
survives a restart."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette
from textual.widgets import Input, OptionList, Select, Static

from dualrole.config import load_config
from dualrole.services.settings import get_setting
from dualrole.storage.db import Store
from dualrole.tui.app import DualroleApp
from dualrole.tui.areas.sales.screen import SalesScreen
from dualrole.tui.dialogs.help import screen_keys
from dualrole.tui.dialogs.settings import SettingsScreen
from dualrole.tui.widgets.paged_list import PagedList

SIZE = (100, 34)


def config_file(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "config"  # tests/conftest.py points DUALROLE_CONFIG_DIR here
    folder.mkdir(exist_ok=True)
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def palette_offers(app, text: str) -> bool:
    """The command palette is open and its highlighted hit mentions ``text``."""
    if not isinstance(app.screen, CommandPalette):
        return False
    options = app.screen.query_one(OptionList)
    highlighted = options.highlighted
    return highlighted is not None and text in str(options.get_option_at_index(highlighted).prompt)


def toasts(app: DualroleApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_comma_opens_the_settings_and_saves_them(app, demo: Store, wait_until):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("comma")
        await wait_until(pilot, lambda: isinstance(app.screen, SettingsScreen))
        form = app.screen
        idle = form.query_one("#field-idle_days", Input)
        assert idle.value == "14"
        idle.value = "abc"
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = str(form.query_one("#error-idle_days", Static).content)
        assert "must be a whole number of days from 1 to 365, not 'abc'." in error
        assert isinstance(app.screen, SettingsScreen)  # stays open, nothing saved
        assert get_setting(demo, "idle_days") == 14
        idle.value = "21"
        form.query_one("#field-currency", Input).value = "usd"
        form.query_one("#field-date_style", Select).value = "iso"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, SettingsScreen))
        assert get_setting(demo, "idle_days") == 21
        assert get_setting(demo, "currency") == "USD"
        assert get_setting(demo, "date_style") == "iso"
        await wait_until(pilot, lambda: any("nothing was converted" in t for t in toasts(app)))


async def test_settings_are_in_the_palette_and_in_help(app, wait_until):
    async with app.run_test(size=SIZE) as pilot:
        anywhere = dict(screen_keys(app, app.screen))["Anywhere"]
        assert ("comma", "Settings — The workspace's currency, week, idle days…") in [
            (keys.replace(",", "comma"), text) for keys, text in anywhere
        ] or any(text.startswith("Settings") for _, text in anywhere)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"anywhere: settings")
        await wait_until(pilot, lambda: palette_offers(app, "anywhere: Settings"))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SettingsScreen))


async def test_a_broken_config_is_said_and_the_app_opens(demo, tmp_path, wait_until):
    path = config_file(tmp_path, 'theme = "dualrole"\n[keys\n"go.sales" = "x"\n')
    app = DualroleApp(demo, load_config())
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: toasts(app))
        assert toasts(app) == [
            f"{path} line 2 is not valid TOML (Expected ']' at the end of a table "
            "declaration); the whole file is ignored and the defaults are used."
        ]
        await pilot.press("s")  # the default keys work
        await wait_until(pilot, lambda: isinstance(app.screen, SalesScreen))


async def test_an_unknown_theme_is_said_and_dualrole_used(demo, tmp_path, wait_until):
    path = config_file(tmp_path, 'theme = "no-such"\n')
    app = DualroleApp(demo, load_config())
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: toasts(app))
        assert toasts(app)[0].startswith(f"{path} line 1: there is no theme named 'no-such'")
        assert app.theme == "dualrole"


async def test_a_remapped_key_works_and_help_shows_it(demo, tmp_path, wait_until):
    config_file(tmp_path, '[keys]\n"go.sales" = "x"\n')
    app = DualroleApp(demo, load_config())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, SalesScreen))
        anywhere = dict(screen_keys(app, app.screen))["Anywhere"]
        assert ("x", "Sales") in anywhere  # help lists the key the person chose


async def test_a_key_taken_from_another_binding_is_said_once_and_undone(demo, tmp_path, wait_until):
    config_file(tmp_path, '[keys]\n"go.sales" = "t"\n')  # t is Today's
    app = DualroleApp(demo, load_config())
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: any("bound twice" in t for t in toasts(app)))
        assert toasts(app) == [
            f"{tmp_path / 'config' / 'config.toml'} line 2: 't' is bound twice (go.sales and "
            "go.today); both keep their default keys."
        ]
        await pilot.press("m")
        await pilot.press("t")
        await wait_until(pilot, lambda: app.current_mode == "today")
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, SalesScreen))
        assert sum("bound twice" in t for t in toasts(app)) == 1


async def test_the_vim_preset_jumps_to_the_last_row(demo, tmp_path, wait_until):
    config_file(tmp_path, 'keymap = "vim"\n')
    app = DualroleApp(demo, load_config())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, SalesScreen))
        rows = app.screen.query_one(PagedList)
        await wait_until(pilot, lambda: rows.row_count > 5)
        rows.focus()
        await pilot.press("G")
        await wait_until(pilot, lambda: rows.cursor == rows.row_count - 1)
        await pilot.press("ctrl+u")
        await wait_until(pilot, lambda: rows.cursor < rows.row_count - 1)


async def test_the_theme_picked_survives_a_restart(demo, tmp_path, wait_until):
    path = config_file(tmp_path, '# my settings\n[keys]\n"go.sales" = "x"\n')
    app = DualroleApp(demo, load_config())
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "dualrole-okabe-ito"  # what the palette's "Change theme" does
        await wait_until(pilot, lambda: "okabe" in path.read_text())
    assert (
        path.read_text()
        == 'theme = "dualrole-okabe-ito"\n# my settings\n[keys]\n"go.sales" = "x"\n'
    )
    again = DualroleApp(demo, load_config())
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.theme == "dualrole-okabe-ito"
        assert again.get_css_variables()["marketing"] == "#56b4e9"


async def test_the_defaults_write_nothing(app, tmp_path, wait_until):
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "nord"
        await pilot.pause()
    assert not (tmp_path / "config" / "config.toml").exists()


async def test_totals_that_add_other_currencies_say_so(app, demo, wait_until):
    """Issue 28: after a change of currency the demo's deals keep their euros; Today's open
    pipeline and the board's totals add them up as they are and say so."""
    from dualrole.services.settings import change_settings

    change_settings(demo, {"currency": "USD"})
    async with app.run_test(size=(120, 40)) as pilot:
        line = app.screen.query_one("#today-pipeline", Static)
        await wait_until(pilot, lambda: "open " in str(line.content))
        assert str(line.content).endswith("(adds EUR as USD)")
        await pilot.press("s", "2")
        note = app.screen.query_one("#pipeline-currencies", Static)
        await wait_until(pilot, lambda: note.display)
        assert str(note.content) == (
            "Deal totals add amounts in other currencies (EUR) as if in USD; nothing is converted."
        )


async def test_one_currency_needs_no_word(app, wait_until):
    async with app.run_test(size=(120, 40)) as pilot:
        line = app.screen.query_one("#today-pipeline", Static)
        await wait_until(pilot, lambda: "open " in str(line.content))
        assert "adds" not in str(line.content)
        await pilot.press("s", "2")
        await pilot.pause()
        assert not app.screen.query_one("#pipeline-currencies", Static).display


async def test_an_unknown_binding_id_is_said_and_the_rest_applied(demo, tmp_path, wait_until):
    path = config_file(tmp_path, '[keys]\n"insights.bye" = "y"\n"go.sales" = "x"\n')
    app = DualroleApp(demo, load_config())
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: toasts(app))
        assert toasts(app) == [
            f"{path} line 2: no key has the id 'insights.bye' (the manual's “Settings and "
            "config” page lists them); it is ignored."
        ]
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, SalesScreen))


async def test_the_review_says_when_revenue_mixes_currencies(app, demo, wait_until):
    from dualrole.services.settings import change_settings

    change_settings(demo, {"currency": "USD"})
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("w")
        reasons = app.screen.query_one("#reasons-sales", Static)
        await wait_until(pilot, lambda: "nothing is converted" in str(reasons.content))
        assert "as if in USD; nothing is converted." in str(reasons.content)

"""Issue 28: the workspace's settings (set from the command line, one sentence for a bad
value, nothing half-changed) and the person's config file (never stops a command)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from dualrole.cli.main import cli
from dualrole.config import load_config, save_theme
from dualrole.core.dates.when import format_day, next_week_start, use_date_style
from dualrole.services.settings import (
    SETTINGS,
    SettingError,
    change_settings,
    get_setting,
    list_settings,
    mixed_currency_note,
    read_setting,
)
from dualrole.storage.db import open_store


def invoke(path: Path, *args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, ["--db", str(path), *args], env=env)


@pytest.fixture
def work(tmp_path: Path) -> Path:
    path = tmp_path / "work.db"
    with open_store(path):
        pass
    return path


# --- workspace settings -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [
        ("currency", "usd", "USD"),
        ("currency", "JPY", "JPY"),
        ("business_name", "  Costa   Consulting ", "Costa Consulting"),
        ("week_start", "Sunday", "sun"),
        ("business_days", "sun-thu", ["mon", "tue", "wed", "thu", "sun"]),
        ("business_days", "mon, wed,fri", ["mon", "wed", "fri"]),
        ("idle_days", "21", 21),
        ("keep_in_touch_days", "0", 0),
        ("target_split_marketing", "30/70", 30),
        ("target_split_marketing", "55%", 55),
        ("date_style", "ISO", "iso"),
    ],
)
def test_a_typed_value_reads_as_the_setting_means(key, text, value):
    assert read_setting(key, text) == value


@pytest.mark.parametrize(
    ("key", "text", "sentence"),
    [
        ("currency", "EURO", "currency must be a three-letter ISO 4217 currency code"),
        ("currency", "XYZ", "currency must be a three-letter ISO 4217 currency code"),
        ("idle_days", "abc", "idle_days must be a whole number of days from 1 to 365"),
        ("idle_days", "0", "idle_days must be a whole number of days from 1 to 365"),
        ("week_start", "someday", "week_start must be a weekday such as mon or sun"),
        ("business_days", "mon-funday", "business_days must be weekdays such as mon-fri"),
        ("target_split_marketing", "30/60", "target_split_marketing must add up to 100"),
        ("date_style", "roman", "date_style must be one of day-month, month-day, iso"),
        ("business_name", "x" * 81, "business_name must be at most 80 characters"),
        ("colour", "blue", "colour is not a setting; the settings are currency"),
    ],
)
def test_a_bad_value_is_one_sentence(key, text, sentence):
    with pytest.raises(SettingError) as caught:
        read_setting(key, text)
    message = caught.value.sentence()
    assert message.startswith(sentence)
    assert message.endswith(".") and "\n" not in message and "Input should" not in message


@given(key=st.sampled_from(list(SETTINGS)), text=st.text(max_size=30))
def test_any_text_is_a_value_or_one_sentence(key, text):
    try:
        read_setting(key, text)
    except SettingError as exc:
        assert exc.sentence().startswith(key) and exc.sentence().endswith(".")


def test_a_bad_value_changes_nothing_not_even_the_good_ones(store):
    with pytest.raises(SettingError):
        change_settings(store, {"idle_days": "30", "currency": "nope"})
    assert get_setting(store, "idle_days") == 14
    assert get_setting(store, "currency") == "EUR"


def test_changing_the_currency_converts_nothing_and_says_so(demo_store):
    before = demo_store.query("SELECT id, value_minor, currency FROM prospects ORDER BY id")
    notes = change_settings(demo_store, {"currency": "USD"})
    after = demo_store.query("SELECT id, value_minor, currency FROM prospects ORDER BY id")
    assert [tuple(r) for r in before] == [tuple(r) for r in after]
    assert notes[0].startswith("Currency is now USD; nothing was converted; ")
    assert "deals keep their own currency" in notes[0]
    assert mixed_currency_note(demo_store).startswith(
        "Deal totals add amounts in other currencies ("
    )


def test_week_start_moves_z_week(store):
    thursday = dt.date(2026, 11, 19)
    weekdays = frozenset(range(5))
    assert next_week_start(thursday, weekdays).isoformat() == "2026-11-23"  # Monday
    # A week from Sunday, working Sunday to Thursday: next week starts Sunday the 22nd.
    assert next_week_start(thursday, {6, 0, 1, 2, 3}, first=6).isoformat() == "2026-11-22"


def test_date_style_changes_how_days_read():
    day = dt.date(2026, 12, 1)
    try:
        use_date_style("month-day")
        assert format_day(day) == "Tue Dec 1, 2026"
        use_date_style("iso")
        assert format_day(day) == "Tue 2026-12-01"
    finally:
        use_date_style("day-month")
    assert format_day(day) == "Tue 1 Dec 2026"


def test_settings_from_the_command_line(work):
    result = invoke(work, "settings", "set", "idle-days", "abc")
    assert result.exit_code == 1
    assert result.output == (
        "Error: idle_days must be a whole number of days from 1 to 365, not 'abc'.\n"
    )
    result = invoke(work, "settings", "set", "currency", "jpy")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("currency is now JPY.\nCurrency is now JPY; nothing")
    listed = invoke(work, "settings").output
    assert "currency                JPY  (set)" in listed
    with open_store(work) as store:
        assert {row.key: row.text for row in list_settings(store)}["currency"] == "JPY"


def test_a_new_prospect_takes_the_keep_in_touch_default(work):
    assert invoke(work, "settings", "set", "keep_in_touch_days", "30").exit_code == 0
    assert invoke(work, "add", "Ada Lovelace").exit_code == 0
    with open_store(work) as store:
        assert store.scalar("SELECT keep_in_touch_days FROM prospects") == 30


# --- the person's config file -------------------------------------------------------------


def config_file(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "config"  # tests/conftest.py points DUALROLE_CONFIG_DIR here
    folder.mkdir(exist_ok=True)
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_config_file_is_read_with_where_each_value_came_from(tmp_path, monkeypatch):
    path = config_file(
        tmp_path,
        'theme = "dualrole-okabe-ito"\nlocale = "de-DE"\nkeymap = "vim"\n\n[keys]\n'
        '"go.sales" = "S, ctrl+s"\ngo.today = "T"\n',
    )
    monkeypatch.setenv("DUALROLE_LOCALE", "en_GB")
    config = load_config()
    assert config.path == path and config.problems == []
    assert (config.theme, config.locale, config.keymap) == ("dualrole-okabe-ito", "en_GB", "vim")
    assert config.source("theme") == f"{path} line 1"
    assert config.source("locale") == "DUALROLE_LOCALE"
    assert config.bindings()["go.sales"] == "S,ctrl+s"
    assert config.bindings()["go.today"] == "T"  # a dotted bare key is the same id
    assert config.bindings()["list.last"] == "end,G"  # the vim preset
    assert config.sources["keys.go.today"] == f"{path} line 7"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('theme = "x"\nlocale = \n', "line 2 is not valid TOML ("),
        ('theme = "x"\ncolour = "blue"\n', "line 2: 'colour' is not a setting of this file"),
        ("theme = 3\n", 'line 1: theme must be text such as "dualrole"; the default is used.'),
        ('locale = "xx_YY"\n', "line 1: 'xx_YY' is not a locale we know"),
        ('keymap = "emacs"\n', "line 1: keymap must be one of default, vim, not 'emacs'"),
        ('[keys]\n"go.sales" = "x"\n"go.today" = "x"\n', "line 3: 'x' is bound twice"),
        ('[keys]\n"go.sales" = 5\n', "line 2: the keys for go.sales must be text"),
    ],
)
def test_a_broken_config_is_one_sentence_with_file_and_line(tmp_path, text, problem):
    path = config_file(tmp_path, text)
    config = load_config()
    assert len(config.problems) == 1, config.problems
    assert config.problems[0].startswith(str(path))
    assert problem in config.problems[0]
    assert config.bindings().get("go.sales") in (None, "")  # the defaults instead
    assert config.locale == "en_US"


def test_a_broken_config_never_stops_a_command(tmp_path, work):
    config_file(tmp_path, "theme = \n[keys\n")
    result = invoke(work, "today")
    assert result.exit_code == 0, result.output
    assert "config.toml line 1 is not valid TOML" in result.output  # on stderr (mixed here)
    assert "Nothing due" in result.output or "due" in result.output
    shown = invoke(work, "config")
    assert shown.exit_code == 0
    assert "theme = dualrole  (default)" in shown.output


def test_config_path_and_effective_values(tmp_path, work, monkeypatch):
    path = config_file(tmp_path, 'theme = "textual-light"\n')
    monkeypatch.setenv("DUALROLE_KEYMAP", "vim")
    assert invoke(work, "config", "path").output == f"{path}\n"
    shown = invoke(work, "config").output
    assert f"theme = textual-light  ({path} line 1)" in shown
    assert "keymap = vim  (DUALROLE_KEYMAP)" in shown
    assert f"workspace = {work}  (--db)" in shown
    assert "keys.list.last = end,G  (the vim keymap)" in shown


def test_the_config_names_the_default_workspace(tmp_path, work, monkeypatch):
    config_file(tmp_path, f'workspace = "{work}"\n')
    monkeypatch.delenv("DUALROLE_DB")
    result = CliRunner().invoke(cli, ["settings", "set", "idle_days", "9"])
    assert result.exit_code == 0, result.output
    with open_store(work) as store:
        assert get_setting(store, "idle_days") == 9


def test_saving_the_theme_changes_one_line_and_keeps_the_rest(tmp_path):
    path = config_file(tmp_path, '# mine\nlocale = "en_GB"\n\n[keys]\n"go.sales" = "S"\n')
    config = load_config()
    save_theme(config, "nord")
    assert path.read_text() == (
        'theme = "nord"\n# mine\nlocale = "en_GB"\n\n[keys]\n"go.sales" = "S"\n'
    )
    save_theme(load_config(), "gruvbox")
    assert load_config().theme == "gruvbox"
    assert path.read_text().count("theme =") == 1


def test_a_theme_file_is_read_and_a_bad_one_said(tmp_path):
    config_file(tmp_path, "")
    themes = tmp_path / "config" / "themes"
    themes.mkdir()
    (themes / "mine.toml").write_text(
        'primary = "#005f87"\ndark = false\n[variables]\nmarketing = "#0072b2"\n'
    )
    (themes / "broken.toml").write_text("primary = \n")
    config = load_config()
    assert [t.name for t in config.user_themes] == ["mine"]
    assert config.user_themes[0].variables == {"marketing": "#0072b2"}
    assert (
        len(config.problems) == 1
        and "broken.toml could not be read as a theme" in (config.problems[0])
    )


def test_the_review_export_says_when_deal_currencies_are_mixed(demo_store):
    """Issue 28: amounts in other currencies are added up as they are (nothing converted),
    and the review (Markdown, HTML, JSON) says so; with one currency it says nothing."""
    from dualrole.render.html import render_html
    from dualrole.render.markdown import render_markdown
    from dualrole.review.build import build_review

    monday = dt.date(2026, 11, 16)
    plain = build_review(demo_store, monday)
    assert plain.currency_note == ""
    with demo_store.transaction():
        # a deal carries its currency (issue 27): two deals in dollars, not their people
        demo_store.execute(
            "UPDATE deals SET currency = 'USD' WHERE id IN "
            "(SELECT id FROM deals WHERE value_minor IS NOT NULL ORDER BY id LIMIT 2)"
        )
    review = build_review(demo_store, monday)
    assert review.currency_note == (
        "Deal totals add amounts in other currencies (2 in USD) as if in EUR; nothing is converted."
    )
    assert "*Deal totals add amounts in other currencies (2 in USD)" in render_markdown([review])
    assert "Deal totals add amounts in other currencies (2 in USD)" in render_html([review])


def test_config_names_a_binding_id_no_key_has(tmp_path, work):
    path = config_file(tmp_path, '[keys]\n"go.sales" = "x"\n"go.sale" = "y"\n')
    shown = invoke(work, "config")
    assert shown.exit_code == 0
    assert f"{path} line 3: no key has the id 'go.sale' (the manual" in shown.output
    assert "go.sales" in shown.output and "'go.sales'" not in shown.output


def test_insights_say_when_revenue_mixes_currencies(demo_store):
    """Issue 28: Insights' summary (screen, Markdown, HTML) and JSON say when revenue adds
    deals in other currencies; with one currency nothing is added."""
    import json

    from dualrole.insights.build import build_insights
    from dualrole.insights.model import Period
    from dualrole.render.insights import render_json, summary

    period = Period(first=dt.date(2026, 8, 24), last=dt.date(2026, 11, 22))
    assert "nothing is converted" not in summary(build_insights(demo_store, period))
    change_settings(demo_store, {"currency": "GBP"})
    found = build_insights(demo_store, period)
    assert summary(found).endswith(". " + found.currency_note)
    assert found.currency_note.startswith("Deal totals add amounts in other currencies (")
    assert json.loads(render_json(found))["currency_note"] == found.currency_note


def test_config_names_a_key_another_binding_of_the_screen_has(tmp_path, work):
    path = config_file(tmp_path, '[keys]\n"sales.new" = "e"\n')  # e edits, on Sales
    shown = invoke(work, "config")
    assert shown.exit_code == 0
    assert (
        f"{path} line 2: 'e' is bound twice (sales.new and sales.edit); both keep their "
        "default keys." in shown.output
    )

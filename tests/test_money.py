"""One money formatter: half-up rounding, cents when any, the same figure everywhere."""

from __future__ import annotations

from dualrole.core.money import currency_sign, format_money, format_money_short, per, round_minor
from dualrole.review.build import grade
from dualrole.review.model import BY_KEY, show_value


def test_exact_amounts_keep_their_cents():
    assert format_money(45050) == "€450.50"
    assert format_money(35050) == "€350.50"
    assert format_money(15000) == "€150"
    assert format_money(240000, "CHF") == "CHF\xa02,400"  # CLDR: letters apart from digits
    assert format_money(-1250) == "-€12.50"


def test_fractions_round_half_up_never_down_or_to_even():
    assert round_minor(2863.6) == 2864
    assert round_minor(11262.5) == 11263
    assert round_minor(12.5) == 13 and round_minor(-12.5) == -13
    assert format_money(2863.6) == "€28.64"
    assert format_money(per(45050, 4)) == "€112.63"
    assert per(100, 0) is None


def test_short_form_agrees_with_the_exact_one():
    assert format_money_short(240000) == "€2.4k"
    assert format_money_short(15050) == "€150.50"  # below a thousand: the exact figure
    assert format_money_short(124_950_00) == "€125k"
    assert format_money_short(99_996_000) == "€1M"
    assert format_money_short(240000, "CHF") == "CHF\xa02.4k"


def test_review_shows_cost_per_lead_to_the_cent():
    assert show_value(45050, "money") == "€450.50"
    assert show_value(45050 / 4, "money") == "€112.63"


def test_overdue_against_a_zero_limit_is_missed_as_the_readme_says():
    definition = BY_KEY["followups_overdue"]
    assert grade(definition, 1, 0)[:2] == ("missed", 0.0)
    assert grade(definition, 0, 0)[:2] == ("met", 1.0)
    assert grade(definition, 4, 2)[:2] == ("partial", 0.5)  # limit ÷ actual = 2 ÷ 4
    assert grade(definition, 5, 2)[:2] == ("missed", 0.4)


def test_a_heading_names_the_currency_by_its_sign_or_its_code():
    assert [currency_sign(c) for c in ("EUR", "usd", "GBP", "CHF", "")] == [
        "€",
        "$",
        "£",
        "CHF",
        "€",
    ]


def test_costs_per_lead_round_half_up_like_every_amount():
    """Issue 24 (walk): Insights showed €100.62 for €805 over 8 leads (Python's round() is
    half-to-even); the review's cost per lead did the same. Both use money.per."""
    from dualrole.insights.build import _finish
    from dualrole.insights.model import Group
    from dualrole.review.build import _values
    from dualrole.review.data import Figures

    group = _finish(Group(by="channel", key="ads", name="ads", spend_minor=80500, leads=8), [])
    assert group.cost_per_lead_minor == 10063
    figures = Figures(n=1, series={"spend": [80500.0], "leads": [8.0]})
    assert _values(figures)["cost_per_lead"] == [10063]


def test_the_yen_has_no_minor_unit():
    """Issue 28: amounts are hundredths of the main unit whatever the currency; the yen is
    shown without decimals (Babel's precision), rounded half up, never as ¥8,400.50."""
    assert format_money(840000, "JPY") == "¥8,400"
    assert format_money(840050, "JPY") == "¥8,401"
    assert format_money(840000, "JPY", cents=True) == "¥8,400"
    assert format_money_short(240000000, "JPY") == "¥2.4M"
    assert format_money(12345, "BHD", cents=True).endswith("123.450")


def test_amounts_follow_the_chosen_locale():
    """Issue 28: Babel lays amounts out for the person's locale (sign, separators)."""
    from dualrole.core.money import current_locale, use_locale

    before = current_locale()
    try:
        assert use_locale("de-DE") == "de_DE"
        assert format_money(84050) == "840,50\xa0€"
        assert format_money(-840000050) == "-8.400.000,50\xa0€"
        assert format_money_short(240000) == "2,4k\xa0€"
        use_locale("en_GB")
        assert format_money(84050, "USD") == "US$840.50"
        assert currency_sign("USD") == "US$"
    finally:
        use_locale(before)
    assert format_money(84050, "USD") == "$840.50"


def test_an_unknown_locale_is_one_sentence():
    import pytest

    from dualrole.core.money import check_locale

    with pytest.raises(ValueError, match=r"^'xx_YY' is not a locale we know; use .*\.$"):
        check_locale("xx_YY")


LOCALES = ["en_US", "en_GB", "en_IN", "de_DE", "de_CH", "fr_FR", "es_ES", "sv_SE", "ja_JP"]
SIGNED = ["EUR", "USD", "GBP", "JPY", "INR"]  # letters (CHF) get CLDR's spacing: see above


def test_the_layouts_write_what_babel_writes():
    """Issue 28: our layouts (kept between runs) lay amounts out exactly as Babel's own
    format_currency does, for currencies written with a sign, in several locales."""
    from decimal import Decimal

    from babel.numbers import format_currency, get_currency_precision
    from hypothesis import given
    from hypothesis import strategies as st

    from dualrole.core.money import current_locale, use_locale

    @given(
        st.sampled_from(LOCALES),
        st.sampled_from(SIGNED),
        st.integers(min_value=-(10**13), max_value=10**13),
    )
    def same(locale, currency, minor):
        places = get_currency_precision(currency)
        value = (Decimal(minor) / 100).quantize(
            Decimal(1).scaleb(-places), rounding="ROUND_HALF_UP"
        )
        expected = format_currency(value, currency, locale=locale)
        use_locale(locale)
        assert format_money(minor, currency, cents=True) == expected

    before = current_locale()
    try:
        same()
    finally:
        use_locale(before)


def test_kept_layouts_spare_the_start_reading_babel(tmp_path):
    """Issue 28: the app keeps the layouts it read (launch.save_money_layouts); the next
    start formats amounts without importing Babel (~45 ms of CPU before the first frame)."""
    import json
    import subprocess
    import sys

    from dualrole.core.money import remembered_layouts

    format_money(100, "EUR")
    format_money(100, "JPY")
    kept = tmp_path / "layouts.json"
    kept.write_text(json.dumps(remembered_layouts()))
    script = (
        "import json, sys\n"
        "from dualrole.core import money\n"
        f"money.remember_layouts(json.load(open({str(kept)!r})))\n"
        "money.use_locale('en_US')\n"
        "print(money.format_money(84050), money.format_money_short(840000, 'JPY'), "
        "'babel' in sys.modules)\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert shown.stdout == "€840.50 ¥8.4k False\n", shown.stderr


def test_the_app_keeps_its_layouts_in_the_cache_folder(tmp_path, monkeypatch):
    import dualrole.launch as launch

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(launch, "_loaded_layouts", None)
    assert launch.load_money_layouts() == {}
    format_money(100, "GBP")
    launch.save_money_layouts({})
    path, _stamp = launch._layouts_file()
    assert path.parent == tmp_path / "cache" / "dualrole"
    monkeypatch.setattr(launch, "_loaded_layouts", None)
    assert "en_US GBP" in launch.load_money_layouts()
    path.write_text("{not json")
    monkeypatch.setattr(launch, "_loaded_layouts", None)
    assert launch.load_money_layouts() == {}  # a damaged cache: Babel is asked again

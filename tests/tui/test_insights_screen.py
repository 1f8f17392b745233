"""The Insights area: opened with I, computed in a worker, breakdowns, periods, the records
behind a figure, and a lost reason sent to marketing — all by pressing the real keys."""

from __future__ import annotations

import re

from textual.widgets import Label, Static

from dualrole.core.money import format_money
from dualrole.insights import build_insights, default_period
from dualrole.tui.areas.insights.screen import InsightRecordsScreen, InsightsScreen
from dualrole.tui.areas.sales.prospect import ProspectScreen
from dualrole.tui.widgets.paged_list import PagedList

SIZE = (160, 60)


async def settle(app, pilot):
    """Wait for the insights, which the screen computes in a worker thread."""
    await app.workers.wait_for_complete()
    await pilot.pause()


async def open_insights(app, pilot) -> InsightsScreen:
    await pilot.press("I")
    await settle(app, pilot)
    assert isinstance(app.screen, InsightsScreen)
    return app.screen


def shown(screen, lines, section: str) -> str:
    return "\n".join(lines(screen.query_one(f"#insights-{section}", PagedList)))


async def test_insights_open_with_capital_i_and_show_every_section(app, demo, lines):
    expected = build_insights(demo, default_period())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_insights(app, pilot)
        period = str(screen.query_one("#insights-period", Label).content)
        assert period.startswith("Mon 24 Aug 2026 – Sun 22 Nov 2026 · 13 weeks")
        summary = str(screen.query_one("#insights-summary", Static).content)
        assert f"{expected.totals.leads:,} leads" in summary
        groups = shown(screen, lines, "groups")
        assert expected.channels[0].name in groups and "ROI" in groups
        assert "█" in groups  # revenue bars
        assert "Week of" in shown(screen, lines, "weeks")
        funnel = shown(screen, lines, "funnel")
        assert "negotiation" in funnel and "Still there" in funnel
        assert expected.lost_reasons[0].reason in shown(screen, lines, "lost")
        assert "By measured" in shown(screen, lines, "forecast")
        await pilot.press("b")
        assert expected.promotions[0].name in shown(screen, lines, "groups")
        await pilot.press("b")
        assert expected.segments[0].name in shown(screen, lines, "groups")


async def test_periods_move_and_come_back(app, lines):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_insights(app, pilot)
        await pilot.press("[")
        await settle(app, pilot)
        period = str(screen.query_one("#insights-period", Label).content)
        assert period.startswith("Mon 25 May 2026 – Sun 23 Aug 2026")
        assert "Nothing to measure" in shown(screen, lines, "groups")  # before the demo
        await pilot.press(".")
        await settle(app, pilot)
        assert "(the last 13 weeks)" in str(screen.query_one("#insights-period", Label).content)


async def test_enter_lists_the_records_behind_and_opens_one(app, demo):
    expected = build_insights(demo, default_period())
    async with app.run_test(size=SIZE) as pilot:
        await open_insights(app, pilot)
        await pilot.press("enter")  # the first channel's leads
        await pilot.pause()
        records = app.screen
        assert isinstance(records, InsightRecordsScreen)
        listing = records.query_one(PagedList)
        assert listing.row_count == expected.channels[0].leads
        await pilot.press("2")  # the deals won behind the same channel
        await pilot.pause()
        assert listing.row_count == expected.channels[0].won
        assert str(records.query_one("#records-title", Label).content).startswith(
            f"Deals won of {expected.channels[0].name}"
        )
        await pilot.press("3")  # its spend: the results logged
        await pilot.pause()
        assert listing.row_count > 0 and listing.row.kind == "result"
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ProspectScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, InsightRecordsScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, InsightsScreen)


async def test_a_lost_reason_is_sent_to_marketing(app, demo):
    expected = build_insights(demo, default_period())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_insights(app, pilot)
        await pilot.press("F")  # not on a lost reason: says where to go
        await pilot.pause()
        before = demo.scalar("SELECT count(*) FROM research_notes WHERE kind = 'feedback'")
        screen.query_one("#insights-lost", PagedList).focus()
        await pilot.press("F")
        await pilot.pause()
        reason = expected.lost_reasons[0]
        title = demo.scalar(
            "SELECT title FROM research_notes WHERE kind = 'feedback' ORDER BY id DESC LIMIT 1"
        )
        assert title == f"Lost deals: {reason.reason} ({reason.count} in {default_period().label})"
        await pilot.press("F")  # the same reason twice: one note
        await pilot.pause()
        after = demo.scalar("SELECT count(*) FROM research_notes WHERE kind = 'feedback'")
        assert after == before + 1


async def test_insights_are_in_help_and_the_palette(app):
    from dualrole.tui.commands import ACTIONS

    assert ("go: Insights", "insights", None) in ACTIONS
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        keys = dict(app.screen.keys)
        assert keys["I"] == "Insights — Which marketing makes money, across weeks"


async def test_an_empty_workspace_shows_dashes(store, lines):
    from dualrole.tui.app import DualroleApp

    app = DualroleApp(store)  # in memory: computed on the UI thread, no worker
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_insights(app, pilot)
        summary = str(screen.query_one("#insights-summary", Static).content)
        assert "0 leads" in summary and "cost per lead —" in summary and "ROI —" in summary
        assert "Nothing to measure" in shown(screen, lines, "groups")
        assert "Nothing to measure" in shown(screen, lines, "lost")
        await pilot.press("enter")  # on an empty list: nothing opens
        await pilot.pause()
        assert isinstance(app.screen, InsightsScreen)


async def test_the_records_behind_a_figure_show_money_as_money(app, demo, lines):
    """Issue 24: the deals won read ``won · ␟180000␟EUR␟``, the spend ``spend 80.00``."""
    async with app.run_test(size=SIZE) as pilot:
        await open_insights(app, pilot)
        await pilot.press("enter", "2")  # the first channel's deals won
        await pilot.pause()
        listing = app.screen.query_one(PagedList)
        won = "\n".join(lines(listing))
        assert listing.row_count > 0 and "\x1f" not in won and "EUR" not in won
        (value, currency), *_ = demo.query(
            "SELECT value_minor, currency FROM prospects WHERE id = ?",
            (listing.row.prospect_id,),
        )
        assert f"won · {format_money(value, currency)}" in won
        await pilot.press("3")  # its spend: the results logged
        await pilot.pause()
        spend = "\n".join(lines(listing))
        assert listing.row_count > 0 and re.search(r"spend €\d", spend), spend


async def test_insights_fit_at_80_by_24(app, demo, lines):
    """Issue 24: at 80×24 the names read ``ev… so… on…``, Revenue ``Reven``, the heading was
    cut. The figures keep their full headings; the revenue bar (the widest) gives way."""
    expected = build_insights(demo, default_period())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_insights(app, pilot)
        groups = lines(screen.query_one("#insights-groups", PagedList))
        header = groups[0].split()
        for title in ("Name", "Spend", "Leads", "Won", "Revenue", "€/lead", "€/cust.", "ROI"):
            assert title in header, (title, groups[0])
        assert header[-2:] == ["L→won", "Days"] and "…" not in groups[0]
        shown = "\n".join(groups)
        for channel in expected.channels:
            assert f"{channel.name} " in shown, channel.name
        assert "█" not in shown  # the bar gave way
        heading = screen.query_one("#heading-groups", Label)
        assert heading.region.right <= 80 and heading.size.height == 2  # wrapped, not cut
        assert "segment)" in str(heading.content)
        for section, titles in (
            ("weeks", ("Week of", "Revenue", "Spend")),
            ("funnel", ("Advanced", "Median", "Still there")),
            ("forecast", ("By chance", "Measured", "By measured")),
        ):
            first = lines(screen.query_one(f"#insights-{section}", PagedList))[0]
            assert all(title in first for title in titles) and "…" not in first, first
        await pilot.press("enter")  # the drill-down fits too
        await pilot.pause()
        box = app.screen.query_one("#insight-records-box")
        assert box.region.right <= 80 and box.region.bottom <= 24
        records = lines(app.screen.query_one(PagedList))
        assert records[0].split() == ["When", "What", "Detail"]


async def test_the_revenue_bar_is_back_when_there_is_room(app, lines):
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_insights(app, pilot)
        groups = lines(screen.query_one("#insights-groups", PagedList))
        assert groups[0].rstrip().endswith("vs top") and "█" in "\n".join(groups)


def test_no_insights_table_names_two_columns_alike():
    """Issue 24 (walk): at 120 wide the channel table showed two columns titled "Revenue"
    (the figure and its bar)."""
    from dualrole.tui.areas.insights import screen as insights

    makers = [insights.group_columns, insights.funnel_columns, insights.lost_columns,
              insights.forecast_columns]  # fmt: skip
    tables = [maker(None, "EUR") if maker is insights.group_columns else maker(None)
              for maker in makers]  # fmt: skip
    tables.append(insights.week_columns(None))
    for columns in tables:
        titles = [c.title for c in columns if c.title]
        assert len(titles) == len(set(titles)), titles

"""The review's heading, its score reasons, its toasts and its exports follow the workspace's
date style (settings `date style`), as the lists do."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Label, TextArea

from dualrole.core.dates import when
from dualrole.render import render
from dualrole.review import build_review
from dualrole.services.settings import set_setting
from dualrole.tui.app import DualroleApp

W47 = dt.date(2026, 11, 16)

STYLES = {
    # style: (heading span, toast span, "until" in the score reasons, a later week begins)
    "month-day": (
        "Mon Nov 16 – Sun Nov 22, 2026",
        "Nov 16–22",
        "until Sun Nov 22",
        "begins Mon Nov 23, 2026",
    ),
    "iso": (
        "Mon 2026-11-16 – Sun 2026-11-22",
        "2026-11-16 – 2026-11-22",
        "until Sun 2026-11-22",
        "begins Mon 2026-11-23",
    ),
}


@pytest.mark.parametrize("style", list(STYLES))
async def test_the_review_writes_days_in_the_date_style(demo, monkeypatch, style, wait_until):
    monkeypatch.setattr(when, "_date_style", when.date_style())  # restored after the test
    heading, span, until, begins = STYLES[style]
    set_setting(demo, "date_style", style)
    app = DualroleApp(demo)
    async with app.run_test(size=(160, 60), notifications=True) as pilot:
        await pilot.press("w")
        await app.workers.wait_for_complete()
        await wait_until(pilot, lambda: app.screen.query("#review-week"))
        label = app.screen.query_one("#review-week", Label)
        await wait_until(pilot, lambda: "2026-W47" in str(label.content))
        assert str(label.content) == f"2026-W47 · {heading} (this week)"
        field = app.screen.query_one("#reflection-went_well", TextArea)
        field.focus()
        field.load_text("the fair")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: bool(app._notifications))
        toasts = [str(n.message) for n in app._notifications]
        assert toasts == [f"Reflection for 2026-W47 ({span}) saved."]
    review = build_review(demo, W47)  # the style the app applied is still in force
    assert any(until in reason for reason in review.scores["marketing"].reasons)
    later = build_review(demo, W47 + dt.timedelta(weeks=1))
    assert later.scores["sales"].reasons == [f"not started: the week {begins}"]
    assert f"Progress review — week 47, 2026 ({span})" in render([review], "md")

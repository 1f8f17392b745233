"""Insights as Markdown, self-contained HTML (inline SVG bars), JSON and CSV.

Every format renders the same :class:`~dualrole.insights.Insights` model. The range review
export (``review --from --to``) appends :func:`markdown_section` / :func:`html_section` and
puts :func:`insights_data` under ``"insights"`` in its JSON.

JSON contract, ``schema_version`` 1 (additions keep the version; a rename or removal bumps
it)::

    {"schema_version": 1, "generator": "dualrole", "kind": "insights",
     "period": {"first": "2026-08-24", "last": "2026-11-22"}, "currency": "EUR",
     "totals": Figures, "channels": [{"channel": "event", **Figures}],
     "promotions": [{"promotion_id": 2, "name": "Trade fair", "channel": "event", **Figures}],
     "segments": [{"segment_id": 3 | null, "name": "Dental practices", **Figures}],
     "funnel": [{"stage", "entered", "advanced" | null, "conversion" | null,
                 "median_days" | null, "lost", "still_there"}], "funnel_stall": stage | null,
     "lost_reasons": [{"reason", "count", "value_minor", "share" | null,
                       "segments": [{"segment_id" | null, "name", "count", "objections"}]}],
     "forecast": {"open_deals", "open_value_minor", "by_chance_minor", "by_measured_minor",
                  "unmeasured_value_minor", "stages": [{"stage", "open_deals",
                  "open_value_minor", "chance", "weighted_minor", "measured_rate" | null,
                  "measured_minor" | null}]},
     "weeks": [{"first", "last", "spend_minor", "leads", "won", "revenue_minor"}],
     "repeat": {"first_deals", "first_minor", "repeat_deals", "repeat_minor",
                "credited_deals", "customers", "repeat_customers",
                "by_source": [{"source", "first_minor", "repeat_minor", "credited_minor"}],
                "top_customers": [{"prospect_id", "name", "company", "won", "revenue_minor",
                                   "lifetime_won", "lifetime_minor"}]}}

    Figures = {"spend_minor", "leads", "won", "revenue_minor", "cost_per_lead_minor" | null,
               "cost_per_customer_minor" | null, "roi" | null, "conversion" | null,
               "median_days_to_won" | null}

Money is integer minor units; ``roi`` ((revenue − spend) ÷ spend), ``conversion`` (won ÷
leads), ``share`` and the rates are fractions (0.25 = 25 %); ``null`` = nothing to measure.
Lists are ordered most revenue first (groups), funnel order (stages), most deals (reasons).

CSV: one row per channel, promotion and segment (or only the ``--by`` one), then the
totals: ``by, key, name`` and the Figures columns; formula-like text is neutralised.
"""

from __future__ import annotations

import csv
import io
import json
from html import escape as html_escape
from typing import Any

from dualrole.core.enums import Side
from dualrole.core.words import counted
from dualrole.insights.model import (
    BY,
    DASH,
    By,
    Group,
    Insights,
    LostReason,
    bar,
    count,
    days,
    money,
    percent,
)
from dualrole.render.html import COLOURS, page
from dualrole.render.markdown import cell
from dualrole.render.markdown import escape as md_escape
from dualrole.render.tabular import major_units, safe_cell

SCHEMA_VERSION = 1
FIGURES = (
    "spend_minor",
    "leads",
    "won",
    "revenue_minor",
    "cost_per_lead_minor",
    "cost_per_customer_minor",
    "roi",
    "conversion",
    "median_days_to_won",
)
TITLES = {"channel": "By channel", "promotion": "By promotion", "segment": "By segment"}
GROUP_HEAD = (
    "spend",
    "leads",
    "won",
    "revenue",
    "cost / lead",
    "cost / customer",
    "ROI",
    "lead → won",
    "days to won",
)
# spend is marketing's, revenue sales': the app's role colours, as in the review
MARKETING, SALES = COLOURS[Side.marketing], COLOURS[Side.sales]


def title(insights: Insights) -> str:
    weeks = counted(len(insights.weeks), "week")
    return f"Insights — {insights.first.isoformat()} to {insights.last.isoformat()} ({weeks})"


def group_cells(g: Group, currency: str) -> list[str]:
    return [
        money(g.spend_minor, currency),
        count(g.leads),
        count(g.won),
        money(g.revenue_minor, currency),
        money(g.cost_per_lead_minor, currency),
        money(g.cost_per_customer_minor, currency),
        percent(g.roi),
        percent(g.conversion),
        days(g.median_days_to_won),
    ]


def summary(insights: Insights) -> str:
    t, c = insights.totals, insights.currency
    return (
        f"All promotions: spend {money(t.spend_minor, c)} · {counted(t.leads, 'lead')} · "
        f"{t.won:,} won · "
        f"revenue {money(t.revenue_minor, c)} · cost per lead {money(t.cost_per_lead_minor, c)}"
        f" · cost per customer {money(t.cost_per_customer_minor, c)} · ROI {percent(t.roi)} · "
        f"lead → won {percent(t.conversion)} · median {days(t.median_days_to_won)} to won"
    ) + (f". {insights.currency_note}" if insights.currency_note else "")


def stall_text(insights: Insights) -> str:
    stall = insights.funnel.stall
    if stall is None:
        return "No stage has entries to measure yet."
    stage = next(s for s in insights.funnel.stages if s.stage == stall)
    return (
        f"Deals stall at {stall}: {percent(stage.conversion)} of {stage.entered:,} moved on, "
        f"median {days(stage.median_days)} there, {stage.still_there:,} still there."
    )


def forecast_text(insights: Insights) -> str:
    f, c = insights.forecast, insights.currency
    text = (
        f"Open pipeline {money(f.open_value_minor, c)} in {counted(f.open_deals, 'deal')}: "
        f"{money(f.by_chance_minor, c)} by stage chance, "
        f"{money(f.by_measured_minor, c)} by the conversion measured in the period"
    )
    if f.unmeasured_value_minor:
        text += (
            f" ({money(f.unmeasured_value_minor, c)} in stages with nothing closed yet left out)"
        )
    return text + "."


def repeat_text(insights: Insights) -> str:
    """First sales beside repeat sales, in one sentence (what the credit means included)."""
    r, c = insights.repeat, insights.currency
    if not r.first_deals and not r.repeat_deals:
        return "No deal was won in this period."
    share = percent(r.repeat_share)
    text = (
        f"{r.first_deals:,} first sales ({money(r.first_minor, c)}) and {r.repeat_deals:,} "
        f"repeat sales ({money(r.repeat_minor, c)}, {share} of revenue) from {r.customers:,} "
        f"customers, {r.repeat_customers:,} of whom had bought before."
    )
    if r.credited_deals:
        text += (
            f" {r.credited_deals:,} repeat deals without a source of their own are credited "
            "to their customer's original source."
        )
    return text


REPEAT_HEAD = ["first sales", "repeat sales", "of which credited"]
CUSTOMER_HEAD = ["customer", "company", "won", "revenue", "lifetime won", "lifetime revenue"]


def _repeat_rows(insights: Insights) -> tuple[list[list[str]], list[list[str]]]:
    r, c = insights.repeat, insights.currency
    sources = [
        [s.source, money(s.first_minor, c), money(s.repeat_minor, c), money(s.credited_minor, c)]
        for s in r.by_source
    ]
    customers = [
        [
            x.name,
            x.company or "",
            f"{x.won:,}",
            money(x.revenue_minor, c),
            f"{x.lifetime_won:,}",
            money(x.lifetime_minor, c),
        ]
        for x in r.top_customers
    ]
    return sources, customers


def _objections(reason: LostReason) -> str:
    parts = []
    for s in reason.segments:
        said = f": {' '.join(s.objections.split())}" if s.objections.strip() else ""
        parts.append(f"{s.name} ({s.count}){said}")
    return "; ".join(parts)


# --- Markdown ------------------------------------------------------------------------------


def markdown_section(insights: Insights, *, level: str = "##", by: By | None = None) -> str:
    c = insights.currency
    lines = [md_escape(summary(insights)), ""]
    for kind in (by,) if by else BY:
        groups = insights.groups(kind)
        lines += [f"{level} {TITLES[kind]}", ""]
        if not groups:
            lines += ["No promotion ran or brought leads in this period.", ""]
            continue
        lines.append(f"| {kind} | " + " | ".join(GROUP_HEAD) + " |")
        lines.append("| --- |" + " ---: |" * len(GROUP_HEAD))
        for g in groups:
            lines.append(f"| {cell(g.name)} | " + " | ".join(group_cells(g, c)) + " |")
        lines.append("")
    top = max([w.leads for w in insights.weeks] or [0])
    lines += [f"{level} Weekly trend", "", "| week | leads | won | revenue | spend | trend |"]
    lines.append("| --- | ---: | ---: | ---: | ---: | --- |")
    for w in insights.weeks:
        lines.append(
            f"| {w.first:%d %b} | {w.leads:,} | {w.won:,} | {money(w.revenue_minor, c)} | "
            f"{money(w.spend_minor, c)} | {bar(w.leads, top, 12)} |"
        )
    lines += ["", f"{level} Stage funnel", ""]
    lines.append(
        "| stage | entered | advanced | conversion | median days in stage | lost | still there |"
    )
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for s in insights.funnel.stages:
        lines.append(
            f"| {s.stage} | {s.entered:,} | {count(s.advanced)} | {percent(s.conversion)} | "
            f"{days(s.median_days)} | {s.lost:,} | {s.still_there:,} |"
        )
    lines += ["", md_escape(stall_text(insights)), "", f"{level} Lost reasons", ""]
    if insights.lost_reasons:
        lines.append("| reason | deals | value | share | segments (objections on record) |")
        lines.append("| --- | ---: | ---: | ---: | --- |")
        for r in insights.lost_reasons:
            lines.append(
                f"| {cell(r.reason)} | {r.count:,} | {money(r.value_minor, c)} | "
                f"{percent(r.share)} | {cell(_objections(r))} |"
            )
    else:
        lines.append("No deal was lost in this period.")
    lines += ["", f"{level} Forecast of the open pipeline", ""]
    lines.append(
        "| stage | open deals | value | chance | by chance | measured rate | by measured |"
    )
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for f in insights.forecast.stages:
        lines.append(
            f"| {f.stage} | {f.open_deals:,} | {money(f.open_value_minor, c)} | "
            f"{percent(f.chance)} | {money(f.weighted_minor, c)} | {percent(f.measured_rate)} | "
            f"{money(f.measured_minor, c)} |"
        )
    lines += ["", md_escape(forecast_text(insights)), ""]
    lines += [f"{level} Repeat business", "", md_escape(repeat_text(insights)), ""]
    sources, customers = _repeat_rows(insights)
    if sources:
        lines.append("| source | " + " | ".join(REPEAT_HEAD) + " |")
        lines.append("| --- |" + " ---: |" * len(REPEAT_HEAD))
        lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in sources]
        lines += ["", "| " + " | ".join(CUSTOMER_HEAD) + " |"]
        lines.append("| --- | --- |" + " ---: |" * (len(CUSTOMER_HEAD) - 2))
        lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in customers]
        lines.append("")
    return "\n".join(lines)


def render_markdown(insights: Insights, by: By | None = None) -> str:
    return f"# {title(insights)}\n\n" + markdown_section(insights, by=by)


# --- HTML ----------------------------------------------------------------------------------


def svg_bars(items: list[tuple[str, float, str]], colour: str, label: str) -> str:
    """Horizontal bars: (label, value, shown text) each, scaled to the largest value."""
    if not items or max(value for _l, value, _t in items) <= 0:
        return ""
    top = max(value for _l, value, _t in items)
    row, label_w, bar_w = 18, 190, 300
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 130}" '
        f'height="{row * len(items) + 6}" role="img" aria-label="{html_escape(label)}">'
    ]
    for i, (name, value, text) in enumerate(items):
        y = 3 + i * row
        width = round(bar_w * max(value, 0) / top)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 12}" font-size="11" text-anchor="end" '
            f'fill="#333">{html_escape(name[:32])}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{bar_w}" height="12" fill="#eee"/>'
            f'<rect x="{label_w}" y="{y + 2}" width="{width}" height="12" fill="{colour}"/>'
            f'<text x="{label_w + bar_w + 6}" y="{y + 12}" font-size="11" fill="#333">'
            f"{html_escape(text)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _table(head: list[str], rows: list[list[str]]) -> str:
    cells = "".join(
        f"<th{' class=num' if i else ''}>{html_escape(h)}</th>" for i, h in enumerate(head)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=num' if i else ''}>{html_escape(value)}</td>" for i, value in enumerate(r)
        )
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"


def html_section(insights: Insights, *, level: str = "h2", by: By | None = None) -> str:
    parts = [f'<p class="summary">{html_escape(summary(insights))}</p>']
    for kind in (by,) if by else BY:
        parts += _html_groups(insights, kind, level)
    parts += _html_weeks(insights, level)
    parts += _html_funnel(insights, level)
    parts += _html_lost(insights, level)
    parts += _html_forecast(insights, level)
    parts += _html_repeat(insights, level)
    return "".join(parts)


def _html_groups(insights: Insights, kind: By, level: str) -> list[str]:
    """One kind of group: revenue and spend bars, then the table of figures."""
    c = insights.currency
    groups = insights.groups(kind)
    parts = [f"<{level}>{TITLES[kind]}</{level}>"]
    if not groups:
        return [*parts, "<p>No promotion ran or brought leads in this period.</p>"]
    parts.append(
        svg_bars(
            [(g.name, g.revenue_minor, f"revenue {money(g.revenue_minor, c)}") for g in groups],
            SALES,
            f"revenue won per {kind}",
        )
    )
    parts.append(
        svg_bars(
            [(g.name, g.spend_minor, f"spend {money(g.spend_minor, c)}") for g in groups],
            MARKETING,
            f"spend per {kind}",
        )
    )
    parts.append(_table([kind, *GROUP_HEAD], [[g.name, *group_cells(g, c)] for g in groups]))
    return parts


def _html_weeks(insights: Insights, level: str) -> list[str]:
    return [
        f"<{level}>Weekly trend</{level}>",
        svg_bars(
            [
                (f"{w.first:%d %b}", w.leads, f"{counted(w.leads, 'lead')}, {w.won} won")
                for w in insights.weeks
            ],
            MARKETING,
            "leads per week",
        ),
    ]


def _html_funnel(insights: Insights, level: str) -> list[str]:
    stages = insights.funnel.stages
    return [
        f"<{level}>Stage funnel</{level}>",
        svg_bars([(s.stage, s.entered, f"{s.entered:,} entered") for s in stages], SALES, "funnel"),
        _table(
            ["stage", "entered", "advanced", "conversion", "median days", "lost", "still there"],
            [
                [
                    s.stage,
                    f"{s.entered:,}",
                    count(s.advanced),
                    percent(s.conversion),
                    days(s.median_days),
                    f"{s.lost:,}",
                    f"{s.still_there:,}",
                ]
                for s in stages
            ],
        ),
        f"<p>{html_escape(stall_text(insights))}</p>",
    ]


def _html_lost(insights: Insights, level: str) -> list[str]:
    c = insights.currency
    heading = f"<{level}>Lost reasons</{level}>"
    if not insights.lost_reasons:
        return [heading, "<p>No deal was lost in this period.</p>"]
    table = _table(
        ["reason", "deals", "value", "share", "segments (objections on record)"],
        [
            [r.reason, f"{r.count:,}", money(r.value_minor, c), percent(r.share), _objections(r)]
            for r in insights.lost_reasons
        ],
    )
    return [heading, table]


def _html_forecast(insights: Insights, level: str) -> list[str]:
    c = insights.currency
    table = _table(
        ["stage", "open deals", "value", "chance", "by chance", "measured rate", "by measured"],
        [
            [
                s.stage,
                f"{s.open_deals:,}",
                money(s.open_value_minor, c),
                percent(s.chance),
                money(s.weighted_minor, c),
                percent(s.measured_rate),
                money(s.measured_minor, c),
            ]
            for s in insights.forecast.stages
        ],
    )
    heading = f"<{level}>Forecast of the open pipeline</{level}>"
    return [heading, table, f"<p>{html_escape(forecast_text(insights))}</p>"]


def _html_repeat(insights: Insights, level: str) -> list[str]:
    """Repeat business: first sales apart from repeat ones, by source and by customer."""
    parts = [f"<{level}>Repeat business</{level}>", f"<p>{html_escape(repeat_text(insights))}</p>"]
    sources, customers = _repeat_rows(insights)
    if sources:
        parts.append(_table(["source", *REPEAT_HEAD], sources))
        parts.append(_table(CUSTOMER_HEAD, customers))
    return parts


def render_html(insights: Insights, by: By | None = None) -> str:
    return page(title(insights), html_section(insights, by=by))


# --- JSON and CSV --------------------------------------------------------------------------


def _figures(g: Group) -> dict[str, Any]:
    return {name: getattr(g, name) for name in FIGURES}


def group_data(g: Group) -> dict[str, Any]:
    if g.by == "channel":
        return {"channel": g.channel, **_figures(g)}
    if g.by == "promotion":
        return {"promotion_id": g.promotion_id, "name": g.name, "channel": g.channel,
                **_figures(g)}  # fmt: skip
    return {"segment_id": g.segment_id, "name": g.name, **_figures(g)}


def insights_data(insights: Insights) -> dict[str, Any]:
    dumped = insights.model_dump(mode="json")
    return {
        "period": {"first": dumped["first"], "last": dumped["last"]},
        "currency": insights.currency,
        "currency_note": insights.currency_note,
        "totals": _figures(insights.totals),
        "channels": [group_data(g) for g in insights.channels],
        "promotions": [group_data(g) for g in insights.promotions],
        "segments": [group_data(g) for g in insights.segments],
        "funnel": [
            {k: v for k, v in s.items() if k not in ("won_now", "closed_now")}
            for s in dumped["funnel"]["stages"]
        ],
        "funnel_stall": insights.funnel.stall,
        "lost_reasons": dumped["lost_reasons"],
        "forecast": dumped["forecast"],
        "weeks": dumped["weeks"],
        "repeat": dumped["repeat"],
    }


def render_json(insights: Insights, by: By | None = None) -> str:
    document = {
        "schema_version": SCHEMA_VERSION,
        "generator": "dualrole",
        "kind": "insights",
        **insights_data(insights),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


CSV_HEADER = ["by", "key", "name", "currency", *(f.removesuffix("_minor") for f in FIGURES)]
"""Money as the review's CSV has it: major units (``465.00``) beside the currency."""


def _csv_figures(g: Group, currency: str) -> list[Any]:
    return [
        major_units(value, currency)
        if name.endswith("_minor")
        else ("" if value is None else value)
        for name, value in _figures(g).items()
    ]


def render_csv(insights: Insights, by: By | None = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    currency = insights.currency
    for kind in (by,) if by else BY:
        for g in insights.groups(kind):
            row = [kind, safe_cell(g.key), safe_cell(g.name), currency]
            writer.writerow(row + _csv_figures(g, currency))
    writer.writerow(
        ["total", "", "all promotions", currency, *_csv_figures(insights.totals, currency)]
    )
    return out.getvalue()


RENDERERS = {"md": render_markdown, "html": render_html, "json": render_json, "csv": render_csv}


def render_insights(insights: Insights, fmt: str, by: By | None = None) -> str:
    from dualrole.render.common import ExportError

    if fmt not in RENDERERS:
        raise ExportError(f"{fmt!r} is not an export format; use one of {', '.join(RENDERERS)}")
    return RENDERERS[fmt](insights, by)


__all__ = ["DASH", "render_insights"]

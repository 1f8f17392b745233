"""Insights across weeks: which marketing makes money, where deals stall, why they are lost.

Pure domain code (no Textual): :func:`build_insights` reads the database and returns an
:class:`Insights` model; the Insights screen, ``dualrole insights`` and the range review
export render that one model. :func:`~dualrole.insights.records.records_behind` lists the
records behind any figure.

Definitions (the code follows these; README "Insights" summarises them)
------------------------------------------------------------------------
- **Period**: local days ``first`` … ``last`` (default: the last 13 ISO weeks, this one
  included). Moments (stored UTC) count when ``start <= moment < end``; result days when
  the day is in the period. Records in the trash never count: prospects, and promotions
  with their results and their leads.
- **Leads** of the period: prospects created in it whose source is a promotion
  (``promotion_id`` set). A lead's **segment** is its own segment, else the segment its
  promotion targets; its **channel** is its promotion's channel.
- **Won** and **revenue**: those leads that are won *now*, and their deal value (a deal won
  and then reopened is not won). **Median days to won**: from the lead's creation to its
  last move to won.
- **Spend**: spend logged on promotion results for days of the period; a promotion's spend
  counts for its channel and for the segment it targets.
- Per channel, promotion and segment: **cost per lead** = spend ÷ leads, **cost per
  customer** = spend ÷ won, **ROI** = (revenue − spend) ÷ spend, **conversion** = won ÷
  leads. Promotions running in the period are listed even when they brought nothing.
- **Funnel** (from the stage history): a stage's **entered** = prospects that moved into it
  (or were created in it) in the period; **advanced** = those of them whose next move was
  to a later stage (by now); **conversion** = advanced ÷ entered; **median days** = the
  median time in the stage of those that left it; **where deals stall** = the open stage
  with the lowest conversion (ties: the longer median).
- **Lost reasons**: deals lost now whose move to lost was in the period, grouped by reason
  (case and spaces ignored), each beside the segments the deals came from and the
  objections recorded on those segments.
- **Forecast** of the open pipeline (now): each open stage's value × its set chance
  (``models.STAGE_WEIGHT``), and × its **measured** rate: of the deals that entered the
  stage in the period and are closed now, the share won. A stage without closed deals has
  no measured rate; its value is reported as unmeasured, not guessed.
- **Weeks**: leads, won, revenue and spend per week of the period (the trend charts).
- A figure with nothing to measure (no leads, no spend, nothing closed) is ``None``, shown
  as "—" — never 0 % or ∞. Money is integer minor units; rates are fractions.
"""

from __future__ import annotations

from dualrole.insights.build import build_insights
from dualrole.insights.model import (
    BY,
    DASH,
    By,
    Forecast,
    Funnel,
    Group,
    Insights,
    LostReason,
    Period,
    default_period,
)

__all__ = [
    "BY",
    "DASH",
    "By",
    "Forecast",
    "Funnel",
    "Group",
    "Insights",
    "LostReason",
    "Period",
    "build_insights",
    "default_period",
]

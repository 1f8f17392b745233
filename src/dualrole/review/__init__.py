"""The weekly review: each side's metrics for one ISO week, graded against weekly targets.

Pure domain code (no Textual): :func:`build_review` reads the database and returns a
:class:`WeeklyReview`; the screen and every export render that one model.

Definitions (the code follows these; README "Weekly review" summarises them)
------------------------------------------------------------------------------
- **Week**: an ISO week, Monday 00:00 to the next Monday 00:00 in local time. Moments
  (stored UTC) count when ``start <= moment < end``; day columns (result days, due dates)
  when the local day falls Monday–Sunday. Records in the trash never count, nor do the
  interactions, stage changes and follow-ups of a prospect in the trash.
- **Trend**: the same metrics for the 8 weeks before the reviewed one (oldest first).
  A week that ended before the workspace's first record has no figures ("—").

Marketing
- research notes: notes created in the week (by kind).
- promotions launched / finished: ``launched_at`` / ``finished_at`` in the week.
- promotions running: launched before the week's end and not finished before its start;
  cancelled promotions are not counted.
- reach / engagement / clicks / spend: sums of the results logged for days of the week.
- leads generated (**the week's leads**): prospects created in the week whose source is a
  promotion; by promotion and by channel.
- cost per lead: spend of the week ÷ leads of the week ("—" when there are no leads).
- marketing tasks due: due date in the week; done: ``done_at`` in the week;
  tasks due done: the share of tasks due in the week that were done by its end.

Sales
- prospects added: created in the week. interactions: ``occurred_at`` in the week.
- follow-ups due / done: as for tasks; follow-ups due done: share of those due done by the
  week's end; overdue: open at the week's end (or now, for the current week) with a due
  date before that day.
- stage advances: stage changes to a later funnel stage (lead → … → won), not to lost.
- deals won / revenue: prospects moved to won in the week, and their deal value.
- deals lost: moves to lost in the week.
- conversion (won ÷ closed): won ÷ (won + lost) in the week.
- lead → won: of the prospects created in the week (the window), the share now won.
- open pipeline: the value of all open prospects now (a snapshot, no trend); weighted:
  each open deal's value × its stage's chance (``models.STAGE_WEIGHT``). Amounts are summed
  as if in the workspace currency.

Handoff: marketing → sales = the week's leads; sales → marketing = feedback research notes
created in the week (with titles).

Evaluation
- A target is weekly, in the metric's unit; a metric without a target is shown, not graded.
- credit (0–1): ``actual ÷ target`` capped at 1 when higher is better; when lower is better
  (cost per lead, overdue) 1 at or under the limit, else ``limit ÷ actual`` (so a limit of
  0 gives 0: one overdue against "≤ 0" is missed). Grade: met at 1, partial from 0.5,
  missed below.
- A side's score is the average credit of its graded metrics × 100, with the reasons:
  which metrics were met, partial and missed. No graded metric → no score ("—").
- Balance: actions per role (marketing: notes, results logged, promotions launched and
  finished, tasks done; sales: prospects added, interactions, follow-ups done, stage
  changes) and focus hours per role, against the target split (setting
  ``target_split_marketing``, percent for marketing).
- Division by zero gives ``None``, shown as "—", never an error.
"""

from __future__ import annotations

from dualrole.review.build import build_review, build_reviews, grade
from dualrole.review.model import (
    BY_KEY,
    CATALOGUE,
    DASH,
    Balance,
    Grade,
    Handoff,
    Metric,
    MetricDef,
    SideScore,
    WeeklyReview,
    show_percent,
    show_target,
    show_value,
    sparkline,
    split,
    whole_percent,
)
from dualrole.review.targets import (
    get_reflection,
    get_targets,
    parse_target,
    reset_targets,
    save_reflection,
    set_target,
)

__all__ = [
    "BY_KEY",
    "CATALOGUE",
    "DASH",
    "Balance",
    "Grade",
    "Handoff",
    "Metric",
    "MetricDef",
    "SideScore",
    "WeeklyReview",
    "build_review",
    "build_reviews",
    "get_reflection",
    "get_targets",
    "grade",
    "parse_target",
    "reset_targets",
    "save_reflection",
    "set_target",
    "show_percent",
    "show_target",
    "show_value",
    "sparkline",
    "split",
    "whole_percent",
]

"""The weekly review (and the insights) as documents: Markdown, self-contained HTML, JSON, CSV.

Every format renders the same :class:`~dualrole.review.WeeklyReview` models, so they carry
the same numbers as the screen. Files are written by :mod:`dualrole.storage.files`
(atomically, 0600, never over the database or its journal, never through a symlink, only
regular files).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from dualrole.render.common import ExportError
from dualrole.render.html import render_html
from dualrole.render.markdown import render_markdown
from dualrole.render.tabular import render_csv, render_json
from dualrole.review import WeeklyReview

if TYPE_CHECKING:
    from dualrole.insights import Insights

RENDERERS: dict[str, Callable[[list[WeeklyReview]], str]] = {
    "md": render_markdown,
    "html": render_html,
    "json": render_json,
    "csv": render_csv,
}
FORMATS = tuple(RENDERERS)
SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".json": "json"}
SUFFIXES[".csv"] = "csv"


def render(reviews: list[WeeklyReview], fmt: str, insights: Insights | None = None) -> str:
    """The reviews in ``fmt``; a range export also carries the insights of its weeks
    (a section in Markdown and HTML, ``"insights"`` in JSON; CSV stays one row per metric)."""
    if fmt not in RENDERERS:
        raise ExportError(f"{fmt!r} is not an export format; use one of {', '.join(FORMATS)}")
    if not reviews:
        raise ExportError("There is no week to export.")
    text = RENDERERS[fmt](reviews)
    if insights is None or fmt == "csv":
        return text
    from dualrole.render import insights as section

    heading = section.title(insights)
    if fmt == "md":
        return f"{text}\n## {heading}\n\n{section.markdown_section(insights, level='###')}"
    if fmt == "html":
        body = f"<h2>{escape(heading)}</h2>{section.html_section(insights, level='h3')}"
        return text.replace("</body></html>", f"{body}</body></html>")
    document = json.loads(text)
    document["insights"] = section.insights_data(insights)
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def format_for(path: Path | None, fmt: str | None) -> str:
    """The format asked for, else the one the file name suggests, else Markdown."""
    if fmt:
        return fmt
    if path is not None:
        return SUFFIXES.get(path.suffix.lower(), "md")
    return "md"


__all__ = [
    "FORMATS",
    "ExportError",
    "format_for",
    "render",
]

"""Exports of the weekly review: Markdown, self-contained HTML, JSON and CSV.

Every format renders the same :class:`~dualrole.review.WeeklyReview` models, so they carry
the same numbers as the screen. Files are written by :mod:`dualrole.files` (atomically, 0600,
never over the database or its journal, never through a symlink, only regular files).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dualrole.export.common import ExportError
from dualrole.export.html import render_html
from dualrole.export.markdown import render_markdown
from dualrole.export.tabular import render_csv, render_json
from dualrole.review import WeeklyReview

RENDERERS: dict[str, Callable[[list[WeeklyReview]], str]] = {
    "md": render_markdown,
    "html": render_html,
    "json": render_json,
    "csv": render_csv,
}
FORMATS = tuple(RENDERERS)
SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".json": "json"}
SUFFIXES[".csv"] = "csv"


def render(reviews: list[WeeklyReview], fmt: str) -> str:
    if fmt not in RENDERERS:
        raise ExportError(f"{fmt!r} is not an export format; use one of {', '.join(FORMATS)}")
    if not reviews:
        raise ExportError("There is no week to export.")
    return RENDERERS[fmt](reviews)


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

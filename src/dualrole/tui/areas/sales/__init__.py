"""Sales: prospects, the pipeline and follow-ups; a prospect's page, forms and actions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.screen import Screen

from dualrole.core.enums import RecordKind
from dualrole.tui.areas.area import Area, Page, PaletteEntry, tab


def _screen() -> type[Screen[Any]]:
    from dualrole.tui.areas.sales.screen import SalesScreen

    return SalesScreen


def _prospect() -> Callable[[int], Screen[Any]]:
    from dualrole.tui.areas.sales.prospect import ProspectScreen

    return ProspectScreen


def _company() -> Callable[[int], Screen[Any]]:
    from dualrole.tui.areas.sales.company import CompanyScreen

    return CompanyScreen


AREA = Area(
    mode="sales",
    key="s",
    title="Sales",
    screen=_screen,
    folder=Path(__file__).parent,
    styles=("sales.tcss", "import_contacts.tcss"),
    pages=(Page(RecordKind.prospect, _prospect), Page(RecordKind.company, _company)),
    palette=(
        PaletteEntry("sales: New prospect", "new"),
        PaletteEntry("sales: Prospects", tab("prospects")),
        PaletteEntry("sales: Pipeline", tab("pipeline")),
        PaletteEntry("sales: Follow-ups", tab("followups")),
        PaletteEntry("sales: Search prospects", "search"),
        PaletteEntry("sales: Filter prospects", "filters"),
        PaletteEntry("sales: Import contacts", "import_contacts"),
        PaletteEntry("sales: Write email to the selected prospect", "write_email"),
        PaletteEntry("sales: Toggle sales focus session", "app.focus_role('sales')"),
        PaletteEntry("sales: Sync with phone and import new contacts", "app.phone_sync(True)"),
    ),
    shots=(
        ("sales", ("s",)),
        ("pipeline", ("s", "2")),
        ("prospect", ("s", "down", "down", "enter")),
        ("company", ("s", "down", "down", "enter", "C")),
    ),
)

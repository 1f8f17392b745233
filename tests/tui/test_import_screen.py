"""The import dialog driven by keys: preview (dry run), import, cancel; the database agrees."""

from __future__ import annotations

import asyncio
import shutil
import threading
from pathlib import Path

from textual.app import App
from textual.widgets import Button, Input, Static

from dualrole.interop.importer import ImportReport
from dualrole.storage.db import Store, open_store
from dualrole.tui.areas.sales.import_contacts import ImportContactsScreen

SAMPLE = Path(__file__).parents[1] / "interop" / "samples" / "linkedin_Connections.csv"
SIZE = (100, 40)


class Host(App[None]):
    """A bare app that opens the dialog and keeps what it returns."""

    def __init__(self, store: Store, path: str | Path = "") -> None:
        super().__init__()
        self.store, self.path = store, path
        self.results: list[ImportReport | None] = []

    def on_mount(self) -> None:
        self.push_screen(ImportContactsScreen(self.store, self.path), callback=self.results.append)


def count(store: Store) -> int:
    return int(store.scalar("SELECT count(*) FROM prospects"))


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


class TestImportScreen:
    async def test_preview_then_import(self, file_store, tmp_path):
        path = tmp_path / "Connections.csv"
        shutil.copy(SAMPLE, path)
        app = Host(file_store, path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ImportContactsScreen)
            assert "LinkedIn Connections" in text(screen, "#import-shape")
            assert text(screen, "#import-counts") == "Would create 4, merge 0, skip 1."
            assert "first_name" in text(screen, "#import-mapping")
            assert "line 9: skipped: no name and no email" in text(screen, "#import-problems")
            assert count(file_store) == 0  # the preview wrote nothing
            assert not screen.query_one("#import-confirm", Button).disabled
            await pilot.press("ctrl+s")
            await settle(pilot)
        (report,) = app.results
        assert report is not None and not report.dry_run and report.created == 4
        assert count(file_store) == 4

    async def test_typing_a_path_and_a_bad_file(self, file_store, tmp_path):
        app = Host(file_store)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            assert "Type the path" in text(app.screen, "#import-error")
            app.screen.query_one("#path", Input).value = str(tmp_path / "missing.csv")
            await pilot.press("enter")
            await settle(pilot)
            assert "There is no file" in text(app.screen, "#import-error")
            assert app.screen.query_one("#import-confirm", Button).disabled
            await pilot.press("ctrl+s")  # no preview to import: it previews, the same sentence
            await settle(pilot)
            assert "There is no file" in text(app.screen, "#import-error")
            await pilot.press("escape")
            await pilot.pause()
        assert app.results == [None]
        assert count(file_store) == 0

    async def test_ctrl_s_before_a_preview_previews_and_a_new_path_clears_the_sentence(
        self, file_store, tmp_path
    ):
        path = tmp_path / "Connections.csv"
        shutil.copy(SAMPLE, path)
        app = Host(file_store)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            field = app.screen.query_one("#path", Input)
            field.value = str(tmp_path / "missing.csv")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert "There is no file" in text(app.screen, "#import-error")
            field.value = str(path)
            await pilot.pause()
            assert text(app.screen, "#import-error") == ""  # it spoke of the other path
            await pilot.press("ctrl+s")  # the preview first, nothing written
            await settle(pilot)
            assert text(app.screen, "#import-counts") == "Would create 4, merge 0, skip 1."
            assert count(file_store) == 0
            await pilot.press("ctrl+s")  # seen: now imported
            await settle(pilot)
        (report,) = app.results
        assert report is not None and report.created == 4
        assert count(file_store) == 4

    async def test_cancel_a_running_import_keeps_nothing(
        self, db_path, tmp_path, monkeypatch, wait_until
    ):
        """Escape while the import runs: the import is held at its first progress report
        until the key was pressed, so the cancel always lands mid-import."""
        import dualrole.tui.areas.sales.import_contacts as dialog

        path = tmp_path / "big.csv"
        rows = "".join(f"Person {i},p{i}@example.com\n" for i in range(2_000))
        path.write_text("Name,Email\n" + rows)
        running, pressed = threading.Event(), threading.Event()
        real_import = dialog.import_contacts

        def held_import(store, source, *, dry_run, progress, **options):
            def held(done: int, total: int) -> None:
                running.set()
                pressed.wait(timeout=60)
                progress(done, total)

            chosen = progress if dry_run else held
            return real_import(store, source, dry_run=dry_run, progress=chosen, **options)

        monkeypatch.setattr(dialog, "import_contacts", held_import)
        with open_store(db_path) as store:
            app = Host(store, path)
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                assert "Would create 2,000" in text(app.screen, "#import-counts")
                await pilot.press("ctrl+s")
                assert await asyncio.to_thread(running.wait, 60)  # mid-import now
                await pilot.press("escape")
                pressed.set()
                cancelled = "Import cancelled; nothing was changed."
                # the worker ends in its own time: wait for what it shows
                await wait_until(pilot, lambda: text(app.screen, "#import-error") == cancelled)
                assert isinstance(app.screen, ImportContactsScreen)  # still open, can retry
            assert count(store) == 0
            assert app.results == []


class TestNoNameColumn:
    async def test_the_app_never_asks_for_a_command_line_flag(
        self, file_store, tmp_path, wait_until
    ):
        path = tmp_path / "odd.csv"
        path.write_text("Who,Where\nAda,Paris\n", encoding="utf-8")
        app = Host(file_store, path)
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: "No name" in text(app.screen, "#import-error"))
            error = text(app.screen, "#import-error")
            assert "No name or email column found among: Who, Where" in error
            assert "--map" not in error
            assert "rename the column that holds the names to Name" in error

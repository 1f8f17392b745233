"""``Store.prefetch``: an answer read in the background counts only while nothing changed."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from dualrole.core.models import FollowUpIn, ProspectIn
from dualrole.services import sales, today
from dualrole.storage.db import Store, open_store


def _count(store: Store) -> int:
    return int(store.scalar("SELECT count(*) FROM prospects"))


def _not_again() -> int:
    pytest.fail("memo computed what the prefetch had read")


def test_memo_takes_the_prefetched_answer_when_nothing_was_written(file_store: Store) -> None:
    sales.create_prospect(file_store, ProspectIn(name="Ada Lovelace"))
    readers: list[tuple[str, Store]] = []

    def read(reader: Store) -> int:
        readers.append((threading.current_thread().name, reader))
        return _count(reader)

    file_store.prefetch("count", read)
    assert file_store.memo("count", _not_again) == 1
    assert file_store.memo("count", _not_again) == 1  # and keeps it, as memo does
    [(thread, reader)] = readers
    assert thread == "dualrole-prefetch"
    assert reader is not file_store and reader.conn is not file_store.conn


def _read_first(done: threading.Event) -> Callable[[Store], int]:
    """A count that says when it has been read (so the test writes after the read)."""

    def read(reader: Store) -> int:
        value = _count(reader)
        done.set()
        return value

    return read


def test_a_write_here_after_the_read_is_not_missed(file_store: Store) -> None:
    read = threading.Event()
    file_store.prefetch("count", _read_first(read))
    assert read.wait(10)
    sales.create_prospect(file_store, ProspectIn(name="Ada Lovelace"))
    assert file_store.memo("count", lambda: _count(file_store)) == 1


def test_a_write_by_another_program_after_the_read_is_not_missed(
    file_store: Store, db_path: Path
) -> None:
    read = threading.Event()
    file_store.prefetch("count", _read_first(read))
    assert read.wait(10)
    with open_store(db_path) as other:
        sales.create_prospect(other, ProspectIn(name="Grace Hopper"))
    assert file_store.memo("count", lambda: _count(file_store)) == 1


def test_a_failed_prefetch_is_computed_again_and_its_error_reported(file_store: Store) -> None:
    def broken(reader: Store) -> int:
        return int(reader.scalar("SELECT count(*) FROM no_such_table"))

    file_store.prefetch("count", broken)
    assert file_store.memo("count", lambda: _count(file_store)) == 0


def test_a_store_in_memory_prefetches_nothing(store: Store) -> None:
    store.prefetch("count", lambda reader: pytest.fail("no other connection sees this store"))
    assert store.memo("count", lambda: _count(store)) == 0


def test_todays_agenda_is_read_once_in_the_background(
    file_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUALROLE_NOW", "2026-11-20T10:00:00")  # the minute is in the key
    ada = sales.create_prospect(file_store, ProspectIn(name="Ada Lovelace"))
    sales.create_followup(
        file_store, FollowUpIn(prospect_id=ada.id, title="Call", due_date="2026-11-20")
    )
    threads: list[str] = []
    read = today._agenda

    def counted(store: Store, day: dt.date) -> today.Agenda:
        threads.append(threading.current_thread().name)
        return read(store, day)

    monkeypatch.setattr(today, "_agenda", counted)
    today.prefetch_agenda(file_store)
    shown = today.agenda(file_store)
    assert threads == ["dualrole-prefetch"]
    assert [item.prospect for item in shown.sales_today] == ["Ada Lovelace"]
    assert shown == read(file_store, shown.day)

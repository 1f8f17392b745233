"""Typed list rows (issue 26): each list's page is a list of its record, fields = columns."""

from __future__ import annotations

import dataclasses
from typing import Any, NamedTuple

import pytest

from dualrole.services.lists import (
    FollowUpRow,
    InteractionRow,
    ListQuery,
    NoteRow,
    PromotionRow,
    ProspectFilter,
    ProspectRow,
    SegmentRow,
    TaskRow,
    followups_query,
    interactions_query,
    notes_query,
    promotions_query,
    prospects_query,
    segments_query,
    tasks_query,
)
from dualrole.storage.db import Store


def every_list(store: Store) -> list[tuple[ListQuery[Any], type[Any]]]:
    return [
        (prospects_query(store, ProspectFilter()), ProspectRow),
        (prospects_query(store, ProspectFilter(idle_only=True)), ProspectRow),
        (followups_query(), FollowUpRow),
        (interactions_query(), InteractionRow),
        (notes_query(), NoteRow),
        (promotions_query(), PromotionRow),
        (segments_query(), SegmentRow),
        (tasks_query(include_done=True), TaskRow),
    ]


def test_every_list_reads_its_record_with_the_columns_as_fields(demo_store: Store) -> None:
    for query, record in every_list(demo_store):
        rows = query.page(demo_store, 0, 5)
        assert rows, f"the demo fills {record.__name__}'s list"
        assert all(type(row) is record for row in rows)
        cursor = demo_store.conn.execute(
            f"SELECT {query.columns} FROM {query.source} LIMIT 0", query.column_params
        )
        assert tuple(d[0] for d in cursor.description) == record._fields, record.__name__


def test_the_pages_read_backwards_are_records_too(demo_store: Store) -> None:
    query = prospects_query(demo_store, ProspectFilter())
    total = query.count(demo_store)
    last = query.page(demo_store, total - 3, 3)
    assert [type(row) for row in last] == [ProspectRow] * 3
    assert last[-1].name and isinstance(last[-1].idle, int)


class WrongOrder(NamedTuple):
    name: str
    id: int


def test_a_record_whose_fields_are_not_the_columns_is_refused(demo_store: Store) -> None:
    """Rows are built positionally (cheap); a record declared out of step with its SELECT
    would show each value under another name, so the first page read refuses it."""
    query = dataclasses.replace(segments_query(), record=WrongOrder, columns="g.id, g.name")
    with pytest.raises(TypeError, match="WrongOrder has fields"):
        query.page(demo_store, 0, 5)

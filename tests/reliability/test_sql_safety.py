"""User text never reaches SQL formatting, and search syntax in it never breaks a list."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dualrole.core.models import (
    FollowUpIn,
    InteractionIn,
    MarketingTaskIn,
    PromotionIn,
    ProspectIn,
    ResearchNoteIn,
    SegmentIn,
)
from dualrole.services import lists, marketing, records, sales
from dualrole.storage import db as db_module
from dualrole.storage.db import open_memory
from workspace_copies import empty_memory

NASTY = [
    '"unbalanced',
    "NEAR(",
    "NEAR(a b",
    "*",
    "-",
    "AND OR",
    "OR",
    "NOT",
    "a AND",
    "^start",
    "col:term",
    "prospects_fts:x",
    "'; DROP TABLE prospects; --",
    "%_%",
    "()",
    '""',
    "\\",
    "\x1b[31m",
    "😀",
    "e\u0301",
    " ",
    "",
]


def all_queries(store, text: str) -> list[lists.ListQuery]:
    return [
        lists.prospects_query(store, lists.ProspectFilter(search=text)),
        *(
            lists.followups_query(bucket, search=text, store=store)
            for bucket in lists.FollowUpBucket
        ),
        lists.interactions_query(search=text),
        lists.interactions_query(prospect_id=1, search=text),
        lists.notes_query(search=text),
        lists.promotions_query(search=text),
        lists.segments_query(search=text),
        lists.tasks_query(include_done=True, search=text),
    ]


@pytest.fixture
def filled():
    with empty_memory() as store:
        pid = sales.create_prospect(store, ProspectIn(name='Ann "unbalanced NEAR( Lee')).id
        sales.log_interaction(store, InteractionIn(prospect_id=pid, summary="AND OR call"))
        sales.create_followup(store, FollowUpIn(prospect_id=pid, title="x", due_date="today"))
        marketing.create_note(store, ResearchNoteIn(title="NEAR( trend"))
        marketing.create_promotion(store, PromotionIn(name="* promo -"))
        marketing.create_segment(store, SegmentIn(name="Segment AND OR"))
        marketing.create_task(store, MarketingTaskIn(title="task NOT"))
        yield store


@pytest.mark.parametrize("text", NASTY)
def test_every_list_search_takes_any_text(filled, text):
    for query in all_queries(filled, text):
        count = query.count(filled)
        rows = query.page(filled, 0, 50)
        assert count == len(rows) or count > 50


def test_search_finds_words_next_to_syntax(filled):
    assert (
        lists.prospects_query(filled, lists.ProspectFilter(search='"unbalanced')).count(filled) == 1
    )
    assert lists.notes_query(search="NEAR(").count(filled) == 1
    assert lists.interactions_query(search="AND OR").count(filled) == 1


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=30))
def test_any_search_text_never_raises(filled, text):
    for query in all_queries(filled, text):
        query.count(filled)
        query.page(filled, 0, 5)


class Recording(sqlite3.Connection):
    """A connection that remembers the SQL text of every statement (parameters apart)."""

    statements: list[str]

    def execute(self, sql, *args, **kwargs):
        self.statements.append(sql)
        return super().execute(sql, *args, **kwargs)

    def executemany(self, sql, *args, **kwargs):
        self.statements.append(sql)
        return super().executemany(sql, *args, **kwargs)


MARK = "Zq7'\"x"  # a quote of each kind: formatted into SQL it would break or inject


def test_user_text_is_always_a_parameter(monkeypatch):
    real_connect = sqlite3.connect
    made: list[Recording] = []

    def connect(*args, **kwargs):
        conn = real_connect(*args, factory=Recording, **kwargs)
        conn.statements = []
        made.append(conn)
        return conn

    monkeypatch.setattr(db_module.sqlite3, "connect", connect)
    with open_memory() as store:
        made[0].statements.clear()
        text = f"{MARK} note"
        segment = marketing.create_segment(store, SegmentIn(name=MARK, pain_points=text))
        pid = sales.create_prospect(
            store,
            ProspectIn(name=MARK, company=MARK, notes=text, tags=[MARK], segment_id=segment.id),
        ).id
        sales.update_prospect(store, pid, 1, ProspectIn(name=MARK, notes=text, tags=[MARK]))
        interaction = sales.log_interaction(
            store, InteractionIn(prospect_id=pid, summary=MARK, outcome=text)
        )
        sales.send_feedback_to_marketing(store, interaction.id, title=MARK)
        sales.create_followup(store, FollowUpIn(prospect_id=pid, title=MARK, due_date="today"))
        sales.move_stage(store, pid, sales.Stage.lost, reason=MARK)
        marketing.create_promotion(store, PromotionIn(name=MARK, message=text))
        marketing.create_task(store, MarketingTaskIn(title=MARK, notes=text))
        sales.find_by_email(store, f"{MARK}@x.example")
        for query in all_queries(store, MARK):
            query.page(store, 0, 10)
        lists.prospects_query(store, lists.ProspectFilter(tag=MARK)).page(store, 0, 10)
        records.soft_delete(store, "prospect", pid)
        records.purge_trash(store, keep=0)
        statements = made[0].statements
    assert len(statements) > 30
    leaked = [sql for sql in statements if "Zq7" in sql]
    assert leaked == []

"""The core behind the daily commands: naming a prospect, item ids, done/snooze, the agenda."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest

from dualrole.core.models import FollowUpIn, MarketingTaskIn, ProspectIn
from dualrole.services import daily, due, marketing, sales
from dualrole.services.resolve import (
    AmbiguousProspect,
    UnknownProspect,
    complete_prospects,
    resolve_prospect,
)
from dualrole.services.today import agenda
from dualrole.storage.db import StorageError


@pytest.fixture
def people(store):
    ids = {}
    for name, email in [
        ("Margaretha Quill", "m.quill@example.org"),
        ("José García", "jg@example.org"),
        ("Ann Lee", None),
        ("Ann Leeds", None),
        ("Bob Stone", "bob@example.org"),
        ("Robert Stone", "BOB@example.org"),
    ]:
        ids[name] = sales.create_prospect(store, ProspectIn(name=name, email=email)).id
    return ids


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("m.quill@example.org", "Margaretha Quill"),
        ("M.Quill@Example.org", "Margaretha Quill"),
        ("margaretha quill", "Margaretha Quill"),
        ("quill", "Margaretha Quill"),
        ("marg qu", "Margaretha Quill"),
        ("jose garcia", "José García"),  # accents ignored
        ("GARCÍA", "José García"),
        ("ann lee", "Ann Lee"),  # the exact name wins over "Ann Leeds"
        ("leeds", "Ann Leeds"),
    ],
)
def test_a_prospect_by_email_name_or_fragment(store, people, text, who):
    assert resolve_prospect(store, text) == people[who]


def test_by_id(store, people):
    assert resolve_prospect(store, str(people["Ann Lee"])) == people["Ann Lee"]
    assert resolve_prospect(store, f"#{people['Ann Lee']}") == people["Ann Lee"]
    with pytest.raises(UnknownProspect, match="There is no prospect #999"):
        resolve_prospect(store, "#999")


def test_several_matches_list_candidates_with_ids(store, people):
    with pytest.raises(AmbiguousProspect) as caught:
        resolve_prospect(store, "ann")
    assert [c.name for c in caught.value.candidates] == ["Ann Lee", "Ann Leeds"]
    assert f"#{people['Ann Lee']}  Ann Lee" in str(caught.value)
    with pytest.raises(AmbiguousProspect):  # the same email twice (any case)
        resolve_prospect(store, "bob@example.org")


def test_unknown_and_deleted(store, people):
    with pytest.raises(UnknownProspect, match="No prospect matches 'zed'"):
        resolve_prospect(store, "zed")
    with pytest.raises(UnknownProspect):
        resolve_prospect(store, "nobody@example.org")
    from dualrole.services.records import soft_delete

    soft_delete(store, "prospect", people["Ann Leeds"])
    assert resolve_prospect(store, "ann") == people["Ann Lee"]


def test_control_characters_never_reach_the_message(store):
    # As an older release kept them: a one-line field refuses control characters now.
    for name in ("Evil \x1b[31mRed", "Evil \x07Bell"):
        sales.create_prospect(store, ProspectIn(name="Evil").model_copy(update={"name": name}))
    with pytest.raises(AmbiguousProspect) as caught:
        resolve_prospect(store, "evil")
    assert "\x1b" not in str(caught.value) and "\x07" not in str(caught.value)
    assert "␛[31mRed" in str(caught.value)


def test_completion_prefers_names_that_start_with_the_text(store, people):
    names = [c.name for c in complete_prospects(store, "sto")]
    assert names == ["Bob Stone", "Robert Stone"]
    assert [c.name for c in complete_prospects(store, "rob")] == ["Robert Stone"]
    assert len(complete_prospects(store, "")) == 6


def test_resolution_reads_indexes_only(store, people):
    """No full scan of prospects: every step is an index or the full-text table."""
    plans = []
    original = store.query

    def spy(sql, params=()):
        if sql.lstrip().upper().startswith("SELECT"):
            plans.extend(str(tuple(r)) for r in original(f"EXPLAIN QUERY PLAN {sql}", params))
        return original(sql, params)

    store.query = spy  # type: ignore[method-assign]
    for text in ("bob@example.org", "ann lee", "quill", "#3", "zed"):
        with contextlib.suppress(StorageError):
            resolve_prospect(store, text)
    assert plans
    assert not [p for p in plans if "SCAN prospects" in p and "VIRTUAL" not in p], plans


def test_item_ids():
    assert str(due.parse_ref("f12")) == "f12"
    assert due.parse_ref(" T7 ") == due.ItemRef("task", 7)
    with pytest.raises(ValueError, match="'12' is not an item id; use f12"):
        due.parse_ref("12")


def test_done_and_snooze(store, people):
    pid = people["Ann Lee"]
    f = sales.create_followup(
        store,
        FollowUpIn(
            prospect_id=pid, title="Call", due_date="yesterday", repeat_every=2, repeat_unit="weeks"
        ),
    )
    t = marketing.create_task(store, MarketingTaskIn(title="Newsletter", due_date="today"))
    items = due.due_items(agenda(store))
    assert [(str(i.ref), i.overdue_days) for i in items] == [(f"f{f.id}", 1), (f"t{t.id}", 0)]
    doc = due.today_document(agenda(store))
    assert doc["counts"] == {"overdue": 1, "today": 1, "marketing": 1, "sales": 1}
    assert doc["items"][0]["prospect"] == {"id": pid, "name": "Ann Lee"}

    snoozed = daily.snooze(store, due.parse_ref(f"t{t.id}"), dt.date(2026, 11, 27))
    assert marketing.get_task(store, t.id).due_date == dt.date(2026, 11, 27)
    daily.unsnooze(store, snoozed)  # the app's undo: due when it was before
    assert marketing.get_task(store, t.id).due_date == dt.date(2026, 11, 20)
    overdue = daily.snooze(store, due.parse_ref(f"f{f.id}"), dt.date(2026, 11, 23))
    assert (overdue.title, overdue.was_due) == ("Call", dt.date(2026, 11, 19))
    daily.unsnooze(store, overdue)
    assert sales.get_followup(store, f.id).due_date == dt.date(2026, 11, 19)  # overdue again
    with pytest.raises(ValueError, match="is in the past"):
        daily.snooze(store, due.parse_ref(f"f{f.id}"), dt.date(2026, 11, 1))

    result = daily.complete(store, due.parse_ref(f"f{f.id}"))
    assert result.next_followup is not None
    assert result.next_followup.due_date == dt.date(2026, 12, 4)  # today + 2 weeks
    with pytest.raises(StorageError, match="is already done"):
        daily.complete(store, due.parse_ref(f"f{f.id}"))
    with pytest.raises(StorageError, match="no longer exists"):
        daily.complete(store, due.parse_ref("t999"))


def test_log_with_feedback_is_one_transaction(store, people):
    pid = people["Ann Lee"]
    item, note = daily.log(store, {"prospect_id": pid, "summary": "Too pricey"}, feedback=True)
    assert note and marketing.get_note(store, note).prospect_id == pid
    assert sales.get_interaction(store, item.id).research_note_id == note
    before = store.scalar("SELECT count(*) FROM interactions")
    with pytest.raises(ValueError):
        daily.log(store, {"prospect_id": pid, "summary": " "}, feedback=True)
    assert store.scalar("SELECT count(*) FROM interactions") == before


def test_stage_with_value_is_one_transaction(store, people):
    pid = people["Ann Lee"]
    with pytest.raises(ValueError, match="reason"):
        daily.change_stage(store, pid, "lost", value="500", reason=None)
    assert sales.get_prospect(store, pid).value is None  # the value was rolled back too
    moved, before = daily.change_stage(store, pid, "won", value="9,600", reason=None)
    assert (moved.stage.value, before.value, moved.value) == ("won", "lead", 960000)


def test_source_is_a_lead_source_or_a_promotion(store):
    from dualrole.core.models import PromotionIn

    promo = marketing.create_promotion(store, PromotionIn(name="Trade fair"))
    assert daily.resolve_source(store, "Referral") == {"source": "referral"}
    assert daily.resolve_source(store, "trade FAIR") == {"promotion_id": promo.id}
    with pytest.raises(ValueError, match="'fax' is neither a lead source"):
        daily.resolve_source(store, "fax")
    added = daily.add_prospect(store, {"name": "Lead", **daily.resolve_source(store, "trade fair")})
    assert (added.source.value, added.promotion_id) == ("promotion", promo.id)


def test_many_matches_are_listed_briefly(store):
    for _ in range(14):
        sales.create_prospect(store, ProspectIn(name="Paul Osei"))
    with pytest.raises(AmbiguousProspect) as caught:
        resolve_prospect(store, "paul osei")
    assert len(caught.value.candidates) == 10 and caught.value.more == 4
    assert "matches 14 prospects" in str(caught.value) and "… and 4 more" in str(caught.value)

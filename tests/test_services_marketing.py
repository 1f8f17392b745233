"""Marketing operations, the trash (delete / undo / purge), tags, settings and focus."""

from __future__ import annotations

import datetime as dt

import pytest

from dualrole.core.models import (
    MarketingTaskIn,
    PromotionIn,
    PromotionResultIn,
    PromotionStatus,
    ProspectIn,
    ResearchKind,
    ResearchNoteIn,
    SegmentIn,
    Side,
)
from dualrole.services import focus, marketing, records, sales, settings
from dualrole.storage.db import ConflictError, NotFoundError, StorageError


class TestSegments:
    def test_create_update_delete_undo(self, store):
        segment = marketing.create_segment(
            store, SegmentIn(name="Café owners", pain_points="No time", age_range="30-50")
        )
        assert (segment.name, segment.age_range, segment.version) == ("Café owners", "30-50", 1)
        updated = marketing.update_segment(store, segment.id, 1, SegmentIn(name="Cafés"))
        assert (updated.name, updated.version, updated.age_range) == ("Cafés", 2, None)
        with pytest.raises(ConflictError):
            marketing.update_segment(store, segment.id, 1, SegmentIn(name="Stale"))
        assert marketing.segment_choices(store) == [("Cafés", segment.id)]
        records.soft_delete(store, "segment", segment.id)
        assert marketing.segment_choices(store) == []
        records.undo_delete(store)
        assert marketing.get_segment(store, segment.id).name == "Cafés"


class TestNotes:
    def test_create_update_with_tags(self, store):
        note = marketing.create_note(
            store,
            ResearchNoteIn(kind="competitor", title="Rival pricing", body="# Prices\n", tags="x,Y"),
        )
        assert (note.kind, note.tags, note.body) == (
            ResearchKind.competitor,
            ["x", "y"],
            "# Prices\n",
        )
        edited = marketing.update_note(
            store, note.id, note.version, ResearchNoteIn(title="Rival pricing", tags=["y", "z"])
        )
        assert edited.tags == ["y", "z"] and edited.version == 2
        assert records.all_tags(store) == ["x", "y", "z"]

    def test_delete_and_undo(self, store):
        note = marketing.create_note(store, ResearchNoteIn(title="Trend"))
        records.soft_delete(store, "research_note", note.id)
        with pytest.raises(NotFoundError):
            marketing.get_note(store, note.id)
        assert records.undo_delete(store).entity == "research_note"
        assert marketing.get_note(store, note.id).title == "Trend"

    def test_a_note_on_a_missing_segment_is_refused(self, store):
        with pytest.raises(StorageError, match="no longer exists"):
            marketing.create_note(store, ResearchNoteIn(title="Orphan", segment_id=7))
        assert store.scalar("SELECT count(*) FROM research_notes") == 0


class TestPromotions:
    def test_status_moves_stamp_launch_and_finish(self, store):
        promotion = marketing.create_promotion(
            store, PromotionIn(name="Webinar", channel="email", budget="1,500")
        )
        assert promotion.budget == 150000
        assert store.scalar("SELECT launched_at FROM promotions") is None
        marketing.set_promotion_status(store, promotion.id, PromotionStatus.running)
        launched = store.scalar("SELECT launched_at FROM promotions")
        assert launched == "2026-11-20T09:00:00Z"
        marketing.set_promotion_status(store, promotion.id, PromotionStatus.done)
        row = store.query("SELECT launched_at, finished_at FROM promotions")[0]
        assert (row["launched_at"], row["finished_at"]) == (launched, "2026-11-20T09:00:00Z")

    def test_straight_to_done_counts_as_launched(self, store):
        promotion = marketing.create_promotion(store, PromotionIn(name="Flyer", status="done"))
        row = store.query(
            "SELECT launched_at, finished_at FROM promotions WHERE id = ?", (promotion.id,)
        )
        assert row[0]["launched_at"] == row[0]["finished_at"] is not None

    def test_update_with_version(self, store):
        promotion = marketing.create_promotion(store, PromotionIn(name="Ads"))
        data = PromotionIn(name="Ads", status="running", start_date="2026-11-01")
        updated = marketing.update_promotion(store, promotion.id, 1, data)
        assert updated.status == PromotionStatus.running and updated.version == 2
        with pytest.raises(ConflictError):
            marketing.update_promotion(store, promotion.id, 1, data)

    def test_log_results_and_summary(self, store):
        promotion = marketing.create_promotion(store, PromotionIn(name="Ads"))
        for day, reach in (("2026-11-02", 1000), ("2026-11-01", 500)):
            marketing.log_result(
                store,
                PromotionResultIn(
                    promotion_id=promotion.id, day=day, reach=reach, clicks=10, spend="25.50"
                ),
            )
        assert [r.day for r in marketing.results_for(store, promotion.id)] == [
            dt.date(2026, 11, 1),
            dt.date(2026, 11, 2),
        ]
        lead = sales.create_prospect(
            store, ProspectIn(name="Lead", promotion_id=promotion.id, value=50000)
        )
        from dualrole.core.models import Stage

        sales.move_stage(store, lead.id, Stage.won)
        summary = marketing.promotion_summary(store, promotion.id)
        assert summary == marketing.PromotionSummary(1500, 0, 20, 5100, 1, 1, 50000)

    def test_results_for_a_missing_promotion_are_refused(self, store):
        with pytest.raises(NotFoundError):
            marketing.log_result(store, PromotionResultIn(promotion_id=5, day="2026-11-01"))


class TestTasks:
    def test_create_complete_reopen_delete(self, store):
        task = marketing.create_task(
            store, MarketingTaskIn(title="Draft newsletter", due_date="fri")
        )
        assert task.due_date == dt.date(2026, 11, 27)  # "fri" on a Friday is next Friday
        assert marketing.complete_task(store, task.id).done_at is not None
        assert marketing.complete_task(store, task.id, done=False).done_at is None
        updated = marketing.update_task(
            store,
            task.id,
            marketing.get_task(store, task.id).version,
            MarketingTaskIn(title="Send"),
        )
        assert updated.title == "Send" and updated.due_date is None
        with pytest.raises(ConflictError):
            marketing.update_task(store, task.id, 1, MarketingTaskIn(title="Stale"))
        records.soft_delete(store, "marketing_task", task.id)
        records.undo_delete(store)
        assert marketing.get_task(store, task.id).title == "Send"


class TestTrash:
    def test_undo_restores_the_most_recent_first(self, store):
        a = sales.create_prospect(store, ProspectIn(name="A")).id
        b = sales.create_prospect(store, ProspectIn(name="B")).id
        records.soft_delete(store, "prospect", a)
        records.soft_delete(store, "prospect", b)
        assert records.trash_size(store) == 2
        assert records.undo_delete(store).record_id == b
        assert records.undo_delete(store).record_id == a

    def test_deleting_twice_is_not_found(self, store):
        pid = sales.create_prospect(store, ProspectIn(name="A")).id
        records.soft_delete(store, "prospect", pid)
        with pytest.raises(NotFoundError):
            records.soft_delete(store, "prospect", pid)

    def test_purge_removes_the_oldest_for_good_with_their_links(self, store):
        ids = [
            sales.create_prospect(store, ProspectIn(name=f"P{n}", tags="t")).id for n in range(3)
        ]
        for pid in ids:
            records.soft_delete(store, "prospect", pid)
        assert records.purge_trash(store, keep=1) == 2
        assert store.scalar("SELECT count(*) FROM prospects") == 1
        assert store.scalar("SELECT count(*) FROM stage_changes") == 1
        assert records.undo_delete(store).record_id == ids[2]
        assert records.undo_delete(store) is None
        assert records.all_tags(store) == ["t"]  # still used by the restored one

    def test_deletes_purge_automatically_past_the_limit(self, store):
        limit = records.TRASH_KEEP + records.PURGE_BATCH
        for n in range(limit + 1):
            records.soft_delete(
                store, "prospect", sales.create_prospect(store, ProspectIn(name=f"P{n}")).id
            )
        assert records.trash_size(store) == records.TRASH_KEEP
        assert store.scalar("SELECT count(*) FROM prospects") == records.TRASH_KEEP


class TestSettingsAndFocus:
    def test_settings_default_and_round_trip(self, store):
        assert settings.get_setting(store, "idle_days") == 14
        assert settings.get_setting(store, "unknown") is None
        settings.set_setting(store, "idle_days", 21)
        settings.set_setting(store, "business_name", 'Costa "Consulting" ✓')
        assert settings.get_setting(store, "idle_days") == 21
        assert settings.get_setting(store, "business_name") == 'Costa "Consulting" ✓'

    def test_one_session_at_a_time(self, store, monkeypatch):
        started = focus.start_focus(store, Side.marketing)
        assert focus.running_focus(store).id == started.id
        monkeypatch.setenv("DUALROLE_NOW", "2026-11-20T11:30:00")
        sales_session = focus.start_focus(store, Side.sales)
        assert focus.running_focus(store).role == Side.sales
        ended = store.query("SELECT ended_at FROM focus_sessions WHERE id = ?", (started.id,))
        assert ended[0][0] == "2026-11-20T10:30:00Z"
        monkeypatch.setenv("DUALROLE_NOW", "2026-11-20T12:00:00")
        assert focus.toggle_focus(store, Side.sales) is None
        assert focus.stop_focus(store) is None
        day = dt.date(2026, 11, 20)
        assert focus.focus_hours(store, day, day) == {Side.marketing: 1.5, Side.sales: 0.5}
        assert sales_session.role == Side.sales
        assert focus.toggle_focus(store, Side.marketing).role == Side.marketing

"""Sales operations: prospects, stages, interactions, follow-ups, feedback to marketing."""

from __future__ import annotations

import datetime as dt

import pytest

from dualrole.core.models import (
    FollowUpIn,
    InteractionIn,
    LeadSource,
    PromotionIn,
    ProspectIn,
    RepeatUnit,
    ResearchKind,
    ResearchSource,
    Stage,
)
from dualrole.services import marketing, records, sales
from dualrole.storage.db import ConflictError, NotFoundError, StorageError, Store

TODAY = dt.date(2026, 11, 20)  # conftest freezes the clock here


def _prospect(store: Store, name: str = "Priya Sharma", **extra) -> int:
    return sales.create_prospect(store, ProspectIn(name=name, **extra)).id


def _next_followup(store: Store, prospect_id: int) -> str | None:
    return store.scalar("SELECT next_followup_date FROM prospects WHERE id = ?", (prospect_id,))


class TestProspects:
    def test_create_records_the_first_stage_and_tags(self, store):
        prospect = sales.create_prospect(
            store,
            ProspectIn(
                name="Priya Sharma",
                company="Sharma Bakes",
                email="priya@sharma.example",
                value="1,000.50",
                tags="VIP, #berlin, vip",
            ),
        )
        assert prospect.stage == Stage.lead
        assert prospect.value == 100050
        assert prospect.version == 1
        assert prospect.tags == ["berlin", "vip"]
        history = sales.stage_history(store, prospect.id)
        assert [(h.from_stage, h.to_stage) for h in history] == [(None, Stage.lead)]

    def test_update_bumps_the_version_and_replaces_tags(self, store):
        prospect = sales.create_prospect(store, ProspectIn(name="Tom", tags=["a", "b"]))
        updated = sales.update_prospect(
            store, prospect.id, prospect.version, ProspectIn(name="Tom Becker", tags=["c"])
        )
        assert (updated.name, updated.version, updated.tags) == ("Tom Becker", 2, ["c"])
        assert updated.updated_at is not None

    def test_a_stale_version_is_a_conflict_not_an_overwrite(self, store):
        prospect = sales.create_prospect(store, ProspectIn(name="Tom"))
        sales.update_prospect(store, prospect.id, 1, ProspectIn(name="Edit one"))
        with pytest.raises(ConflictError, match="changed elsewhere"):
            sales.update_prospect(store, prospect.id, 1, ProspectIn(name="Edit two"))
        assert sales.get_prospect(store, prospect.id).name == "Edit one"

    def test_delete_and_undo(self, store):
        pid = _prospect(store)
        assert records.soft_delete(store, "prospect", pid) == "Priya Sharma"
        with pytest.raises(NotFoundError):
            sales.get_prospect(store, pid)
        with pytest.raises(NotFoundError):
            sales.update_prospect(store, pid, 1, ProspectIn(name="x"))
        restored = records.undo_delete(store)
        assert restored == records.Restored("prospect", pid, "Priya Sharma")
        assert sales.get_prospect(store, pid).name == "Priya Sharma"
        assert records.undo_delete(store) is None

    def test_find_by_email_ignores_case_and_deleted(self, store):
        pid = _prospect(store, email="Priya@Sharma.example")
        assert sales.find_by_email(store, " priya@sharma.EXAMPLE ").id == pid
        records.soft_delete(store, "prospect", pid)
        assert sales.find_by_email(store, "priya@sharma.example") is None

    def test_attach_to_promotion_makes_it_the_source(self, store):
        promotion = marketing.create_promotion(store, PromotionIn(name="Webinar"))
        pid = _prospect(store, source="referral")
        attached = sales.attach_to_promotion(store, pid, promotion.id)
        assert (attached.promotion_id, attached.source) == (promotion.id, LeadSource.promotion)
        assert marketing.leads_of(store, promotion.id)[0]["id"] == pid
        assert marketing.promotion_summary(store, promotion.id).leads == 1

    def test_attach_to_a_missing_promotion_is_one_sentence(self, store):
        pid = _prospect(store)
        with pytest.raises(StorageError, match="refers to a record that no longer exists"):
            sales.attach_to_promotion(store, pid, 999)
        assert sales.get_prospect(store, pid).promotion_id is None


class TestStages:
    def test_moves_are_recorded_with_time(self, store):
        pid = _prospect(store)
        sales.move_stage(store, pid, Stage.contacted)
        moved = sales.move_stage(store, pid, Stage.won)
        assert moved.stage == Stage.won and moved.stage_changed_at is not None
        steps = [(h.from_stage, h.to_stage) for h in sales.stage_history(store, pid)]
        assert steps == [
            (None, Stage.lead),
            (Stage.lead, Stage.contacted),
            (Stage.contacted, Stage.won),
        ]

    def test_lost_needs_a_reason(self, store):
        pid = _prospect(store)
        for reason in (None, "", "   "):
            with pytest.raises(ValueError, match="say why the deal was lost"):
                sales.move_stage(store, pid, Stage.lost, reason=reason)
        assert sales.get_prospect(store, pid).stage == Stage.lead
        lost = sales.move_stage(store, pid, Stage.lost, reason=" price ")
        assert (lost.stage, lost.lost_reason) == (Stage.lost, "price")
        assert sales.stage_history(store, pid)[-1].reason == "price"

    def test_reopening_a_lost_deal_clears_the_reason(self, store):
        pid = _prospect(store)
        sales.move_stage(store, pid, Stage.lost, reason="timing")
        assert sales.move_stage(store, pid, Stage.qualified).lost_reason is None

    def test_same_stage_records_nothing(self, store):
        pid = _prospect(store)
        sales.move_stage(store, pid, Stage.lead)
        assert len(sales.stage_history(store, pid)) == 1

    def test_stale_version_on_move_is_a_conflict(self, store):
        pid = _prospect(store)
        sales.update_prospect(store, pid, 1, ProspectIn(name="Changed"))
        with pytest.raises(ConflictError):
            sales.move_stage(store, pid, Stage.won, version=1)
        assert len(sales.stage_history(store, pid)) == 1

    def test_undoing_a_move_puts_stage_reason_and_time_back(self, store):
        pid = _prospect(store)
        lost = sales.move_stage(store, pid, Stage.lost, reason="timing")
        won = sales.move_stage(store, pid, Stage.won)
        change = sales.latest_stage_change(store, pid)
        assert change is not None
        back = sales.revert_stage_change(store, change)
        assert (back.stage, back.lost_reason) == (Stage.lost, "timing")
        assert back.stage_changed_at == lost.stage_changed_at
        assert [h.to_stage for h in sales.stage_history(store, pid)] == [Stage.lead, Stage.lost]
        assert won.stage == Stage.won

    def test_only_the_latest_move_is_undone(self, store):
        pid = _prospect(store)
        sales.move_stage(store, pid, Stage.contacted)
        first = sales.latest_stage_change(store, pid)
        sales.move_stage(store, pid, Stage.qualified)
        with pytest.raises(StorageError, match="stage changed again"):
            sales.revert_stage_change(store, first or 0)
        assert sales.get_prospect(store, pid).stage == Stage.qualified


class TestInteractions:
    def test_logging_updates_last_contact_only_forward(self, store):
        pid = _prospect(store)
        recent = dt.datetime(2026, 11, 19, 9, 0, tzinfo=dt.UTC)
        sales.log_interaction(
            store, InteractionIn(prospect_id=pid, summary="Call", occurred_at=recent)
        )
        older = recent - dt.timedelta(days=30)
        sales.log_interaction(
            store, InteractionIn(prospect_id=pid, summary="Old", occurred_at=older)
        )
        assert sales.get_prospect(store, pid).last_contact_at == recent
        assert [i.summary for i in sales.interactions_for(store, pid)] == ["Call", "Old"]

    def test_default_time_is_now(self, store):
        pid = _prospect(store)
        interaction = sales.log_interaction(store, InteractionIn(prospect_id=pid, summary="Hi"))
        assert interaction.occurred_at == dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)

    def test_logging_resets_the_keep_in_touch_cadence(self, store):
        from dualrole.services.today import agenda

        pid = _prospect(store, keep_in_touch_days=30)
        assert [item.record_id for item in agenda(store).keep_in_touch] == [pid]
        sales.log_interaction(store, InteractionIn(prospect_id=pid, summary="Catch-up"))
        assert agenda(store).keep_in_touch == []

    def test_deleting_the_latest_interaction_moves_last_contact_back(self, store):
        pid = _prospect(store)
        first = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
        second = dt.datetime(2026, 11, 10, 9, 0, tzinfo=dt.UTC)
        sales.log_interaction(store, InteractionIn(prospect_id=pid, summary="A", occurred_at=first))
        latest = sales.log_interaction(
            store, InteractionIn(prospect_id=pid, summary="B", occurred_at=second)
        )
        records.soft_delete(store, "interaction", latest.id)
        assert sales.get_prospect(store, pid).last_contact_at == first
        records.undo_delete(store)
        assert sales.get_prospect(store, pid).last_contact_at == second

    def test_logging_on_a_missing_prospect_is_refused(self, store):
        with pytest.raises(NotFoundError):
            sales.log_interaction(store, InteractionIn(prospect_id=42, summary="x"))
        assert store.scalar("SELECT count(*) FROM interactions") == 0

    def test_feedback_goes_to_marketing_once(self, store):
        pid = _prospect(store)
        interaction = sales.log_interaction(
            store,
            InteractionIn(prospect_id=pid, summary="Wants monthly billing", outcome="Asked twice"),
        )
        note_id = sales.send_feedback_to_marketing(store, interaction.id)
        note = marketing.get_note(store, note_id)
        assert note.kind == ResearchKind.feedback
        assert note.source == ResearchSource.sales_feedback
        assert note.prospect_id == pid and note.interaction_id == interaction.id
        assert note.body == "Wants monthly billing\n\nAsked twice"
        assert note.title == "Asked twice — Priya Sharma"  # the feedback itself, not the summary
        linked = sales.get_interaction(store, interaction.id)
        assert linked.is_feedback and linked.research_note_id == note_id
        assert sales.send_feedback_to_marketing(store, interaction.id) == note_id
        assert store.scalar("SELECT count(*) FROM research_notes") == 1


class TestFollowUps:
    def _create(self, store: Store, pid: int, due: str, **extra):
        return sales.create_followup(
            store, FollowUpIn(prospect_id=pid, title="Call back", due_date=due, **extra)
        )

    def test_next_followup_is_the_earliest_open_one(self, store):
        pid = _prospect(store)
        late = self._create(store, pid, "2026-11-30")
        early = self._create(store, pid, "2026-11-25")
        assert _next_followup(store, pid) == "2026-11-25"
        sales.complete_followup(store, early.id)
        assert _next_followup(store, pid) == "2026-11-30"
        sales.reopen_followup(store, early.id)
        assert _next_followup(store, pid) == "2026-11-25"
        records.soft_delete(store, "followup", early.id)
        assert _next_followup(store, pid) == "2026-11-30"
        records.undo_delete(store)
        assert _next_followup(store, pid) == "2026-11-25"
        sales.reschedule_followup(store, late.id, dt.date(2026, 11, 21))
        assert _next_followup(store, pid) == "2026-11-21"
        sales.complete_followup(store, late.id)
        sales.complete_followup(store, early.id)
        assert _next_followup(store, pid) is None

    def test_complete_offers_one_week_on(self, store):
        pid = _prospect(store)
        followup = self._create(store, pid, "2026-11-18", due_time="14:30")
        offer = sales.complete_followup(store, followup.id)
        assert sales.get_followup(store, followup.id).is_done
        assert not offer.repeats
        assert offer.suggestion.due_date == TODAY + dt.timedelta(days=7)
        assert offer.suggestion.due_time == dt.time(14, 30)
        assert offer.suggestion.prospect_id == pid

    def test_a_repeating_followup_offers_its_next_repeat(self, store):
        pid = _prospect(store)
        weekly = self._create(store, pid, "2026-11-25", repeat_every=2, repeat_unit="weeks")
        offer = sales.complete_followup(store, weekly.id)
        assert offer.repeats
        assert offer.suggestion.due_date == dt.date(2026, 12, 9)
        assert (offer.suggestion.repeat_every, offer.suggestion.repeat_unit) == (
            2,
            RepeatUnit.weeks,
        )
        overdue = self._create(store, pid, "2026-11-01", repeat_every=3)
        # an overdue repeat counts from today, not from the missed day
        assert sales.complete_followup(store, overdue.id).suggestion.due_date == dt.date(
            2026, 11, 23
        )
        created = sales.create_followup(store, offer.suggestion)
        assert created.due_date == dt.date(2026, 12, 9) and created.repeat_every == 2

    def test_completing_twice_keeps_the_first_time(self, store):
        pid = _prospect(store)
        followup = self._create(store, pid, "2026-11-25")
        sales.complete_followup(store, followup.id)
        first = sales.get_followup(store, followup.id)
        sales.complete_followup(store, followup.id)
        again = sales.get_followup(store, followup.id)
        assert (again.done_at, again.version) == (first.done_at, first.version)

    def test_snooze_counts_from_the_later_of_due_and_today(self, store):
        pid = _prospect(store)
        overdue = self._create(store, pid, "2026-11-10")
        assert sales.snooze_followup(store, overdue.id).due_date == TODAY + dt.timedelta(days=1)
        future = self._create(store, pid, "2026-12-01")
        snoozed = sales.snooze_followup(store, future.id, days=3)
        assert snoozed.due_date == dt.date(2026, 12, 4) and snoozed.sequence == 1
        with pytest.raises(StorageError, match="at least one day"):
            sales.snooze_followup(store, future.id, days=0)

    def test_update_with_a_stale_version_is_a_conflict(self, store):
        pid = _prospect(store)
        followup = self._create(store, pid, "2026-11-25")
        edit = FollowUpIn(prospect_id=pid, title="Send proposal", due_date="2026-11-27")
        updated = sales.update_followup(store, followup.id, followup.version, edit)
        assert (updated.title, updated.sequence) == ("Send proposal", 1)
        assert _next_followup(store, pid) == "2026-11-27"
        with pytest.raises(ConflictError):
            sales.update_followup(store, followup.id, followup.version, edit)

    def test_moving_a_followup_to_another_prospect_updates_both(self, store):
        first, second = _prospect(store, "A"), _prospect(store, "B")
        followup = self._create(store, first, "2026-11-25")
        moved = FollowUpIn(prospect_id=second, title="Call back", due_date="2026-11-25")
        sales.update_followup(store, followup.id, followup.version, moved)
        assert _next_followup(store, first) is None
        assert _next_followup(store, second) == "2026-11-25"

    def test_followup_on_a_missing_prospect_is_refused(self, store):
        with pytest.raises(NotFoundError):
            self._create(store, 99, "2026-11-25")

    def test_open_only_listing(self, store):
        pid = _prospect(store)
        done = self._create(store, pid, "2026-11-21")
        self._create(store, pid, "2026-11-22")
        sales.complete_followup(store, done.id)
        assert [f.due_date.day for f in sales.followups_for(store, pid, open_only=True)] == [22]
        assert [f.is_done for f in sales.followups_for(store, pid)] == [False, True]


def test_feedback_title_is_the_feedback_or_the_summary_without_one():
    assert sales.feedback_title("\n  Too expensive for a team of 3\nmore", "Greta") == (
        "Too expensive for a team of 3 — Greta"
    )
    assert sales.feedback_title("x" * 300, "Greta").endswith("… — Greta")


def _found(store: Store, text: str) -> set[str]:
    from dualrole.services.lists import ProspectFilter, prospects_query

    query = prospects_query(store, ProspectFilter(search=text))
    return {row.name for row in query.page(store, 0, query.count(store))}


def test_search_of_one_or_two_letters_matches_the_starts_of_names_and_tags(store):
    sales.create_prospect(store, ProspectIn(name="Nora Weiss", tags=["newsletter"]))
    sales.create_prospect(store, ProspectIn(name="Sam Ortiz", tags=["vip"]))
    sales.create_prospect(store, ProspectIn(name="Ada Lind", tags=["berlin"]))
    assert _found(store, "s") == {"Sam Ortiz"}  # not "newsletter", "Weiss" or "Ortiz"
    assert _found(store, "n") == {"Nora Weiss"}  # her name and her tag
    assert _found(store, "#ne") == {"Nora Weiss"}
    assert _found(store, "be") == {"Ada Lind"}  # the tag "berlin"
    assert _found(store, "ett") == {"Nora Weiss"}  # three letters: inside a tag
    assert _found(store, "rti") == {"Sam Ortiz"}  # … or inside a name


def test_a_short_search_finds_any_word_of_a_name(store):
    from dualrole.services.records import soft_delete

    for name in ("Sam Ortiz", "sara Kim", "Sven Berg", "Rita Sand", "Tom Sears"):
        sales.create_prospect(store, ProspectIn(name=name, tags=["vip"]))
    gone = sales.create_prospect(store, ProspectIn(name="Sue Gone"))
    soft_delete(store, "prospect", gone.id)
    # Any word of the name, any case, not deleted (issue 24: "kh" missed Sofia Khan).
    assert _found(store, "S") == {"Sam Ortiz", "sara Kim", "Sven Berg", "Rita Sand", "Tom Sears"}
    assert _found(store, "sa") == {"Sam Ortiz", "sara Kim", "Rita Sand"}
    assert _found(store, "v") == {"Sam Ortiz", "sara Kim", "Sven Berg", "Rita Sand", "Tom Sears"}

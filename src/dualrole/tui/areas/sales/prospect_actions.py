"""Sales actions usable wherever a prospect is selected (Today, Sales lists, prospect page).

A screen subclasses :class:`ProspectActions`, implements ``selected_prospect_id()`` (and
optionally ``selected_interaction_id()``) and adds :data:`PROSPECT_BINDINGS` to its BINDINGS;
its lists reload on the app's data-changed signal after each write. Keys: ``l`` log an
interaction, ``F`` send its feedback to marketing, ``c`` change stage (lost asks why),
``f`` new follow-up, ``e`` edit the prospect, ``W`` write an email from a template.
Completing a follow-up offers the next one in a prefilled form.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from textual.binding import Binding

from dualrole.core.words import counted
from dualrole.tui.areas.base import AreaScreen


def prospect_forms() -> ModuleType:
    """The form builders, imported on first use (they bring in pydantic and the form widgets)."""
    import dualrole.tui.areas.sales.prospect_forms as module

    return module


def _sales() -> ModuleType:
    from dualrole.services import sales

    return sales


PROSPECT_BINDINGS = [
    Binding("l", "log", "Log", id="prospect.log", tooltip="Log a call, email, meeting…"),
    Binding("F", "feedback", "Feedback→mkt", id="prospect.feedback", tooltip="Send to marketing"),
    Binding("c", "stage", "Stage", id="prospect.stage", tooltip="Change the deal's stage"),
    Binding(
        "f", "followup", "Follow-up", show=False, id="prospect.followup", tooltip="Schedule one"
    ),
    Binding(
        "W",
        "write_email",
        "Write email",
        show=False,
        id="prospect.write_email",
        tooltip="From an outreach template, in $EDITOR, then sent and logged",
    ),
]


class ProspectActions(AreaScreen):
    """Base of the screens where a prospect can be selected."""

    def selected_prospect_id(self) -> int | None:
        raise NotImplementedError

    def selected_interaction_id(self) -> int | None:
        """The interaction whose feedback ``F`` sends; default: the selected prospect's latest
        with customer feedback (an outcome), else its latest (``sales.feedback_candidate``)."""
        prospect_id = self.selected_prospect_id()
        if prospect_id is None:
            return None
        chosen = self.attempt(_sales().feedback_candidate, self.store, prospect_id)
        return chosen.id if chosen else None

    def _need_prospect(self) -> int | None:
        prospect_id = self.selected_prospect_id()
        if prospect_id is None:
            self.notify("Select a prospect first.")
        return prospect_id

    def _saved(self, message: str) -> Any:
        def done(result: Any) -> None:
            if result is not None:
                self.notify(message)

        return done

    def _load_prospect(self) -> Any:
        """The selected prospect, fresh from the database (None, with a notice, if none)."""
        prospect_id = self._need_prospect()
        if prospect_id is None:
            return None
        return self.attempt(_sales().get_prospect, self.store, prospect_id)

    def action_write_email(self) -> None:
        from dualrole.tui.areas.sales.write_email import write_email

        prospect_id = self._need_prospect()
        if prospect_id is not None:
            write_email(self, prospect_id)

    def action_log(self) -> None:
        prospect = self._load_prospect()
        if prospect is None:
            return
        form = prospect_forms().log_form(self.store, prospect)

        def logged(result: Any) -> None:
            if result is None:
                return
            _interaction, note_id = result
            if note_id is None:
                self.notify("Logged.")
            else:
                self.notify(f"Logged and sent to marketing as feedback note #{note_id}.")
            self.offer_followup_done(prospect)

        self.app.push_screen(form, logged)

    def offer_followup_done(self, prospect: Any) -> None:
        """After logging: the prospect's next open follow-up may be what was just done."""
        from dualrole.tui import format as fmt
        from dualrole.tui.dialogs.forms import ConfirmScreen

        open_ones = self.attempt(_sales().followups_for, self.store, prospect.id, open_only=True)
        if not open_ones:
            return
        followup = min(open_ones, key=lambda f: (f.due_date, f.id))

        def answer(yes: bool | None) -> None:
            if yes:
                self.complete_followup(followup.id)

        due = fmt.due(followup.due_date.isoformat())
        when = due if due.endswith("late") else f"due {due}"
        question = f"Was this the follow-up “{followup.title}” ({when})? Mark it done?"
        self.app.push_screen(ConfirmScreen(question, yes="Mark done", no="Not this"), answer)

    def action_feedback(self) -> None:
        """Send the selected prospect's feedback to marketing, once the user confirms what
        and whose it is (the cursor may have moved on after a log: the question names it)."""
        from dualrole.tui.dialogs.forms import ConfirmScreen

        sales = _sales()
        prospect = self._load_prospect()
        if prospect is None:
            return
        interaction_id = self.selected_interaction_id()
        if interaction_id is None:
            self.notify(f"{prospect.name} has no interaction to send; l logs one.", markup=False)
            return
        interaction = self.attempt(sales.get_interaction, self.store, interaction_id)
        if interaction is None:
            return
        said = sales.feedback_text(interaction.outcome or interaction.summary)
        if interaction.research_note_id:
            self.notify(
                f"Already sent to marketing: “{said}” — {prospect.name} "
                f"(note #{interaction.research_note_id}).",
                markup=False,
            )
            return

        def answer(yes: bool | None) -> None:
            if not yes:
                return
            note_id = self.attempt(sales.send_feedback_to_marketing, self.store, interaction_id)
            if note_id is not None:
                self.notify(
                    f"Sent to marketing as feedback note #{note_id} (Marketing › Research)."
                )

        when = f"{interaction.kind.value}, {interaction.occurred_at.astimezone():%a %-d %b}"
        question = f"Send to marketing: “{said}” — {prospect.name} ({when})?"
        self.app.push_screen(ConfirmScreen(question, yes="Send", no="Cancel"), answer)

    def action_stage(self) -> None:
        prospect = self._load_prospect()
        if prospect is None:
            return
        self.change_stage(prospect)

    def change_stage(self, prospect: Any, to: Any = None, deal_id: int | None = None) -> None:
        """The stage form (``to`` preselected; ``deal_id``: that deal of the person's); a won
        or lost deal offers to close follow-ups."""
        form = self.attempt(prospect_forms().stage_form, self.store, prospect, to, deal_id=deal_id)
        if form is None:
            return
        from dualrole.services import deals, sales

        # the deals as they were: the form may move any one of them (a repeat sale too)
        before = self.attempt(deals.deals_for, self.store, prospect.id) or []
        last_change = self.attempt(sales.latest_stage_change, self.store, prospect.id)

        def saved(result: Any) -> None:
            if result is None:
                return
            from dualrole.services import undo

            step = self.attempt(undo.stage_changed, self.store, prospect, result)
            stage = result.stage
            if step is None:  # not the person's first deal: the one the form moved
                step = self.attempt(undo.deal_moved_since, self.store, before, last_change)
                was = {deal.id: deal.stage for deal in before}
                after = self.attempt(deals.deals_for, self.store, prospect.id) or []
                stage = next((d.stage for d in after if was.get(d.id) != d.stage), stage)
            self.remember(step)
            self.notify(f"Stage changed to {stage.value}.")
            self.offer_close_followups(result)

        self.app.push_screen(form, saved)

    def offer_close_followups(self, prospect: Any) -> None:
        """After a deal is won or lost: its open follow-ups can all be marked done (y/n)."""
        if prospect.stage.is_open:
            return
        sales = _sales()
        open_ones = self.attempt(sales.followups_for, self.store, prospect.id, open_only=True)
        if not open_ones:
            return
        from dualrole.tui.dialogs.forms import ConfirmScreen

        def answer(yes: bool | None) -> None:
            if not yes:
                return
            closed = self.attempt(sales.close_followups, self.store, prospect.id)
            if closed:
                self.notify(f"{counted(closed, 'follow-up')} marked done.")

        count = len(open_ones)
        question = (
            f"{prospect.name} is {prospect.stage.value}. Mark its "
            f"{counted(count, 'open follow-up')} done?"
        )
        self.app.push_screen(ConfirmScreen(question, yes="Mark done", no="Keep"), answer)

    def action_followup(self) -> None:
        prospect_id = self._need_prospect()
        if prospect_id is not None:
            form = prospect_forms().followup_form(self.store, prospect_id)
            self.app.push_screen(form, self._saved("Follow-up scheduled."))

    def complete_followup(self, followup_id: int) -> None:
        """Mark done, then offer the next one (prefilled; escape skips it)."""
        offer = self.attempt(_sales().complete_followup, self.store, followup_id)
        if offer is None:
            return
        from dualrole.services import undo

        self.remember(undo.marked_done("followup", followup_id, offer.suggestion.title))
        intro = "Done. " + (
            "It repeats — confirm the next one with ctrl+s, or escape to stop."
            if offer.repeats
            else "Schedule the next one? ctrl+s saves, escape skips."
        )
        form = prospect_forms().followup_form(
            self.store, offer.suggestion.prospect_id, offer.suggestion, intro=intro
        )
        self.app.push_screen(form, self._saved("Next follow-up scheduled."))

"""Promotion actions usable wherever a promotion is selected (the list and its page).

A screen subclasses :class:`PromotionActions`, implements ``selected_promotion_id()`` and adds
:data:`PROMOTION_BINDINGS` to its BINDINGS; what it shows reloads on the app's data-changed
signal after each write (``after_change()`` may keep the cursor on the promotion). Keys:
``r`` logs a result (day, reach, engagement, clicks, spend), ``a`` advances the status
(idea → planned → running → done), ``c`` sets any status (cancelled included).

Pages are opened with :class:`~dualrole.tui.navigation.OpenRecord`.
"""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

from dualrole.core.models import PromotionStatus
from dualrole.services import marketing
from dualrole.tui.areas.base import AreaScreen
from dualrole.tui.areas.marketing.forms import result_form, status_form

PROMOTION_BINDINGS = [
    Binding(
        "r", "result", "Log result", id="promotion.result", tooltip="Reach, clicks, spend for a day"
    ),
    Binding(
        "a", "advance", "Advance", id="promotion.advance", tooltip="idea → planned → running → done"
    ),
    Binding("c", "status", "Status", id="promotion.status", tooltip="Set any status, or cancel"),
]
PROMOTION_ACTIONS = {"result", "advance", "status"}

NEXT_STATUS = {
    PromotionStatus.idea: PromotionStatus.planned,
    PromotionStatus.planned: PromotionStatus.running,
    PromotionStatus.running: PromotionStatus.done,
}


class PromotionActions(AreaScreen):
    """Base of the screens where a promotion can be selected."""

    def selected_promotion_id(self) -> int | None:
        raise NotImplementedError

    def after_change(self) -> None:
        """After a promotion action, once saved (override; the data-changed signal reloads)."""

    def _promotion(self) -> Any:
        promotion_id = self.selected_promotion_id()
        if promotion_id is None:
            self.notify("Select a promotion first.")
            return None
        return self.attempt(marketing.get_promotion, self.store, promotion_id)

    def _after(self, message: str) -> Any:
        def done(result: Any) -> None:
            if result is not None:
                self.after_change()
                self.notify(message, markup=False)

        return done

    def action_result(self) -> None:
        promotion = self._promotion()
        if promotion is not None:
            form = result_form(self.store, promotion)
            self.app.push_screen(form, self._after("Result logged."))

    def action_advance(self) -> None:
        promotion = self._promotion()
        if promotion is None:
            return
        following = NEXT_STATUS.get(promotion.status)
        if following is None:
            self.notify(
                f"{promotion.name} is {promotion.status.value}; c sets another status.",
                markup=False,
            )
            return
        moved = self.attempt(marketing.set_promotion_status, self.store, promotion.id, following)
        if moved is not None:
            self._after(f"{promotion.name}: {promotion.status.value} → {following.value}.")(moved)

    def action_status(self) -> None:
        promotion = self._promotion()
        if promotion is not None:
            form = status_form(self.store, promotion)
            self.app.push_screen(form, self._after("Status changed."))

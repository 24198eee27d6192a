"""torch's chaining: continuing from an lr changed outside the scheduler (by hand, or by a second
scheduler on the same optimizer), as torch's recursive form does."""

from __future__ import annotations

from collections.abc import Mapping

from .base import ScheduledLR
from .schedule import Schedule
from .validate import check_float, check_int, fail

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from typing import Any

    from .base import Apply


class Decay(Schedule):
    """A pure decay ``value(t) = base * factor(t)`` that can also carry a value set at a step."""

    def ratio(self, start: int, stop: int) -> float:
        """The product of torch's per-step multipliers over steps ``start + 1 .. stop`` (``stop >= start``);
        1 from :attr:`last_change` on, where torch leaves the lr alone."""
        last = self.last_change
        if last is not None and start >= last:
            return 1.0
        before = self.factor(start)
        return self.factor(stop) / before if before != 0.0 else 0.0


class ChainableLR(ScheduledLR):
    """A decay that continues from an lr changed outside it.

    A changed lr is rebased: the schedule continues from it (``Schedule.rebase``). Where the factor
    is 0 no base gives that lr, so the group holds it: from the step ``s`` it was set at, its lr is
    ``lr_set * ratio(s, t)`` (``Decay.ratio``).
    """

    _schedule: Decay
    _holds: list[tuple[int, float] | None]

    def _start(self, lrs: list[float]) -> None:
        super()._start(lrs)
        self._holds = [None] * len(self._bases)

    def _adopted(self, lrs: list[float]) -> None:
        super()._adopted(lrs)
        self._holds.extend([None] * len(lrs))

    def _taken_up(self, index: int, lr: float, scheduled: Any) -> Any:
        previous = self._previous_epoch
        base = self._schedule.rebase(previous, lr)
        if base is not None:
            self._bases[index] = base
            self._holds[index] = None
            return self._schedule(self.last_epoch, base)
        self._holds[index] = (previous, lr)
        self._rebased = True
        return lr * self._schedule.ratio(previous, self.last_epoch)

    def get_lr(self) -> list[Any]:
        values = super().get_lr()
        step = self.last_epoch
        for index, hold in enumerate(self._holds):
            if hold is not None and step >= hold[0]:
                values[index] = hold[1] * self._schedule.ratio(hold[0], step)
        return values

    def _pure_form(self) -> tuple[Schedule, list[float]] | None:
        return None if any(hold is not None for hold in self._holds) else super()._pure_form()

    def _extra_state(self) -> dict[str, Any]:
        holds = [None if hold is None else [hold[0], hold[1]] for hold in self._holds]
        return {**super()._extra_state(), "holds": holds}

    def _read_extra_state(self, state: Mapping[str, Any], count: int) -> Apply:
        apply_bases = super()._read_extra_state(state, count)
        holds = _read_holds(state.get("holds", [None] * count), count)

        def apply() -> None:
            apply_bases()
            self._holds = holds
            self._rebased = self._rebased or any(hold is not None for hold in holds)

        return apply


def _read_holds(value: object, count: int) -> list[tuple[int, float] | None]:
    rule = f"a list of {count} entries, each null or [step, lr]"
    if not isinstance(value, (list, tuple)):
        fail("state_dict['holds']", rule, value, kind=True)
    if len(value) != count:
        fail("state_dict['holds']", rule, value)
    holds: list[tuple[int, float] | None] = []
    for index, item in enumerate(value):
        if item is None:
            holds.append(None)
            continue
        where = f"state_dict['holds'][{index}]"
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            fail(where, "null or [step, lr]", item, kind=not isinstance(item, (list, tuple)))
        holds.append((check_int(f"{where}[0]", item[0], minimum=0), check_float(f"{where}[1]", item[1])))
    return holds

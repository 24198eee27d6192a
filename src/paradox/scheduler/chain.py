"""torch's chaining, in one place: continuing from an lr changed outside the scheduler (by hand, or
by a second scheduler on the same optimizer), as torch's recursive form does.

``LRScheduler._write`` finds each changed lr and calls ``_taken_up``, which ``ScheduledLR`` answers
by overwriting it; :class:`ChainableLR` takes it up instead, and :class:`DecayLR` adds what a decay
needs where its factor is 0.
"""

from __future__ import annotations

from collections.abc import Mapping

from .base import ScheduledLR
from .schedule import Schedule
from .state import read_values
from .validate import check_float, check_int, fail

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from typing import Any, ClassVar

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
    """torch's chainable classes: an lr ``lr`` changed outside the scheduler, found at step ``t``,
    becomes the group's new base, the one whose value at ``t - 1`` is ``lr`` (:meth:`Schedule.rebase`).

    Where the factor is 0 no base gives ``lr``: the group carries ``lr - floor`` on top of its
    scheduled value. A class whose recursion restarts at a zero of the factor
    (the cosine: ``_restarts_at_zero``) drops every rebase there. Built fresh, the bases are the
    groups' current lrs; resumed, they are ``base_lrs``.
    """

    #: Whether some group's base moved away from its ``base_lrs`` entry by a rebase.
    _rebased: bool = False
    _restarts_at_zero: ClassVar[bool] = False

    def _start(self, lrs: list[float]) -> None:
        self._bases = list(lrs) if self.last_epoch == -1 else list(self.base_lrs)
        self._rebased = self._bases != self.base_lrs

    def _pure_form(self) -> tuple[Schedule, list[float]] | None:
        return None if self._rebased else super()._pure_form()

    def _adopted(self, lrs: list[float]) -> None:
        super()._adopted(lrs)
        self._rebased = self._bases != self.base_lrs

    def _scheduled(self, step: float) -> list[Any]:
        previous = self.last_epoch  # the step being left
        if self._rebased and self._restarts_at_zero and previous >= 0 and self._schedule.factor(previous) == 0.0:
            # Every base gives the floor at a zero of the factor: nothing of a rebase is left.
            self._bases = list(self.base_lrs)
            self._rebased = False
        return self._schedule.values(step, self._bases)

    def _taken_up(self, index: int, lr: float, scheduled: Any) -> Any:
        base = self._schedule.rebase(self._previous_epoch, lr)
        if base is None:  # the base whose value now is the scheduled one plus ``lr - floor``
            factor: float = self._schedule.factor(self.last_epoch)
            if factor == 0.0:
                return scheduled
            base = self._bases[index] + (lr - self._schedule.floor) / factor
        self._bases[index] = base
        self._rebased = True
        return self._schedule(self.last_epoch, base)

    def _read_extra_state(self, state: Mapping[str, Any], count: int) -> Apply:
        apply_bases = super()._read_extra_state(state, count)
        base_lrs = read_values("base_lrs", state["base_lrs"], count)

        def apply() -> None:
            apply_bases()
            self._rebased = self._bases != base_lrs

        return apply

    def _loaded(self, state: Mapping[str, Any]) -> None:
        # torch's state holds no bases: a group whose lr is not base * factor(t) (changed by hand,
        # or by another scheduler of a chain) continues from the lr it reached, as in torch.
        if "torch" not in state:
            return
        step = self._previous_epoch = self.last_epoch
        for index, (lr, scheduled) in enumerate(zip(self._last_lr, self._scheduled(step))):
            if abs(lr - scheduled) > 1e-12 * abs(scheduled):
                self._taken_up(index, lr, scheduled)


class DecayLR(ChainableLR):
    """A chainable decay that holds an lr set where its factor is 0: from the step ``s`` it was set
    at, the group's lr is ``lr_set * ratio(s, t)`` (:meth:`Decay.ratio`)."""

    _schedule: Decay
    _holds: list[tuple[int, float] | None]

    def _start(self, lrs: list[float]) -> None:
        super()._start(lrs)
        self._holds = [None] * len(self._bases)

    def _adopted(self, lrs: list[float]) -> None:
        super()._adopted(lrs)
        step = self.last_epoch
        for lr in lrs:  # where the factor is 0 the group holds its lr, torch's multipliers applying to it
            zero = step > 0 and self._schedule.factor(step) == 0.0
            self._holds.append((step, lr) if zero else None)
            self._rebased = self._rebased or zero

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

    def _scheduled(self, step: float) -> list[Any]:
        values = self._schedule.values(step, self._bases)
        if self._rebased:  # a hold sets it
            for index, hold in enumerate(self._holds):
                if hold is not None and step >= hold[0]:
                    values[index] = hold[1] * self._schedule.ratio(hold[0], int(step))
        return values

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

"""k-decay (arXiv 2004.05909): a time warp ``t -> T * (t / T) ** k`` of any schedule with a length
``T``, as timm applies it to its cosine and polynomial schedules; and its driver."""

from __future__ import annotations

from .base import ConfigParam, ScheduledLR
from .compose import check_schedule
from .schedule import SCALAR, Schedule
from .validate import check_float, fail, named

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from .base import SupportsParamGroups


def span(schedule: Schedule) -> int | None:
    """The steps a schedule's shape takes: its ``length`` (``T_max``), else its ``last_change``
    (a decay's ``total_iters``), else None (a schedule that changes for ever)."""
    return schedule.length or schedule.last_change


def check_timed(name: str, value: object) -> Schedule:
    """A :class:`Schedule` (or its ``to_config()`` dict) whose shape ends at a step >= 1 (see :func:`span`)."""
    rule = "a Schedule with a length (CosineAnnealing, TanhDecay, PolynomialDecay, ...) or its to_config() dict"
    schedule = check_schedule(name, value, rule)
    if not span(schedule):
        fail(name, rule, schedule)
    return schedule


class KDecay(Schedule):
    r"""Warp the steps of a schedule with a length ``T`` by k-decay (arXiv 2004.05909).

    Formula: the schedule is evaluated at the warped step::

        value(t, base) = schedule(T * (t / T) ** k, base)

    for ``t < T``, and at ``t`` itself from ``T`` on. The warp keeps both ends (0 and ``T``):
    ``k > 1`` holds the lr high for longer and falls late, ``k < 1`` falls early. ``T`` is the
    schedule's ``length`` (``T_max``) or, for a decay, its ``last_change`` (``total_iters``).

    This is timm's ``k_decay``: its cosine computes ``cos(pi * t_curr ** k / t_i ** k)`` and its
    polynomial ``(1 - t_curr ** k / t_i ** k) ** power`` within each cycle:
    ``Cycles(KDecay(CosineAnnealing(T, eta_min), k), ...)`` and
    ``Cycles(KDecay(PolynomialDecay(T, power), k), ..., eta_min=lr_min)`` are timm's
    ``CosineLRScheduler`` and ``PolyLRScheduler`` (see :class:`~paradox.scheduler.Cycles`).

    Args:
        schedule: a :class:`Schedule` with a length (or its ``to_config()`` dict).
        k: the exponent of the warp, a finite number > 0 (1: no warp).

    Raises:
        TypeError, ValueError: an argument of the wrong type, or out of its range (a schedule
            without a length).

    >>> from paradox.scheduler import CosineAnnealing
    >>> cosine = CosineAnnealing(T_max=4)
    >>> [round(value, 6) for value in KDecay(cosine, k=2.0).simulate(5)]
    [1.0, 0.990393, 0.853553, 0.402455, 0.0]
    >>> KDecay(cosine, k=2.0)(2) == cosine(4 * (2 / 4) ** 2)
    True
    """

    def __init__(self, schedule: Schedule, k: float) -> None:
        with self._building():
            self.schedule = check_timed("schedule", schedule)
            self.k = check_float("k", k, minimum=0.0, min_open=True)
            self.floor = self.schedule.floor
            self._period = span(self.schedule) or 1

    @property
    def length(self) -> int | None:
        return self.schedule.length

    @property
    def last_change(self) -> int | None:
        return self.schedule.last_change

    @property
    def affine(self) -> bool:
        return self.schedule.affine

    def warp(self, step: Any, xp: Any = SCALAR) -> Any:
        """The step of the inner schedule at ``step``: ``T * (step / T) ** k`` up to ``T``, ``step`` after."""
        if self.k == 1.0:
            return step
        period = self._period
        return xp.where(step < period, period * xp.pow(xp.minimum(step, period) / period, self.k), step)

    def factor(self, step: Any, xp: Any = SCALAR) -> Any:
        warped = self.warp(step, xp)
        return self.schedule.factor(warped) if xp is SCALAR else self.schedule.factor(warped, xp)

    def values(self, step: Any, bases: Sequence[float], xp: Any = SCALAR) -> list[Any]:
        return self.evaluate(step, bases, xp)[0]

    def evaluate(self, step: Any, bases: Sequence[float], xp: Any = SCALAR) -> tuple[list[Any], list[Any] | None]:
        return self.schedule.evaluate(self.warp(step, xp), bases, xp)

    def rebase(self, step: float, value: float) -> float | None:
        return self.schedule.rebase(self.warp(step), value)


class KDecayLR(ScheduledLR):
    r"""Drive a schedule with a length, its steps warped by k-decay: each group's lr at epoch ``t``
    is ``schedule(T * (t / T) ** k, base_lr)`` up to ``T`` (then ``schedule(t, base_lr)``).

    Formula and arguments as :class:`KDecay`, plus ``optimizer`` and ``last_epoch`` (as
    :class:`LRScheduler`). ``scheduler.schedule`` is the :class:`KDecay`; the warped schedule is
    ``scheduler.schedule.schedule``. The state holds both, as plain JSON.

    >>> from paradox.scheduler import CosineAnnealing
    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.1}]})()
    >>> scheduler = KDecayLR(optimizer, CosineAnnealing(T_max=4), k=2.0)
    >>> for epoch in range(2):
    ...     scheduler.step()
    >>> round(optimizer.param_groups[0]["lr"], 6)
    0.085355
    """

    k = ConfigParam()

    @named
    def __init__(self, optimizer: SupportsParamGroups, schedule: Schedule, k: float, last_epoch: int = -1) -> None:
        super().__init__(optimizer, KDecay(schedule, k), last_epoch)

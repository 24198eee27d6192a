"""Restarts: any schedule with a length repeated in cycles that grow (``cycle_mul``), whose peaks
decay (``cycle_decay``), up to a number of cycles (``cycle_limit``), as timm's cosine, tanh and
polynomial schedulers do; and its driver, :class:`RestartsLR`."""

from __future__ import annotations

import math

from .base import ConfigParam, ScheduledLR
from .cyclic import check_flag
from .kdecay import check_timed, span
from .schedule import SCALAR, Schedule
from .validate import MAX_STEPS, check_float, check_steps, fail, named

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from .base import SupportsParamGroups


class Cycles(Schedule):
    r"""Repeat a schedule with a length ``L`` in cycles: each cycle ``cycle_mul`` times longer
    than the last, its peak ``cycle_decay`` times lower, the floor unchanged.

    Formula (timm's ``CosineLRScheduler._get_lr`` without warmup and noise), with
    ``m = cycle_mul``: the cycle ``i`` holding step ``t``, its length ``t_i`` and the steps
    ``t_curr`` into it are::

        m == 1:  i = t // L,                             t_i = L,           t_curr = t - L * i
        m != 1:  i = floor(log(1 - t / L * (1 - m), m)),  t_i = m ** i * L,  t_curr = t - (1 - m ** i) / (1 - m) * L

    (with ``timm_rounding=False``, the default, ``i`` is then corrected by one where the
    logarithm rounds across a restart, so that ``0 <= t_curr < t_i``), and::

        value(t, base) = schedule(t_curr / t_i * L, base * cycle_decay ** i)    i < cycle_limit
        value(t, base) = floor                                                  i >= cycle_limit

    The inner schedule sees each cycle scaled to its own length, from its step 0, with the peak
    ``base * cycle_decay ** i``; its floor (``eta_min``) stays, so a peak decayed below the floor
    gives values between the two, as in timm. ``floor`` is the schedule's, or ``eta_min`` when
    given (timm's ``lr_min`` for a schedule without one: a :class:`PolynomialDecay`). After the
    last cycle the value holds the floor for ever; ``cycle_limit=None`` (the default here; timm's
    is 1) repeats for ever.

    timm's schedulers (``warmup_t=0``, no noise) are, with ``T = t_initial`` and ``timm_rounding=True``::

        CosineLRScheduler  Cycles(KDecay(CosineAnnealing(T, lr_min), k_decay), mul, decay, limit)
        TanhLRScheduler    Cycles(TanhDecay(T, lb, ub, lr_min), mul, decay, limit)
        PolyLRScheduler    Cycles(KDecay(PolynomialDecay(T, power), k_decay), mul, decay, limit, eta_min=lr_min)

    (``KDecay`` may be left out when ``k_decay == 1``.) An integer ``cycle_mul`` (``2.0``) and
    ``cycle_decay=1`` around a :class:`CosineAnnealing` is :class:`CosineWarmRestarts` (torch's
    SGDR, ``T_mult = cycle_mul``).

    Args:
        schedule: a :class:`Schedule` with a length (``length``, or a decay's ``last_change``):
            :class:`CosineAnnealing`, :class:`TanhDecay`, :class:`PolynomialDecay`,
            :class:`KDecay` of one, ...; or its ``to_config()`` dict.
        cycle_mul: the growth of each next cycle's length, a number in [1, 1e6].
        cycle_decay: the factor of each next cycle's peak, a number in [0, 1].
        cycle_limit: the number of cycles, an int in [1, 2**53], or None for no limit.
        eta_min: the floor, a finite number >= 0, or None for the schedule's own floor.
        timm_rounding: a bool. False: the cycle index is exact (corrected by one either way
            where the logarithm rounds across a restart). True: timm's arithmetic, step for step,
            which starts some cycles one step late: with ``cycle_mul=3``, ``L=1`` timm's
            ``floor(log(243, 3))`` is 4, so step 121 ends cycle 4 at the floor instead of starting
            cycle 5 at its peak (steps 29524, 797161, ... too). Integer steps with
            ``cycle_mul == 1`` are exact either way.

    Raises:
        TypeError, ValueError: an argument of the wrong type, or out of its range (a schedule
            without a length).

    >>> from paradox.scheduler import CosineAnnealing
    >>> cycles = Cycles(CosineAnnealing(T_max=2), cycle_mul=2.0, cycle_decay=0.5, cycle_limit=2)
    >>> [round(value, 6) for value in cycles.simulate(8)]
    [1.0, 0.5, 0.5, 0.426777, 0.25, 0.073223, 0.0, 0.0]
    >>> cycles.cycle(5), cycles.length
    ((1, 3.0, 4.0), 6)
    """

    def __init__(
        self,
        schedule: Schedule,
        cycle_mul: float = 1.0,
        cycle_decay: float = 1.0,
        cycle_limit: int | None = None,
        eta_min: float | None = None,
        timm_rounding: bool = False,
    ) -> None:
        with self._building():
            self.schedule = check_timed("schedule", schedule)
            self.cycle_mul = check_float("cycle_mul", cycle_mul, minimum=1.0, maximum=1e6)
            self.cycle_decay = check_float("cycle_decay", cycle_decay, minimum=0.0, maximum=1.0)
            self.cycle_limit = None if cycle_limit is None else check_steps("cycle_limit", cycle_limit)
            self.eta_min = None if eta_min is None else check_float("eta_min", eta_min, minimum=0.0)
            self.timm_rounding = check_flag("timm_rounding", timm_rounding)
            self.floor = self.schedule.floor if self.eta_min is None else self.eta_min
            if self.eta_min is not None and not self.schedule.affine:  # eta_min replaces its floor
                rule = "a schedule whose values are floor + (base - floor) * factor(step) when eta_min is given"
                fail("schedule", rule, self.schedule)
            self._period = span(self.schedule) or 1  # check_timed refused a span of 0 or None

    @property
    def affine(self) -> bool:
        return self.schedule.affine and (self.floor == 0.0 or self.cycle_decay == 1.0)

    @property
    def length(self) -> int | None:
        """The first step of the floor after the last cycle (timm's ``get_cycle_length()``
        rounded up), or None without a ``cycle_limit``."""
        limit, period, mul = self.cycle_limit, self._period, self.cycle_mul
        if limit is None:
            return None
        try:
            total = period * limit if mul == 1.0 else math.ceil(period * (mul**limit - 1) / (mul - 1))
        except OverflowError:
            return None
        return total if total <= MAX_STEPS else None

    def cycle(self, step: Any, xp: Any = SCALAR) -> tuple[Any, Any, Any]:
        """``(i, t_curr, t_i)`` at ``step``: the cycle (from 0), the steps into it and its length,
        computed as timm does."""
        period, mul = self._period, self.cycle_mul
        if mul == 1.0:
            index = step // period
            return index, step - period * index, period
        ratio = xp.log(1 - step / period * (1 - mul)) / math.log(mul)  # math.log(x, mul), as timm
        index = math.floor(ratio) if xp is SCALAR else xp.floor(ratio)
        if not self.timm_rounding:  # corrected by one either way: a restart is never missed
            index = xp.where(step < (1 - mul**index) / (1 - mul) * period, index - 1, index)
            index = xp.where(step >= (1 - mul ** (index + 1)) / (1 - mul) * period, index + 1, index)
        elif xp is not SCALAR:  # numpy's log can differ from libm's by an ulp: timm's own index near a restart
            for near in (abs(ratio - xp.floor(ratio + 0.5)) < 1e-9).nonzero()[0]:
                index[near] = math.floor(math.log(1 - float(step[near]) / period * (1 - mul), mul))
        return index, step - (1 - mul**index) / (1 - mul) * period, mul**index * period

    def _position(self, current: Any, length: Any) -> Any:
        """The inner schedule's step for ``current`` steps into a cycle of ``length`` steps."""
        return current if self.cycle_mul == 1.0 else current / length * self._period

    def factor(self, step: Any, xp: Any = SCALAR) -> Any:
        """The value for ``base = 1`` above a floor of 0: ``cycle_decay ** i`` times the schedule's factor."""
        index, current, length = self.cycle(step, xp)
        position = self._position(current, length)
        inner = self.schedule.factor(position) if xp is SCALAR else self.schedule.factor(position, xp)
        limit = self.cycle_limit
        value = self.cycle_decay**index * inner
        return value if limit is None else xp.where(index < limit, value, 0.0)

    def values(self, step: Any, bases: Sequence[float], xp: Any = SCALAR) -> list[Any]:
        return self.evaluate(step, bases, xp)[0]

    def evaluate(self, step: Any, bases: Sequence[float], xp: Any = SCALAR) -> tuple[list[Any], list[Any] | None]:
        """The values at ``step`` (the lrs only: a momentum the inner schedule cycles is not repeated)."""
        index, current, length = self.cycle(step, xp)
        limit, floor = self.cycle_limit, self.floor
        if xp is SCALAR and limit is not None and index >= limit:
            return [floor] * len(bases), None
        position = self._position(current, length)
        if self.cycle_decay != 1.0:
            gamma = self.cycle_decay**index
            bases = [base * gamma for base in bases]
        if self.eta_min is None:
            lrs = self.schedule.evaluate(position, bases, xp)[0]
        else:
            inner = self.schedule.factor(position) if xp is SCALAR else self.schedule.factor(position, xp)
            lrs = [floor + (base - floor) * inner for base in bases]
        if limit is not None and xp is not SCALAR:
            lrs = [xp.where(index < limit, lr, floor) for lr in lrs]
        return lrs, None

    def rebase(self, step: float, value: float) -> float | None:
        index, current, length = self.cycle(step)
        if self.cycle_limit is not None and index >= self.cycle_limit:
            return None
        gamma, position = self.cycle_decay**index, self._position(current, length)
        if gamma == 0.0:
            return None
        if self.eta_min is None:  # the inner schedule on base * gamma
            inner = self.schedule.rebase(position, value)
            return None if inner is None else inner / gamma
        floor, factor = self.floor, self.schedule.factor(position)
        if factor == 0.0:
            return None
        base = (floor + (value - floor) / factor) / gamma
        return base if math.isfinite(base) else None


class RestartsLR(ScheduledLR):
    r"""Repeat a schedule in cycles with restarts (timm's ``cycle_mul``, ``cycle_decay`` and
    ``cycle_limit``), each group's lr at epoch ``t`` being ``Cycles(...)(t, base_lr)``.

    Not torch's ``CyclicLR`` (a triangle between two lrs): this restarts any schedule with a
    length, a cosine as SGDR does (``CosineAnnealingWarmRestarts``), a :class:`TanhDecay`, a
    :class:`PolynomialDecay`, their :class:`KDecay`. Formula and arguments as :class:`Cycles`,
    plus ``optimizer`` and ``last_epoch`` (as :class:`LRScheduler`). ``scheduler.schedule`` is the
    :class:`Cycles`; the repeated schedule is ``scheduler.schedule.schedule``. The state holds
    both, as plain JSON.

    >>> from paradox.scheduler import CosineAnnealing
    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.1}]})()
    >>> scheduler = RestartsLR(optimizer, CosineAnnealing(T_max=2), cycle_decay=0.5, cycle_limit=2)
    >>> lrs = []
    >>> for epoch in range(6):
    ...     lrs.append(round(optimizer.param_groups[0]["lr"], 6))
    ...     scheduler.step()
    >>> lrs
    [0.1, 0.05, 0.05, 0.025, 0.0, 0.0]
    """

    cycle_mul = ConfigParam()
    cycle_decay = ConfigParam()
    cycle_limit = ConfigParam()
    eta_min = ConfigParam()
    timm_rounding = ConfigParam()

    @named
    def __init__(
        self,
        optimizer: SupportsParamGroups,
        schedule: Schedule,
        cycle_mul: float = 1.0,
        cycle_decay: float = 1.0,
        cycle_limit: int | None = None,
        eta_min: float | None = None,
        timm_rounding: bool = False,
        last_epoch: int = -1,
    ) -> None:
        cycles = Cycles(schedule, cycle_mul, cycle_decay, cycle_limit, eta_min, timm_rounding)
        super().__init__(optimizer, cycles, last_epoch)

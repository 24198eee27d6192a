"""Inverse square root decay after a linear warmup (transformers' and Big Vision's form with a
``timescale``, fairseq's form with ``warmup_init_lr``), and its driver."""

from __future__ import annotations

from .base import ConfigParam, ScheduledLR
from .schedule import SCALAR, Schedule
from .validate import check_float, check_steps, named
from .warmup import Warmup

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from .base import SupportsParamGroups

#: transformers' ``timescale`` when there is neither a timescale nor a warmup.
DEFAULT_TIMESCALE = 10_000


class _Decay(Schedule):
    """The decay after the warmup, from its own step 0: ``1 / sqrt((t + timescale) / timescale)``."""

    def __init__(self, timescale: float) -> None:
        with self._building():
            self.timescale = timescale

    def factor(self, step: Any, xp: Any = SCALAR) -> Any:
        return 1.0 / ((step + self.timescale) / self.timescale) ** 0.5


class InverseSqrt(Schedule):
    r"""Rise linearly over ``warmup_steps``, then decay as the inverse square root of the step.

    Formula, with ``w = warmup_steps``, ``tau = timescale`` and ``s`` the start (``start_value``,
    or ``start_factor * base``)::

        value(t) = s + (base - s) * t / w                    t < w
        value(t) = base / sqrt((t - w + tau) / tau)          t >= w

    The peak, ``base``, lands on step ``w``, the first step after the warmup: the warmup is
    :class:`~paradox.scheduler.Warmup` (linear, ``peak="after"``) around the decay, which starts
    its own step 0 there. The two forms in use:

    - transformers' ``get_inverse_sqrt_schedule`` (from Big Vision): ``start_factor=0``, and
      ``timescale`` as given there (default ``w``, or 10,000 when ``w = 0``).
    - fairseq's ``inverse_sqrt``: ``timescale = warmup_updates`` (the default here), so that
      ``value(t) = base * sqrt(w / t)`` after the warmup, and ``start_value = warmup_init_lr``.

    Args:
        warmup_steps: the steps of the linear rise, an int in [0, 2**53] (0: no warmup).
        timescale: the steps over which the value falls to ``base / sqrt(2)`` after the warmup, a
            finite number > 0, or None for ``warmup_steps`` (10,000 if ``warmup_steps`` is 0).
        start_factor: the value at step 0 as a factor of ``base``, a number in [0, 1].
        start_value: the value at step 0 itself, a finite number >= 0, the same for every base
            (fairseq's ``warmup_init_lr``), or None to use ``start_factor`` (which is then 0.0).

    Raises:
        TypeError, ValueError: an argument of the wrong type, or out of its range.

    >>> schedule = InverseSqrt(warmup_steps=4)
    >>> [round(value, 6) for value in schedule.simulate(9)]
    [0.0, 0.25, 0.5, 0.75, 1.0, 0.894427, 0.816497, 0.755929, 0.707107]
    >>> round(InverseSqrt(warmup_steps=4, timescale=100)(104), 6)  # 1 / sqrt(2), one timescale on
    0.707107
    >>> [round(value, 6) for value in InverseSqrt(warmup_steps=2, start_value=0.1).simulate(5, base=0.5)]
    [0.1, 0.3, 0.5, 0.408248, 0.353553]
    """

    def __init__(
        self,
        warmup_steps: int = 0,
        timescale: float | None = None,
        start_factor: float = 0.0,
        start_value: float | None = None,
    ) -> None:
        with self._building():
            self.warmup_steps = check_steps("warmup_steps", warmup_steps, minimum=0)
            if timescale is not None:
                timescale = check_float("timescale", timescale, minimum=0.0, min_open=True)
            self.timescale = timescale
            decay = _Decay(float(timescale or self.warmup_steps or DEFAULT_TIMESCALE))
            self._curve = Warmup(decay, self.warmup_steps, start_factor, start_value)  # checks the start
            self.start_factor, self.start_value = self._curve.start_factor, self._curve.start_value
            self.floor = self._curve.floor

    @property
    def affine(self) -> bool:
        return self._curve.affine

    def factor(self, step: Any, xp: Any = SCALAR) -> Any:
        return self._curve.factor(step, xp)

    def evaluate(self, step: Any, bases: Sequence[float], xp: Any = SCALAR) -> tuple[list[Any], list[Any] | None]:
        return self._curve.evaluate(step, bases, xp)

    def values(self, step: Any, bases: Sequence[float], xp: Any = SCALAR) -> list[Any]:
        return self._curve.values(step, bases, xp)

    def rebase(self, step: float, value: float) -> float | None:
        return self._curve.rebase(step, value)


class InverseSqrtLR(ScheduledLR):
    r"""Warm each group's lr up linearly, then decay it as the inverse square root of the step.

    Formula and arguments as :class:`InverseSqrt`, plus ``optimizer`` and ``last_epoch`` (as
    :class:`LRScheduler`).

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.1}]})()
    >>> scheduler = InverseSqrtLR(optimizer, warmup_steps=2, timescale=2)
    >>> lrs = []
    >>> for step in range(5):
    ...     lrs.append(round(optimizer.param_groups[0]["lr"], 6))
    ...     scheduler.step()
    >>> lrs
    [0.0, 0.05, 0.1, 0.08165, 0.070711]
    """

    warmup_steps = ConfigParam()
    timescale = ConfigParam()
    start_factor = ConfigParam()
    start_value = ConfigParam()

    @named
    def __init__(
        self,
        optimizer: SupportsParamGroups,
        warmup_steps: int = 0,
        timescale: float | None = None,
        start_factor: float = 0.0,
        start_value: float | None = None,
        last_epoch: int = -1,
    ) -> None:
        super().__init__(optimizer, InverseSqrt(warmup_steps, timescale, start_factor, start_value), last_epoch)

"""Piecewise schedules: linear between milestones (ignite's ``PiecewiseLinear``, optax's
``piecewise_interpolate_schedule``) and constant between boundaries (optax's
``piecewise_constant_schedule``), and their drivers."""

from __future__ import annotations

import math
from collections.abc import Sequence

from .base import ConfigParam, ScheduledLR
from .schedule import SCALAR, Schedule, _plain
from .shapes import between, check_shape
from .validate import MAX_STEPS, fail, is_number, named, to_float

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from typing import Any

    from .base import SupportsParamGroups

#: The shapes of :class:`PiecewiseLinear`'s pieces (optax's interpolate_type).
PIECES = ("linear", "cosine")


class PiecewiseLinear(Schedule):
    r"""Interpolate linearly between (milestone, value) pairs, constant outside them.

    Formula, with the pairs ``(m_0, v_0), (m_1, v_1), ...`` sorted by milestone::

        value(t) = base * v_0                                              t < m_0
        value(t) = base * (v_k + (v_{k+1} - v_k) * (t - m_k) / (m_{k+1} - m_k))   m_k <= t < m_{k+1}
        value(t) = base * v_last                                           t >= m_last

    With ``shape="cosine"`` each piece is half a cosine instead of a line,
    ``v_{k+1} + (v_k - v_{k+1}) * (1 + cos(pi * x)) / 2`` with ``x = (t - m_k) / (m_{k+1} - m_k)``
    (optax's ``interpolate_type="cosine"``).

    The values are factors of each group's ``base`` (ignite's ``PiecewiseLinear`` gives the
    parameter's values themselves: use ``base = 1``, or divide them by the lr). A milestone listed
    twice is a jump: that step already has the later value. optax's
    ``piecewise_interpolate_schedule("linear", init, {b_1: s_1, b_2: s_2, ...})`` is
    ``PiecewiseLinear([(0, 1), (b_1, s_1), (b_2, s_1 * s_2), ...])`` with ``base = init``.

    Args:
        milestones_values: a non-empty list of ``(milestone, value)`` pairs (lists in a config):
            milestones non-decreasing ints in [0, 2**53]; values finite numbers >= 0.
        shape: how each piece goes from one value to the next, "linear" (the default) or "cosine".

    Raises:
        TypeError, ValueError: an argument of the wrong type, or out of its range.

    >>> warmup_then_decay = PiecewiseLinear([(0, 0.0), (2, 1.0), (6, 0.2)])
    >>> [round(value, 6) for value in warmup_then_decay.simulate(8)]
    [0.0, 0.5, 1.0, 0.8, 0.6, 0.4, 0.2, 0.2]
    """

    _holds = True  # after its last change: a change of budget moves that end

    def __init__(self, milestones_values: Sequence[tuple[int, float]], shape: str = "linear") -> None:
        with self._building():
            self.milestones_values = _check_pairs(milestones_values)
            self.shape = check_shape("shape", shape, PIECES)
            self._milestones = tuple(milestone for milestone, _ in self.milestones_values)
            self._factors = tuple(value for _, value in self.milestones_values)

    @property
    def last_change(self) -> int:
        return self._milestones[-1]

    def factor(self, step: Any, xp: Any = SCALAR) -> Any:
        milestones, values = self._milestones, self._factors
        right = xp.upto(milestones, step)  # the pairs at or before the step
        left = xp.where(right == 0, 0, right - 1)
        right = xp.minimum(right, len(milestones) - 1)  # before the first or after the last: one pair, no ramp
        start = xp.pick(milestones, left)
        width = xp.pick(milestones, right) - start
        x = xp.where(width == 0, 0.0, (step - start) / xp.where(width == 0, 1, width))
        return between(self.shape, x, xp.pick(values, left), xp.pick(values, right), xp)


def _check_pairs(value: object) -> tuple[tuple[int, float], ...]:
    rule = (
        "a non-empty list of (milestone, value) pairs, milestones non-decreasing ints in [0, 2**53], "
        "values finite numbers >= 0"
    )
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        fail("milestones_values", rule, value, kind=not is_number(value))  # a number: a value, not a kind, error
    if not value:
        fail("milestones_values", rule, value)
    pairs: list[tuple[int, float]] = []
    for pair in value:
        if isinstance(pair, (str, bytes)) or not isinstance(pair, Sequence):
            fail("milestones_values", rule, value, kind=True)
        if len(pair) != 2:
            fail("milestones_values", rule, value)
        milestone, factor = pair
        if isinstance(milestone, bool) or not isinstance(milestone, int) or not is_number(factor):
            fail("milestones_values", rule, value, kind=not isinstance(milestone, float))
        number = to_float(factor)
        if not 0 <= milestone <= MAX_STEPS or (pairs and milestone < pairs[-1][0]) or not 0.0 <= number < math.inf:
            fail("milestones_values", rule, value)
        pairs.append((milestone, number))
    return tuple(pairs)


class PiecewiseConstant(Schedule):
    r"""Multiply by ``scales[k]`` from step ``boundaries[k]`` on (optax's piecewise constant).

    Formula: ``value(t) = base * scales[0] * ... * scales[k - 1]``, where ``k`` counts the boundaries
    ``<= t``: a boundary step already has the new value, as in optax (and torch's ``MultiStepLR``).

    Args:
        boundaries: the steps at which a scale applies, a strictly increasing list of ints in
            [0, 2**53] (optax's ``boundaries_and_scales`` keys, sorted).
        scales: one finite number >= 0 per boundary (its values); 1 keeps the value, 0.1 divides
            it by 10.

    Raises:
        TypeError, ValueError: an argument of the wrong type, or out of its range, or the two
            lists of different lengths.

    >>> schedule = PiecewiseConstant(boundaries=[2, 4], scales=[0.5, 0.1])
    >>> [round(value, 6) for value in schedule.simulate(6)]
    [1.0, 1.0, 0.5, 0.5, 0.05, 0.05]
    """

    _holds = True  # after its last change: a change of budget moves that end

    def __init__(self, boundaries: Sequence[int], scales: Sequence[float]) -> None:
        with self._building():
            self.boundaries = _check_boundaries(boundaries)
            self.scales = _check_scales(scales, len(self.boundaries))
            products = [1.0]
            for scale in self.scales:
                products.append(products[-1] * scale)
            self._products = tuple(products)

    @property
    def last_change(self) -> int | None:
        return self.boundaries[-1] if self.boundaries else None

    def factor(self, step: Any, xp: Any = SCALAR) -> Any:
        return xp.pick(self._products, xp.upto(self.boundaries, step))


def _check_boundaries(value: object) -> tuple[int, ...]:
    rule = "a strictly increasing list of ints in [0, 2**53]"
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        fail("boundaries", rule, value, kind=not is_number(value))  # a number: a value, not a kind, error
    steps: list[int] = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int):
            fail("boundaries", rule, value, kind=not isinstance(item, float))
        if not 0 <= item <= MAX_STEPS or (steps and item <= steps[-1]):
            fail("boundaries", rule, value)
        steps.append(int(item))
    return tuple(steps)


def _check_scales(value: object, count: int) -> tuple[float, ...]:
    rule = f"a list of {count} finite numbers >= 0, one per entry of boundaries"
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        fail("scales", rule, value, kind=not is_number(value))  # a number: a value, not a kind, error
    if not all(map(is_number, value)):
        fail("scales", rule, value, kind=True)
    scales = tuple(to_float(scale) for scale in value)
    if len(scales) != count or not all(0.0 <= scale < math.inf for scale in scales):
        fail("scales", rule, value)
    return scales


class _Listed(ConfigParam):
    """A field of tuples, read as the plain lists its config holds."""

    def __get__(self, instance: ScheduledLR | None, owner: type | None = None) -> Any:
        return self if instance is None else _plain(super().__get__(instance, owner))


class PiecewiseLinearLR(ScheduledLR):
    r"""Set each group's lr by linear interpolation between (milestone, factor) pairs.

    Formula and arguments as :class:`PiecewiseLinear`, plus ``optimizer`` and ``last_epoch`` (as
    :class:`LRScheduler`).

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.1}]})()
    >>> scheduler = PiecewiseLinearLR(optimizer, [(0, 0.0), (2, 1.0), (4, 0.5)])
    >>> for step in range(3):
    ...     scheduler.step()
    >>> round(optimizer.param_groups[0]["lr"], 6)
    0.075
    """

    milestones_values = _Listed()
    shape = ConfigParam()

    @named
    def __init__(
        self,
        optimizer: SupportsParamGroups,
        milestones_values: Sequence[tuple[int, float]],
        shape: str = "linear",
        last_epoch: int = -1,
    ) -> None:
        super().__init__(optimizer, PiecewiseLinear(milestones_values, shape), last_epoch)


class PiecewiseConstantLR(ScheduledLR):
    r"""Multiply each group's base lr by ``scales[k]`` from ``boundaries[k]`` on.

    Formula and arguments as :class:`PiecewiseConstant`, plus ``optimizer`` and ``last_epoch`` (as
    :class:`LRScheduler`).

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.1}]})()
    >>> scheduler = PiecewiseConstantLR(optimizer, boundaries=[1, 3], scales=[0.5, 0.5])
    >>> for step in range(3):
    ...     scheduler.step()
    >>> round(optimizer.param_groups[0]["lr"], 6)
    0.025
    """

    boundaries = _Listed()
    scales = _Listed()

    @named
    def __init__(
        self, optimizer: SupportsParamGroups, boundaries: Sequence[int], scales: Sequence[float], last_epoch: int = -1
    ) -> None:
        super().__init__(optimizer, PiecewiseConstant(boundaries, scales), last_epoch)

"""The multiplicative family: closed-form factors behind torch's chainable decay schedulers.

Symbols: ``t`` is the step (``last_epoch``), ``base`` a param group's base value. Each schedule
gives ``value(t) = base * factor(t)``.

Besides :meth:`~paradox.scheduler.Schedule.factor`, each shape has :meth:`ratio`: the product of
torch's per-step multipliers over the steps ``start + 1 .. stop``, in closed form. A scheduler uses
it to carry an lr set by hand at a step where the factor is 0 (so no base gives that lr), which is
what torch's recursive form does: PolynomialLR past ``total_iters`` keeps a hand-set lr, and
MultiStepLR with ``gamma=0`` keeps it until the next milestone.
"""

from __future__ import annotations

import bisect
from _collections_abc import Mapping, Sequence

from ._schedule import Schedule
from ._validate import check_float, check_int, fail

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ._vectorised import Vector


class _Decay(Schedule):
    """A pure decay ``value(t) = base * factor(t)`` that can also carry a value set at a step."""

    def ratio(self, start: int, stop: int) -> float:
        """The product of torch's per-step multipliers over steps ``start + 1 .. stop`` (``stop >= start``)."""
        before = self.factor(start)
        return self.factor(stop) / before if before != 0.0 else 0.0


class ExponentialDecay(_Decay):
    r"""Multiply by ``gamma`` every step.

    Formula: ``value(t) = base * gamma ** t``.

    Args:
        gamma: the factor applied at each step, a finite number >= 0.

    Raises:
        TypeError: ``gamma`` is not a number.
        ValueError: ``gamma`` negative or not finite.

    >>> decay = ExponentialDecay(gamma=0.5)
    >>> decay
    ExponentialDecay(gamma=0.5)
    >>> decay.simulate(4, base=2.0)
    [2.0, 1.0, 0.5, 0.25]
    """

    gamma: float

    def _check(self, owner: str) -> None:
        self._set("gamma", check_float(owner, "gamma", self.gamma, minimum=0.0))

    def factor(self, step: float) -> float:
        return float(self.gamma**step)

    def _factor_array(self, v: Vector, t: Any) -> Any:
        gamma = self.gamma
        return v.table(lambda k: float(gamma**k), t)

    def ratio(self, start: int, stop: int) -> float:
        return float(self.gamma ** (stop - start))


class MultiStepDecay(_Decay):
    r"""Multiply by ``gamma`` at each milestone.

    Formula: ``value(t) = base * gamma ** m(t)``, where ``m(t)`` counts the milestones ``<= t``
    (a milestone listed twice counts twice, as in torch).

    Args:
        milestones: the steps at which to decay, a list of ints >= 0 (any order; kept sorted).
        gamma: the factor applied at each milestone, a finite number >= 0.

    Raises:
        TypeError: ``milestones`` is not a list (or tuple) of ints, or ``gamma`` not a number.
        ValueError: a milestone is negative or not a whole number, or ``gamma`` negative or not
            finite.

    >>> decay = MultiStepDecay(milestones=[2, 4], gamma=0.1)
    >>> decay
    MultiStepDecay(milestones=(2, 4), gamma=0.1)
    >>> [round(decay(t, base=1.0), 12) for t in range(6)]
    [1.0, 1.0, 0.1, 0.1, 0.01, 0.01]
    """

    milestones: Sequence[int]
    gamma: float = 0.1

    def _check(self, owner: str) -> None:
        self._set("milestones", check_milestones(owner, self.milestones))
        self._set("gamma", check_float(owner, "gamma", self.gamma, minimum=0.0))

    def _count(self, step: float) -> int:
        return bisect.bisect_right(self.milestones, step)

    def factor(self, step: float) -> float:
        return float(self.gamma ** self._count(step))

    def _factor_array(self, v: Vector, t: Any) -> Any:
        np, gamma = v.np, self.gamma
        counts = np.searchsorted(np.array(self.milestones, dtype=np.float64), t, side="right")
        return v.table(lambda k: float(gamma**k), counts.astype(np.float64))

    def ratio(self, start: int, stop: int) -> float:
        return float(self.gamma ** (self._count(stop) - self._count(start)))


def check_milestones(owner: str, value: object) -> tuple[int, ...]:
    """Milestones as a sorted tuple of ints >= 0; a list, tuple or range is accepted."""
    rule = "a list of ints >= 0"
    if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence)):
        fail(owner, "milestones", rule, value, kind=True)
    steps: list[int] = []
    for item in value:
        if isinstance(item, float) and item.is_integer():
            item = int(item)
        if isinstance(item, bool) or not isinstance(item, int):
            fail(owner, "milestones", rule, value, kind=not isinstance(item, float))
        if item < 0:
            fail(owner, "milestones", rule, value)
        steps.append(int(item))
    return tuple(sorted(steps))


class ConstantFactor(_Decay):
    r"""Scale by a constant ``scale`` for the first ``total_iters`` steps, then by 1.

    Formula: ``value(t) = base * (scale if t < total_iters else 1)``.

    The field is ``scale`` (``factor`` is the schedule's method); its config key is torch's
    ``factor``, so ``to_config()`` gives ``{"factor": ..., "total_iters": ...}``.

    Args:
        scale: the scale before ``total_iters``, a number in (0, 1] (torch's ``factor``).
        total_iters: the number of scaled steps, an int >= 0 (0 scales no step).

    Raises:
        TypeError: ``scale`` is not a number or ``total_iters`` not an int.
        ValueError: ``scale`` outside (0, 1], or ``total_iters < 0``.

    >>> warmup = ConstantFactor(scale=0.25, total_iters=2)
    >>> warmup
    ConstantFactor(scale=0.25, total_iters=2)
    >>> warmup.simulate(4, base=1.0)
    [0.25, 0.25, 1.0, 1.0]
    >>> warmup.to_config()
    {'name': 'ConstantFactor', 'factor': 0.25, 'total_iters': 2}
    """

    scale: float = 1.0 / 3
    total_iters: int = 5

    def _check(self, owner: str) -> None:
        self._set("scale", check_float(owner, "factor", self.scale, minimum=0.0, maximum=1.0, min_open=True))
        self._set("total_iters", check_int(owner, "total_iters", self.total_iters, minimum=0))

    def factor(self, step: float) -> float:
        return self.scale if step < self.total_iters else 1.0

    def _factor_array(self, v: Vector, t: Any) -> Any:
        return v.np.where(t < self.total_iters, self.scale, 1.0)

    def to_config(self) -> dict[str, Any]:
        return {"name": type(self).__name__, "factor": self.scale, "total_iters": self.total_iters}

    @classmethod
    def parameters(cls) -> tuple[str, ...]:
        return ("factor", "total_iters")

    @classmethod
    def build(cls, owner: str, params: Mapping[str, Any]) -> ConstantFactor:
        unknown = sorted(set(params) - set(cls.parameters()))
        if unknown:
            fail(owner, "config", f"made of the fields {list(cls.parameters())}", unknown)
        renamed = {("scale" if key == "factor" else key): value for key, value in params.items()}
        factory: Any = cls
        built: ConstantFactor = factory(**renamed, _owner=owner)
        return built

    def replace(self, owner: str, **changes: Any) -> ConstantFactor:
        config = {**self.to_config(), **changes}
        del config["name"]
        return type(self).build(owner, config)


class LinearFactor(_Decay):
    r"""Scale by a factor that moves linearly from ``start_factor`` to ``end_factor``.

    Formula::

        value(t) = base * (start_factor + (end_factor - start_factor) * min(t, total_iters) / total_iters)

    Args:
        start_factor: the scale at step 0, a number in (0, 1].
        end_factor: the scale from ``total_iters`` on, a number in [0, 1].
        total_iters: the steps taken to reach ``end_factor``, an int >= 1.

    Raises:
        TypeError: a factor is not a number or ``total_iters`` not an int.
        ValueError: a factor out of its range, or ``total_iters < 1``.

    >>> warmup = LinearFactor(start_factor=0.5, end_factor=1.0, total_iters=4)
    >>> warmup.simulate(6, base=1.0)
    [0.5, 0.625, 0.75, 0.875, 1.0, 1.0]
    """

    start_factor: float = 1.0 / 3
    end_factor: float = 1.0
    total_iters: int = 5

    def _check(self, owner: str) -> None:
        start = check_float(owner, "start_factor", self.start_factor, minimum=0.0, maximum=1.0, min_open=True)
        self._set("start_factor", start)
        self._set("end_factor", check_float(owner, "end_factor", self.end_factor, minimum=0.0, maximum=1.0))
        self._set("total_iters", check_int(owner, "total_iters", self.total_iters, minimum=1))

    def factor(self, step: float) -> float:
        if step >= self.total_iters:
            return self.end_factor  # exactly, with no rounding residue
        return self.start_factor + (self.end_factor - self.start_factor) * step / self.total_iters

    def _factor_array(self, v: Vector, t: Any) -> Any:
        ramp = self.start_factor + (self.end_factor - self.start_factor) * t / self.total_iters
        return v.np.where(t >= self.total_iters, self.end_factor, ramp)

    def ratio(self, start: int, stop: int) -> float:
        if start >= self.total_iters:
            return 1.0  # torch leaves the lr alone past total_iters
        return _Decay.ratio(self, start, stop)


class PolynomialDecay(_Decay):
    r"""Decay to 0 along a polynomial of degree ``power`` over ``total_iters`` steps.

    Formula: ``value(t) = base * (1 - min(t, total_iters) / total_iters) ** power``.

    Args:
        total_iters: the steps taken to reach 0, an int >= 1.
        power: the degree of the polynomial, a finite number >= 0.

    Raises:
        TypeError: ``total_iters`` is not an int or ``power`` not a number.
        ValueError: ``total_iters < 1``, or ``power`` negative or not finite.

    >>> decay = PolynomialDecay(total_iters=4, power=2.0)
    >>> decay.simulate(6, base=1.0)
    [1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0]
    """

    total_iters: int = 5
    power: float = 1.0

    def _check(self, owner: str) -> None:
        self._set("total_iters", check_int(owner, "total_iters", self.total_iters, minimum=1))
        self._set("power", check_float(owner, "power", self.power, minimum=0.0))

    def factor(self, step: float) -> float:
        return float((1.0 - min(step, self.total_iters) / self.total_iters) ** self.power)

    def _factor_array(self, v: Vector, t: Any) -> Any:
        return v.table(self.factor, v.np.minimum(t, self.total_iters))

    def ratio(self, start: int, stop: int) -> float:
        if start >= self.total_iters:
            return 1.0  # torch leaves the lr alone past total_iters
        return _Decay.ratio(self, start, stop)

"""Factors along a polynomial of the step (constant, linear, any power), and their torch-named drivers."""

from __future__ import annotations

from collections.abc import Mapping

from .base import ConfigParam, ScheduledLR
from .chain import Decay, DecayLR
from .schedule import SCALAR
from .validate import check_float, check_steps, fail, named

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from typing import Any

    from .base import SupportsParamGroups


class ConstantFactor(Decay):
    r"""Scale by a constant ``scale`` for the first ``total_iters`` steps, then by 1.

    Formula: ``value(t) = base * (scale if t < total_iters else 1)``.

    Args:
        scale: the scale before ``total_iters``, a number in (0, 1]; its config key is torch's
            ``factor`` (``factor`` is the schedule's method).
        total_iters: the number of scaled steps, an int in [0, 2**53] (0 scales no step).

    Raises:
        TypeError, ValueError: an argument of the wrong type, or out of its range.

    >>> warmup = ConstantFactor(scale=0.25, total_iters=2)
    >>> warmup.simulate(4, base=1.0)
    [0.25, 0.25, 1.0, 1.0]
    >>> warmup.to_config()
    {'name': 'ConstantFactor', 'factor': 0.25, 'total_iters': 2}
    """

    _holds = True  # after its last change: a change of budget moves that end

    def __init__(self, scale: float = 1.0 / 3, total_iters: int = 5) -> None:
        with self._building():
            self.scale = check_float("factor", scale, minimum=0.0, maximum=1.0, min_open=True)
            self.total_iters = check_steps("total_iters", total_iters, minimum=0)

    @property
    def last_change(self) -> int:
        return self.total_iters

    def factor(self, step: Any, xp: Any = SCALAR) -> Any:
        return xp.where(step < self.total_iters, self.scale, 1.0)

    def to_config(self) -> dict[str, Any]:
        return {"name": type(self).__name__, "factor": self.scale, "total_iters": self.total_iters}

    @classmethod
    def parameters(cls) -> tuple[str, ...]:
        return ("factor", "total_iters")

    @classmethod
    def build(cls, params: Mapping[str, Any]) -> ConstantFactor:
        unknown = sorted(set(params) - set(cls.parameters()))
        if unknown:
            fail("config", f"made of the fields {list(cls.parameters())}", unknown)
        return cls(**{("scale" if key == "factor" else key): value for key, value in params.items()})

    def replace(self, **changes: Any) -> ConstantFactor:
        if "scale" in changes:
            changes["factor"] = changes.pop("scale")
        return self.build({"factor": self.scale, "total_iters": self.total_iters, **changes})


class LinearFactor(Decay):
    r"""Scale by a factor that moves linearly from ``start_factor`` to ``end_factor``.

    Formula::

        value(t) = base * (start_factor + (end_factor - start_factor) * min(t, total_iters) / total_iters)

    Args:
        start_factor: the scale at step 0, a number in (0, 1].
        end_factor: the scale from ``total_iters`` on, a number in [0, 1].
        total_iters: the steps taken to reach ``end_factor``, an int in [1, 2**53].

    Raises:
        TypeError, ValueError: an argument of the wrong type, or out of its range.

    >>> LinearFactor(start_factor=0.5, end_factor=1.0, total_iters=4).simulate(6, base=1.0)
    [0.5, 0.625, 0.75, 0.875, 1.0, 1.0]
    """

    _holds = True  # after its last change: a change of budget moves that end

    def __init__(self, start_factor: float = 1.0 / 3, end_factor: float = 1.0, total_iters: int = 5) -> None:
        with self._building():
            self.start_factor = check_float("start_factor", start_factor, minimum=0.0, maximum=1.0, min_open=True)
            self.end_factor = check_float("end_factor", end_factor, minimum=0.0, maximum=1.0)
            self.total_iters = check_steps("total_iters", total_iters)

    @property
    def last_change(self) -> int:
        return self.total_iters

    def factor(self, step: Any, xp: Any = SCALAR) -> Any:
        ramp = self.start_factor + (self.end_factor - self.start_factor) * step / self.total_iters
        return xp.where(step >= self.total_iters, self.end_factor, ramp)  # end_factor exactly, no residue


class PolynomialDecay(Decay):
    r"""Decay to 0 along a polynomial of degree ``power`` over ``total_iters`` steps.

    Formula: ``value(t) = base * (1 - min(t, total_iters) / total_iters) ** power``.

    Args:
        total_iters: the steps taken to reach 0, an int in [1, 2**53].
        power: the degree of the polynomial, a finite number >= 0.

    Raises:
        TypeError, ValueError: an argument of the wrong type, or out of its range.

    >>> PolynomialDecay(total_iters=4, power=2.0).simulate(6, base=1.0)
    [1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0]
    """

    _holds = True  # after its last change: a change of budget moves that end

    def __init__(self, total_iters: int = 5, power: float = 1.0) -> None:
        with self._building():
            self.total_iters = check_steps("total_iters", total_iters)
            self.power = check_float("power", power, minimum=0.0)

    @property
    def last_change(self) -> int:
        return self.total_iters

    def factor(self, step: Any, xp: Any = SCALAR) -> Any:
        return (1.0 - xp.minimum(step, self.total_iters) / self.total_iters) ** self.power


class _Factor(ConfigParam):
    """ConstantLR's ``factor``: the schedule's ``scale`` field under torch's name."""

    def __get__(self, instance: ScheduledLR | None, owner: type | None = None) -> Any:
        schedule = None if instance is None else instance._schedule
        return schedule.scale if isinstance(schedule, ConstantFactor) else self


class ConstantLR(DecayLR):
    r"""Scale each group's lr by a constant ``factor`` until epoch ``total_iters``.

    Formula and arguments as :class:`ConstantFactor` (``factor`` is its ``scale``), plus
    ``optimizer`` and ``last_epoch`` (as :class:`LRScheduler`).

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.1}]})()
    >>> scheduler = ConstantLR(optimizer, factor=0.5, total_iters=2)
    >>> for epoch in range(3):
    ...     scheduler.step()
    >>> round(optimizer.param_groups[0]["lr"], 12)
    0.1
    """

    factor = _Factor()
    total_iters = ConfigParam()

    @named
    def __init__(
        self, optimizer: SupportsParamGroups, factor: float = 1.0 / 3, total_iters: int = 5, last_epoch: int = -1
    ) -> None:
        super().__init__(optimizer, ConstantFactor(factor, total_iters), last_epoch)


class LinearLR(DecayLR):
    r"""Scale each group's lr by a factor moving linearly from ``start_factor`` to ``end_factor``.

    Formula and arguments as :class:`LinearFactor`, plus ``optimizer`` and ``last_epoch`` (as :class:`LRScheduler`).

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.1}]})()
    >>> scheduler = LinearLR(optimizer, start_factor=0.5, total_iters=4)
    >>> for epoch in range(5):
    ...     scheduler.step()
    >>> round(optimizer.param_groups[0]["lr"], 12)
    0.1
    """

    start_factor = ConfigParam()
    end_factor = ConfigParam()
    total_iters = ConfigParam()

    @named
    def __init__(
        self,
        optimizer: SupportsParamGroups,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        super().__init__(optimizer, LinearFactor(start_factor, end_factor, total_iters), last_epoch)


class PolynomialLR(DecayLR):
    r"""Decay each group's lr to 0 along a polynomial over ``total_iters`` epochs.

    Formula and arguments as :class:`PolynomialDecay`, plus ``optimizer`` and ``last_epoch`` (as :class:`LRScheduler`).

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.1}]})()
    >>> scheduler = PolynomialLR(optimizer, total_iters=4, power=2.0)
    >>> for epoch in range(5):
    ...     scheduler.step()
    >>> round(optimizer.param_groups[0]["lr"], 12)
    0.0
    """

    total_iters = ConfigParam()
    power = ConfigParam()

    @named
    def __init__(
        self, optimizer: SupportsParamGroups, total_iters: int = 5, power: float = 1.0, last_epoch: int = -1
    ) -> None:
        super().__init__(optimizer, PolynomialDecay(total_iters, power), last_epoch)

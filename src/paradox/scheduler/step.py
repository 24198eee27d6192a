"""Step-wise and exponential decays, and their torch-named drivers."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence

from .base import ConfigParam, ScheduledLR
from .chain import Decay, DecayLR
from .schedule import SCALAR
from .validate import check_float, check_int, check_steps, fail, named

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from typing import Any

    from .base import Apply, SupportsParamGroups


class StepDecay(Decay):
    r"""Multiply by ``gamma`` every ``step_size`` steps.

    Formula: ``value(t) = base * gamma ** (t // step_size)``.

    Args:
        step_size: steps between two decays, an int in [1, 2**53].
        gamma: the factor applied at each decay, a finite number >= 0.

    Raises:
        TypeError, ValueError: an argument of the wrong type, or out of its range.

    >>> decay = StepDecay(step_size=3, gamma=0.1)
    >>> [round(decay(t, base=1.0), 12) for t in (0, 2, 3, 5, 6)]
    [1.0, 1.0, 0.1, 0.1, 0.01]
    """

    def __init__(self, step_size: int, gamma: float = 0.1) -> None:
        with self._building():
            self.step_size = check_steps("step_size", step_size)
            self.gamma = check_float("gamma", gamma, minimum=0.0)

    @property
    def last_change(self) -> int:
        return self.step_size

    def factor(self, step: Any, xp: Any = SCALAR) -> Any:
        return self.gamma ** (step // self.step_size)

    def ratio(self, start: int, stop: int) -> float:
        return float(self.gamma ** (stop // self.step_size - start // self.step_size))


class ExponentialDecay(Decay):
    r"""Multiply by ``gamma`` every step.

    Formula: ``value(t) = base * gamma ** t``.

    Args:
        gamma: the factor applied at each step, a finite number >= 0.

    Raises:
        TypeError, ValueError: ``gamma`` is not a number, or negative or not finite.

    >>> ExponentialDecay(gamma=0.5).simulate(4, base=2.0)
    [2.0, 1.0, 0.5, 0.25]
    """

    def __init__(self, gamma: float) -> None:
        with self._building():
            self.gamma = check_float("gamma", gamma, minimum=0.0)

    def factor(self, step: Any, xp: Any = SCALAR) -> Any:
        return self.gamma**step

    def ratio(self, start: int, stop: int) -> float:
        return float(self.gamma ** (stop - start))


class MultiStepDecay(Decay):
    r"""Multiply by ``gamma`` at each milestone.

    Formula: ``value(t) = base * gamma ** m(t)``, where ``m(t)`` counts the milestones ``<= t``
    (a milestone listed twice counts twice, as in torch).

    Args:
        milestones: the steps at which to decay, a list of ints >= 0 (any order; kept sorted).
        gamma: the factor applied at each milestone, a finite number >= 0.

    Raises:
        TypeError, ValueError: an argument of the wrong type, or out of its range.

    >>> decay = MultiStepDecay(milestones=[2, 4], gamma=0.1)
    >>> decay
    MultiStepDecay(milestones=(2, 4), gamma=0.1)
    >>> [round(decay(t, base=1.0), 12) for t in range(6)]
    [1.0, 1.0, 0.1, 0.1, 0.01, 0.01]
    """

    def __init__(self, milestones: Sequence[int], gamma: float = 0.1) -> None:
        with self._building():
            self.milestones = check_milestones(milestones)
            self.gamma = check_float("gamma", gamma, minimum=0.0)

    @property
    def last_change(self) -> int | None:
        return self.milestones[-1] if self.milestones else None

    def factor(self, step: Any, xp: Any = SCALAR) -> Any:
        return self.gamma ** xp.upto(self.milestones, step)

    def ratio(self, start: int, stop: int) -> float:
        return float(self.gamma ** (bisect_right(self.milestones, stop) - bisect_right(self.milestones, start)))


def check_milestones(value: object) -> tuple[int, ...]:
    """Milestones (a list, tuple or range of ints >= 0) as a sorted tuple."""
    rule = "a list of ints >= 0"
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        fail("milestones", rule, value, kind=True)
    steps: list[int] = []
    for item in value:
        if isinstance(item, float) and item.is_integer():
            item = int(item)
        if isinstance(item, bool) or not isinstance(item, int):
            fail("milestones", rule, value, kind=not isinstance(item, float))
        if item < 0:
            fail("milestones", rule, value)
        steps.append(int(item))
    return tuple(sorted(steps))


class StepLR(DecayLR):
    r"""Decay each group's lr by ``gamma`` every ``step_size`` epochs.

    Formula and arguments as :class:`StepDecay`, plus ``optimizer`` and ``last_epoch`` (as :class:`LRScheduler`).

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.05}]})()
    >>> scheduler = StepLR(optimizer, step_size=2, gamma=0.1)
    >>> for epoch in range(5):
    ...     scheduler.step()
    >>> round(optimizer.param_groups[0]["lr"], 12)
    0.0005
    """

    step_size = ConfigParam()
    gamma = ConfigParam()

    @named
    def __init__(
        self, optimizer: SupportsParamGroups, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        super().__init__(optimizer, StepDecay(step_size, gamma), last_epoch)


class ExponentialLR(DecayLR):
    r"""Decay each group's lr by ``gamma`` every epoch.

    Formula and arguments as :class:`ExponentialDecay`, plus ``optimizer`` and ``last_epoch`` (as :class:`LRScheduler`).

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.1}]})()
    >>> scheduler = ExponentialLR(optimizer, gamma=0.5)
    >>> for epoch in range(3):
    ...     scheduler.step()
    >>> round(optimizer.param_groups[0]["lr"], 12)
    0.0125
    """

    gamma = ConfigParam()

    @named
    def __init__(self, optimizer: SupportsParamGroups, gamma: float, last_epoch: int = -1) -> None:
        super().__init__(optimizer, ExponentialDecay(gamma), last_epoch)


class _Milestones(ConfigParam):
    """``milestones`` as torch's ``Counter`` (milestone -> how often it is listed)."""

    def __get__(self, instance: ScheduledLR | None, owner: type | None = None) -> Any:
        from collections import Counter  # imported when used: it costs 2 ms at import

        return self if instance is None else Counter(super().__get__(instance, owner))


class MultiStepLR(DecayLR):
    r"""Decay each group's lr by ``gamma`` at each milestone.

    Formula and arguments as :class:`MultiStepDecay`, plus ``optimizer`` and ``last_epoch`` (as
    :class:`LRScheduler`). ``milestones`` reads as torch's ``Counter``.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 1.0}]})()
    >>> scheduler = MultiStepLR(optimizer, milestones=[2, 4], gamma=0.1)
    >>> for epoch in range(5):
    ...     scheduler.step()
    >>> round(optimizer.param_groups[0]["lr"], 12)
    0.01
    >>> scheduler.milestones
    Counter({2: 1, 4: 1})
    """

    milestones = _Milestones()
    gamma = ConfigParam()

    @named
    def __init__(
        self, optimizer: SupportsParamGroups, milestones: Iterable[int], gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        super().__init__(optimizer, MultiStepDecay.build({"milestones": milestones, "gamma": gamma}), last_epoch)

    def _read_config(self, saved: dict[str, Any], mode: str) -> Apply:
        milestones = saved.get("milestones")
        if isinstance(milestones, Mapping):  # torch saves a Counter: milestone -> times listed
            listed = []
            for milestone, times in milestones.items():
                where = f"state_dict['config']['milestones'][{milestone!r}]"
                listed += [milestone] * check_int(where, times, minimum=1, maximum=1000)
            saved = {**saved, "milestones": listed}
        return super()._read_config(saved, mode)

"""The closed-form shapes behind the torch-named schedulers, one small frozen class per shape.

Symbols used in the formulas: ``t`` is the step (``last_epoch``), ``base`` a param group's base
value (its ``initial_lr``), and ``value(t)`` what the scheduler writes into the group's ``lr``.
"""

from __future__ import annotations

import math

from ._schedule import Schedule
from ._validate import check_float, check_int

_cos, _pi = math.cos, math.pi  # bound once: factor() runs on every step

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ._vectorised import Vector


class StepDecay(Schedule):
    r"""Multiply by ``gamma`` every ``step_size`` steps.

    Formula: ``value(t) = base * gamma ** (t // step_size)``.

    Args:
        step_size: steps between two decays, an int >= 1.
        gamma: the multiplicative factor applied at each decay, a finite number >= 0.

    Raises:
        TypeError: ``step_size`` is not an int or ``gamma`` not a number.
        ValueError: ``step_size < 1``, or ``gamma`` negative or not finite.

    >>> decay = StepDecay(step_size=3, gamma=0.1)
    >>> decay
    StepDecay(step_size=3, gamma=0.1)
    >>> [round(decay(t, base=1.0), 12) for t in (0, 2, 3, 5, 6)]
    [1.0, 1.0, 0.1, 0.1, 0.01]
    """

    step_size: int
    gamma: float = 0.1

    def _check(self, owner: str) -> None:
        self._set("step_size", check_int(owner, "step_size", self.step_size, minimum=1))
        self._set("gamma", check_float(owner, "gamma", self.gamma, minimum=0.0))

    def factor(self, step: float) -> float:
        factor: float = self.gamma ** (step // self.step_size)  # a float: gamma is one, and >= 0
        return factor

    def _factor_array(self, v: Vector, t: Any) -> Any:
        gamma = self.gamma
        return v.table(lambda k: float(gamma**k), v.np.floor_divide(t, self.step_size))


class CosineAnnealing(Schedule):
    r"""Anneal from ``base`` to ``eta_min`` along half a cosine over ``T_max`` steps.

    Formula (the SGDR closed form)::

        value(t) = eta_min + (base - eta_min) * (1 + cos(pi * t / T_max)) / 2

    Past ``T_max`` the cosine carries on, so the value climbs back to ``base`` at ``2 * T_max``
    and the schedule is periodic with period ``2 * T_max``, as torch's is.

    Args:
        T_max: steps from ``base`` down to ``eta_min``, an int >= 1.
        eta_min: the lowest value, a finite number >= 0.

    Raises:
        TypeError: ``T_max`` is not an int or ``eta_min`` not a number.
        ValueError: ``T_max < 1``, or ``eta_min`` negative or not finite.

    >>> cosine = CosineAnnealing(T_max=4, eta_min=0.0)
    >>> [round(cosine(t, base=1.0), 12) for t in range(9)]
    [1.0, 0.853553390593, 0.5, 0.146446609407, 0.0, 0.146446609407, 0.5, 0.853553390593, 1.0]
    """

    T_max: int
    eta_min: float = 0.0

    def _check(self, owner: str) -> None:
        self._set("T_max", check_int(owner, "T_max", self.T_max, minimum=1))
        self._set("eta_min", check_float(owner, "eta_min", self.eta_min, minimum=0.0))
        self._set("floor", self.eta_min)

    @property
    def length(self) -> int:
        return self.T_max

    def factor(self, step: float) -> float:
        return (1.0 + _cos(_pi * step / self.T_max)) / 2.0

    def _factor_array(self, v: Vector, t: Any) -> Any:
        return (1.0 + v.cos(math.pi * t / self.T_max)) / 2.0

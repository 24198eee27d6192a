"""Hyperbolic-tangent decay (timm's ``TanhLRScheduler``, arXiv 1806.01593), and its driver."""

from __future__ import annotations

from .base import ConfigParam, ScheduledLR
from .schedule import SCALAR, Schedule
from .validate import check_float, check_steps, fail, named

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from typing import Any

    from .base import SupportsParamGroups


class TanhDecay(Schedule):
    r"""Decay from about ``base`` to about ``eta_min`` along a hyperbolic tangent over ``T_max`` steps.

    Formula (timm's ``TanhLRScheduler`` within one cycle), with ``r = t / T_max``::

        value(t) = eta_min + (base - eta_min) * (1 - tanh(lb * (1 - r) + ub * r)) / 2

    The tangent runs from ``lb`` at step 0 to ``ub`` at ``T_max``, so the ends are not exactly
    ``base`` and ``eta_min``: with timm's ``lb=-7, ub=3`` the value starts at ``base`` less
    ``8.3e-7`` of the range and reaches ``eta_min`` plus ``0.0025`` of it at ``T_max``. Past
    ``T_max`` the formula carries on towards ``eta_min``. For timm's cycles, ``cycle_decay`` and
    ``cycle_limit``, wrap it in :class:`~paradox.scheduler.Cycles`.

    Args:
        T_max: the steps from ``lb`` to ``ub``, an int in [1, 2**53] (timm's ``t_initial``).
        lb: the tangent's argument at step 0, a finite number < ``ub``.
        ub: the tangent's argument at ``T_max``, a finite number > ``lb``.
        eta_min: the lowest value, a finite number >= 0 (timm's ``lr_min``).

    Raises:
        TypeError, ValueError: an argument of the wrong type, or out of its range.

    >>> tanh = TanhDecay(T_max=4)
    >>> [round(value, 6) for value in tanh.simulate(5)]
    [0.999999, 0.999877, 0.982014, 0.268941, 0.002473]
    """

    def __init__(self, T_max: int, lb: float = -7.0, ub: float = 3.0, eta_min: float = 0.0) -> None:
        with self._building():
            self.T_max = check_steps("T_max", T_max)
            self.lb = check_float("lb", lb)
            self.ub = check_float("ub", ub)
            if not self.lb < self.ub:
                fail("ub", f"a finite number > lb={self.lb!r}", ub)
            self.eta_min = check_float("eta_min", eta_min, minimum=0.0)
            self.floor = self.eta_min

    @property
    def length(self) -> int:
        return self.T_max

    def factor(self, step: Any, xp: Any = SCALAR) -> Any:
        ratio = step / self.T_max
        argument = self.lb * (1.0 - ratio) + self.ub * ratio
        return 0.5 * (1.0 - xp.tanh(argument))


class TanhDecayLR(ScheduledLR):
    r"""Decay each group's lr along a hyperbolic tangent over ``T_max`` epochs (timm's tanh, one cycle).

    Formula and arguments as :class:`TanhDecay`, plus ``optimizer`` and ``last_epoch`` (as
    :class:`LRScheduler`). timm's cycles: :class:`~paradox.scheduler.RestartsLR` around a
    :class:`TanhDecay`.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.1}]})()
    >>> scheduler = TanhDecayLR(optimizer, T_max=4)
    >>> for epoch in range(3):
    ...     scheduler.step()
    >>> round(optimizer.param_groups[0]["lr"], 6)
    0.026894
    """

    T_max = ConfigParam()
    lb = ConfigParam()
    ub = ConfigParam()
    eta_min = ConfigParam()

    @named
    def __init__(
        self,
        optimizer: SupportsParamGroups,
        T_max: int,
        lb: float = -7.0,
        ub: float = 3.0,
        eta_min: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        super().__init__(optimizer, TanhDecay(T_max, lb, ub, eta_min), last_epoch)

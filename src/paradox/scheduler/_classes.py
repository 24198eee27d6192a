"""The torch-named schedulers: thin drivers that bind a pure schedule to an optimizer.

Each class has torch 2.13's name, constructor signature and values; its formula lives in the
schedule it drives (see ``_schedules.py``).
"""

from __future__ import annotations

from ._base import ConfigParam, ScheduledLR
from ._schedules import CosineAnnealing, StepDecay

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ._optimizer import SupportsParamGroups


class StepLR(ScheduledLR):
    r"""Decay each group's lr by ``gamma`` every ``step_size`` epochs.

    Formula: ``lr(t) = base_lr * gamma ** (t // step_size)``, where ``t`` is ``last_epoch``.

    Args:
        optimizer: any object with ``param_groups`` (a list of dicts holding ``"lr"``).
        step_size: epochs between two decays, an int >= 1.
        gamma: the multiplicative factor of each decay, a finite number >= 0. Default: 0.1.
        last_epoch: the index of the last epoch, an int >= -1. Default: -1 (start fresh).

    Raises:
        TypeError: an argument has the wrong type (``step_size="3"``, no ``param_groups``).
        ValueError: ``step_size < 1``, ``gamma`` negative or not finite, a bad group lr, or
            ``last_epoch`` < -1.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.05}]})()
    >>> scheduler = StepLR(optimizer, step_size=2, gamma=0.1)
    >>> lrs = []
    >>> for epoch in range(6):
    ...     lrs.append(round(optimizer.param_groups[0]["lr"], 12))
    ...     scheduler.step()
    >>> lrs
    [0.05, 0.05, 0.005, 0.005, 0.0005, 0.0005]
    """

    step_size = ConfigParam()
    gamma = ConfigParam()

    def __init__(
        self,
        optimizer: SupportsParamGroups,
        step_size: int,
        gamma: float = 0.1,
        last_epoch: int = -1,
    ) -> None:
        schedule = StepDecay.build(type(self).__name__, {"step_size": step_size, "gamma": gamma})
        super().__init__(optimizer, schedule, last_epoch)


class CosineAnnealingLR(ScheduledLR):
    r"""Anneal each group's lr from its base to ``eta_min`` along a cosine over ``T_max`` epochs.

    Formula (the seed's, SGDR's closed form), with ``t = last_epoch``::

        lr(t) = eta_min + (base_lr - eta_min) * (1 + cos(pi * t / T_max)) / 2

    Past ``T_max`` the cosine goes on: the lr climbs back to ``base_lr`` at ``2 * T_max``, the
    same periodic curve torch gives.

    Args:
        optimizer: any object with ``param_groups`` (a list of dicts holding ``"lr"``).
        T_max: epochs from ``base_lr`` down to ``eta_min``, an int >= 1.
        eta_min: the minimum lr, a finite number >= 0. Default: 0.0.
        last_epoch: the index of the last epoch, an int >= -1. Default: -1 (start fresh).

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: ``T_max < 1``, ``eta_min`` negative or not finite, a bad group lr, or
            ``last_epoch`` < -1.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.1}, {"lr": 0.01}]})()
    >>> scheduler = CosineAnnealingLR(optimizer, T_max=4, eta_min=0.001)
    >>> for epoch in range(5):
    ...     print(epoch, [round(lr, 6) for lr in scheduler.get_last_lr()])
    ...     scheduler.step()
    0 [0.1, 0.01]
    1 [0.085502, 0.008682]
    2 [0.0505, 0.0055]
    3 [0.015498, 0.002318]
    4 [0.001, 0.001]
    """

    T_max = ConfigParam()
    eta_min = ConfigParam()

    def __init__(
        self,
        optimizer: SupportsParamGroups,
        T_max: int,
        eta_min: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        schedule = CosineAnnealing.build(type(self).__name__, {"T_max": T_max, "eta_min": eta_min})
        super().__init__(optimizer, schedule, last_epoch)

"""torch's chainable decay schedulers and CosineAnnealingWarmRestarts, as thin drivers.

Each class has torch 2.13's name, constructor signature and values; its formula lives in the pure
schedule it drives (``_decays.py``, ``_cosine_restarts.py``).
"""

from __future__ import annotations

import math
from _collections_abc import Iterable, Mapping

from ._base import ConfigParam, ScheduledLR, fast_path
from ._cosine_restarts import CosineWarmRestarts
from ._decays import (
    ConstantFactor,
    ExponentialDecay,
    LinearFactor,
    MultiStepDecay,
    PolynomialDecay,
    _Decay,
)
from ._validate import check_float, check_int, fail, is_number

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ._base import Apply
    from ._optimizer import SupportsParamGroups


class _ChainableLR(ScheduledLR):
    """A decay that continues from an lr changed outside it, as torch's recursive form does.

    A changed lr is rebased (the schedule continues from it). Where the factor is 0 no base gives
    that lr, so the group holds it: from the step ``s`` it was set at, its lr is
    ``lr_set * ratio(s, t)``, the product of torch's per-step multipliers (1 past ``total_iters``
    for PolynomialLR and LinearLR, ``gamma`` at each milestone for MultiStepLR).
    """

    _schedule: _Decay
    _holds: list[tuple[int, float] | None]

    def _start(self, lrs: list[float]) -> None:
        super()._start(lrs)
        self._holds = [None] * len(self._bases)

    def _adopted(self, lrs: list[float]) -> None:
        super()._adopted(lrs)
        self._holds.extend([None] * len(lrs))

    def _taken_up(self, index: int, lr: float, scheduled: Any) -> Any:
        previous = self._previous_epoch
        base = self._schedule.rebase(previous, lr)
        if base is not None:
            self._bases[index] = base
            self._holds[index] = None
            return self._schedule(self.last_epoch, base)
        self._holds[index] = (previous, lr)
        self._rebased = True  # held groups need get_lr below: keep step() off its fast path
        return lr * self._schedule.ratio(previous, self.last_epoch)

    @fast_path
    def get_lr(self) -> list[Any]:
        values = super().get_lr()
        step = self.last_epoch
        for index, hold in enumerate(self._holds):
            if hold is not None and step >= hold[0]:
                values[index] = hold[1] * self._schedule.ratio(hold[0], step)
        return values

    def _extra_state(self) -> dict[str, Any]:
        holds = [None if hold is None else [hold[0], hold[1]] for hold in self._holds]
        return {**super()._extra_state(), "holds": holds}

    def _read_extra_state(self, owner: str, state: Mapping[str, Any], count: int) -> Apply:
        apply_bases = super()._read_extra_state(owner, state, count)
        holds = _read_holds(owner, state.get("holds", [None] * count), count)

        def apply() -> None:
            apply_bases()
            self._holds = holds
            self._rebased = self._rebased or any(hold is not None for hold in holds)

        return apply


def _read_holds(owner: str, value: object, count: int) -> list[tuple[int, float] | None]:
    rule = f"a list of {count} entries, each null or [step, lr]"
    if not isinstance(value, (list, tuple)):
        fail(owner, "state_dict['holds']", rule, value, kind=True)
    if len(value) != count:
        fail(owner, "state_dict['holds']", rule, value)
    holds: list[tuple[int, float] | None] = []
    for index, item in enumerate(value):
        if item is None:
            holds.append(None)
            continue
        where = f"state_dict['holds'][{index}]"
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            fail(owner, where, "null or [step, lr]", item, kind=not isinstance(item, (list, tuple)))
        step = check_int(owner, f"{where}[0]", item[0], minimum=0)
        holds.append((step, check_float(owner, f"{where}[1]", item[1])))
    return holds


class ExponentialLR(_ChainableLR):
    r"""Decay each group's lr by ``gamma`` every epoch.

    Formula: ``lr(t) = base_lr * gamma ** t``, where ``t`` is ``last_epoch``.

    Args:
        optimizer: any object with ``param_groups`` (a list of dicts holding ``"lr"``).
        gamma: the multiplicative factor of each epoch, a finite number >= 0.
        last_epoch: the index of the last epoch, an int >= -1. Default: -1 (start fresh).

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: ``gamma`` negative or not finite, a bad group lr, or ``last_epoch < -1``.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.1}]})()
    >>> scheduler = ExponentialLR(optimizer, gamma=0.5)
    >>> for epoch in range(4):
    ...     print(epoch, round(optimizer.param_groups[0]["lr"], 12))
    ...     scheduler.step()
    0 0.1
    1 0.05
    2 0.025
    3 0.0125
    """

    gamma = ConfigParam()

    def __init__(self, optimizer: SupportsParamGroups, gamma: float, last_epoch: int = -1) -> None:
        schedule = ExponentialDecay.build(type(self).__name__, {"gamma": gamma})
        super().__init__(optimizer, schedule, last_epoch)


class _MilestonesParam(ConfigParam):
    """``milestones`` reads as torch's ``Counter`` (milestone -> how often it is listed)."""

    def __get__(self, instance: ScheduledLR | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        schedule = instance._schedule
        milestones = schedule.milestones if isinstance(schedule, MultiStepDecay) else ()
        from collections import Counter  # imported when used: it costs 2 ms at import

        return Counter(milestones)


class MultiStepLR(_ChainableLR):
    r"""Decay each group's lr by ``gamma`` at each milestone.

    Formula: ``lr(t) = base_lr * gamma ** m(t)``, where ``m(t)`` counts the milestones ``<= t``
    (a milestone listed twice counts twice, as in torch).

    Args:
        optimizer: any object with ``param_groups`` (a list of dicts holding ``"lr"``).
        milestones: epoch indices, a list of ints >= 0 (any order, repeats allowed).
        gamma: the multiplicative factor of each decay, a finite number >= 0. Default: 0.1.
        last_epoch: the index of the last epoch, an int >= -1. Default: -1 (start fresh).

    Raises:
        TypeError: ``milestones`` is not a list of ints, or another argument has the wrong type.
        ValueError: a negative or fractional milestone, ``gamma`` negative or not finite, a bad
            group lr, or ``last_epoch < -1``.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 1.0}]})()
    >>> scheduler = MultiStepLR(optimizer, milestones=[2, 4], gamma=0.1)
    >>> lrs = []
    >>> for epoch in range(6):
    ...     lrs.append(round(optimizer.param_groups[0]["lr"], 12))
    ...     scheduler.step()
    >>> lrs
    [1.0, 1.0, 0.1, 0.1, 0.01, 0.01]
    >>> scheduler.milestones
    Counter({2: 1, 4: 1})
    """

    milestones = _MilestonesParam()
    gamma = ConfigParam()

    def __init__(
        self,
        optimizer: SupportsParamGroups,
        milestones: Iterable[int],
        gamma: float = 0.1,
        last_epoch: int = -1,
    ) -> None:
        schedule = MultiStepDecay.build(type(self).__name__, {"milestones": milestones, "gamma": gamma})
        super().__init__(optimizer, schedule, last_epoch)

    def _read_config(self, owner: str, saved: dict[str, Any], mode: str) -> Apply:
        milestones = saved.get("milestones")
        if isinstance(milestones, Mapping):  # torch saves a Counter: milestone -> times listed
            listed = []
            for milestone, times in milestones.items():
                where = f"state_dict['config']['milestones'][{milestone!r}]"
                listed += [milestone] * check_int(owner, where, times, minimum=1, maximum=_MAX_REPEATS)
            saved = {**saved, "milestones": listed}
        return super()._read_config(owner, saved, mode)


#: How often one milestone may be listed in a saved Counter (torch applies gamma once per listing).
_MAX_REPEATS = 1000


class _FactorParam(ConfigParam):
    """ConstantLR's ``factor``: the schedule's ``scale`` field under torch's name."""

    def __get__(self, instance: ScheduledLR | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        schedule = instance._schedule
        return schedule.scale if isinstance(schedule, ConstantFactor) else None


class ConstantLR(_ChainableLR):
    r"""Scale each group's lr by a constant ``factor`` until epoch ``total_iters``.

    Formula: ``lr(t) = base_lr * (factor if t < total_iters else 1)``.

    Args:
        optimizer: any object with ``param_groups`` (a list of dicts holding ``"lr"``).
        factor: the scale before ``total_iters``, a number in (0, 1]. Default: 1/3.
        total_iters: the number of scaled epochs, an int >= 0. Default: 5.
        last_epoch: the index of the last epoch, an int >= -1. Default: -1 (start fresh).

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: ``factor`` outside (0, 1], ``total_iters < 0``, a bad group lr, or
            ``last_epoch < -1``.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.1}]})()
    >>> scheduler = ConstantLR(optimizer, factor=0.5, total_iters=2)
    >>> lrs = []
    >>> for epoch in range(4):
    ...     lrs.append(round(optimizer.param_groups[0]["lr"], 12))
    ...     scheduler.step()
    >>> lrs
    [0.05, 0.05, 0.1, 0.1]
    """

    factor = _FactorParam()
    total_iters = ConfigParam()

    def __init__(
        self,
        optimizer: SupportsParamGroups,
        factor: float = 1.0 / 3,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        schedule = ConstantFactor.build(type(self).__name__, {"factor": factor, "total_iters": total_iters})
        super().__init__(optimizer, schedule, last_epoch)


class LinearLR(_ChainableLR):
    r"""Scale each group's lr by a factor moving linearly from ``start_factor`` to ``end_factor``.

    Formula, with ``t = last_epoch``::

        lr(t) = base_lr * (start_factor + (end_factor - start_factor) * min(t, total_iters) / total_iters)

    Args:
        optimizer: any object with ``param_groups`` (a list of dicts holding ``"lr"``).
        start_factor: the scale at epoch 0, a number in (0, 1]. Default: 1/3.
        end_factor: the scale from ``total_iters`` on, a number in [0, 1]. Default: 1.0.
        total_iters: the epochs taken to reach ``end_factor``, an int >= 1. Default: 5.
        last_epoch: the index of the last epoch, an int >= -1. Default: -1 (start fresh).

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: a factor out of its range, ``total_iters < 1``, a bad group lr, or
            ``last_epoch < -1``.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.1}]})()
    >>> scheduler = LinearLR(optimizer, start_factor=0.5, total_iters=4)
    >>> lrs = []
    >>> for epoch in range(6):
    ...     lrs.append(round(optimizer.param_groups[0]["lr"], 12))
    ...     scheduler.step()
    >>> lrs
    [0.05, 0.0625, 0.075, 0.0875, 0.1, 0.1]
    """

    start_factor = ConfigParam()
    end_factor = ConfigParam()
    total_iters = ConfigParam()

    def __init__(
        self,
        optimizer: SupportsParamGroups,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        config = {"start_factor": start_factor, "end_factor": end_factor, "total_iters": total_iters}
        super().__init__(optimizer, LinearFactor.build(type(self).__name__, config), last_epoch)


class PolynomialLR(_ChainableLR):
    r"""Decay each group's lr to 0 along a polynomial over ``total_iters`` epochs.

    Formula: ``lr(t) = base_lr * (1 - min(t, total_iters) / total_iters) ** power``.

    Args:
        optimizer: any object with ``param_groups`` (a list of dicts holding ``"lr"``).
        total_iters: the epochs taken to reach 0, an int >= 1. Default: 5.
        power: the degree of the polynomial, a finite number >= 0. Default: 1.0.
        last_epoch: the index of the last epoch, an int >= -1. Default: -1 (start fresh).

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: ``total_iters < 1``, ``power`` negative or not finite, a bad group lr, or
            ``last_epoch < -1``.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.1}]})()
    >>> scheduler = PolynomialLR(optimizer, total_iters=4, power=2.0)
    >>> lrs = []
    >>> for epoch in range(6):
    ...     lrs.append(round(optimizer.param_groups[0]["lr"], 12))
    ...     scheduler.step()
    >>> lrs
    [0.1, 0.05625, 0.025, 0.00625, 0.0, 0.0]
    """

    total_iters = ConfigParam()
    power = ConfigParam()

    def __init__(
        self,
        optimizer: SupportsParamGroups,
        total_iters: int = 5,
        power: float = 1.0,
        last_epoch: int = -1,
    ) -> None:
        schedule = PolynomialDecay.build(type(self).__name__, {"total_iters": total_iters, "power": power})
        super().__init__(optimizer, schedule, last_epoch)


class CosineAnnealingWarmRestarts(ScheduledLR):
    r"""Anneal each group's lr along a cosine, restarting at ``base_lr`` after each cycle (SGDR).

    The first cycle lasts ``T_0`` epochs and each next one ``T_mult`` times longer. With
    ``T_cur`` the epochs since the last restart and ``T_i`` the current cycle's length::

        lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2

    ``step(epoch)`` takes a fractional epoch too (``step(epoch + i / iters)`` within an epoch):
    ``last_epoch`` becomes ``floor(epoch)`` and ``T_cur`` keeps the fraction, as in torch; a
    following ``step()`` moves on by one whole epoch. The cycle is found with exact integer
    arithmetic, so every restart gives ``base_lr`` (see "Differences from PyTorch").

    Like torch's, this class computes each lr from ``base_lrs``: an lr changed outside it is
    overwritten at the next step.

    Args:
        optimizer: any object with ``param_groups`` (a list of dicts holding ``"lr"``).
        T_0: the epochs of the first cycle, an int >= 1.
        T_mult: the growth of each next cycle, an int >= 1. Default: 1.
        eta_min: the minimum lr, a finite number >= 0. Default: 0.0.
        last_epoch: the index of the last epoch, an int >= -1. Default: -1 (start fresh).

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: ``T_0 < 1``, ``T_mult < 1`` (or either not a whole int), ``eta_min`` negative or
            not finite, a bad group lr, or ``last_epoch < -1``.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 1.0}]})()
    >>> scheduler = CosineAnnealingWarmRestarts(optimizer, T_0=2, T_mult=2)
    >>> for epoch in range(7):
    ...     print(epoch, scheduler.T_cur, scheduler.T_i, round(optimizer.param_groups[0]["lr"], 6))
    ...     scheduler.step()
    0 0 2 1.0
    1 1 2 0.5
    2 0 4 1.0
    3 1 4 0.853553
    4 2 4 0.5
    5 3 4 0.146447
    6 0 8 1.0
    >>> scheduler.step(1.5)
    >>> scheduler.last_epoch, scheduler.T_cur, round(optimizer.param_groups[0]["lr"], 6)
    (1, 1.5, 0.146447)
    """

    _chainable = False
    _schedule: CosineWarmRestarts

    T_0 = ConfigParam()
    T_mult = ConfigParam()
    eta_min = ConfigParam()

    def __init__(
        self,
        optimizer: SupportsParamGroups,
        T_0: int,
        T_mult: int = 1,
        eta_min: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        self._offset = 0.0
        config = {"T_0": T_0, "T_mult": T_mult, "eta_min": eta_min}
        super().__init__(optimizer, CosineWarmRestarts.build(type(self).__name__, config), last_epoch)

    @property
    def T_cur(self) -> float:
        """Epochs since the last restart (fractional after a fractional ``step(epoch)``)."""
        return self._schedule.cycle(self._position)[0]

    @property
    def T_i(self) -> int:
        """The length of the current cycle."""
        return self._schedule.cycle(self._position)[1]

    @property
    def _position(self) -> float:
        return self.last_epoch + self._offset if self._offset else self.last_epoch

    def step(self, epoch: float | None = None) -> None:
        """Advance one epoch, or jump to ``epoch`` (a number >= 0; fractions allowed).

        Raises:
            TypeError, ValueError: ``epoch`` is not a finite number >= 0 (nothing is changed).
        """
        if epoch is None:
            super().step()
            return
        value = check_float(f"{type(self).__name__}.step", "epoch", epoch, minimum=0.0)
        whole = math.floor(value)
        previous = self._offset
        self._offset = value - whole
        try:
            super().step(whole)
        except BaseException:
            self._offset = previous
            raise

    def _restart(self, step: int) -> None:
        # A composite's restart starts the cycle at step 0: a fraction left by an earlier
        # step(epoch) belongs to the old run, not to the new one (T_cur == 0 at the milestone).
        self._offset = 0.0
        super()._restart(step)

    def get_lr(self) -> list[Any]:
        return self._schedule.values(self._position, self._bases)

    def _extra_state(self) -> dict[str, Any]:
        return {**super()._extra_state(), "offset": self._offset}

    def _read_extra_state(self, owner: str, state: Mapping[str, Any], count: int) -> Apply:
        apply_bases = super()._read_extra_state(owner, state, count)
        offset = state.get("offset", 0.0)
        torch_t_cur = state.get("torch", {}).get("T_cur")
        if is_number(torch_t_cur):  # torch keeps the fraction of a fractional epoch in T_cur
            offset = float(torch_t_cur) - math.floor(float(torch_t_cur))
        offset = check_float(owner, "state_dict['offset']", offset, minimum=0.0, maximum=1.0, max_open=True)

        def apply() -> None:
            apply_bases()
            self._offset = offset

        return apply

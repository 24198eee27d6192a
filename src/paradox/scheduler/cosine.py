"""Cosine annealing, with warm restarts (SGDR) or without, and their torch-named drivers."""

from __future__ import annotations

import math
from collections.abc import Mapping

from .base import STEPPING, ConfigParam, ScheduledLR
from .chain import ChainableLR
from .schedule import SCALAR, Schedule, cannot_rescale
from .validate import MAX_STEPS, check_float, check_steps, fail, is_number, named, naming, to_float

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from typing import Any

    from .base import Apply, SupportsParamGroups


class CosineAnnealing(Schedule):
    r"""Anneal from ``base`` to ``eta_min`` along half a cosine over ``T_max`` steps.

    Formula (the SGDR closed form)::

        value(t) = eta_min + (base - eta_min) * (1 + cos(pi * t / T_max)) / 2

    Past ``T_max`` the cosine carries on (period ``2 * T_max``), as torch's does.

    Args:
        T_max: steps from ``base`` down to ``eta_min``, an int in [1, 2**53].
        eta_min: the lowest value, a finite number >= 0.

    Raises:
        TypeError, ValueError: an argument of the wrong type, or out of its range.

    >>> cosine = CosineAnnealing(T_max=4, eta_min=0.0)
    >>> [round(cosine(t, base=1.0), 12) for t in range(9)]
    [1.0, 0.853553390593, 0.5, 0.146446609407, 0.0, 0.146446609407, 0.5, 0.853553390593, 1.0]
    """

    def __init__(self, T_max: int, eta_min: float = 0.0) -> None:
        with self._building():
            self.T_max = check_steps("T_max", T_max)
            self.eta_min = check_float("eta_min", eta_min, minimum=0.0)
            self.floor = self.eta_min

    @property
    def length(self) -> int:
        return self.T_max

    def factor(self, step: Any, xp: Any = SCALAR) -> Any:
        return (1.0 + xp.cos(math.pi * step / self.T_max)) / 2.0


class CosineWarmRestarts(Schedule):
    r"""Anneal along a cosine from ``base`` to ``eta_min``, restarting at ``base`` after each cycle.

    The first cycle lasts ``T_0`` steps and each next one ``T_mult`` times longer. For a step ``t``
    (a number >= 0, fractional steps allowed), the cycle ``n`` is the one with
    ``S_n <= t < S_n + T_i``, where ``S_n = T_0 * (T_mult ** n - 1) / (T_mult - 1)`` (``n * T_0``
    when ``T_mult == 1``) and ``T_i = T_0 * T_mult ** n``; then ``T_cur = t - S_n`` and::

        value(t) = eta_min + (base - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2

    Args:
        T_0: the length of the first cycle, an int in [1, 2**53].
        T_mult: the growth of each next cycle, an int in [1, 2**53].
        eta_min: the lowest value, a finite number >= 0.

    Raises:
        TypeError, ValueError: an argument of the wrong type (``T_0=2.0`` too), or out of its range.

    >>> sgdr = CosineWarmRestarts(T_0=2, T_mult=2)
    >>> sgdr.cycle(7.5)
    (1.5, 8)
    >>> [round(sgdr(t, base=1.0), 6) for t in (0, 1, 2, 3, 4, 5, 6, 1.5)]
    [1.0, 0.5, 1.0, 0.853553, 0.5, 0.146447, 1.0, 0.146447]
    """

    def __init__(self, T_0: int, T_mult: int = 1, eta_min: float = 0.0) -> None:
        with self._building():
            self.T_0 = _check_strict_int("T_0", T_0)
            self.T_mult = _check_strict_int("T_mult", T_mult)
            self.eta_min = check_float("eta_min", eta_min, minimum=0.0)
            self.floor = self.eta_min

    @property
    def length(self) -> int:
        return self.T_0

    def _rescale(self, at: int, total_steps: int) -> Schedule:
        cannot_rescale(self, "restarts for ever: it has no end")

    def cycle(self, step: Any, xp: Any = SCALAR) -> tuple[Any, Any]:
        """``(T_cur, T_i)`` at ``step``: the steps into the current cycle and its length."""
        first, mult = self.T_0, self.T_mult
        if mult == 1:
            return step % first, first
        # The cycle from the logarithm, corrected by one either way with exact integers: a restart is never missed.
        n = xp.floor(xp.log(step / first * (mult - 1) + 1) / math.log(mult))
        n = xp.where(step < first * (mult**n - 1) // (mult - 1), n - 1, n)
        n = xp.where(step >= first * (mult ** (n + 1) - 1) // (mult - 1), n + 1, n)
        return step - first * (mult**n - 1) // (mult - 1), first * mult**n

    def factor(self, step: Any, xp: Any = SCALAR) -> Any:
        current, length = self.cycle(step, xp)
        return (1.0 + xp.cos(math.pi * current / length)) / 2.0


def _check_strict_int(name: str, value: object) -> int:
    """An int in [1, 2**53] that must really be an int, as torch requires (``T_0=2.0`` is refused)."""
    if isinstance(value, bool) or not isinstance(value, int):
        fail(name, "an int >= 1", value, kind=not isinstance(value, float))
    return check_steps(name, value)


class CosineAnnealingLR(ChainableLR):
    r"""Anneal each group's lr from its base to ``eta_min`` along a cosine over ``T_max`` epochs.

    Formula and arguments as :class:`CosineAnnealing`, plus ``optimizer`` and ``last_epoch`` (as
    :class:`LRScheduler`).

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.1}, {"lr": 0.01}]})()
    >>> scheduler = CosineAnnealingLR(optimizer, T_max=4, eta_min=0.001)
    >>> for epoch in range(2):
    ...     scheduler.step()
    >>> [round(lr, 6) for lr in scheduler.get_last_lr()]
    [0.0505, 0.0055]
    """

    T_max = ConfigParam()
    eta_min = ConfigParam()

    _restarts_at_zero = True

    @named
    def __init__(self, optimizer: SupportsParamGroups, T_max: int, eta_min: float = 0.0, last_epoch: int = -1) -> None:
        super().__init__(optimizer, CosineAnnealing(T_max, eta_min), last_epoch)


class CosineAnnealingWarmRestarts(ScheduledLR):
    r"""Anneal each group's lr along a cosine, restarting at ``base_lr`` after each cycle (SGDR).

    Formula and arguments as :class:`CosineWarmRestarts`, plus ``optimizer`` and ``last_epoch``
    (as :class:`LRScheduler`). ``step(epoch)`` takes a fractional epoch too: ``last_epoch``
    becomes ``floor(epoch)`` and ``T_cur`` keeps the fraction, as in torch. ``T_cur`` can be set to
    a number in ``[0, T_i)``, as in torch: the lrs are unchanged until the next ``step()``, which
    continues the cycle from ``T_cur + 1`` (restarting past ``T_i``); ``step(epoch)`` puts the cycle
    back on ``epoch``.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 1.0}]})()
    >>> scheduler = CosineAnnealingWarmRestarts(optimizer, T_0=2, T_mult=2)
    >>> for epoch in range(3):
    ...     scheduler.step()
    >>> scheduler.T_cur, scheduler.T_i, round(optimizer.param_groups[0]["lr"], 6)
    (1, 4, 0.853553)
    >>> scheduler.step(1.5)
    >>> scheduler.last_epoch, scheduler.T_cur, round(optimizer.param_groups[0]["lr"], 6)
    (1, 1.5, 0.146447)
    """

    _schedule: CosineWarmRestarts

    T_0 = ConfigParam()
    T_mult = ConfigParam()
    eta_min = ConfigParam()

    @named
    def __init__(
        self, optimizer: SupportsParamGroups, T_0: int, T_mult: int = 1, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:
        self._offset = 0.0
        super().__init__(optimizer, CosineWarmRestarts(T_0, T_mult, eta_min), last_epoch)

    @property
    def T_cur(self) -> float:
        """Epochs since the last restart (fractional after a fractional ``step(epoch)``)."""
        current: float = self._schedule.cycle(self._position)[0]
        return current

    @T_cur.setter
    def T_cur(self, value: float) -> None:
        # The cycle is moved so that the current position is ``value`` epochs into it: torch's
        # next step() then takes T_cur + 1, as this scheduler's does from the moved position.
        current, length = self._schedule.cycle(self._position)
        with naming(type(self).__name__):
            rule = f"a finite number in [0, T_i={length}) (the epochs into the current cycle)"
            if not is_number(value):
                fail("T_cur", rule, value, kind=True)
            number = to_float(value)
            if not 0.0 <= number < length:
                fail("T_cur", rule, value)
        shift = self._offset + (number - current)
        self._offset = int(shift) if float(shift).is_integer() else shift

    @property
    def T_i(self) -> int:
        """The length of the current cycle."""
        length: int = self._schedule.cycle(self._position)[1]
        return length

    @property
    def _position(self) -> float:
        return self.last_epoch + self._offset if self._offset else self.last_epoch

    def step(self, epoch: float | None = None) -> None:
        """Advance one epoch, or jump to ``epoch``, a finite number >= 0 (fractions allowed)."""
        with STEPPING:
            if epoch is None:
                super().step()
                return
            with naming(f"{type(self).__name__}.step"):
                value = check_float("epoch", epoch, minimum=0.0)
            whole = math.floor(value)
            previous = self._offset
            self._offset = value - whole
            try:
                super().step(whole)
            except BaseException:
                self._offset = previous
                raise

    def _pure_form(self) -> tuple[Schedule, list[float]] | None:
        return None if self._offset else super()._pure_form()  # a fractional epoch is not a step

    def _restart(self, step: int) -> None:
        # A composite's restart starts the cycle at step 0: a fraction of an earlier step(epoch) is dropped.
        self._offset = 0.0
        super()._restart(step)

    def _scheduled(self, step: float) -> list[Any]:
        return self._schedule.values(step + self._offset if self._offset else step, self._bases)

    def _extra_state(self) -> dict[str, Any]:
        return {**super()._extra_state(), "offset": self._offset}

    def _read_extra_state(self, state: Mapping[str, Any], count: int) -> Apply:
        apply_bases = super()._read_extra_state(state, count)
        offset = state.get("offset", 0.0)
        torch_state = state.get("torch", {})
        if "T_cur" in torch_state:  # torch's T_cur: a fraction of a fractional epoch, or a T_cur set by hand
            offset = self._torch_offset(torch_state)
        last_epoch = state["last_epoch"]
        rule = "a finite number with last_epoch + offset in [0, 2**53] (the position in the cycles)"
        if not is_number(offset):
            fail("state_dict['offset']", rule, offset, kind=True)
        if offset and not (is_number(last_epoch) and 0 <= last_epoch + to_float(offset) <= MAX_STEPS):
            fail("state_dict['offset']", rule, offset)

        def apply() -> None:
            apply_bases()
            self._offset = offset

        return apply

    def _torch_offset(self, state: Mapping[str, Any]) -> Any:
        """The offset of torch's state: its ``T_cur`` epochs into the cycle its ``T_i`` names, less
        ``last_epoch`` (the cycle containing ``last_epoch`` when ``T_mult == 1``)."""
        t_cur: Any = state.get("T_cur")
        ints: list[Any] = [state.get(key) for key in ("T_i", "last_epoch", "T_0", "T_mult")]
        length, last_epoch, first, mult = ints
        rule = "a finite number in [0, T_i) (the epochs into the current cycle)"
        if not all(type(value) is int and value >= 0 for value in ints):
            fail("state_dict['T_cur']", f"{rule}, with T_i, last_epoch, T_0 and T_mult ints >= 0", t_cur)
        if first < 1 or mult < 1:
            return 0.0  # refused with the config
        if not is_number(t_cur):
            fail("state_dict['T_cur']", rule, t_cur, kind=True)
        if not 0 <= t_cur < length:
            fail("state_dict['T_cur']", rule, t_cur)
        if mult == 1:
            start = last_epoch - last_epoch % first
        else:
            cycle, start = first, 0
            while cycle < length:
                start, cycle = start + cycle, cycle * mult
            if cycle != length:
                fail("state_dict['T_i']", f"T_0 * T_mult**n for an int n >= 0 (T_0={first}, T_mult={mult})", length)
        return start + t_cur - last_epoch

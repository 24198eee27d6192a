"""Cosine annealing with warm restarts (SGDR), in closed form for any step, whole or fractional."""

from __future__ import annotations

import math

from ._schedule import Schedule
from ._validate import check_float, fail

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ._vectorised import Vector


class CosineWarmRestarts(Schedule):
    r"""Anneal along a cosine from ``base`` to ``eta_min``, restarting at ``base`` after each cycle.

    The first cycle lasts ``T_0`` steps and each next one ``T_mult`` times longer. For a step ``t``
    (a number >= 0, fractional steps allowed), the cycle ``n`` is the one with
    ``S_n <= t < S_n + T_i``, where ``S_n = T_0 * (T_mult ** n - 1) / (T_mult - 1)`` (``n * T_0``
    when ``T_mult == 1``) and ``T_i = T_0 * T_mult ** n``; then ``T_cur = t - S_n`` and::

        value(t) = eta_min + (base - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2

    The cycle is found with exact integer arithmetic, so a restart step always gives ``base``.

    Args:
        T_0: the length of the first cycle, an int >= 1.
        T_mult: the growth of each next cycle, an int >= 1.
        eta_min: the lowest value, a finite number >= 0.

    Raises:
        TypeError: ``T_0`` or ``T_mult`` is not an int, or ``eta_min`` not a number.
        ValueError: ``T_0 < 1``, ``T_mult < 1``, or ``eta_min`` negative or not finite.

    >>> sgdr = CosineWarmRestarts(T_0=2, T_mult=2)
    >>> sgdr
    CosineWarmRestarts(T_0=2, T_mult=2, eta_min=0.0)
    >>> sgdr.cycle(7.5)
    (1.5, 8)
    >>> [round(sgdr(t, base=1.0), 6) for t in (0, 1, 2, 3, 4, 5, 6, 1.5)]
    [1.0, 0.5, 1.0, 0.853553, 0.5, 0.146447, 1.0, 0.146447]
    """

    T_0: int
    T_mult: int = 1
    eta_min: float = 0.0

    def _check(self, owner: str) -> None:
        self._set("T_0", _check_strict_int(owner, "T_0", self.T_0))
        self._set("T_mult", _check_strict_int(owner, "T_mult", self.T_mult))
        self._set("eta_min", check_float(owner, "eta_min", self.eta_min, minimum=0.0))

    @property
    def floor(self) -> float:
        return self.eta_min

    @property
    def length(self) -> int:
        return self.T_0

    def cycle(self, step: float) -> tuple[float, int]:
        """``(T_cur, T_i)`` at ``step``: the steps into the current cycle and its length."""
        if self.T_mult == 1:
            return step % self.T_0, self.T_0
        mult = self.T_mult
        # An estimate of the cycle from the logarithm, then corrected with exact integers.
        n = max(0, int(math.log(step / self.T_0 * (mult - 1) + 1, mult)))
        start = self.T_0 * (mult**n - 1) // (mult - 1)
        while n > 0 and step < start:
            n -= 1
            start = self.T_0 * (mult**n - 1) // (mult - 1)
        while step >= start + self.T_0 * mult**n:
            start += self.T_0 * mult**n
            n += 1
        return step - start, self.T_0 * mult**n

    def factor(self, step: float) -> float:
        current, length = self.cycle(step)
        return (1.0 + math.cos(math.pi * current / length)) / 2.0

    def _factor_array(self, v: Vector, t: Any) -> Any:
        np = v.np
        if len(t) == 0:
            return np.zeros(0)
        if self.T_mult == 1:
            current, length = np.mod(t, self.T_0), float(self.T_0)
        else:
            # The cycles' starts, with exact integers, up to the last step; then each step's cycle.
            starts, lengths, last = [0], [self.T_0], float(t.max())
            while starts[-1] + lengths[-1] <= last:
                starts.append(starts[-1] + lengths[-1])
                lengths.append(lengths[-1] * self.T_mult)
            index = np.searchsorted(np.array(starts, dtype=np.float64), t, side="right") - 1
            current = t - np.array(starts, dtype=np.float64)[index]
            length = np.array(lengths, dtype=np.float64)[index]
        return (1.0 + v.cos(math.pi * current / length)) / 2.0


def _check_strict_int(owner: str, name: str, value: object) -> int:
    """An int >= 1 that must really be an int, as torch requires (``T_0=2.0`` is refused)."""
    if isinstance(value, bool) or not isinstance(value, int):
        fail(owner, name, "an int >= 1", value, kind=not isinstance(value, float))
    if value < 1:
        fail(owner, name, "an int >= 1", value)
    return int(value)

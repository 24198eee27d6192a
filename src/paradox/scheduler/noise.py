"""Seeded multiplicative noise on any schedule (timm's lr noise), drawn from the step and the seed
alone, and its driver."""

from __future__ import annotations

import math

from .base import ConfigParam, ScheduledLR
from .compose import check_schedule
from .schedule import SCALAR, Schedule
from .validate import check_float, check_int, fail, is_number, named, to_float

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from .base import SupportsParamGroups


#: The kinds of noise: a normal draw (redrawn until within ``pct``) or a uniform one in ``[-pct, pct)``.
DISTRIBUTIONS = ("normal", "uniform")


class TorchGenerator:
    """The draws of ``torch.Generator().manual_seed(seed)`` on the CPU, in pure Python (no torch).

    torch's CPU generator is an mt19937 seeded with the standard ``init_genrand(seed)``; Python's
    :class:`random.Random` is the same engine, given that state. On it, as torch (checked against
    torch for thousands of seeds in the tests):

    - :meth:`rand`: ``torch.rand(1, generator=g)``, a float32 in [0, 1): the low 24 bits of one
      32-bit output, times ``2**-24``.
    - :meth:`randn`: ``torch.randn(1, generator=g)``, a float32: Box-Muller on two doubles
      ``u1, u2`` (each the low 53 bits of two 32-bit outputs, the first as the high word, times
      ``2**-53``): ``r = sqrt(-2 * log1p(-u2))``, ``theta = 2 * pi * u1``, ``r * cos(theta)``
      rounded to float32; ``r * sin(theta)`` is kept for the next ``randn`` on the generator.

    >>> generator = TorchGenerator(42)
    >>> generator.randn(), generator.randn()
    (0.33669036626815796, 0.12880940735340118)
    """

    __slots__ = ("_engine", "_next_normal")

    def __init__(self, seed: int) -> None:
        from random import Random  # imported when noise is drawn: importing the package stays light

        state = [seed & 0xFFFFFFFF]
        for index in range(1, 624):
            previous = state[-1]
            state.append((1812433253 * (previous ^ (previous >> 30)) + index) & 0xFFFFFFFF)
        self._engine = Random()
        self._engine.setstate((3, (*state, 624), None))
        self._next_normal: float | None = None

    def _double(self) -> float:
        bits = (self._engine.getrandbits(32) << 32) | self._engine.getrandbits(32)
        return (bits & ((1 << 53) - 1)) * 2.0**-53

    def rand(self) -> float:
        """The next ``torch.rand(1, generator=g).item()``."""
        return _float32((self._engine.getrandbits(32) & ((1 << 24) - 1)) * 2.0**-24)

    def randn(self) -> float:
        """The next ``torch.randn(1, generator=g).item()``."""
        if self._next_normal is not None:
            value, self._next_normal = self._next_normal, None
            return _float32(value)
        u1 = self._double()
        u2 = self._double()
        radius = math.sqrt(-2.0 * math.log1p(-u2))
        theta = 2.0 * math.pi * u1
        self._next_normal = radius * math.sin(theta)
        return _float32(radius * math.cos(theta))


def _float32(value: float) -> float:
    """``value`` rounded to the nearest float32, as a Python float."""
    from struct import pack, unpack

    rounded: float = unpack("f", pack("f", value))[0]
    return rounded


def draw_noise(seed: int, pct: float, std: float = 1.0, distribution: str = "normal") -> float:
    """timm's lr noise for one step (``Scheduler._calculate_noise``), from ``seed`` (``noise_seed + t``).

    ``"normal"``: ``randn * std``, drawn again until ``|noise| < pct``; ``"uniform"``:
    ``2 * (rand - 0.5) * pct``, in ``[-pct, pct)`` (``std`` is not used), each from a torch
    generator seeded with ``seed``.

    >>> draw_noise(42, pct=0.67), draw_noise(43, pct=0.5, distribution="uniform")
    (0.33669036626815796, -0.04603171348571777)
    """
    generator = TorchGenerator(seed)
    if distribution == "normal":
        while True:
            noise = generator.randn() * std
            if abs(noise) < pct:
                return noise
    return 2 * (generator.rand() - 0.5) * pct


def _check_point(name: str, value: object, rule: str) -> int | float:
    """A step where the noise starts or stops: an int, or a finite float (timm's fractions of a run), >= 0."""
    if isinstance(value, int) and not isinstance(value, bool):
        number: int | float = int(value)
    else:
        if not is_number(value):
            fail(name, rule, value, kind=True)
        number = to_float(value)
        if not math.isfinite(number):
            fail(name, rule, value)
    if number < 0:
        fail(name, rule, value)
    return number


class Noisy(Schedule):
    r"""Multiply a schedule's value by ``1 + noise``, a random noise drawn from the step and the seed alone.

    timm's lr noise (``noise_range_t``, ``noise_pct``, ``noise_std``, ``noise_type``,
    ``noise_seed``), value for value: at step ``t`` with ``start <= t < stop``::

        value(t, base) = v + v * noise(floor(t)),   v = schedule(t, base)

    where ``noise(n)`` is drawn from a torch CPU generator seeded with ``seed + n`` (reproduced in
    pure Python, :class:`TorchGenerator`): ``"normal"`` draws ``randn * std`` again until
    ``|noise| < pct``; ``"uniform"`` draws ``2 * (rand - 0.5) * pct`` in ``[-pct, pct)``. Outside
    ``[start, stop)`` the value is the schedule's own. The same step gives the same noise however
    it is reached: a resumed run, ``step(epoch)``, :meth:`simulate`.

    Args:
        schedule: the schedule made noisy, a :class:`Schedule` (or its ``to_config()`` dict).
        start: the first noisy step, a finite number >= 0 (timm's ``noise_range_t``, or its first item).
        stop: the first step after the noise, a finite number > ``start``, or None (noisy for ever;
            timm's second item of ``noise_range_t``).
        pct: the noise's bound, a finite number in (0.0, 1.0] (values stay >= 0).
        std: the normal noise's standard deviation before the bound, a finite number in
            [0.0, 1000 * pct] (a normal draw is redrawn until within ``pct``); unused by uniform noise.
        distribution: ``"normal"`` or ``"uniform"`` (timm's ``noise_type``).
        seed: the seed of step 0, an int in [-2**63, 2**63 - 1] (timm's ``noise_seed``).

    Raises:
        TypeError, ValueError: an argument of the wrong type, or out of its range.

    >>> from paradox.scheduler import CosineAnnealing
    >>> noisy = Noisy(CosineAnnealing(T_max=10), start=2, stop=4, seed=42)
    >>> [round(noisy(t, base=1.0), 6) for t in range(5)]
    [1.0, 0.975528, 0.957825, 0.818643, 0.654508]
    >>> round(noisy.noise(2), 6), noisy.noise(4)
    (0.058945, 0.0)
    """

    def __init__(
        self,
        schedule: Schedule,
        start: float = 0,
        stop: float | None = None,
        pct: float = 0.67,
        std: float = 1.0,
        distribution: str = "normal",
        seed: int = 42,
    ) -> None:
        with self._building():
            self.schedule = check_schedule("schedule", schedule)
            self.start = _check_point("start", start, "a finite number >= 0")
            if stop is not None:
                stop = _check_point("stop", stop, f"None or a finite number > start={self.start!r}")
                if stop <= self.start:
                    fail("stop", f"None or a finite number > start={self.start!r}", stop)
            self.stop = stop
            self.pct = check_float("pct", pct, minimum=0.0, maximum=1.0, min_open=True)
            rule = (
                f"a finite number in [0.0, 1000 * pct={1000 * self.pct!r}] (normal noise is redrawn until within pct)"
            )
            self.std = check_float("std", std, minimum=0.0)
            if self.std > 1000 * self.pct:
                fail("std", rule, std)
            if not isinstance(distribution, str):
                fail("distribution", "'normal' or 'uniform'", distribution, kind=True)
            if distribution not in DISTRIBUTIONS:
                fail("distribution", "'normal' or 'uniform'", distribution)
            self.distribution = distribution
            self.seed = check_int("seed", seed, minimum=-(2**63), maximum=2**63 - 1)
            self.floor = self.schedule.floor

    @property
    def length(self) -> int | None:
        return self.schedule.length

    @property
    def last_change(self) -> int | None:
        """The noise changes the values up to ``stop`` (for ever without one)."""
        if self.stop is None:
            return None
        inner = self.schedule.length or self.schedule.last_change
        return None if inner is None else max(inner, math.ceil(self.stop))

    @property
    def affine(self) -> bool:
        return self.schedule.affine and self.schedule.floor == 0.0

    def noise(self, step: float) -> float:
        """The noise at ``step``: the draw of step ``floor(step)`` inside ``[start, stop)``, else 0.0."""
        if step < self.start or (self.stop is not None and step >= self.stop):
            return 0.0
        return draw_noise(self.seed + math.floor(step), self.pct, self.std, self.distribution)

    def _rescale(self, at: int, total_steps: int) -> Schedule:
        # The wrapped schedule takes the change; the noise stays drawn at the real steps.
        return self.replace(schedule=self.schedule.rescale(at, total_steps))

    def factor(self, step: Any, xp: Any = SCALAR) -> Any:
        """The schedule's factor times ``1 + noise`` (the values' own form when the floor is 0)."""
        noise = self.noise(step) if xp is SCALAR else self._noises(step, xp)
        return self.schedule.factor(step, xp) * (1.0 + noise)

    def _noises(self, steps: Any, xp: Any) -> Any:
        noises = xp.zeros(steps.shape)
        for index, step in enumerate(steps.tolist()):
            noises[index] = self.noise(step)
        return noises

    def values(self, step: Any, bases: Sequence[float], xp: Any = SCALAR) -> list[Any]:
        return self.evaluate(step, bases, xp)[0]

    def evaluate(self, step: Any, bases: Sequence[float], xp: Any = SCALAR) -> tuple[list[Any], list[Any] | None]:
        values, momenta = self.schedule.evaluate(step, bases, xp)
        noise = self.noise(step) if xp is SCALAR else self._noises(step, xp)
        if xp is SCALAR and noise == 0.0:
            return values, momenta
        return [value + value * noise for value in values], momenta

    def rebase(self, step: float, value: float) -> float | None:
        scale = 1.0 + self.noise(step)  # 0 for a uniform draw of exactly -pct with pct=1
        return None if scale == 0.0 else self.schedule.rebase(step, value / scale)


class NoisyLR(ScheduledLR):
    r"""Drive a :class:`Noisy` schedule: each group's lr is ``schedule``'s, times ``1 + noise``.

    Formula and arguments as :class:`Noisy`, plus ``optimizer`` and ``last_epoch`` (as
    :class:`~paradox.scheduler.LRScheduler`). The noise comes from the step and the seed, so a run
    resumed from its state, or jumped with ``step(epoch)``, draws the same noise.

    >>> from paradox.scheduler import CosineAnnealing
    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.1}]})()
    >>> scheduler = NoisyLR(optimizer, CosineAnnealing(T_max=10), start=2, seed=42)
    >>> scheduler.step(2)
    >>> round(optimizer.param_groups[0]["lr"], 6)
    0.095782
    """

    _schedule: Noisy

    start = ConfigParam()
    stop = ConfigParam()
    pct = ConfigParam()
    std = ConfigParam()
    distribution = ConfigParam()
    seed = ConfigParam()

    @named
    def __init__(
        self,
        optimizer: SupportsParamGroups,
        schedule: Schedule,
        start: float = 0,
        stop: float | None = None,
        pct: float = 0.67,
        std: float = 1.0,
        distribution: str = "normal",
        seed: int = 42,
        last_epoch: int = -1,
    ) -> None:
        super().__init__(optimizer, Noisy(schedule, start, stop, pct, std, distribution, seed), last_epoch)

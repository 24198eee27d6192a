r"""transformers' named schedules as a drop-in: :func:`get_scheduler` and the ``get_*_schedule*``
functions, with transformers' names, signatures and values, built from this package's pure schedules.

The one line a user of transformers changes::

    from paradox.scheduler import get_scheduler   # was: from transformers import get_scheduler

Each function returns a scheduler of this package (a :class:`~paradox.scheduler.ScheduledLR`
driving a :class:`~paradox.scheduler.Warmup` around the decay, an
:class:`~paradox.scheduler.InverseSqrtLR` or a :class:`~paradox.scheduler.ReduceLROnPlateau`):
unlike transformers' ``LambdaLR``, its ``state_dict()`` holds the schedule's parameters, as plain
JSON, and a fresh scheduler resumes from it exactly.

transformers' conventions, kept value for value (``W`` warmup steps, ``T`` training steps, ``s = t - W``
the step after warmup, ``D = max(1, T - W)``)::

    warmup                 base * t / W (the peak, base, at step W, the first step after warmup)
    linear                 base * max(0, (T - t) / D)
    cosine                 base * (1 + cos(2 pi num_cycles s / D)) / 2, on past T (num_cycles=0.5: half a cosine)
    cosine_with_restarts   base * (1 + cos(pi * ((num_cycles * s / D) % 1))) / 2, 0 from T on
    polynomial             lr_end + (lr_init - lr_end) * (1 - s / (T - W)) ** power, scaled by base / lr_init
                           (lr_init: the optimizer's default lr), lr_end * base / lr_init after T
    cosine_with_min_lr     the cosine, rescaled to [min_lr_rate, 1]
    cosine_warmup_with_min_lr
                           warmup (t + 1) / W (the peak on the last warmup step), and the cosine of
                           (s + 1) / D: both a step ahead of the others (transformers' ``+ 1``)
    warmup_stable_decay    warmup from min_lr_ratio, stable at base, decay to min_lr_ratio, held there

Where this drop-in differs, it refuses up front what transformers accepts and then breaks on or
computes without meaning: a negative step count, ``num_cycles < 0``, ``power <= 0``, a
``min_lr_rate`` or ``min_lr_ratio`` outside [0, 1], a WSD whose stable phase would be negative.
``polynomial`` with ``num_training_steps == num_warmup_steps`` holds ``lr_end`` after the warmup
(transformers divides by zero at that step). transformers' ``"greedy"`` (its ``GreedyLR``) and its
layer-wise optimizer are not part of it.
"""

from __future__ import annotations

import math

from .base import ScheduledLR
from .compose import Sequential
from .cosine import CosineAnnealing
from .inverse_sqrt import InverseSqrtLR
from .piecewise import PiecewiseConstant
from .plateau import ReduceLROnPlateau
from .polynomial import LinearFactor
from .schedule import SCALAR, Schedule
from .shapes import between, check_shape
from .validate import check_float, check_int, check_steps, fail, is_number, naming, to_float
from .warmup import Warmup
from .wsd import WarmupStableDecay

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from typing import Any

    from .base import LRScheduler, SupportsParamGroups

#: The shapes of :class:`HFDecay`, in the order error messages list them.
HF_DECAYS = ("cosine", "restarts", "power", "1-sqrt")


class HFDecay(Schedule):
    r"""transformers' decays after warmup, as a factor of the base, from its progress ``p``.

    With ``p = (t + offset) / steps`` and ``r = end_ratio``::

        "cosine"     r + (1 - r) * ((1 + cos(2 pi num_cycles p)) / 2) ** power   (on past steps, as transformers')
        "restarts"   (1 + cos(pi * ((num_cycles * p) % 1))) / 2 for p < 1, then 0 (hard restarts)
        "power"      r + (1 - r) * (1 - min(p, 1)) ** power               (then r)
        "1-sqrt"     r + (1 - r) * (1 - sqrt(min(p, 1)))                  (then r)

    each written with :func:`~paradox.scheduler.shapes.between`. ``num_cycles`` is a float:
    ``0.5`` is half a cosine over ``steps``. transformers' ``cosine_warmup_with_min_lr`` evaluates
    its cosine one step ahead: ``offset=1``. Beyond transformers: the cosine's ``power`` is
    optax's cosine ``exponent``, and an ``end_ratio`` above 1 makes "power" a polynomial rise
    (optax's ``polynomial_schedule`` with ``end_value > init_value``).

    Args:
        shape: "cosine", "restarts", "power" or "1-sqrt".
        steps: the decay's length, an int in [1, 2**53] (transformers' ``max(1, T - W)``).
        end_ratio: the end as a factor of the base, a finite number >= 0 (transformers'
            ``min_lr_rate``, ``lr_end / lr_init``, ``min_lr_ratio``); 0 for "restarts"; at
            most 1 for "cosine" and "1-sqrt".
        power: the exponent of "power" and of the cosine's wave, a finite number > 0.
        num_cycles: the waves of "cosine" and "restarts", a finite number >= 0.
        offset: 0, or 1 for transformers' ``step + 1``.

    Raises:
        TypeError, ValueError: an argument of the wrong type, or out of its range.

    >>> [round(value, 6) for value in HFDecay("cosine", steps=4, num_cycles=1.0).simulate(6)]
    [1.0, 0.5, 0.0, 0.5, 1.0, 0.5]
    >>> [round(value, 6) for value in HFDecay("restarts", steps=4, num_cycles=2).simulate(6)]
    [1.0, 0.5, 1.0, 0.5, 0.0, 0.0]
    >>> [round(value, 6) for value in HFDecay("power", steps=4, end_ratio=0.2, power=2.0).simulate(6)]
    [1.0, 0.65, 0.4, 0.25, 0.2, 0.2]
    """

    def __init__(
        self,
        shape: str,
        steps: int,
        end_ratio: float = 0.0,
        power: float = 1.0,
        num_cycles: float = 0.5,
        offset: int = 0,
    ) -> None:
        with self._building():
            self.shape = check_shape("shape", shape, HF_DECAYS)
            self.steps = check_steps("steps", steps)
            rises = self.shape == "power"
            self.end_ratio = check_float("end_ratio", end_ratio, minimum=0.0, maximum=None if rises else 1.0)
            self.power = check_float("power", power, minimum=0.0, min_open=True)
            self.num_cycles = check_float("num_cycles", num_cycles, minimum=0.0)
            self.offset = check_int("offset", offset, minimum=0, maximum=1)
            if self.shape == "restarts" and self.end_ratio:
                fail("end_ratio", '0.0 for shape="restarts" (transformers\' hard restarts decay to 0)', end_ratio)

    @property
    def length(self) -> int | None:
        return None if self.shape == "cosine" else self.steps

    @property
    def _end(self) -> int:
        # The progress reaches 1 there; the cosine's waves carry on after it, but its decay ends.
        return self.steps - self.offset

    def factor(self, step: Any, xp: Any = SCALAR) -> Any:
        progress = (step + self.offset) / self.steps
        shape, end = self.shape, self.end_ratio
        if shape == "cosine":
            if self.power == 1.0:
                return between("cosine", 2.0 * self.num_cycles * progress, 1.0, end, xp)
            wave = between("cosine", 2.0 * self.num_cycles * progress, 1.0, 0.0, xp)
            return end + (1.0 - end) * wave**self.power
        if shape == "restarts":
            wave = between("cosine", (self.num_cycles * progress) % 1.0, 1.0, 0.0, xp)
            return xp.where(progress >= 1.0, 0.0, wave)
        return between(shape, xp.minimum(progress, 1.0), 1.0, end, xp, self.power)


# -- the get_*_schedule* functions -------------------------------------------------------------


def get_constant_schedule(optimizer: SupportsParamGroups, last_epoch: int = -1) -> ScheduledLR:
    """The lr set in the optimizer, constant (transformers' ``get_constant_schedule``).

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.1}]})()
    >>> get_constant_schedule(optimizer).schedule
    Warmup(schedule=None, steps=0, start_factor=0.0, start_value=None, shape='linear', prefix=True, peak='after')
    """
    return ScheduledLR(optimizer, Warmup(), last_epoch)


def get_constant_schedule_with_warmup(
    optimizer: SupportsParamGroups, num_warmup_steps: int, last_epoch: int = -1
) -> ScheduledLR:
    """A linear warmup from 0 over ``num_warmup_steps``, then the lr set in the optimizer.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 1.0}]})()
    >>> scheduler = get_constant_schedule_with_warmup(optimizer, num_warmup_steps=4)
    >>> [round(value, 6) for value in scheduler.schedule.simulate(6)]
    [0.0, 0.25, 0.5, 0.75, 1.0, 1.0]
    """
    with naming("get_constant_schedule_with_warmup"):
        return ScheduledLR(optimizer, Warmup(None, _warmup(num_warmup_steps)), last_epoch)


def get_linear_schedule_with_warmup(
    optimizer: SupportsParamGroups, num_warmup_steps: int, num_training_steps: int, last_epoch: int = -1
) -> ScheduledLR:
    """A linear warmup from 0, then a linear decay to 0 at ``num_training_steps`` (0 after).

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 1.0}]})()
    >>> scheduler = get_linear_schedule_with_warmup(optimizer, 2, 6)
    >>> [round(value, 6) for value in scheduler.schedule.simulate(8)]
    [0.0, 0.5, 1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    """
    with naming("get_linear_schedule_with_warmup"):
        warmup = _warmup(num_warmup_steps)
        span = _training(num_training_steps) - warmup
        decay = LinearFactor(1.0, 0.0, span) if span >= 1 else PiecewiseConstant([0], [0.0])  # T <= W: 0 after warmup
        return ScheduledLR(optimizer, Warmup(decay, warmup), last_epoch)


def get_cosine_schedule_with_warmup(
    optimizer: SupportsParamGroups,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
) -> ScheduledLR:
    """A linear warmup from 0, then a cosine over ``num_cycles`` waves (0.5: down to 0 at
    ``num_training_steps``; the cosine goes on after it, as transformers' does).

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 1.0}]})()
    >>> scheduler = get_cosine_schedule_with_warmup(optimizer, 2, 6)
    >>> [round(value, 6) for value in scheduler.schedule.simulate(9)]
    [0.0, 0.5, 1.0, 0.853553, 0.5, 0.146447, 0.0, 0.146447, 0.5]
    """
    with naming("get_cosine_schedule_with_warmup"):
        warmup, span = _warmup(num_warmup_steps), _span(num_training_steps, num_warmup_steps)
        cycles = _cycles(num_cycles)
        decay = CosineAnnealing(span) if cycles == 0.5 else HFDecay("cosine", span, num_cycles=cycles)
        return ScheduledLR(optimizer, Warmup(decay, warmup), last_epoch)


def get_cosine_with_hard_restarts_schedule_with_warmup(
    optimizer: SupportsParamGroups,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: int = 1,
    last_epoch: int = -1,
) -> ScheduledLR:
    """A linear warmup from 0, then ``num_cycles`` half cosines from the lr down to 0, each
    restarting at the lr; 0 from ``num_training_steps`` on.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 1.0}]})()
    >>> scheduler = get_cosine_with_hard_restarts_schedule_with_warmup(optimizer, 1, 9, num_cycles=2)
    >>> [round(value, 6) for value in scheduler.schedule.simulate(11)]
    [0.0, 1.0, 0.853553, 0.5, 0.146447, 1.0, 0.853553, 0.5, 0.146447, 0.0, 0.0]
    """
    with naming("get_cosine_with_hard_restarts_schedule_with_warmup"):
        warmup, span = _warmup(num_warmup_steps), _span(num_training_steps, num_warmup_steps)
        decay = HFDecay("restarts", span, num_cycles=_cycles(num_cycles))
        return ScheduledLR(optimizer, Warmup(decay, warmup), last_epoch)


def get_polynomial_decay_schedule_with_warmup(
    optimizer: SupportsParamGroups,
    num_warmup_steps: int,
    num_training_steps: int,
    lr_end: float = 1e-7,
    power: float = 1.0,
    last_epoch: int = -1,
) -> ScheduledLR:
    """A linear warmup from 0, then a polynomial decay from the lr to ``lr_end`` at ``num_training_steps``.

    As transformers', ``lr_end`` is absolute for the optimizer's default lr (``lr_init =
    optimizer.defaults["lr"]``): each group decays to ``lr_end * base / lr_init``. With
    ``num_training_steps <= num_warmup_steps`` the lr is that end from the warmup's end on
    (transformers divides by zero there when the two are equal).

    Raises:
        ValueError: ``lr_end`` is not below the optimizer's default lr, or ``power <= 0``.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 1.0}], "defaults": {"lr": 1.0}})()
    >>> scheduler = get_polynomial_decay_schedule_with_warmup(optimizer, 1, 5, lr_end=0.2, power=2.0)
    >>> [round(value, 6) for value in scheduler.schedule.simulate(7)]
    [0.0, 1.0, 0.65, 0.4, 0.25, 0.2, 0.2]
    """
    with naming("get_polynomial_decay_schedule_with_warmup"):
        warmup, training = _warmup(num_warmup_steps), _training(num_training_steps)
        lr_init = _default_lr(optimizer)
        end = check_float("lr_end", lr_end, minimum=0.0)
        if not end < lr_init:
            fail("lr_end", f"a number < the optimizer's default lr, optimizer.defaults['lr'] = {lr_init!r}", lr_end)
        ratio, power = end / lr_init, check_float("power", power, minimum=0.0, min_open=True)
        span = training - warmup
        decay = HFDecay("power", span, ratio, power) if span >= 1 else PiecewiseConstant([0], [ratio])
        return ScheduledLR(optimizer, Warmup(decay, warmup), last_epoch)


def get_inverse_sqrt_schedule(
    optimizer: SupportsParamGroups, num_warmup_steps: int, timescale: int | None = None, last_epoch: int = -1
) -> InverseSqrtLR:
    """A linear warmup from 0, then ``lr / sqrt((t - W + timescale) / timescale)``
    (:class:`~paradox.scheduler.InverseSqrtLR`; ``timescale`` defaults to ``num_warmup_steps`` or
    10,000).

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 1.0}]})()
    >>> get_inverse_sqrt_schedule(optimizer, 4).schedule
    InverseSqrt(warmup_steps=4, timescale=None, start_factor=0.0, start_value=None)
    """
    with naming("get_inverse_sqrt_schedule"):
        warmup = _warmup(num_warmup_steps)
    return InverseSqrtLR(optimizer, warmup, timescale, last_epoch=last_epoch)


def get_reduce_on_plateau_schedule(optimizer: SupportsParamGroups, **kwargs: Any) -> ReduceLROnPlateau:
    """:class:`~paradox.scheduler.ReduceLROnPlateau` with ``kwargs`` (transformers' ``reduce_lr_on_plateau``)."""
    return ReduceLROnPlateau(optimizer, **kwargs)


def get_cosine_with_min_lr_schedule_with_warmup(
    optimizer: SupportsParamGroups,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
    min_lr: float | None = None,
    min_lr_rate: float | None = None,
) -> ScheduledLR:
    """The cosine of :func:`get_cosine_schedule_with_warmup`, rescaled to end at ``min_lr``
    (absolute, for the optimizer's default lr) or ``min_lr_rate`` (a factor of each group's lr):
    give exactly one.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 1.0}]})()
    >>> scheduler = get_cosine_with_min_lr_schedule_with_warmup(optimizer, 1, 5, min_lr_rate=0.2)
    >>> [round(value, 6) for value in scheduler.schedule.simulate(6)]
    [0.0, 1.0, 0.882843, 0.6, 0.317157, 0.2]
    """
    with naming("get_cosine_with_min_lr_schedule_with_warmup"):
        warmup, span = _warmup(num_warmup_steps), _span(num_training_steps, num_warmup_steps)
        ratio, cycles = _min_lr_rate(optimizer, min_lr, min_lr_rate), _cycles(num_cycles)
        return ScheduledLR(optimizer, Warmup(HFDecay("cosine", span, ratio, num_cycles=cycles), warmup), last_epoch)


def get_cosine_with_min_lr_schedule_with_warmup_lr_rate(
    optimizer: SupportsParamGroups,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
    min_lr: float | None = None,
    min_lr_rate: float | None = None,
    warmup_lr_rate: float | None = None,
) -> ScheduledLR:
    """transformers' ``cosine_warmup_with_min_lr``: :func:`get_cosine_with_min_lr_schedule_with_warmup`
    one step ahead (its ``step + 1``), with the warmup's peak on its last step.

    The warmup is ``(t + 1) / W``, or with ``warmup_lr_rate`` (a number in [0, 1])
    ``warmup_lr_rate + (1 - warmup_lr_rate) * t / max(1, W - 1)``; the cosine's progress is
    ``(t - W + 1) / max(1, T - W)``.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 1.0}]})()
    >>> scheduler = get_cosine_with_min_lr_schedule_with_warmup_lr_rate(optimizer, 2, 6, min_lr_rate=0.0)
    >>> [round(value, 6) for value in scheduler.schedule.simulate(7)]
    [0.5, 1.0, 0.853553, 0.5, 0.146447, 0.0, 0.146447]
    """
    with naming("get_cosine_with_min_lr_schedule_with_warmup_lr_rate"):
        warmup, span = _warmup(num_warmup_steps), _span(num_training_steps, num_warmup_steps)
        ratio, cycles = _min_lr_rate(optimizer, min_lr, min_lr_rate), _cycles(num_cycles)
        decay = HFDecay("cosine", span, ratio, num_cycles=cycles, offset=1)
        if warmup_lr_rate is None:  # (t + 1) / W: from 1 / W, the peak on the last warmup step
            start = 1.0 / warmup if warmup else 0.0
        else:
            start = check_float("warmup_lr_rate", warmup_lr_rate, minimum=0.0, maximum=1.0)
        peak = "after" if warmup == 1 else "last"  # one warmup step: its value is the start (max(1, W - 1))
        return ScheduledLR(optimizer, Warmup(decay, warmup, start, peak=peak), last_epoch)


def get_wsd_schedule(
    optimizer: SupportsParamGroups,
    num_warmup_steps: int,
    num_decay_steps: int,
    num_training_steps: int | None = None,
    num_stable_steps: int | None = None,
    warmup_type: str = "linear",
    decay_type: str = "cosine",
    min_lr_ratio: float = 0,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
) -> ScheduledLR:
    """transformers' warmup-stable-decay: a warmup from ``min_lr_ratio`` times the lr, the lr for
    ``num_stable_steps`` (or ``num_training_steps - num_warmup_steps - num_decay_steps``), a decay
    to ``min_lr_ratio`` times the lr over ``num_decay_steps``, then that floor.

    A :class:`~paradox.scheduler.WarmupStableDecay` (``warmup_type`` and ``decay_type`` "linear",
    "cosine" or "1-sqrt", as transformers' shapes); a cosine decay over ``num_cycles != 0.5``
    waves is transformers' own: the warmup and stable phase of a ``WarmupStableDecay``, then
    :class:`HFDecay`'s cosine, then the floor. When both step counts are given,
    ``num_stable_steps`` wins, with a warning, as in transformers.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 1.0}]})()
    >>> scheduler = get_wsd_schedule(optimizer, 2, 2, num_stable_steps=2, decay_type="linear", min_lr_ratio=0.1)
    >>> [round(value, 6) for value in scheduler.schedule.simulate(8)]
    [0.1, 0.55, 1.0, 1.0, 1.0, 0.55, 0.1, 0.1]
    """
    with naming("get_wsd_schedule"):
        if num_stable_steps is None and num_training_steps is None:
            rule = "given when num_stable_steps is not (the stable phase is the rest of the training steps)"
            fail("num_training_steps", rule, num_training_steps)
        if num_stable_steps is not None and num_training_steps is not None:
            import warnings

            message = "Both num_training_steps and num_stable_steps are specified. num_stable_steps will be used."
            warnings.warn(message, stacklevel=2)
            num_training_steps = None
        check_shape("warmup_type", warmup_type, ("linear", "cosine", "1-sqrt"))
        check_shape("decay_type", decay_type, ("linear", "cosine", "1-sqrt"))
        cycles = _cycles(num_cycles)
        if decay_type != "cosine" or cycles == 0.5:
            schedule: Schedule = WarmupStableDecay(
                num_warmup_steps,
                num_decay_steps,
                num_training_steps,
                num_stable_steps,
                warmup_type,
                decay_type,
                min_lr_ratio=min_lr_ratio,
            )
            return ScheduledLR(optimizer, schedule, last_epoch)
        phases = WarmupStableDecay(num_warmup_steps, num_decay_steps, num_training_steps, num_stable_steps)
        start, decay_steps = phases.decay_span() or (0, 0)  # the decay's first step and its length
        ratio = check_float("min_lr_ratio", min_lr_ratio, minimum=0.0, maximum=1.0)
        pieces: list[tuple[Schedule, int]] = []
        if start:  # the warmup, then the lr for ever (cut at the decay's start)
            pieces.append((WarmupStableDecay(num_warmup_steps, warmup_type=warmup_type, min_lr_ratio=ratio), start))
        if decay_steps:
            pieces.append((HFDecay("cosine", decay_steps, ratio, num_cycles=cycles), decay_steps))
        floor = PiecewiseConstant([0], [ratio])  # from the end of the decay on
        milestones = [sum(length for _, length in pieces[: index + 1]) for index in range(len(pieces))]
        schedule = Sequential([piece for piece, _ in pieces] + [floor], milestones) if pieces else floor
        return ScheduledLR(optimizer, schedule, last_epoch)


# -- get_scheduler -------------------------------------------------------------------------------

#: transformers' ``TYPE_TO_SCHEDULER_FUNCTION``, by ``SchedulerType`` value.
TYPE_TO_SCHEDULER_FUNCTION: dict[str, Any] = {
    "linear": get_linear_schedule_with_warmup,
    "cosine": get_cosine_schedule_with_warmup,
    "cosine_with_restarts": get_cosine_with_hard_restarts_schedule_with_warmup,
    "polynomial": get_polynomial_decay_schedule_with_warmup,
    "constant": get_constant_schedule,
    "constant_with_warmup": get_constant_schedule_with_warmup,
    "inverse_sqrt": get_inverse_sqrt_schedule,
    "reduce_lr_on_plateau": get_reduce_on_plateau_schedule,
    "cosine_with_min_lr": get_cosine_with_min_lr_schedule_with_warmup,
    "cosine_warmup_with_min_lr": get_cosine_with_min_lr_schedule_with_warmup_lr_rate,
    "warmup_stable_decay": get_wsd_schedule,
}


def get_scheduler(
    name: str,
    optimizer: SupportsParamGroups,
    num_warmup_steps: int | None = None,
    num_training_steps: int | None = None,
    scheduler_specific_kwargs: dict[str, Any] | None = None,
) -> LRScheduler:
    """transformers' ``get_scheduler``: the schedule named ``name``, built on ``optimizer``.

    Args:
        name: one of transformers' ``SchedulerType`` values ("linear", "cosine",
            "cosine_with_restarts", "polynomial", "constant", "constant_with_warmup",
            "inverse_sqrt", "reduce_lr_on_plateau", "cosine_with_min_lr",
            "cosine_warmup_with_min_lr", "warmup_stable_decay"), or a ``SchedulerType`` member.
        optimizer: any optimizer with ``param_groups``.
        num_warmup_steps: needed by every name but "constant" and "reduce_lr_on_plateau".
        num_training_steps: needed by every name that also needs warmup steps, but
            "constant_with_warmup", "inverse_sqrt" and "warmup_stable_decay".
        scheduler_specific_kwargs: the named function's other arguments (``num_cycles``,
            ``power``, ``lr_end``, ``min_lr``, ``min_lr_rate``, ``timescale``, ...); ignored by "constant".

    Raises:
        ValueError: an unknown name, or a step count the name needs is missing.
        TypeError: an argument the named function does not take.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 1.0}]})()
    >>> scheduler = get_scheduler("cosine", optimizer, num_warmup_steps=2, num_training_steps=6)
    >>> [round(value, 6) for value in scheduler.schedule.simulate(7)]
    [0.0, 0.5, 1.0, 0.853553, 0.5, 0.146447, 0.0]
    """
    with naming("get_scheduler"):
        key = getattr(name, "value", name)  # a SchedulerType member
        if not isinstance(key, str):
            fail("name", "one of " + ", ".join(map(repr, TYPE_TO_SCHEDULER_FUNCTION)), name, kind=True)
        function = TYPE_TO_SCHEDULER_FUNCTION.get(key)
        if function is None:
            fail("name", "one of " + ", ".join(map(repr, TYPE_TO_SCHEDULER_FUNCTION)), name)
        if key == "constant":
            return get_constant_schedule(optimizer)
        kwargs = dict(scheduler_specific_kwargs or {})
        if key == "reduce_lr_on_plateau":
            return function(optimizer, **kwargs)  # type: ignore[no-any-return]
        if num_warmup_steps is None:
            fail("num_warmup_steps", f"an int >= 0: the {key!r} schedule needs it", num_warmup_steps)
        if key in ("constant_with_warmup", "inverse_sqrt"):
            extra = kwargs if key == "inverse_sqrt" else {}
            return function(optimizer, num_warmup_steps=num_warmup_steps, **extra)  # type: ignore[no-any-return]
        if key != "warmup_stable_decay" and num_training_steps is None:
            fail("num_training_steps", f"an int >= 0: the {key!r} schedule needs it", num_training_steps)
        scheduler: LRScheduler = function(
            optimizer, num_warmup_steps=num_warmup_steps, num_training_steps=num_training_steps, **kwargs
        )
        return scheduler


# -- argument checks -----------------------------------------------------------------------------


def _warmup(value: Any) -> int:
    return check_steps("num_warmup_steps", value, minimum=0)


def _training(value: Any) -> int:
    return check_steps("num_training_steps", value, minimum=0)


def _span(training: Any, warmup: int) -> int:
    """transformers' ``max(1, num_training_steps - num_warmup_steps)``."""
    return max(1, _training(training) - warmup)


def _cycles(value: Any) -> float:
    return check_float("num_cycles", value, minimum=0.0)


def _default_lr(optimizer: object) -> float:
    """``optimizer.defaults["lr"]``: transformers' ``lr_init``, to which an absolute end is relative."""
    defaults = getattr(optimizer, "defaults", None)
    lr: Any = defaults.get("lr") if isinstance(defaults, dict) else None
    rule = "an optimizer with defaults['lr'] > 0 (an absolute lr_end or min_lr is relative to it, as in transformers)"
    if not is_number(lr) or not 0.0 < to_float(lr) < math.inf:
        fail("optimizer.defaults['lr']", rule, lr, kind=not is_number(lr))
    return to_float(lr)


def _min_lr_rate(optimizer: object, min_lr: Any, min_lr_rate: Any) -> float:
    """``min_lr_rate``, or ``min_lr / optimizer.defaults["lr"]``: exactly one of the two is given."""
    if min_lr is not None and min_lr_rate is not None:
        fail("min_lr_rate", "None when min_lr is given (give one of min_lr and min_lr_rate)", min_lr_rate)
    if min_lr is not None:
        lr = _default_lr(optimizer)
        value = check_float("min_lr", min_lr, minimum=0.0, maximum=lr)
        return value / lr
    if min_lr_rate is None:
        fail("min_lr_rate", "given, or min_lr (one of the two sets the end of the cosine)", min_lr_rate)
    return check_float("min_lr_rate", min_lr_rate, minimum=0.0, maximum=1.0)

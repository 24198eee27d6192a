r"""Warmup-stable-decay (WSD): a warmup, a long stable phase at the base, then a cooldown to a floor;
the pure :class:`WarmupStableDecay` and its driver :class:`WarmupStableDecayLR`, whose
:meth:`~WarmupStableDecayLR.cooldown` starts the cooldown from any stable-phase checkpoint.

The names follow transformers' ``get_wsd_schedule`` (``num_warmup_steps``, ``num_decay_steps``,
``num_stable_steps``, ``num_training_steps``, ``min_lr_ratio``, ``warmup_type``, ``decay_type``);
the values match it (and timm's ``WSDLRScheduler`` where the shapes agree), step for step.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from numbers import Integral, Real

from .base import ConfigParam, ScheduledLR, _nothing, warn_config_drift
from .lambdas import function_name
from .schedule import SCALAR, Schedule
from .shapes import between, check_geometric, check_shape, rise
from .validate import MAX_STEPS, check_float, check_steps, fail, is_number, named, received, to_float

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from typing import Any

    from .base import Apply, SupportsParamGroups

    #: A cooldown's shape: a name, or a function of the progress (a spec gives the names).
    DecayType = str | Callable[[float], float]

#: The shapes of the warmup, in the order error messages list them.
WARMUP_TYPES = ("linear", "cosine", "1-sqrt", "exponential")
#: The named shapes of the cooldown (a function of the progress is taken too).
DECAY_TYPES = ("linear", "cosine", "1-sqrt", "square", "power", "exponential")
#: The fields :meth:`WarmupStableDecayLR.cooldown` sets: a recorded event, restored from a state
#: without a config-drift warning.
COOLDOWN_FIELDS = ("cooldown_start", "cooldown_steps")

_FUNCTION_RULE = "a name from a config: a config holds only a function's name, so build the schedule with the function"


def _length(name: str, value: Any, total: int | None) -> int:
    """A phase's length: an int of steps, or a float in [0, 1], a fraction of ``total`` rounded to the
    nearest step (halves up)."""
    rule = "an int in [0, 2**53] (steps) or a float in [0.0, 1.0] (a fraction of num_training_steps)"
    if isinstance(value, float):
        if not (math.isfinite(value) and 0.0 <= value <= 1.0):
            fail(name, rule, value)
        if total is None:
            fail(name, "an int (steps) when num_training_steps is None (a float is a fraction of it)", value)
        return math.floor(value * total + 0.5)
    if isinstance(value, bool) or not isinstance(value, Integral):
        fail(name, rule, value, kind=True)
    number = int(value)
    if not 0 <= number <= MAX_STEPS:
        fail(name, rule, value)
    return number


def _optional(name: str, value: Any, maximum: float | None = None) -> float | None:
    return None if value is None else check_float(name, value, minimum=0.0, maximum=maximum)


def _check_decay(value: Any) -> DecayType:
    """A named shape, or a user function of the progress."""
    if callable(value) and not isinstance(value, str):
        function: Callable[[float], float] = value
        return function
    if isinstance(value, Mapping):  # a config's {"function": name}
        fail("decay_type", _FUNCTION_RULE, value, kind=True)
    rule = "one of " + ", ".join(repr(name) for name in DECAY_TYPES) + " or a function of the progress"
    if not isinstance(value, str):
        fail("decay_type", rule, value, kind=True)
    if value not in DECAY_TYPES:
        fail("decay_type", rule, value)
    return value


class WarmupStableDecay(Schedule):
    r"""Warm up, hold the base, then cool down to a floor: the warmup-stable-decay (WSD) schedule.

    With ``W`` warmup steps, ``S`` stable steps, ``D`` decay steps, ``F`` the floor
    (``min_lr``, or ``min_lr_ratio * base``; 0 when neither is given) and ``s`` the warmup's start
    (``warmup_start_lr``, or ``warmup_start_ratio * base``; the floor when neither is given, as
    transformers' does)::

        value(t) = rise(warmup_type, t / W, s, base)                      t < W
                   base                                                   W <= t < W + S
                   between(decay_type, (t - W - S) / D, base, F)          W + S <= t < W + S + D
                   F                                                      t >= W + S + D (held)

    :func:`~paradox.scheduler.shapes.between` is the cooldown: "linear" ``1 - x``, "cosine" half a
    cosine, "1-sqrt" ``1 - sqrt(x)`` (the WSD paper's, Hägele et al. 2024; the default), "square"
    ``1 - x**2`` (transformers' "1-square"), "power" ``(1 - x)**decay_power``, "exponential" the
    geometric ``base * (F / base)**x`` (F > 0): each the fraction of ``base - F`` left at the
    progress ``x``. A function ``decay_type(x)`` gives that fraction itself (timm's callable
    ``decay_fn``: 1 at ``x = 0``, 0 at ``x = 1``). The warmup, :func:`~paradox.scheduler.shapes.rise`,
    is the cooldown's shape run backwards in time (as :class:`~paradox.scheduler.Warmup`'s):
    "1-sqrt" is transformers' ``1 - sqrt(1 - x)``.
    The base is reached at step ``W`` (the first stable step) and the floor at step ``W + S + D``
    (after the last decay step), as in transformers and timm. A floor given as ``min_lr_ratio`` (and
    a start as a ratio) computes ``base * factor`` as transformers' ``LambdaLR`` does. An absolute
    ``min_lr`` above a group's base makes that group's cooldown rise to it (as torch's ``eta_min``).

    Lengths are ints (steps) or floats in [0, 1] (fractions of ``num_training_steps``, rounded to
    the nearest step, halves up: ``floor(f * T + 0.5)``). ``num_stable_steps`` defaults to the rest,
    ``T - W - D``; given with ``T``, the three must add up to ``T``. With neither, the stable phase
    lasts for ever (``num_decay_steps`` 0): a cooldown is then started by
    :meth:`WarmupStableDecayLR.cooldown` (or by setting ``cooldown_start`` and ``cooldown_steps``).

    A cooldown recorded by ``cooldown_start = c`` and ``cooldown_steps = n`` replaces the planned
    decay: from step ``c`` the value is ``between(decay_type, (t - c) / n, base, F)``, then ``F``.
    ``c`` lies between the end of warmup and the start of the planned decay (the lr is the base at
    both).

    Args:
        num_warmup_steps: the warmup's length ``W`` (steps or a fraction), 0: none.
        num_decay_steps: the cooldown's length ``D`` (steps or a fraction), 0: none.
        num_training_steps: the whole run ``T``, an int >= 0, or None.
        num_stable_steps: the stable phase ``S`` (steps or a fraction), or None: the rest of ``T``.
        warmup_type: "linear" (default), "cosine", "1-sqrt" or "exponential" (a start > 0).
        decay_type: "1-sqrt" (default), "linear", "cosine", "square", "power", "exponential" (a
            floor > 0) or a function of the progress in [0, 1] returning a finite number (the
            fraction of ``base - F`` left). A config holds a function's name only.
        decay_power: the exponent of "power", a finite number > 0.
        min_lr: the floor as an absolute value, a finite number >= 0 (the same for every group).
        min_lr_ratio: the floor as a fraction of the base, in [0, 1]; at most one of the two.
        warmup_start_lr, warmup_start_ratio: the warmup's start, absolute (>= 0) or a fraction of
            the base (in [0, 1]); at most one; None: the floor.
        cooldown_start, cooldown_steps: a cooldown started at a stable-phase step, for ``cooldown_steps``
            (an int >= 1) steps; both or neither.

    Raises:
        TypeError, ValueError: an argument of the wrong type or out of its range, lengths that do
            not add up, two floors or two starts given, a cooldown outside the stable phase.

    >>> wsd = WarmupStableDecay(num_warmup_steps=2, num_decay_steps=4, num_training_steps=10, min_lr_ratio=0.1)
    >>> [round(v, 4) for v in wsd.simulate(12)]
    [0.1, 0.55, 1.0, 1.0, 1.0, 1.0, 1.0, 0.55, 0.3636, 0.2206, 0.1, 0.1]
    >>> [round(v, 4) for v in wsd.replace(cooldown_start=3, cooldown_steps=2).simulate(7)]
    [0.1, 0.55, 1.0, 1.0, 0.3636, 0.1, 0.1]
    """

    def __init__(
        self,
        num_warmup_steps: int | float = 0,
        num_decay_steps: int | float = 0,
        num_training_steps: int | None = None,
        num_stable_steps: int | float | None = None,
        warmup_type: str = "linear",
        decay_type: DecayType = "1-sqrt",
        decay_power: float = 1.0,
        min_lr: float | None = None,
        min_lr_ratio: float | None = None,
        warmup_start_lr: float | None = None,
        warmup_start_ratio: float | None = None,
        cooldown_start: int | None = None,
        cooldown_steps: int | None = None,
    ) -> None:
        with self._building():
            total = (
                None if num_training_steps is None else check_steps("num_training_steps", num_training_steps, minimum=0)
            )
            self.num_training_steps = total
            warmup = _length("num_warmup_steps", num_warmup_steps, total)
            decay = _length("num_decay_steps", num_decay_steps, total)
            # A fraction stays a fraction in the config; steps are kept as checked ints.
            self.num_warmup_steps = num_warmup_steps if isinstance(num_warmup_steps, float) else warmup
            self.num_decay_steps = num_decay_steps if isinstance(num_decay_steps, float) else decay
            self.num_stable_steps = num_stable_steps
            if num_stable_steps is not None:
                stable: int | None = _length("num_stable_steps", num_stable_steps, total)
                if not isinstance(num_stable_steps, float):
                    self.num_stable_steps = stable
                if total is not None and stable is not None and warmup + stable + decay != total:
                    rule = f"num_training_steps - num_warmup_steps - num_decay_steps = {total - warmup - decay}"
                    fail("num_stable_steps", f"{rule} (or None: the rest)", num_stable_steps)
            elif total is not None:
                stable = total - warmup - decay
                if stable < 0:
                    rule = f">= num_warmup_steps + num_decay_steps = {warmup + decay} (the stable phase is the rest)"
                    fail("num_training_steps", rule, total)
            else:
                stable = None  # stable until a cooldown is started
                if decay:
                    rule = "0 when neither num_training_steps nor num_stable_steps is given (no decay is planned)"
                    fail("num_decay_steps", rule, num_decay_steps)
            self.warmup_type = check_shape("warmup_type", warmup_type, WARMUP_TYPES)
            self.decay_type = _check_decay(decay_type)
            self.decay_power = check_float("decay_power", decay_power, minimum=0.0, min_open=True)
            self.min_lr = _optional("min_lr", min_lr)
            self.min_lr_ratio = _optional("min_lr_ratio", min_lr_ratio, 1.0)
            self.warmup_start_lr = _optional("warmup_start_lr", warmup_start_lr)
            self.warmup_start_ratio = _optional("warmup_start_ratio", warmup_start_ratio, 1.0)
            if self.min_lr is not None and self.min_lr_ratio is not None:
                fail("min_lr_ratio", "None when min_lr is given (the floor is one or the other)", min_lr_ratio)
            if self.warmup_start_lr is not None and self.warmup_start_ratio is not None:
                rule = "None when warmup_start_lr is given (the start is one or the other)"
                fail("warmup_start_ratio", rule, warmup_start_ratio)
            floor = self.min_lr if self.min_lr is not None else (self.min_lr_ratio or 0.0)
            if self.decay_type == "exponential" and not floor > 0.0:
                name = "min_lr" if self.min_lr is not None else "min_lr_ratio"
                rule = 'a number > 0 for decay_type="exponential" (a geometric cooldown cannot reach 0)'
                fail(name, rule, self.min_lr if self.min_lr is not None else self.min_lr_ratio)
            if self.warmup_type == "exponential" and warmup:
                rule = 'a number > 0 for warmup_type="exponential" (a geometric warmup cannot start at 0)'
                if self.warmup_start_lr is not None or self.warmup_start_ratio is not None:
                    name = "warmup_start_lr" if self.warmup_start_lr is not None else "warmup_start_ratio"
                    if not getattr(self, name) > 0.0:
                        fail(name, rule, getattr(self, name))
                elif not floor > 0.0:  # the warmup starts at the floor
                    fail("min_lr" if self.min_lr is not None else "min_lr_ratio", rule + ", from the floor", floor)
            self.cooldown_start, self.cooldown_steps = cooldown_start, cooldown_steps
            planned = None if stable is None else warmup + stable
            if cooldown_start is not None or cooldown_steps is not None:
                if cooldown_steps is None:
                    fail("cooldown_steps", "an int >= 1 when cooldown_start is given", cooldown_steps)
                self.cooldown_steps = check_steps("cooldown_steps", cooldown_steps)
                if cooldown_start is None:
                    fail("cooldown_start", "an int when cooldown_steps is given", cooldown_start)
                top = "2**53" if planned is None else str(planned)
                where = "from the end of warmup to the start of the planned decay"
                rule = f"an int in [{warmup}, {top}] ({where})"
                if isinstance(cooldown_start, bool) or not isinstance(cooldown_start, Integral):
                    fail("cooldown_start", rule, cooldown_start, kind=True)
                if not warmup <= cooldown_start <= (MAX_STEPS if planned is None else planned):
                    fail("cooldown_start", rule, cooldown_start)
                self.cooldown_start = int(cooldown_start)
            self._warmup, self._stable_end = warmup, planned
            self._decay = decay
            self.floor = self.min_lr if self.min_lr is not None else 0.0

    # -- the phases -------------------------------------------------------------------------------

    def decay_span(self) -> tuple[int, int] | None:
        """``(start, steps)`` of the cooldown that runs: the recorded one, or the planned decay
        (None: stable for ever)."""
        if self.cooldown_start is not None and self.cooldown_steps is not None:
            return self.cooldown_start, self.cooldown_steps
        if self._stable_end is None:
            return None
        return self._stable_end, self._decay

    @property
    def length(self) -> int | None:
        """The step where the floor is reached (``W + S + D``, or the cooldown's end), or None."""
        span = self.decay_span()
        return None if span is None else span[0] + span[1]

    @property
    def last_change(self) -> int | None:
        return self.length if self.length is not None else (self._warmup or None)

    def _rescale(self, at: int, total_steps: int) -> Schedule:
        """Before the cooldown: the stable phase keeps going and the cooldown, as long as before,
        moves to end at ``total_steps`` (shortened to start at ``at``, or at the end of warmup,
        when the new total leaves less room). Once it has started: its remaining part is warped
        (:class:`~paradox.scheduler.schedule.Rescaled`)."""
        span = self.decay_span()
        if span is None or at >= span[0]:
            return super()._rescale(at, total_steps)  # stable for ever: refused; cooling: warped
        warmup = self._warmup
        begin = max(total_steps - span[1], at, warmup)
        if total_steps <= warmup:
            rule = f"an int > num_warmup_steps={warmup} (a warmup under way keeps its length)"
            fail("total_steps", rule, total_steps)
        return self.replace(
            num_warmup_steps=warmup,
            num_stable_steps=begin - warmup,
            num_decay_steps=total_steps - begin,
            num_training_steps=total_steps,
            cooldown_start=None,
            cooldown_steps=None,
        )

    @property
    def affine(self) -> bool:
        """Every value a multiple of the base: no absolute ``min_lr`` or ``warmup_start_lr``."""
        return self.min_lr is None and self.warmup_start_lr is None

    def factor(self, step: Any, xp: Any = SCALAR) -> Any:
        """The value for a base of 1."""
        return self.values(step, (1.0,), xp)[0]

    def values(self, step: Any, bases: Sequence[float], xp: Any = SCALAR) -> list[Any]:
        warmup, span = self._warmup, self.decay_span()
        if xp is SCALAR:
            if step < warmup:
                return self._ramp(step / warmup, bases, xp)
            if span is None or step < span[0]:
                return list(bases)
            start, steps = span
            if step >= start + steps:
                return self._floors(bases)
            return self._cool((step - start) / steps, bases, xp, step)
        if callable(self.decay_type):
            raise TypeError("a function decay_type is evaluated one step at a time")  # simulate steps it
        out = [xp.where(step < 0.0, base, base) for base in bases]  # the stable phase, as arrays
        if span is not None:
            start, steps = span
            x = xp.where(step < start, 0.0, xp.minimum((step - start) / steps, 1.0)) if steps else step * 0.0 + 1.0
            cooled = self._cool(x, bases, xp, step)
            out = [xp.where(step < start, value, low) for value, low in zip(out, cooled)]
        if warmup:
            ramp = self._ramp(xp.minimum(step, warmup) / warmup, bases, xp)
            out = [xp.where(step < warmup, up, value) for up, value in zip(ramp, out)]
        return out

    def _floors(self, bases: Sequence[float]) -> list[float]:
        if self.min_lr is not None:
            return [self.min_lr] * len(bases)
        ratio = self.min_lr_ratio or 0.0
        return [base * ratio for base in bases]

    def _ramp(self, x: Any, bases: Sequence[float], xp: Any) -> list[Any]:
        """The warmup at the fraction ``x`` of it, one value per base."""
        shape = self.warmup_type
        start: float | None = self.warmup_start_lr
        ratio = self.warmup_start_ratio
        if start is None and ratio is None:
            start, ratio = self.min_lr, (self.min_lr_ratio or 0.0)
        if start is None:  # a start relative to the base: base * factor, as transformers' LambdaLR
            factor = rise(shape, x, ratio, 1.0, xp)
            return [base * factor for base in bases]
        if shape == "exponential":
            check_geometric(bases)
        return [rise(shape, x, start, base, xp) for base in bases]

    def _cool(self, x: Any, bases: Sequence[float], xp: Any, step: Any) -> list[Any]:
        """The cooldown at its progress ``x``, one value per base."""
        shape, power = self.decay_type, self.decay_power
        if callable(shape):
            left = _left(shape, x, step, self._owner)
            if self.min_lr is None:
                return [
                    base * ((self.min_lr_ratio or 0.0) + (1.0 - (self.min_lr_ratio or 0.0)) * left) for base in bases
                ]
            return [self.min_lr + (base - self.min_lr) * left for base in bases]
        if self.min_lr is None:
            factor = between(shape, x, 1.0, self.min_lr_ratio or 0.0, xp, power)
            return [base * factor for base in bases]
        if shape == "exponential":
            check_geometric(bases)
        return [between(shape, x, base, self.min_lr, xp, power) for base in bases]

    def rebase(self, step: float, value: float) -> float | None:
        absolute = self.min_lr is not None or self.warmup_start_lr is not None
        if absolute and "exponential" in (self.decay_type, self.warmup_type):
            return None  # not affine in the base
        zero, one = self.values(step, (0.0, 1.0))
        slope = one - zero
        base = (value - zero) / slope if slope else math.inf
        return base if math.isfinite(base) else None

    # -- configs: a function decay_type is saved by name ------------------------------------------

    def __repr__(self) -> str:
        fields = ", ".join(f"{key}={value!r}" for key, value in self.to_config().items() if key != "name")
        return f"{type(self).__name__}({fields})"

    def to_config(self) -> dict[str, Any]:
        config = super().to_config()
        if callable(self.decay_type):
            config["decay_type"] = {"function": function_name(self.decay_type)}
        return config


def _left(function: Callable[[float], float], x: float, step: Any, owner: str) -> float:
    """A user cooldown's fraction left at the progress ``x``, checked: a finite number."""
    value = function(x)
    if isinstance(value, Real) and is_number(value) and math.isfinite(to_float(value)):
        return to_float(value)
    raise (ValueError if is_number(value) else TypeError)(
        f"{owner}: decay_type must return a finite number (the fraction of the way left). "
        f"Received: {received('output', value)} at progress={x!r} (step {step})"
    )


class WarmupStableDecayLR(ScheduledLR):
    r"""Warm each group's lr up, hold it at its base, then cool it down; :meth:`cooldown` starts the
    cooldown now, from any stable-phase step (a resumed checkpoint too), without retraining.

    Formula and arguments as :class:`WarmupStableDecay`, plus ``optimizer`` and ``last_epoch`` (as
    :class:`LRScheduler`). The state's config holds a started cooldown (``cooldown_start``,
    ``cooldown_steps``): a fresh scheduler built with the original arguments loads it, with no
    config-drift warning for those two fields, and continues bit for bit. A function
    ``decay_type`` is saved by name: build the loading scheduler with the same function.

    ``step(epoch)`` jumps to ``epoch`` on the schedule as it is now: after a cooldown, a jump back
    before ``cooldown_start`` gives the stable lr again and stepping on re-enters the same
    cooldown (it stays recorded; a second cooldown is refused).

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 1.0}]})()
    >>> scheduler = WarmupStableDecayLR(optimizer, num_warmup_steps=2)  # stable until cooled down
    >>> for _ in range(4):
    ...     scheduler.step()
    >>> scheduler.cooldown(4)  # from step 4, for 4 steps (decay_type="1-sqrt")
    >>> lrs = []
    >>> for _ in range(5):
    ...     scheduler.step()
    ...     lrs.append(round(optimizer.param_groups[0]["lr"], 4))
    >>> lrs
    [0.5, 0.2929, 0.134, 0.0, 0.0]
    >>> scheduler.state_dict()["config"]["cooldown_start"], scheduler.schedule.length
    (4, 8)
    """

    @property
    def _plan(self) -> WarmupStableDecay:
        plan: Any = super()._plan
        schedule: WarmupStableDecay = plan  # the config's schedule is one (a rescale may wrap the live one)
        return schedule

    num_warmup_steps = ConfigParam()
    num_decay_steps = ConfigParam()
    num_training_steps = ConfigParam()
    num_stable_steps = ConfigParam()
    warmup_type = ConfigParam()
    decay_type = ConfigParam()
    decay_power = ConfigParam()
    min_lr = ConfigParam()
    min_lr_ratio = ConfigParam()
    warmup_start_lr = ConfigParam()
    warmup_start_ratio = ConfigParam()
    cooldown_start = ConfigParam()
    cooldown_steps = ConfigParam()

    @named
    def __init__(
        self,
        optimizer: SupportsParamGroups,
        num_warmup_steps: int | float = 0,
        num_decay_steps: int | float = 0,
        num_training_steps: int | None = None,
        num_stable_steps: int | float | None = None,
        warmup_type: str = "linear",
        decay_type: DecayType = "1-sqrt",
        decay_power: float = 1.0,
        min_lr: float | None = None,
        min_lr_ratio: float | None = None,
        warmup_start_lr: float | None = None,
        warmup_start_ratio: float | None = None,
        cooldown_start: int | None = None,
        cooldown_steps: int | None = None,
        last_epoch: int = -1,
    ) -> None:
        schedule = WarmupStableDecay(
            num_warmup_steps,
            num_decay_steps,
            num_training_steps,
            num_stable_steps,
            warmup_type,
            decay_type,
            decay_power,
            min_lr,
            min_lr_ratio,
            warmup_start_lr,
            warmup_start_ratio,
            cooldown_start,
            cooldown_steps,
        )
        super().__init__(optimizer, schedule, last_epoch)

    @named
    def cooldown(self, steps: int) -> None:
        """Start the cooldown now: from ``last_epoch`` (the lr there is the base), down to the floor
        over ``steps`` steps (an int >= 1), along ``decay_type``; the floor is held after it. It
        replaces the planned decay, and the state records it.

        Raises:
            TypeError, ValueError: ``steps`` is not an int >= 1; the scheduler is still warming
                up; a cooldown (a recorded one, or the planned decay) has already started. Nothing
                is changed.
        """
        count = check_steps("steps", steps)
        schedule, now = self._plan, self.last_epoch
        owner = f"{type(self).__name__}.cooldown"
        if self._rescales:
            at, total = self._rescales[-1]
            raise ValueError(
                f"{owner}: the run was rescaled (at step {at}, to end at {total}), which moved its cooldown; "
                f"call cooldown() before rescale(), or rescale() again. Received: steps={count!r} (int)"
            )
        if schedule.cooldown_start is not None:
            raise ValueError(
                f"{owner}: a cooldown already started at step {schedule.cooldown_start} (for "
                f"{schedule.cooldown_steps} steps); a run cools down once. Received: steps={count!r} (int)"
            )
        if now < schedule._warmup:
            raise ValueError(
                f"{owner}: a cooldown starts after warmup, at last_epoch >= num_warmup_steps = "
                f"{schedule._warmup}. Received: last_epoch={now!r} (int)"
            )
        planned = schedule._stable_end
        if planned is not None and now > planned:
            raise ValueError(
                f"{owner}: the planned decay already started at step {planned}; a cooldown starts in the "
                f"stable phase, at last_epoch <= {planned}. Received: last_epoch={now!r} (int)"
            )
        self._schedule = schedule.replace(cooldown_start=now, cooldown_steps=count)

    def _build_schedule(self, config: dict[str, Any]) -> WarmupStableDecay:
        decay = config.get("decay_type")
        if isinstance(decay, Mapping):  # a function's name: the live function, if it is the same
            live = self._plan.decay_type
            name = decay.get("function")
            if not callable(live) or function_name(live) != name:
                shown = f"the live decay_type {live!r}" if not callable(live) else function_name(live)
                rule = f"the name of the live decay_type function ({shown}): build the scheduler with the same function"
                fail("state_dict['config']['decay_type']", rule, decay)
            config = {**config, "decay_type": live}
        return type(self._plan).build(config)

    def _read_config(self, saved: dict[str, Any], mode: str) -> Apply:
        live = self._config()
        # A recorded cooldown is part of the run: the saved one is restored in either mode.
        events = {key: saved.get(key) for key in COOLDOWN_FIELDS}
        merged = {**live, **saved} if mode == "saved" else {**live, **events}
        schedule = self._build_schedule(merged)
        restored = schedule.to_config()
        drift = [key for key in live if key not in COOLDOWN_FIELDS and restored[key] != live[key]]
        if schedule == self._plan:
            return _nothing
        self._incoming = schedule  # the saved changes of budget apply to it

        def apply() -> None:
            if drift and mode == "saved":
                warn_config_drift(type(self).__name__, live, restored, drift)
            self._schedule = schedule

        return apply

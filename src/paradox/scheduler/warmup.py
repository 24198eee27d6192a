r"""Warmup around any schedule: the pure :class:`Warmup`, and :class:`WarmupLR`, which puts a warmup in
front of any built scheduler (``ReduceLROnPlateau``, ``SequentialLR``, a user's subclass).

Conventions (one vocabulary for every warmup in the package)::

    steps          the warmup's length; 0: no warmup
    start          start_value, or start_factor * base (the lr at step 0)
    peak="after"   the ramp reaches the base at step ``steps``: the first step after warmup, which
                   is the wrapped schedule's step 0 (HF's, timm's, DeepSpeed's linear convention)
    peak="last"    the ramp reaches the base at step ``steps - 1``, the last warmup step
                   (DeepSpeed's "log"); ignite's ``create_lr_scheduler_with_warmup(warmup_duration=W)``
                   is ``steps=W - 1`` with peak="after": its peak is the wrapped schedule's step 0
    prefix=True    the wrapped schedule starts its own step 0 at step ``steps`` (HF, timm's
                   warmup_prefix=True, torch's SequentialLR)
    prefix=False   the wrapped schedule is evaluated at the absolute step (timm's default,
                   warmup_prefix=False: the lr jumps from the ramp down to schedule(steps))
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from .base import STEPPING, LRScheduler, _nothing, param_groups, set_lr, warn_config_drift
from .compose import A_SCHEDULE, _Composite, check_schedule, later_part
from .schedule import SCALAR, Schedule
from .shapes import check_geometric, check_shape, rise
from .state import read_values
from .validate import check_float, check_int, check_steps, fail, named, naming

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from .base import Apply

#: The shapes of a warmup's ramp, in the order error messages list them.
WARMUP_SHAPES = ("linear", "cosine", "exponential", "1-sqrt", "log")
#: Where the ramp reaches the base (see the module's docstring).
PEAKS = ("after", "last")


class Warmup(Schedule):
    r"""Ramp from a start value up to the base over ``steps`` steps, then follow ``schedule``.

    With ``s = start_value`` (or ``start_factor * base``), ``W = steps`` and ``P`` the step where
    the ramp reaches the base (``P = W`` for ``peak="after"``, ``P = W - 1`` for ``peak="last"``)::

        value(t) = rise(shape, t / P, s, base)                              t < W
                   s + (base - s) * log(t + 1) / log(P + 1)                 t < W, shape="log"
                   schedule(t - W, base)     (prefix=True)                  t >= W
                   schedule(t, base)         (prefix=False)                 t >= W

    where :func:`~paradox.scheduler.shapes.rise` is ``s + (base - s) * t / P`` for "linear",
    ``base - (base - s) * (1 + cos(pi * t / P)) / 2`` for "cosine", ``base - (base - s) *
    sqrt(1 - t / P)`` for "1-sqrt" (transformers' WSD warmup: the 1-sqrt cooldown run backwards,
    slow then steep) and ``s * (base / s) ** (t / P)`` for "exponential". "log" is
    DeepSpeed's ``WarmupLR(warmup_type="log")`` (with ``peak="last"``). A ``schedule`` of None
    holds the base after warmup. A start given as ``start_factor`` is computed as ``base *
    rise(shape, t / P, start_factor, 1)``: HF's ``base * t / W`` when ``start_factor=0``.
    Linear with ``start_value`` is timm's ``warmup_lr_init + t * (base - warmup_lr_init) / W``.

    Args:
        schedule: the schedule after warmup: a :class:`Schedule`, its ``to_config()`` dict, or
            None (constant at the base).
        steps: the warmup's length, an int in [0, 2**53]; 0 is no warmup. With ``peak="last"``
            1 is refused (the only warmup step would be the base).
        start_factor: the start as a fraction of the base, a number in [0, 1] (0: from zero);
            > 0 for ``shape="exponential"``. Must stay 0.0 when ``start_value`` is given.
        start_value: the start as an absolute value, a number >= 0, the same for every base
            (timm's ``warmup_lr_init``, DeepSpeed's ``warmup_min_lr``); None: use ``start_factor``.
            > 0 for ``shape="exponential"`` (and every base > 0 then).
        shape: "linear", "cosine", "exponential", "1-sqrt" or "log".
        prefix: True: ``schedule`` starts its own step 0 at step ``steps``; False: it runs on the
            absolute step (timm's ``warmup_prefix=False``: a jump at the end of warmup).
        peak: "after" (the ramp reaches the base at step ``steps``) or "last" (at ``steps - 1``).

    Raises:
        TypeError, ValueError: an argument of the wrong type, or out of its range.

    >>> from paradox.scheduler import CosineAnnealing
    >>> cosine = CosineAnnealing(T_max=4)
    >>> [round(v, 4) for v in Warmup(cosine, steps=4).simulate(9)]  # the peak after the ramp
    [0.0, 0.25, 0.5, 0.75, 1.0, 0.8536, 0.5, 0.1464, 0.0]
    >>> [round(v, 4) for v in Warmup(cosine, steps=4, peak="last").simulate(9)]  # the peak on the last step
    [0.0, 0.3333, 0.6667, 1.0, 1.0, 0.8536, 0.5, 0.1464, 0.0]
    >>> [round(v, 4) for v in Warmup(cosine, steps=4, start_value=0.1, prefix=False).simulate(6)]  # timm's
    [0.1, 0.325, 0.55, 0.775, 0.0, 0.1464]
    >>> [round(v, 4) for v in Warmup(None, steps=4, start_value=0.01, shape="log", peak="last").simulate(5)]
    [0.01, 0.505, 0.7946, 1.0, 1.0]
    """

    def __init__(
        self,
        schedule: Schedule | None = None,
        steps: int = 0,
        start_factor: float = 0.0,
        start_value: float | None = None,
        shape: str = "linear",
        prefix: bool = True,
        peak: str = "after",
    ) -> None:
        with self._building():
            rule = f"None (constant after warmup), {A_SCHEDULE}"
            self.schedule = None if schedule is None else check_schedule("schedule", schedule, rule)
            self.steps = check_steps("steps", steps, minimum=0)
            self.start_factor = check_float("start_factor", start_factor, minimum=0.0, maximum=1.0)
            self.start_value = None if start_value is None else check_float("start_value", start_value, minimum=0.0)
            self.shape = check_shape("shape", shape, WARMUP_SHAPES)
            if not isinstance(prefix, bool):
                fail("prefix", "a bool", prefix, kind=True)
            self.prefix = prefix
            self.peak = check_shape("peak", peak, PEAKS)
            if self.start_value is not None and self.start_factor != 0.0:
                rule = "0.0 (the default) when start_value is given (the start is one or the other)"
                fail("start_factor", rule, start_factor)
            if self.shape == "exponential":
                rule = 'a finite number > 0 for shape="exponential" (a geometric ramp cannot start at 0)'
                if self.start_value is None and self.start_factor == 0.0:
                    fail("start_factor", rule, start_factor)
                if self.start_value == 0.0:
                    fail("start_value", rule, start_value)
            if self.peak == "last" and self.steps == 1:
                rule = 'an int != 1 with peak="last" (0: no warmup; >= 2: the base at step steps - 1)'
                fail("steps", rule, steps)
            inner = self.schedule.floor if self.schedule is not None else math.inf
            start = 0.0 if self.start_value is None else self.start_value
            self.floor = min(inner, start) if self.steps else (0.0 if self.schedule is None else inner)

    @property
    def affine(self) -> bool:
        """A ramp from ``start_factor * base`` into an affine schedule with floor 0 (no ``start_value``)."""
        inner = self.schedule
        return self.start_value is None and (inner is None or (inner.affine and inner.floor == 0.0))

    @property
    def length(self) -> int | None:
        """``steps`` plus the wrapped schedule's length (prefix), or the longer of the two
        (no prefix); None when the wrapped schedule has none (or is None)."""
        inner = None if self.schedule is None else self.schedule.length
        if inner is None:
            return None
        return self.steps + inner if self.prefix else max(self.steps, inner)

    @property
    def last_change(self) -> int | None:
        """The warmup's end, or the wrapped schedule's last change after it."""
        inner = None if self.schedule is None else (self.schedule.length or self.schedule.last_change)
        if inner is None:
            return None if self.schedule is not None or not self.steps else self.steps
        return self.steps + inner if self.prefix else max(self.steps, inner)

    def _rescale(self, at: int, total_steps: int) -> Schedule:
        """A warmup already done stays done: the wrapped schedule is rescaled in its own clock. A
        warmup still under way keeps its length, and the wrapped schedule ends at ``total_steps``."""
        if self.schedule is None:
            return super()._rescale(at, total_steps)  # refused: constant after warmup, no end
        steps = self.steps
        at, total_steps = later_part(at, total_steps, steps, f"a warmup under way (steps={steps})")
        shift = 0 if self.prefix else steps  # without prefix, the wrapped schedule runs on the absolute step
        return self.replace(schedule=self.schedule.rescale(at + shift, total_steps + shift))

    @property
    def peak_step(self) -> int:
        """The step where the ramp reaches the base: ``steps`` (``peak="after"``) or ``steps - 1``."""
        return self.steps - 1 if self.peak == "last" and self.steps else self.steps

    def factor(self, step: Any, xp: Any = SCALAR) -> Any:
        """The value for a base of 1."""
        return self.values(step, (1.0,), xp)[0]

    def values(self, step: Any, bases: Sequence[float], xp: Any = SCALAR) -> list[Any]:
        if xp is SCALAR:  # the lrs alone: no momenta to hold during warmup
            return self.ramp(step, bases) if step < self.steps else self._after(step, bases)[0]
        return self.evaluate(step, bases, xp)[0]

    def evaluate(self, step: Any, bases: Sequence[float], xp: Any = SCALAR) -> tuple[list[Any], list[Any] | None]:
        steps = self.steps
        if xp is SCALAR:
            return (self.ramp(step, bases), self._held(bases)) if step < steps else self._after(step, bases)
        warm = step < steps
        lrs: list[Any] = [xp.zeros(step.shape) for _ in bases]
        momenta: list[Any] | None = [xp.zeros(step.shape) for _ in bases]
        if warm.any():
            for out, value in zip(lrs, self.ramp(step[warm], bases, xp)):
                out[warm] = value
            held = self._held(bases)
            for out, value in zip(momenta or (), held or ()):
                out[warm] = value
            momenta = momenta if held is not None else None
        cold = ~warm
        if cold.any():
            values, cycled = self._after(step[cold], bases, xp)
            for out, value in zip(lrs, values):
                out[cold] = value
            for out, value in zip(momenta or (), cycled or ()):
                out[cold] = value
            momenta = momenta if cycled is not None else None
        return lrs, momenta

    def ramp(self, step: Any, bases: Sequence[float], xp: Any = SCALAR) -> list[Any]:
        """The warmup's values at ``step`` (a step < ``steps``, or an array of them), one per base."""
        peak = self.peak_step
        if self.shape == "log":
            shape, x = "linear", xp.log(step + 1.0) / math.log(peak + 1.0)
        else:
            shape, x = self.shape, step / peak
        start = self.start_value
        if start is None:
            factor = rise(shape, x, self.start_factor, 1.0, xp)
            return [base * factor for base in bases]
        if shape == "exponential":
            check_geometric(
                bases, 'a number > 0 for shape="exponential" with a start_value (a geometric ramp up to it)'
            )
        return [rise(shape, x, start, base, xp) for base in bases]

    def _after(self, step: Any, bases: Sequence[float], xp: Any = SCALAR) -> tuple[list[Any], list[Any] | None]:
        """The values after warmup: the wrapped schedule at its step, or the bases."""
        if self.schedule is None:
            return list(bases), None
        return self.schedule.evaluate(step - self.steps if self.prefix else step, bases, xp)

    def _held(self, bases: Sequence[float]) -> list[Any] | None:
        """The momenta during warmup: the wrapped schedule's at the step where it takes over (for
        a schedule that cycles momentum), held."""
        if self.schedule is None:
            return None
        return self.schedule.evaluate(0 if self.prefix else self.steps, bases)[1]

    def rebase(self, step: float, value: float) -> float | None:
        if step >= self.steps:
            if self.schedule is None:
                return value
            return self.schedule.rebase(step - self.steps if self.prefix else step, value)
        if self.start_value is not None and self.shape == "exponential":
            return None  # not affine in the base
        zero, one = self.ramp(step, (0.0, 1.0))
        slope = one - zero
        base = (value - zero) / slope if slope else math.inf
        return base if math.isfinite(base) else None


class _RampSetting:
    """A :class:`WarmupLR` config attribute: setting it builds a new, checked ramp (``scheduler.steps = 10``)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, instance: WarmupLR | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return getattr(instance._ramp, self._name)

    def __set__(self, instance: WarmupLR, value: Any) -> None:
        with naming(type(instance).__name__):
            ramp, now, step = instance._ramp.replace(**{self._name: value}), instance._ramp.steps, instance.last_epoch
            if ramp.steps != now and step >= min(ramp.steps, now):
                # the child has taken over, or would have to have by now: its clock cannot be moved
                rule = f"an int > last_epoch={step} during warmup, and unchanged after the hand-over (steps={now})"
                fail("steps", rule, value)
            instance._ramp = ramp


#: The fields of a :class:`Warmup` that :class:`WarmupLR` takes (its child is the schedule, with prefix).
_RAMP_FIELDS = ("steps", "start_factor", "start_value", "shape", "peak")


class WarmupLR(_Composite):
    r"""Put a warmup in front of any built scheduler: ramp each group's lr up to its ``initial_lr``,
    then run the child from its own step 0.

    During the ``steps`` warmup steps each group's lr is :class:`Warmup`'s ramp towards the
    group's ``initial_lr`` (with ``peak="after"`` it arrives at step ``steps``, where the child
    takes over); at step ``steps`` every lr goes back to its ``initial_lr`` and the child restarts
    at its step 0, as at a ``SequentialLR`` milestone; then the child steps. The child keeps the
    state of its own initial step until then. An lr changed by hand during warmup is overwritten at
    the next step; a param group added during warmup continues along the ramp from the lr it
    brought (its base is the one whose ramp gives that lr now, saved in the state as ``bases``).

    A ``ReduceLROnPlateau`` child (or a composite holding one) takes the metric of
    ``step(metrics)``; every step then needs one, and during warmup it is checked and ignored (the
    plateau starts counting at the end of warmup). For any other child, ``step(epoch)`` jumps to
    ``epoch``: a ramp value during warmup, else the child restarted at ``epoch - steps``.

    ``schedule`` is ``Warmup(child.schedule, ...)`` when the child has a pure schedule. The state
    nests the child's state. For timm's ``warmup_prefix=False`` (the child on the absolute step),
    drive ``Warmup(..., prefix=False)`` with :class:`~paradox.scheduler.ScheduledLR`.

    Args:
        scheduler: the child, any scheduler of this package built on the optimizer to warm up.
        steps, start_factor, start_value, shape, peak: as :class:`Warmup`'s.
        last_epoch: the index of the last step taken, an int >= -1 (-1: start fresh).

    Raises:
        TypeError, ValueError: an argument of the wrong type or out of its range.

    >>> from paradox.scheduler import StepLR
    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 1.0}]})()
    >>> scheduler = WarmupLR(StepLR(optimizer, step_size=2, gamma=0.5), steps=4)
    >>> lrs = [optimizer.param_groups[0]["lr"]]
    >>> for epoch in range(8):
    ...     scheduler.step()
    ...     lrs.append(optimizer.param_groups[0]["lr"])
    >>> lrs
    [0.0, 0.25, 0.5, 0.75, 1.0, 1.0, 0.5, 0.5, 0.25]
    """

    steps = _RampSetting()
    start_factor = _RampSetting()
    start_value = _RampSetting()
    shape = _RampSetting()
    peak = _RampSetting()

    @named
    def __init__(
        self,
        scheduler: LRScheduler,
        steps: int,
        start_factor: float = 0.0,
        start_value: float | None = None,
        shape: str = "linear",
        peak: str = "after",
        last_epoch: int = -1,
    ) -> None:
        if not isinstance(scheduler, LRScheduler):
            rule = "a paradox.scheduler scheduler (build it from paradox.scheduler, not torch.optim.lr_scheduler)"
            fail("scheduler", rule, scheduler, kind=True)
        self._ramp = Warmup(None, steps, start_factor, start_value, shape, True, peak)
        last_epoch = check_int("last_epoch", last_epoch, minimum=-1)
        optimizer = scheduler.optimizer
        param_groups(optimizer)
        self._attach(optimizer, [scheduler])  # the last check: each group's initial_lr
        if shape == "exponential" and start_value is not None:
            for index, base in enumerate(self.base_lrs):
                if not base > 0.0:
                    rule = 'a number > 0 for shape="exponential" with a start_value (a geometric ramp up to it)'
                    fail(f"optimizer.param_groups[{index}]['initial_lr']", rule, base)
        self._bases = list(self.base_lrs)  # what each group's ramp rises to
        # The child keeps the state of its initial step until it restarts at the end of warmup.
        self._restart(last_epoch + 1)

    @property
    def scheduler(self) -> LRScheduler:
        """The child scheduler, which runs after warmup."""
        return self._schedulers[0]

    @property
    def schedule(self) -> Warmup | None:
        """``Warmup(child.schedule, ...)``, or None when the child has no pure schedule."""
        inner = self._schedulers[0].schedule
        return None if inner is None else self._ramp.replace(schedule=inner)

    def _pure_form(self) -> tuple[Schedule, list[float]] | None:
        schedule, child = self.schedule, self._schedulers[0]
        initial: list[Any] = [group.get("initial_lr") for group in self.optimizer.param_groups]
        if schedule is None or not self._untouched() or initial != self._bases:
            return None
        if not all(type(lr) is float for lr in initial):
            return None
        if self.last_epoch >= self._ramp.steps:  # the child running at its own step, on the initial lrs
            form = child._pure_form()
            if form is None or form[1] != initial or child.last_epoch != self.last_epoch - self._ramp.steps:
                return None
        return schedule, initial

    def _rescaling(self, at: int, total_steps: int) -> Apply:
        # As Warmup's rule: the child takes the change in its own clock; a warmup keeps its length.
        steps = self._ramp.steps
        return self._schedulers[0]._rescaling(
            *later_part(at, total_steps, steps, f"a warmup under way (steps={steps})")
        )

    def _take_over(self, step: int) -> None:
        """Write the ramp at ``step``, or put the lrs back to ``initial_lr`` and restart the child there."""
        groups, steps = self.optimizer.param_groups, self._ramp.steps
        if step < steps:
            for group, lr in zip(groups, self._ramp.ramp(step, self._bases)):
                set_lr(group, lr)
            return
        for group in groups:
            set_lr(group, float(group["initial_lr"]))
        self._schedulers[0]._restart(step - steps)

    def step(self, metrics: Any = None) -> None:
        """Advance one step (the ramp, the hand-over, or the child's step), or jump to an epoch.

        Args:
            metrics: for a ``ReduceLROnPlateau`` child, the monitored metric (anything ``float()``
                takes), required; for any other child, an epoch to jump to (an int >= 0), or None.

        Raises:
            TypeError, ValueError: ``metrics`` missing, not a number or NaN; ``epoch`` not an int
                >= 0 (nothing changes).
        """
        with STEPPING:
            child = self._schedulers[0]
            if metrics is not None and not self._takes_metrics:
                with naming(f"{type(self).__name__}.step"):
                    epoch = check_int("epoch", metrics, minimum=0)
                self._jump(epoch)
                return
            metric = self._begin_step(metrics)
            target, steps = self.last_epoch + 1, self._ramp.steps
            if target < steps:
                self._write(self.optimizer.param_groups, self._ramp.ramp(target, self._bases))
            elif target == steps:
                self._take_over(target)
                self._last_lr = child._last_lr
            else:
                if self._takes_metrics:
                    advance: Any = child.step  # a plateau, or a composite holding one: step(metrics)
                    advance(metric)
                else:
                    child.step()
                self._last_lr = child._last_lr  # shared, not copied, as SequentialLR's
            self.last_epoch = target
            self._step_count += 1

    def _jump(self, epoch: int) -> None:
        """``step(epoch)``: the ramp at ``epoch``, or the child restarted at ``epoch - steps``."""
        groups = self.optimizer.param_groups
        if len(groups) != len(self._last_lr):
            self._adopt_groups(groups)
        if epoch < self._ramp.steps:
            self._write(groups, self._ramp.ramp(epoch, self._bases))
        else:
            self._take_over(epoch)
            self._last_lr = self._schedulers[0]._last_lr
        self.last_epoch = epoch
        self._step_count += 1

    def _adopted(self, lrs: list[float]) -> None:
        # A group added during warmup continues from the lr it brought, along the ramp: its base is
        # the one whose ramp value now is that lr (the lr itself where none is, or after warmup).
        for lr in lrs:
            base = self._ramp.rebase(self.last_epoch, lr) if 0 <= self.last_epoch < self._ramp.steps else None
            self._bases.append(lr if base is None or base < 0.0 else base)

    def _extra_state(self) -> dict[str, Any]:
        return {"bases": list(self._bases)}

    def _read_progress(self, state: Mapping[str, Any], count: int) -> Apply:
        apply_progress = super()._read_progress(state, count)
        bases = read_values("bases", state.get("bases", state["base_lrs"]), count)

        def apply() -> None:
            apply_progress()
            self._bases = bases

        return apply

    def _config(self) -> dict[str, Any]:
        config = self._ramp.fields()
        return {key: config[key] for key in _RAMP_FIELDS}

    def _read_config(self, saved: dict[str, Any], mode: str) -> Apply:
        live = self._config()
        unknown = sorted(set(saved) - set(live))
        if unknown:
            fail("config", f"made of the fields {list(live)}", unknown)
        ramp = self._ramp.replace(**saved)
        restored = {key: getattr(ramp, key) for key in _RAMP_FIELDS}
        drift = [key for key in live if restored[key] != live[key]]
        if mode == "live" or not drift:
            return _nothing

        def apply() -> None:
            warn_config_drift(type(self).__name__, live, restored, drift)
            self._ramp = ramp

        return apply

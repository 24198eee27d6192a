"""What CyclicLR and OneCycleLR share (per-group anchors, momentum or beta1 cycling), and Cyclic.

Both drivers compute every lr from their own anchors, never from the optimizer's lr (an lr changed
by hand is overwritten at the next step, as in torch), and write a momentum per group too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from .base import ConfigParam, ScheduledLR, check_no_group_removed, fresh_lrs, group_value, param_groups, set_lr
from .schedule import SCALAR, Schedule, cannot_rescale, leaves_float_range
from .state import FORMAT, VERSION
from .validate import check_float, check_int, check_steps, fail, hyper_value, is_tensor, named, naming

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from typing import Any, ClassVar, Literal

    from .base import Apply, ParamGroup, SupportsParamGroups


#: A per-group anchor as torch takes it: one number for every group, or one per group.
Anchor = float | Sequence[float]


def check_anchor(name: str, value: Any) -> float | tuple[float, ...]:
    """A float, or a non-empty tuple of floats, each finite and >= 0 (an lr, or a momentum: torch's
    SGD takes any momentum >= 0, so no upper bound is set here)."""
    if isinstance(value, (list, tuple)):
        if not value:
            fail(name, "a number or a non-empty list of numbers, one per param group", value)
        return tuple(hyper_value(f"{name}[{index}]", item) for index, item in enumerate(value))
    return hyper_value(name, value)


def per_group(name: str, anchor: Anchor, count: int) -> list[float]:
    """The anchor spread over ``count`` groups; a sequence must hold exactly ``count`` values."""
    if isinstance(anchor, Sequence):
        if len(anchor) != count:
            fail(name, f"a number or a list of {count} values, one per param group", list(anchor))
        return [float(value) for value in anchor]
    return [float(anchor)] * count


def as_number(value: Any) -> Any:
    """A tensor from a torch state as a float; anything else as it is (checked later)."""
    return float(value) if hasattr(value, "item") and hasattr(value, "numel") else value


def check_flag(name: str, value: Any) -> bool:
    """A bool (``True``/``False``), nothing else."""
    if not isinstance(value, bool):
        fail(name, "a bool", value, kind=True)
    return value


def check_choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    """One of the strings ``choices``."""
    if value not in choices:
        fail(name, "one of " + ", ".join(repr(choice) for choice in choices), value)
    return str(value)


def uses_beta1(optimizer: object, groups: list[ParamGroup]) -> bool:
    """Whether momentum is cycled through ``betas[0]`` (True) or ``momentum`` (False): torch's rule,
    ``"betas" in optimizer.defaults``, or in every param group for an optimizer without defaults."""
    defaults = getattr(optimizer, "defaults", None)
    keys: set[str] = set(defaults) if isinstance(defaults, Mapping) else set.intersection(*(set(g) for g in groups))
    if "momentum" not in keys and "betas" not in keys:
        fail(
            "optimizer",
            "an optimizer with 'momentum' or 'betas' (its defaults or every param group) when cycle_momentum=True",
            optimizer,
        )
    return "betas" in keys


class CycledSchedule(Schedule):
    """A schedule that also gives a momentum per group (or None when momentum is not cycled)."""

    cycle_momentum: bool
    base_momentum: Anchor
    max_momentum: Anchor

    def spread(self, name: str, count: int) -> list[float]:
        """The anchor field ``name`` over ``count`` groups, checked as :func:`per_group` (the error
        names the scheduler that built this schedule)."""
        value = getattr(self, name)
        if not isinstance(value, tuple):
            return [value] * count
        with naming(self._owner, outer=True):
            return per_group(name, value, count)

    def per_group_fields(self) -> dict[str, tuple[float, ...]]:
        """The anchors given one value per group (tuples), by name."""
        return {name: value for name in self._fields if isinstance(value := getattr(self, name), tuple)}

    def momenta(self, step: float, count: int = 1) -> list[float] | None:
        """The momentum of each of ``count`` groups at ``step``, or None if momentum is not cycled."""
        return self.evaluate(step, [1.0] * count)[1]

    def values(self, step: Any, bases: Sequence[float], xp: Any = SCALAR) -> list[Any]:
        return self.evaluate(step, bases, xp)[0]

    def rebase(self, step: float, value: float) -> float | None:
        return None  # computed from its anchors alone: an outside change is not taken up

    def _rescale(self, at: int, total_steps: int) -> Schedule:
        # Cyclic cycles for ever; OneCycle's phases are fractions of its total_steps, which also
        # bounds its driver's steps (torch's): a new budget is a new OneCycleLR.
        cannot_rescale(self, "cycles by fixed phases: build a new one for a new budget")


MOMENTUM_IS_FIXED = "it decides which keys the param groups hold: build a new scheduler to change it"


class CycleMomentumParam(ConfigParam):
    """``cycle_momentum``: readable, and fixed once the scheduler is built."""

    def __set__(self, instance: ScheduledLR, value: Any) -> None:
        live = instance._schedule.cycle_momentum  # type: ignore[attr-defined]
        if value != live:
            with naming(type(instance).__name__):
                fail("cycle_momentum", f"{live!r}, as built ({MOMENTUM_IS_FIXED})", value)


class CycledLR(ScheduledLR):
    """Driver of a :class:`CycledSchedule`: writes the lrs, and the momenta where they are cycled.

    ``_bases`` holds each group's peak (``max_lr``), and ``base_lrs`` the lr it starts from.
    """

    _schedule: CycledSchedule

    #: True when momentum is cycled through ``betas[0]`` (Adam-style), as torch's attribute.
    use_beta1: bool

    def __init__(
        self, optimizer: SupportsParamGroups, schedule: CycledSchedule, max_lr: Anchor, last_epoch: Any
    ) -> None:
        # The base class's checks and this class's, all made before anything is written (the
        # schedule is set first: the subclass's _lr_keys may read it).
        self._schedule = schedule
        groups = param_groups(optimizer)
        epoch = check_int("last_epoch", last_epoch, minimum=-1)
        fresh_lrs(groups)
        self._bases = per_group("max_lr", max_lr, len(groups))
        keys = self._new_group_keys(schedule, self._bases, 0)
        self.use_beta1 = schedule.cycle_momentum and uses_beta1(optimizer, groups)
        self._momenta: list[float] | None = None
        # Everything is checked; the groups are changed, and changed back if the initial step fails.
        saved = [(dict(group), float(group["lr"]) if is_tensor(group["lr"]) else None) for group in groups]
        try:
            if epoch == -1:  # the momenta themselves are written by the initial step
                for group, key in zip(groups, keys):
                    if "lr" in key:
                        set_lr(group, key.pop("lr"))
                    group.update(key)
            super().__init__(optimizer, schedule, epoch)
        except BaseException:
            for group, (before, tensor_lr) in zip(groups, saved):
                for name in [name for name in group if name not in before]:
                    del group[name]
                group.update(before)
                if tensor_lr is not None:
                    before["lr"].fill_(tensor_lr)
            raise

    def _new_group_keys(self, schedule: CycledSchedule, peaks: list[float], start: int) -> list[dict[str, Any]]:
        """The keys torch writes into groups ``start, ...`` whose peaks are ``peaks``: the class's lr
        keys (an ``"lr"`` key is written in place), then the momentum anchors."""
        keys = self._lr_keys(schedule, peaks, start)
        if schedule.cycle_momentum:
            lows, highs = (
                schedule.spread("base_momentum", start + len(peaks)),
                schedule.spread("max_momentum", start + len(peaks)),
            )
            for key, low, high in zip(keys, lows[start:], highs[start:]):
                key["max_momentum"], key["base_momentum"] = high, low
        return keys

    def _start(self, lrs: list[float]) -> None:
        pass  # the bases are the peaks, whatever the groups' lrs: set once, then extended or loaded

    def _scheduled(self, step: float) -> list[Any]:
        lrs, self._momenta = self._schedule.evaluate(step, self._bases)  # the momenta, for _write
        return lrs

    def _write(self, groups: list[ParamGroup], lrs: list[Any]) -> None:
        super()._write(groups, lrs)
        self._write_momenta(groups, self._momenta)

    def _write_loaded(self, written: list[Any]) -> None:
        super()._write_loaded(written)
        self._write_momenta(self.optimizer.param_groups, self._schedule.evaluate(self.last_epoch, self._bases)[1])

    def _write_momenta(self, groups: list[ParamGroup], momenta: list[Any] | None) -> None:
        if momenta is None:
            return
        if self.use_beta1:
            for group, momentum in zip(groups, momenta):
                group["betas"] = (momentum, *group["betas"][1:])
        else:
            for group, momentum in zip(groups, momenta):
                group["momentum"] = momentum

    @named
    def _adopt_groups(self, groups: list[ParamGroup]) -> None:
        """Take in groups added since the last step: a new group's lr is its peak (its ``max_lr``);
        per-group anchors (lists) are extended with the first group's value."""
        known = len(self._bases)
        check_no_group_removed(groups, known)
        peaks = [group_value(groups, index, "lr") for index in range(known, len(groups))]
        schedule = self._schedule
        if schedule.cycle_momentum and self.use_beta1:
            for index in range(known, len(groups)):
                if not isinstance(groups[index].get("betas"), (list, tuple)):
                    fail(
                        f"optimizer.param_groups[{index}]",
                        "a dict holding 'betas' (momentum is cycled through betas[0])",
                        sorted(groups[index]),
                    )
        changes = {name: (*value, *[value[0]] * len(peaks)) for name, value in schedule.per_group_fields().items()}
        if changes:
            schedule = schedule.replace(**changes)
        keys = self._new_group_keys(schedule, peaks, known)
        # Everything is checked; from here on the scheduler and the groups are changed.
        self._schedule = schedule
        for group, key in zip(groups[known:], keys):
            group.update(key)
            self.base_lrs.append(key["initial_lr"])
        self._last_lr = [*self._last_lr, *(group["lr"] for group in groups[known:])]  # a new list, as the base's
        self._bases.extend(peaks)

    # -- state -------------------------------------------------------------------------------

    def _read_config(self, saved: dict[str, Any], mode: str) -> Apply:
        live = self._schedule.cycle_momentum
        if mode == "saved" and saved.get("cycle_momentum", live) != live:
            rule = f"{live!r}, the live value ({MOMENTUM_IS_FIXED}; or load with config='live')"
            fail("state_dict['config']['cycle_momentum']", rule, saved["cycle_momentum"])
        return super()._read_config(saved, mode)

    def _build_schedule(self, config: dict[str, Any]) -> Schedule:
        # A per-group list of another length would load and fail at the next step(): checked here,
        # before load_state_dict changes anything.
        schedule = type(self._schedule).build(config)
        for name in schedule.per_group_fields():
            schedule.spread(name, len(self.optimizer.param_groups))
        return schedule

    #: A key only torch's state of this class holds.
    _torch_key: ClassVar[str] = ""

    def load_state_dict(self, state_dict: Mapping[str, Any], *, config: Literal["saved", "live"] = "saved") -> None:
        """Restore a state from :meth:`state_dict`, or from torch's ``state_dict()`` of this class
        (see the class for what such a state lacks)."""
        if isinstance(state_dict, Mapping) and "format" not in state_dict and self._torch_key in state_dict:
            state = state_dict
            saved, bases, last_lr = self._from_torch(state)
            state_dict = {
                "format": FORMAT,
                "version": VERSION,
                "class": type(self).__name__,
                "config": saved,
                "last_epoch": state.get("last_epoch"),
                "step_count": state.get("_step_count", 1),
                "base_lrs": state.get("base_lrs", list(self.base_lrs)),
                "last_lr": [as_number(lr) for lr in last_lr],
                "bases": bases,
            }
        super().load_state_dict(state_dict, config=config)

    # Subclasses read torch's state: (config, peaks, last lrs), all checked when loaded.
    _from_torch: Callable[[Mapping[str, Any]], tuple[dict[str, Any], list[Any], Any]]
    _lr_keys: Callable[[CycledSchedule, list[float], int], list[dict[str, Any]]]


_MODES = ("triangular", "triangular2", "exp_range")
_SCALE_MODES = ("cycle", "iterations")
#: How a config says "a custom scale_fn was used here": functions are never saved.
CUSTOM = "custom"


class Cyclic(CycledSchedule):
    r"""Cycle between ``base_lr`` and a peak along triangles whose height a scale function sets.

    Formula, with ``t`` the step, ``up = step_size_up``, ``T = up + step_size_down`` and ``base``
    a group's peak (its ``max_lr``)::

        cycle    = floor(1 + t / T)                  # 1, 2, ... : the cycle number
        x        = 1 + t / T - cycle                 # position in the cycle, in [0, 1)
        rise     = x * T / up  if x <= up / T  else (1 - x) * T / step_size_down   # 0 -> 1 -> 0
        h(t)     = rise * scale(cycle)  if scale_mode == 'cycle' else rise * scale(t)
        value(t) = base_lr + (base - base_lr) * h(t)
        momentum(t) = max_momentum - (max_momentum - base_momentum) * h(t)

    The scale is 1 (``'triangular'``), ``1 / 2 ** (cycle - 1)`` (``'triangular2'``),
    ``gamma ** t`` (``'exp_range'``), or ``scale_fn`` if given.

    Args:
        base_lr: the lower lr of the cycle, a finite number >= 0 or a tuple of them (one per group).
        step_size_up: steps from ``base_lr`` up to the peak, an int in [1, 2**53].
        step_size_down: steps from the peak back down, an int in [1, 2**53]; None means ``step_size_up``.
        mode: ``'triangular'``, ``'triangular2'`` or ``'exp_range'``; ignored if ``scale_fn`` is given.
        gamma: the per-step factor of ``'exp_range'``, a finite number > 0.
        scale_fn: the height scale, a function of one number (usually in [0, 1]), or None to use
            ``mode``; never saved: configs record ``'custom'``.
        scale_mode: what ``scale_fn`` receives, ``'cycle'`` (from 1) or ``'iterations'``; the
            built-in modes set their own.
        cycle_momentum: whether :meth:`momenta` cycles momentum, a bool.
        base_momentum, max_momentum: the momentum at the peak and at ``base_lr``, each a finite
            number >= 0 or a tuple of them (the optimizer judges the values, as torch's SGD, which
            takes any momentum >= 0).

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: a value is out of range, ``mode`` or ``scale_mode`` is unknown, or
            ``scale_fn`` is ``'custom'`` (a config saved with a function: pass the function).

    >>> cyclic = Cyclic(base_lr=0.1, step_size_up=2, step_size_down=3, mode="triangular2")
    >>> [round(cyclic(t, base=1.0), 6) for t in range(11)]
    [0.1, 0.55, 1.0, 0.7, 0.4, 0.1, 0.325, 0.55, 0.4, 0.25, 0.1]
    >>> [round(m, 6) for m in (cyclic.momenta(2) or []) + (cyclic.momenta(7) or [])]
    [0.8, 0.85]
    """

    def __init__(
        self,
        base_lr: Anchor,
        step_size_up: int = 2000,
        step_size_down: int | None = None,
        mode: str = "triangular",
        gamma: float = 1.0,
        scale_fn: Callable[[float], float] | None = None,
        scale_mode: str = "cycle",
        cycle_momentum: bool = True,
        base_momentum: Anchor = 0.8,
        max_momentum: Anchor = 0.9,
    ) -> None:
        with self._building():
            self.base_lr = check_anchor("base_lr", base_lr)
            self.step_size_up = up = check_steps("step_size_up", step_size_up)
            self.step_size_down = up if step_size_down is None else check_steps("step_size_down", step_size_down)
            self.mode = check_choice("mode", mode, _MODES)
            self.gamma = check_float("gamma", gamma, minimum=0.0, min_open=True)
            if isinstance(scale_fn, str):
                fail(
                    "scale_fn",
                    "the function itself: a config records only that a custom scale_fn was used, "
                    "pass it again (Cyclic.from_config(config, scale_fn=...))",
                    scale_fn,
                )
            if scale_fn is not None and not callable(scale_fn):
                fail("scale_fn", "a function of one number, or None", scale_fn, kind=True)
            self.scale_fn = scale_fn
            scale_mode = check_choice("scale_mode", scale_mode, _SCALE_MODES)
            if scale_fn is None:
                scale_mode = "iterations" if self.mode == "exp_range" else "cycle"
            self.scale_mode = scale_mode
            self.cycle_momentum = check_flag("cycle_momentum", cycle_momentum)
            self.base_momentum = check_anchor("base_momentum", base_momentum)
            self.max_momentum = check_anchor("max_momentum", max_momentum)
            self.floor = min(self.base_lr) if isinstance(self.base_lr, tuple) else self.base_lr

    @property
    def length(self) -> int:
        """The steps of one full cycle, ``step_size_up + step_size_down``."""
        return self.step_size_up + (self.step_size_down or self.step_size_up)

    def scale(self, x: Any, xp: Any = SCALAR) -> Any:
        """The height scale at ``x`` (the cycle number or the step, as ``scale_mode`` says)."""
        if self.scale_fn is not None:
            value = self.scale_fn(x)
            return float(value) if xp is SCALAR else value
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / (2.0 ** (x - 1))
        return self.gamma**x

    def rise_and_scale(self, step: Any, xp: Any = SCALAR) -> tuple[Any, Any]:
        """The triangle (0 -> 1 -> 0 over a cycle) and the height scale at ``step``."""
        total = float(self.length)
        ratio = self.step_size_up / total
        cycle = xp.floor(1 + step / total)
        x = 1.0 + step / total - cycle
        rise = xp.where(x <= ratio, x / ratio, (x - 1) / (ratio - 1))
        return rise, self.scale(cycle if self.scale_mode == "cycle" else step, xp)

    def factor(self, step: Any, xp: Any = SCALAR) -> Any:
        rise, scale = self.rise_and_scale(step, xp)
        return rise * scale

    def evaluate(self, step: Any, bases: Sequence[float], xp: Any = SCALAR) -> tuple[list[Any], list[Any] | None]:
        # h(t) is computed once per step; per group one affine combination, in torch's order.
        try:
            rise, scale = self.rise_and_scale(step, xp)
        except OverflowError as error:  # 'exp_range' with gamma > 1, or a custom scale_fn
            raise leaves_float_range(self._owner, step, f"scale raised OverflowError: {error}") from error
        count = len(bases)
        lows = self.spread("base_lr", count)
        lrs = [low + (base - low) * rise * scale for low, base in zip(lows, bases)]
        if xp is SCALAR and not scale <= 1.0 and not all(abs(lr) < math.inf for lr in lrs):  # a growing scale, or NaN
            raise leaves_float_range(self._owner, step, f"scale={scale!r}")
        if not self.cycle_momentum:
            return lrs, None
        lows, highs = self.spread("base_momentum", count), self.spread("max_momentum", count)
        return lrs, [high - (high - low) * rise * scale for low, high in zip(lows, highs)]

    def to_config(self) -> dict[str, Any]:
        """The config as plain data; a custom ``scale_fn`` is recorded as ``'custom'``, not saved."""
        config = Schedule.to_config(self)
        config["scale_fn"] = None if self.scale_fn is None else CUSTOM
        return config

    @classmethod
    @named
    def from_config(
        cls,
        config: Mapping[str, Any],
        *,
        scale_fn: Callable[[float], float] | None = None,
        steps_per_epoch: int | None = None,
        total_steps: int | None = None,
    ) -> Cyclic:
        """Build from :meth:`to_config`'s dict; pass ``scale_fn`` again if the config used one."""
        params = dict(config)
        saved = params.get("scale_fn")
        if scale_fn is not None or saved == CUSTOM:
            check_custom(saved, scale_fn)
            params["scale_fn"] = scale_fn
        return super().from_config(params, steps_per_epoch=steps_per_epoch, total_steps=total_steps)


def check_custom(saved: object, live: Callable[[float], float] | None) -> None:
    """A saved config and a live scale_fn must agree on whether a custom function is used."""
    if saved not in (None, CUSTOM):
        fail("config['scale_fn']", f"None or {CUSTOM!r}", saved)
    if saved == CUSTOM and live is None:
        fail(
            "scale_fn",
            "the custom function the state was saved with (functions are never saved: pass the same one "
            "again, CyclicLR(..., scale_fn=...), then load)",
            live,
        )
    if saved is None and live is not None:
        fail("scale_fn", "None: the state was saved without a custom scale_fn (mode sets the scale)", live)


class CyclicLR(CycledLR):
    r"""Cycle each group's lr between ``base_lr`` and ``max_lr`` (torch's ``CyclicLR``, CLR).

    Formula and arguments as :class:`Cyclic`, with ``t = last_epoch`` (a batch index) and each
    group's peak ``max_lr``. At construction (``last_epoch=-1``) each group's lr is set to its ``base_lr`` and, with
    ``cycle_momentum``, its momentum (or ``betas[0]`` when the optimizer's defaults hold ``betas``)
    to ``max_momentum``; the groups get ``max_momentum`` and ``base_momentum`` entries, as torch's.
    A custom ``scale_fn`` is not saved: build the scheduler with the same function before loading.

    Args:
        optimizer: any object with ``param_groups`` (a list of dicts holding ``"lr"``).
        base_lr, base_momentum, max_momentum: as :class:`Cyclic`, or a list with one per group.
        max_lr: the peak lr, a finite number >= 0 or a list with one per group (it may lie below
            ``base_lr``, as in torch: the cycle then dips).
        last_epoch: the index of the last batch, an int >= -1. Default: -1 (start fresh).

    Raises:
        TypeError: an argument has the wrong type (``scale_fn`` not callable, a flag not a bool).
        ValueError: a value is out of range, ``mode`` or ``scale_mode`` is unknown, a list has the
            wrong length, or ``cycle_momentum=True`` with an optimizer that has neither
            ``momentum`` nor ``betas``.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.5, "momentum": 0.9}]})()
    >>> scheduler = CyclicLR(optimizer, base_lr=0.1, max_lr=1.0, step_size_up=2, mode="triangular2")
    >>> for step in range(7):
    ...     group = optimizer.param_groups[0]
    ...     print(step, round(group["lr"], 6), round(group["momentum"], 6))
    ...     scheduler.step()
    0 0.1 0.9
    1 0.55 0.85
    2 1.0 0.8
    3 0.55 0.85
    4 0.1 0.9
    5 0.325 0.875
    6 0.55 0.85
    """

    _schedule: Cyclic

    base_lr = ConfigParam()
    step_size_up = ConfigParam()
    step_size_down = ConfigParam()
    mode = ConfigParam()
    gamma = ConfigParam()
    scale_mode = ConfigParam()
    cycle_momentum = CycleMomentumParam()

    @named
    def __init__(
        self,
        optimizer: SupportsParamGroups,
        base_lr: float | list[float],
        max_lr: float | list[float],
        step_size_up: int = 2000,
        step_size_down: int | None = None,
        mode: Literal["triangular", "triangular2", "exp_range"] = "triangular",
        gamma: float = 1.0,
        scale_fn: Callable[[float], float] | None = None,
        scale_mode: Literal["cycle", "iterations"] = "cycle",
        cycle_momentum: bool = True,
        base_momentum: float | list[float] = 0.8,
        max_momentum: float | list[float] = 0.9,
        last_epoch: int = -1,
    ) -> None:
        schedule = Cyclic(
            base_lr,
            step_size_up,
            step_size_down,
            mode,
            gamma,
            scale_fn,
            scale_mode,
            cycle_momentum,
            base_momentum,
            max_momentum,
        )
        super().__init__(optimizer, schedule, check_anchor("max_lr", max_lr), last_epoch)

    def _lr_keys(self, schedule: CycledSchedule, peaks: list[float], start: int) -> list[dict[str, Any]]:
        # A fresh group starts at its base_lr; a group added later keeps its lr (its peak) and
        # cycles from its base_lr (the shared one, or the first group's), its initial_lr.
        lows = schedule.spread("base_lr", start + len(peaks))[start:]
        return [{"initial_lr" if start else "lr": low} for low in lows]

    def _start(self, lrs: list[float]) -> None:
        super()._start(lrs)
        self.base_lrs = self._schedule.spread("base_lr", len(self._bases))

    # -- torch's attributes ------------------------------------------------------------------

    @property
    def max_lrs(self) -> list[float]:
        """Each group's peak lr."""
        return list(self._bases)

    @property
    def total_size(self) -> float:
        """The steps of one cycle, as a float."""
        return float(self._schedule.length)

    @property
    def step_ratio(self) -> float:
        """The fraction of a cycle spent rising."""
        return self._schedule.step_size_up / float(self._schedule.length)

    @property
    def base_momentums(self) -> list[float]:
        """Each group's momentum at the peak lr."""
        return self._schedule.spread("base_momentum", len(self._bases))

    @property
    def max_momentums(self) -> list[float]:
        """Each group's momentum at ``base_lr``."""
        return self._schedule.spread("max_momentum", len(self._bases))

    def scale_fn(self, x: float) -> float:
        """The height scale at ``x``: the mode's, or the custom ``scale_fn``'s."""
        scale: float = self._schedule.scale(x)
        return scale

    # -- state -------------------------------------------------------------------------------

    def _build_schedule(self, config: dict[str, Any]) -> Schedule:
        live = self._schedule.scale_fn
        check_custom(config.get("scale_fn"), live)
        return super()._build_schedule({**config, "scale_fn": live})

    _torch_key = "total_size"

    def _from_torch(self, state: Mapping[str, Any]) -> tuple[dict[str, Any], list[Any], Any]:
        live = self._config()
        saved = dict(live)
        for key in ("mode", "gamma", "scale_mode", "cycle_momentum"):
            if key in state:
                saved[key] = state[key]
        total, ratio = state.get("total_size"), state.get("step_ratio")
        if isinstance(total, (int, float)) and isinstance(ratio, (int, float)) and math.isfinite(total * ratio):
            up = round(total * ratio)
            saved["step_size_up"], saved["step_size_down"] = up, round(total) - up
        base_lrs = state.get("base_lrs", list(self.base_lrs))
        saved["base_lr"] = _same(live["base_lr"], base_lrs)
        for key in ("base_momentum", "max_momentum"):
            if state.get(key + "s") is not None:
                saved[key] = _same(live[key], state[key + "s"])
        saved["scale_fn"] = live["scale_fn"] if state.get("_scale_fn_custom") is None else CUSTOM
        max_lrs = state.get("max_lrs")
        bases = [as_number(lr) for lr in max_lrs] if isinstance(max_lrs, (list, tuple)) else list(self._bases)
        return saved, bases, state.get("_last_lr", base_lrs)


def _same(live: Any, saved: Any) -> Any:
    """The live config value when the saved per-group list says the same, else the saved list."""
    if isinstance(saved, (list, tuple)):
        values = [as_number(value) for value in saved]
        spread = list(live) if isinstance(live, list) else [live] * len(values)
        return live if spread == values else values
    return saved

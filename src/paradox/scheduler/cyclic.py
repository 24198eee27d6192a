"""What CyclicLR and OneCycleLR share: per-group anchors and momentum (or beta1) cycling.

Every step is computed from the anchors (an lr changed by hand is overwritten, as in torch), and
the momentum goes into ``momentum`` (SGD-style optimizers) or ``betas[0]`` (Adam-style ones).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from .base import (
    ConfigParam,
    ScheduledLR,
    check_no_group_removed,
    group_value,
    param_groups,
    set_lr,
)
from .schedule import SCALAR, Schedule, leaves_float_range
from .state import FORMAT, VERSION
from .validate import check_float, check_int, fail, hyper_value, named, naming

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from typing import Any, ClassVar, Literal

    from .base import ParamGroup, SupportsParamGroups


#: A per-group anchor as torch takes it: one number for every group, or one per group.
Anchor = float | Sequence[float]


def check_anchor(name: str, value: Any, *, maximum: float | None = None) -> float | tuple[float, ...]:
    """A float, or a non-empty tuple of floats, each finite, >= 0 and <= ``maximum`` if given."""
    if isinstance(value, (list, tuple)):
        if not value:
            fail(name, "a number or a non-empty list of numbers, one per param group", value)
        return tuple(_anchor_value(f"{name}[{index}]", item, maximum) for index, item in enumerate(value))
    return _anchor_value(name, value, maximum)


def _anchor_value(name: str, value: Any, maximum: float | None) -> float:
    number = hyper_value(name, value)
    if maximum is not None and number > maximum:
        fail(name, f"a finite number in [0.0, {maximum!r}]", value)
    return number


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


def momentum_anchors(schedule: CycledSchedule, count: int) -> tuple[list[float], list[float]]:
    """``base_momentum`` and ``max_momentum`` spread over ``count`` groups (checked as per_group)."""
    return schedule.spread("base_momentum", count), schedule.spread("max_momentum", count)


def check_flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        fail(name, "a bool", value, kind=True)
    return value


def check_choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    if value not in choices:
        fail(name, "one of " + ", ".join(repr(choice) for choice in choices), value)
    return str(value)


def check_optimizer(optimizer: object, last_epoch: Any) -> tuple[list[ParamGroup], int]:
    """Every check the base class makes at construction, made before these classes write anything."""
    groups = param_groups(optimizer)
    epoch = check_int("last_epoch", last_epoch, minimum=-1)
    for index, group in enumerate(groups):
        group_value(groups, index, "lr")
        if "initial_lr" in group:
            group_value(groups, index, "initial_lr")
    return groups, epoch


def uses_beta1(optimizer: object, groups: list[ParamGroup], schedule: CycledSchedule) -> bool:
    """Whether momentum is cycled through ``betas[0]`` (torch: ``"betas" in optimizer.defaults``, else
    judged by the param groups); False when it is not cycled. Checks the momentum anchors too."""
    if not schedule.cycle_momentum:
        return False
    momentum_anchors(schedule, len(groups))
    defaults = getattr(optimizer, "defaults", None)
    keys: set[str] = set(defaults) if isinstance(defaults, Mapping) else set.intersection(*(set(g) for g in groups))
    if "momentum" not in keys and "betas" not in keys:
        fail(
            "optimizer",
            "an optimizer with 'momentum' or 'betas' (its defaults or every param group) when cycle_momentum=True",
            optimizer,
        )
    return "betas" in keys


def write_momenta(groups: list[ParamGroup], momenta: Sequence[float], beta1: bool) -> None:
    """Write each group's momentum, into ``betas[0]`` when ``beta1``; other betas are kept."""
    if beta1:
        for group, momentum in zip(groups, momenta):
            group["betas"] = (momentum, *group["betas"][1:])
    else:
        for group, momentum in zip(groups, momenta):
            group["momentum"] = momentum


class CycledSchedule(Schedule):
    """A schedule that also gives a momentum per group (or None when momentum is not cycled)."""

    cycle_momentum: bool
    base_momentum: Anchor
    max_momentum: Anchor

    def spread(self, name: str, count: int) -> list[float]:
        """The anchor field ``name`` over ``count`` groups (checked as :func:`per_group`)."""
        value = getattr(self, name)
        if not isinstance(value, tuple):
            return [value] * count
        with naming(self._owner, outer=True):
            return per_group(name, value, count)

    def momenta(self, step: float, count: int = 1) -> list[float] | None:
        """The momentum of each of ``count`` groups at ``step``, or None if momentum is not cycled."""
        return self.evaluate(step, [1.0] * count)[1]

    def values(self, step: Any, bases: Sequence[float], xp: Any = SCALAR) -> list[Any]:
        return self.evaluate(step, bases, xp)[0]

    def rebase(self, step: float, value: float) -> float | None:
        return None  # computed from its anchors alone: an outside change is not taken up


class CycledLR(ScheduledLR):
    """Driver of a :class:`CycledSchedule`: writes the lrs, and the momenta where they are cycled."""

    _schedule: CycledSchedule
    _chainable: ClassVar[bool] = False

    #: True when momentum is cycled through ``betas[0]`` (Adam-style), as torch's attribute.
    use_beta1: bool

    @named
    def __init__(
        self,
        optimizer: SupportsParamGroups,
        schedule: CycledSchedule,
        peaks: list[float],
        last_epoch: int,
        *,
        beta1: bool,
        lrs: list[float] | None = None,
        group_keys: list[dict[str, Any]] | None = None,
    ) -> None:
        self.use_beta1 = beta1
        self._peaks = peaks
        self._momenta: list[float] | None = None
        groups = optimizer.param_groups
        if last_epoch == -1:
            for index, group in enumerate(groups):
                if lrs is not None:
                    set_lr(group, lrs[index])
                if group_keys is not None:
                    group.update(group_keys[index])
            if schedule.cycle_momentum:
                for group, low, high in zip(groups, *momentum_anchors(schedule, len(groups))):
                    group["max_momentum"] = high
                    group["base_momentum"] = low
        super().__init__(optimizer, schedule, last_epoch)

    def _start(self, lrs: list[float]) -> None:
        self._bases = list(self._peaks)

    def get_lr(self) -> list[Any]:
        lrs, self._momenta = self._schedule.evaluate(self.last_epoch, self._bases)
        return lrs

    def _write(self, groups: list[ParamGroup], lrs: list[Any]) -> None:
        super()._write(groups, lrs)
        if self._momenta is not None:
            write_momenta(groups, self._momenta, self.use_beta1)

    @named
    def _adopt_groups(self, groups: list[ParamGroup]) -> None:
        """Take in groups added since the last step: a new group's peak is its lr; per-group
        anchors are extended with the first group's value."""
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
        changes = {
            name: (*value, *[value[0]] * len(peaks))
            for name in self._per_group_fields
            if isinstance(value := getattr(schedule, name), tuple)
        }
        if changes:
            schedule = schedule.replace(**changes)
        keys = self._new_group_keys(schedule, peaks, known)
        if schedule.cycle_momentum:
            lows, highs = momentum_anchors(schedule, len(groups))
            anchors = list(zip(lows, highs))[known:]
            for key, (low, high) in zip(keys, anchors):
                key["max_momentum"], key["base_momentum"] = high, low
        self._schedule = schedule
        for group, key in zip(groups[known:], keys):
            group.update(key)
            self.base_lrs.append(float(key["initial_lr"]))
        self._last_lr = [*self._last_lr, *(group["lr"] for group in groups[known:])]  # a new list, as the base's
        self._bases.extend(peaks)

    #: The config fields that may hold one value per group.
    _per_group_fields: ClassVar[tuple[str, ...]] = ("base_momentum", "max_momentum")

    def _build_schedule(self, config: dict[str, Any]) -> Schedule:
        # Per-group lists are checked against the group count before load_state_dict changes anything.
        schedule = type(self._schedule).build(config)
        count = len(self.optimizer.param_groups)
        for name in self._per_group_fields:
            per_group(name, getattr(schedule, name), count)
        return schedule

    def _new_group_keys(self, schedule: CycledSchedule, peaks: list[float], start: int) -> list[dict[str, Any]]:
        """Hook: the keys each added group gets (``initial_lr`` at least), from its peak."""
        raise NotImplementedError

    def _torch_layout(
        self, config: dict[str, Any], state: Mapping[str, Any], base_lrs: Any, last_lr: Any, bases: Any
    ) -> dict[str, Any]:
        """A torch state converted to this library's layout, from what the class read of it."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "class": type(self).__name__,
            "config": config,
            "last_epoch": state.get("last_epoch"),
            "step_count": state.get("_step_count", 1),
            "base_lrs": base_lrs,
            "last_lr": [as_number(lr) for lr in last_lr],
            "bases": bases,
        }


_MODES = ("triangular", "triangular2", "exp_range")
_SCALE_MODES = ("cycle", "iterations")
#: How a config says "a custom scale_fn was used here": functions are never saved.
CUSTOM = "custom"


class Cyclic(CycledSchedule):
    r"""Cycle between ``base_lr`` and a peak along triangles whose height a scale function sets.

    Formula, with ``t`` the step, ``T = up + down`` (the step sizes) and ``base`` a group's
    peak (its ``max_lr``)::

        cycle    = floor(1 + t / T);  x = 1 + t / T - cycle
        rise     = x * T / up  if x <= up / T  else (1 - x) * T / down   # 0 -> 1 -> 0
        h(t)     = rise * scale(cycle if scale_mode == 'cycle' else t)
        value(t) = base_lr + (base - base_lr) * h(t)
        momentum(t) = max_momentum - (max_momentum - base_momentum) * h(t)

    The scale is 1 (``'triangular'``), ``1 / 2 ** (cycle - 1)`` (``'triangular2'``),
    ``gamma ** t`` (``'exp_range'``), or ``scale_fn`` if given.

    Args:
        base_lr: a finite number >= 0, or a tuple with one per group.
        step_size_up: an int >= 1.
        step_size_down: an int >= 1, or None for ``step_size_up``.
        mode: ``'triangular'``, ``'triangular2'`` or ``'exp_range'``; ignored with ``scale_fn``.
        gamma: a finite number > 0.
        scale_fn: a function of one number, or None; configs record ``'custom'``.
        scale_mode: ``'cycle'`` or ``'iterations'``; the built-in modes set their own.
        cycle_momentum: a bool.
        base_momentum, max_momentum: each a number in [0, 1], or a tuple with one per group.

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: a value is out of range, ``mode`` or ``scale_mode`` is unknown, or
            ``scale_fn`` is ``'custom'``.

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
            up = check_int("step_size_up", step_size_up, minimum=1)
            self.step_size_up = up
            down = step_size_down
            self.step_size_down = up if down is None else check_int("step_size_down", down, minimum=1)
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
            self.base_momentum = check_anchor("base_momentum", base_momentum, maximum=1.0)
            self.max_momentum = check_anchor("max_momentum", max_momentum, maximum=1.0)
            self.floor = min(self.base_lr) if isinstance(self.base_lr, tuple) else self.base_lr

    @property
    def length(self) -> int:
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
        # Computed once per step; per group one affine combination, in torch's order of operations.
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
        lows, highs = momentum_anchors(self, count)
        return lrs, [high - (high - low) * rise * scale for low, high in zip(lows, highs)]

    def to_config(self) -> dict[str, Any]:
        """The config as plain data; a custom ``scale_fn`` is recorded as ``'custom'``, not saved."""
        config = Schedule.to_config(self)
        config["scale_fn"] = None if self.scale_fn is None else CUSTOM
        return config

    @classmethod
    @named
    def from_config(cls, config: Mapping[str, Any], *, scale_fn: Callable[[float], float] | None = None) -> Cyclic:
        """Build from :meth:`to_config`'s dict; pass ``scale_fn`` again if the config used one."""
        params = dict(config)
        saved = params.get("scale_fn")
        if scale_fn is not None or saved == CUSTOM:
            check_custom(saved, scale_fn)
            params["scale_fn"] = scale_fn
        return super().from_config(params)


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

    Formula: as :class:`Cyclic`, with ``t = last_epoch`` (a batch index) and ``base = max_lr``.
    At construction (``last_epoch=-1``) each group's lr is set to its ``base_lr``; with
    ``cycle_momentum`` its momentum (or ``betas[0]`` if the optimizer's defaults hold ``betas``)
    is set to ``max_momentum`` and it gets ``max_momentum`` and ``base_momentum`` entries, as torch.

    Args:
        optimizer: any object with ``param_groups`` (a list of dicts holding ``"lr"``).
        base_lr: a finite number >= 0, or a list with one per group.
        max_lr: a finite number >= 0, or a list with one per group (may be below ``base_lr``).
        step_size_up: an int >= 1. Default: 2000.
        step_size_down: an int >= 1, or None for ``step_size_up``. Default: None.
        mode: ``'triangular'``, ``'triangular2'`` or ``'exp_range'``. Default: ``'triangular'``.
        gamma: a finite number > 0. Default: 1.0.
        scale_fn: a function of one number, or None; not saved (pass it again). Default: None.
        scale_mode: ``'cycle'`` or ``'iterations'``. Default: ``'cycle'``.
        cycle_momentum: a bool. Default: True.
        base_momentum: a number in [0, 1], or a list with one per group. Default: 0.8.
        max_momentum: a number in [0, 1], or a list with one per group. Default: 0.9.
        last_epoch: an int >= -1. Default: -1 (start fresh).

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: a value is out of range or unknown, a list has the wrong length, or
            ``cycle_momentum=True`` with an optimizer that has neither ``momentum`` nor ``betas``.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.5, "momentum": 0.9}]})()
    >>> scheduler = CyclicLR(optimizer, base_lr=0.1, max_lr=1.0, step_size_up=2, mode="triangular2")
    >>> for step in range(9):
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
    7 0.325 0.875
    8 0.1 0.9
    """

    _schedule: Cyclic

    base_lr = ConfigParam()
    step_size_up = ConfigParam()
    step_size_down = ConfigParam()
    mode = ConfigParam()
    gamma = ConfigParam()
    scale_mode = ConfigParam()
    cycle_momentum = ConfigParam()

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
        peaks_anchor = check_anchor("max_lr", max_lr)
        groups, epoch = check_optimizer(optimizer, last_epoch)
        count = len(groups)
        lows = per_group("base_lr", schedule.base_lr, count)
        peaks = per_group("max_lr", peaks_anchor, count)
        super().__init__(optimizer, schedule, peaks, epoch, beta1=uses_beta1(optimizer, groups, schedule), lrs=lows)

    def _start(self, lrs: list[float]) -> None:
        super()._start(lrs)
        self.base_lrs = per_group("base_lr", self._schedule.base_lr, len(self._bases))

    _per_group_fields = ("base_lr", "base_momentum", "max_momentum")

    def _new_group_keys(self, schedule: CycledSchedule, peaks: list[float], start: int) -> list[dict[str, Any]]:
        lows = per_group("base_lr", schedule.fields()["base_lr"], start + len(peaks))[start:]
        return [{"initial_lr": low} for low in lows]

    @property
    def max_lrs(self) -> list[float]:
        return list(self._bases)

    @property
    def total_size(self) -> float:
        return float(self._schedule.length)

    @property
    def step_ratio(self) -> float:
        return self._schedule.step_size_up / float(self._schedule.length)

    @property
    def base_momentums(self) -> list[float]:
        return per_group("base_momentum", self._schedule.base_momentum, len(self._bases))

    @property
    def max_momentums(self) -> list[float]:
        return per_group("max_momentum", self._schedule.max_momentum, len(self._bases))

    def scale_fn(self, x: float) -> float:
        """The height scale at ``x``: the mode's, or the custom ``scale_fn``'s."""
        scale: float = self._schedule.scale(x)
        return scale

    def _build_schedule(self, config: dict[str, Any]) -> Schedule:
        live = self._schedule.scale_fn
        check_custom(config.get("scale_fn"), live)
        return super()._build_schedule({**config, "scale_fn": live})

    def load_state_dict(self, state_dict: Mapping[str, Any], *, config: Literal["saved", "live"] = "saved") -> None:
        """Restore a state from :meth:`state_dict`, or from torch's ``CyclicLR.state_dict()``; a custom
        ``scale_fn`` is not saved: build this scheduler with the same one before loading."""
        if isinstance(state_dict, Mapping) and "format" not in state_dict and "total_size" in state_dict:
            state_dict = self._from_torch(state_dict)
        super().load_state_dict(state_dict, config=config)

    def _from_torch(self, state: Mapping[str, Any]) -> dict[str, Any]:
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
        custom = state.get("_scale_fn_custom")
        saved["scale_fn"] = live["scale_fn"] if custom is None else CUSTOM
        max_lrs = state.get("max_lrs")
        bases = [as_number(lr) for lr in max_lrs] if isinstance(max_lrs, (list, tuple)) else list(self._bases)
        return self._torch_layout(saved, state, base_lrs, state.get("_last_lr", base_lrs), bases)


def _same(live: Any, saved: Any) -> Any:
    """The live config value when the saved per-group list says the same, else the saved list."""
    if isinstance(saved, (list, tuple)):
        values = [as_number(value) for value in saved]
        spread = list(live) if isinstance(live, list) else [live] * len(values)
        return live if spread == values else values
    return saved

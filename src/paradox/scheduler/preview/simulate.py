"""Simulate a schedule: build it on a stand-in optimizer and record what it writes, step by step."""

from __future__ import annotations

import itertools
import math

from ..base import LRScheduler
from ..compose import Sequential
from ..schedule import Schedule
from ..timm import TimmScheduler
from ..units import Units
from ..validate import check_float, check_int, naming

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from array import array
    from collections.abc import Mapping, Sequence
    from typing import Any


DEFAULT_STEPS = 100
MAX_STEPS = 1_000_000
#: Most metrics taken: one per step after step 0.
MAX_METRICS = MAX_STEPS - 1
MAX_VALUES = 10_000_000


class PreviewOptimizer:
    """A stand-in optimizer whose groups have ``lr``, ``momentum`` and ``betas`` (for OneCycleLR,
    CyclicLR), ``weight_decay`` 0, and the keys of ``group`` (what a :class:`ParamScheduler` drives)."""

    def __init__(self, lrs: Sequence[float], group: Mapping[str, Any] | None = None) -> None:
        keys = {"momentum": 0.9, "betas": (0.9, 0.999), "weight_decay": 0.0, **(group or {})}
        self.defaults: dict[str, Any] = {"lr": lrs[0], **keys}
        self.param_groups: list[dict[str, Any]] = [{"params": [], "lr": lr, **keys} for lr in lrs]
        self.state: dict[Any, Any] = {}

    def step(self) -> None:  # some schedulers check for it
        pass


def _series(values: Any) -> array[float]:
    from array import array  # imported when used: it pulls in collections (3 ms at import)

    if isinstance(values, array) and values.typecode == "d":
        return values
    if getattr(values, "dtype", None) == "float64":
        return array("d", values.tobytes())  # 30 times faster than through Python floats
    return array("d", values)


class Trace:
    """The values a schedule sets, per step from step 0, per param group. Immutable.

    Attributes:
        label: what was simulated (the spec, or the scheduler's class name).
        lr: per param group, the lr at steps ``0 .. steps - 1`` as an ``array('d')`` of Python floats.
        momentum: the same for momentum (beta1 with Adam-style groups) when the schedule cycles it, else None.
        keys: the same for every other key a :class:`~paradox.scheduler.ParamScheduler` drives
            (``{"weight_decay": ..., "betas[1]": ...}``; NaN for a group the key is not driven in).
    """

    __slots__ = ("keys", "label", "lr", "momentum")

    label: str
    lr: tuple[array[float], ...]
    momentum: tuple[array[float], ...] | None
    keys: dict[str, tuple[array[float], ...]]

    def __init__(
        self,
        label: str,
        lr: Sequence[Sequence[float]],
        momentum: Sequence[Sequence[float]] | None = None,
        keys: Mapping[str, Sequence[Sequence[float]]] | None = None,
    ) -> None:
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "lr", tuple(map(_series, lr)))
        object.__setattr__(self, "momentum", None if momentum is None else tuple(map(_series, momentum)))
        object.__setattr__(self, "keys", {key: tuple(map(_series, table)) for key, table in (keys or {}).items()})

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Trace is immutable: cannot set {name!r}")

    def __repr__(self) -> str:
        cycled = "" if self.momentum is None else ", momentum cycled"
        return f"Trace({self.label!r}, {len(self.lr)} groups x {self.steps} steps{cycled})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Trace):
            return NotImplemented
        return (self.label, self.lr, self.momentum, self.keys) == (other.label, other.lr, other.momentum, other.keys)

    def __hash__(self) -> int:
        return hash((self.label, *(series.tobytes() for series in self._series())))

    def _series(self) -> list[array[float]]:
        """Every column after ``step``, in order: lrs, momenta, the other keys."""
        return [*self.lr, *(self.momentum or ()), *(series for table in self.keys.values() for series in table)]

    @property
    def steps(self) -> int:
        """The number of rows: steps ``0 .. steps - 1``."""
        return len(self.lr[0]) if self.lr else 0

    def columns(self) -> list[str]:
        """``step,lr`` for one group, ``step,lr_0,lr_1,...`` for several, then ``momentum*`` and the other keys."""
        kinds = {"lr": len(self.lr), "momentum": len(self.momentum or ()), **{k: len(t) for k, t in self.keys.items()}}
        return ["step", *(kind if n == 1 else f"{kind}_{i}" for kind, n in kinds.items() for i in range(n))]

    def rows(self, every: int = 1) -> list[list[float]]:
        """One row per step (``[step, lr..., momentum..., keys...]``); with ``every=k``, steps 0, k,
        2k, ... and the last."""
        series = self._series()
        chosen = [*range(0, self.steps - 1, every), self.steps - 1] if self.steps else []
        return [[step, *(values[step] for values in series)] for step in chosen]

    def phases(self, group: int = 0) -> list[int]:
        """The steps where the schedule changes phase: jumps, turns, starts and ends of a slope."""
        return phase_changes(self.lr[group])


def simulate(
    spec_or_scheduler: Any,
    steps: int | None = None,
    *,
    lr: float | Sequence[float] = 0.1,
    metrics: Sequence[float] | None = None,
    exact: bool = False,
    steps_per_epoch: int | None = None,
    total_steps: int | None = None,
    group: Mapping[str, Any] | None = None,
) -> Trace:
    """Simulate a schedule and return its values per step, from step 0 (the lr of the first optimizer step).

    Args:
        spec_or_scheduler: a spec string (``"CosineAnnealingLR(T_max=100)"``), ``"@path"`` to a JSON/YAML/TOML
            config, a config dict, a pure :class:`Schedule`, or a scheduler (simulated on a deep copy, from its step;
            one of timm's drop-ins, which take the step itself, as its schedule from step 0 on its groups' bases).
        steps: rows (steps ``0 .. steps - 1``) in [1, 10^6]; default: the natural length, else metrics + 1, else 100.
        lr: the base lr, or one per param group (ignored for a scheduler, which has its own).
        metrics: one metric per step after step 0, for schedulers stepped with one (ReduceLROnPlateau).
        exact: compute every cosine with ``math.cos`` (about 0.1 s per 10^6), as ``paradox-lr table`` does.
        steps_per_epoch, total_steps: resolve time strings in a spec or config (``T_max="90ep"``), as
            :class:`~paradox.scheduler.Units`.
        group: keys every stand-in param group holds besides ``lr`` (``{"weight_decay": 0.01}``),
            for a spec or config.

    Raises:
        SpecError: the spec is malformed, names an unknown schedule, or has a bad argument.
        ValueError, TypeError: ``steps``, ``lr`` or ``metrics`` is invalid.

    >>> trace = simulate("StepLR(step_size=2, gamma=0.5)", 5, lr=1.0)
    >>> list(trace.lr[0])
    [1.0, 1.0, 0.5, 0.5, 0.25]
    >>> trace.columns(), trace.rows()[2]
    (['step', 'lr'], [2, 0.5])
    """
    from .spec import load

    with naming("simulate"):
        lrs = [check_float("lr", value, minimum=0.0) for value in (lr if isinstance(lr, (list, tuple)) else [lr])]
        if not lrs:
            raise ValueError("simulate: lr must be a number or a non-empty list of numbers. Received: lr=[]")
        if metrics is not None and len(metrics) > MAX_METRICS:
            raise ValueError(
                f"simulate: metrics must hold at most {MAX_METRICS} values (one per step after step 0). "
                f"Received: {len(metrics)} values"
            )
        metric_values = None if metrics is None else [check_float(f"metrics[{i}]", m) for i, m in enumerate(metrics)]
        if steps is not None and check_int("steps", steps, minimum=1) > MAX_STEPS:
            raise ValueError(f"simulate: steps must be an int in [1, {MAX_STEPS}]. Received: steps={steps!r} (int)")
        steps = None if steps is None else int(steps)
        units = Units(steps_per_epoch, total_steps)
    if isinstance(spec_or_scheduler, Schedule) or hasattr(spec_or_scheduler, "optimizer"):
        built, label = spec_or_scheduler, repr(spec_or_scheduler)
    else:  # a spec or a config of a scheduler or a pure schedule, in one dialect
        pending = load(spec_or_scheduler)
        built = pending.build(PreviewOptimizer(lrs, group), units)
        label = spec_or_scheduler if isinstance(spec_or_scheduler, str) else pending.text()
    if isinstance(built, TimmScheduler):  # stepped with the count itself (step(epoch)): previewed as its schedule
        if built is spec_or_scheduler:  # a live one: on its own bases, times each group's lr_scale, from step 0
            count, schedule = steps or natural_steps(built.schedule), built.schedule
            series = [schedule.simulate(count, base, exact=exact) for base in built.base_values]
            scales = built._scaled([1.0] * len(series))
            return Trace(label, [[value * scale for value in values] for values, scale in zip(series, scales)])
        built = built.schedule
    if isinstance(built, Schedule):
        count = steps or natural_steps(built)
        return Trace(label.strip(), [built.simulate(count, base, exact=exact) for base in lrs])
    if built is spec_or_scheduler:
        import copy

        built, label = copy.deepcopy(built), type(built).__name__
    return run(built, steps, metric_values, label.strip(), exact=exact)


def run(scheduler: Any, steps: int | None, metrics: list[float] | None, label: str, *, exact: bool = False) -> Trace:
    """Record each group's lr (and momentum) from the scheduler's current state, as arrays or by stepping it."""
    import inspect

    from .spec import SpecError, _one_line

    name = type(scheduler).__name__
    try:  # whether step() takes metrics first, and must be given them (composites pass on metrics=None)
        first = next(iter(inspect.signature(scheduler.step).parameters.values()), None)
    except (TypeError, ValueError):
        first = None
    accepts = first is not None and first.name == "metrics"
    required = accepts and first is not None and first.default is first.empty
    needs_metrics = f"{name} is stepped with a metric: give one per step with --metrics FILE"
    if required and metrics is None:
        raise SpecError(needs_metrics)
    given = metrics if accepts else None  # the metrics step() is called with
    if steps is None:
        steps = natural_steps(scheduler) if given is None else len(given) + 1
    if given is not None and len(given) < steps - 1:
        raise SpecError(
            f"{steps} steps need {steps - 1} metrics (one per step after step 0); the metrics hold {len(given)}"
        )
    groups = scheduler.optimizer.param_groups
    if len(groups) * steps > MAX_VALUES:
        raise SpecError(
            f"{len(groups)} param groups x {steps} steps is {len(groups) * steps} values; the limit is {MAX_VALUES}"
        )
    key = "betas" if getattr(scheduler, "use_beta1", False) else "momentum"  # the one it cycles
    form = scheduler._pure_form() if given is None and not exact and isinstance(scheduler, LRScheduler) else None
    arrays = None if form is None else form[0].arrays(scheduler.last_epoch, steps, form[1])
    if arrays is not None:  # used when row 0 is what the groups hold now
        now = [[float(group["lr"]) for group in groups], [_hyper(group, key) for group in groups]]
        if not any(
            abs(float(row[0]) - value) > 2 * math.ulp(value)
            for series, values in zip((arrays[0], arrays[1] or ()), now)
            for row, value in zip(series, values)
        ):
            return Trace(label, *arrays)
    lrs: list[list[float]] = [[] for _ in groups]
    momenta: dict[str, list[list[float]]] = {hyper: [[] for _ in groups] for hyper in ("betas", "momentum")}
    driven = [key for key in getattr(scheduler, "get_last_values", dict)() if key != "lr"]  # a ParamScheduler's
    keys: dict[str, list[list[float]]] = {key: [[] for _ in groups] for key in driven}
    for step in range(steps):
        if step:
            try:
                scheduler.step(*([] if given is None else [given[step - 1]]))
            except Exception as error:
                text = _one_line(error)
                if accepts and metrics is None and "metrics" in text:
                    raise SpecError(needs_metrics) from None
                raise SpecError(f"{name} failed at step {step}: {text}") from None
        for index, group in enumerate(groups):
            lrs[index].append(float(group["lr"]))
            for hyper, table in momenta.items():
                table[index].append(_hyper(group, hyper))
        written = scheduler.get_last_values() if keys else {}
        for key, table in keys.items():
            for series, value in zip(table, written[key]):
                series.append(math.nan if value is None else float(value))
    if keys:
        return Trace(label, lrs, None, keys)
    for table in momenta.values():  # beta1 first, as Adam-style schedulers prefer it
        if any(
            value != series[0] and not (math.isnan(value) and math.isnan(series[0]))
            for series in table
            for value in series
        ):
            return Trace(label, lrs, table)
    return Trace(label, lrs, momenta[key] if getattr(scheduler, "cycle_momentum", False) is True else None)


def _hyper(group: Mapping[str, Any], key: str) -> float:
    """A group's momentum, or beta1 for ``key="betas"``; NaN when the group has none."""
    value: Any = group.get(key)
    if key == "betas" and isinstance(value, (list, tuple)) and value:
        value = value[0]
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def natural_steps(scheduler: Any) -> int:
    """How many rows show the whole schedule: to its end, else twice its last change (at least 100)."""
    schedule = scheduler if isinstance(scheduler, Schedule) else getattr(scheduler, "schedule", None)
    driven = getattr(scheduler, "schedules", None)  # a ParamScheduler's: the longest of them
    if isinstance(driven, dict):
        return max(natural_steps(item) for column in driven.values() for item in column if item is not None)
    if isinstance(schedule, Schedule) and not isinstance(schedule, Sequential):
        if schedule.length:
            return min(schedule.length + 1, MAX_STEPS)
        return min(max(DEFAULT_STEPS, 2 * (schedule.last_change or 0) + 1), MAX_STEPS)
    parent = schedule if isinstance(schedule, Sequential) else scheduler  # measured by its children
    children = getattr(parent, "schedules" if parent is schedule else "schedulers", None)
    if not isinstance(children, (list, tuple)) or not children:
        return DEFAULT_STEPS
    milestones: Sequence[int] | None = getattr(parent, "milestones", None)
    if milestones:
        return min(milestones[-1] + natural_steps(children[-1]), MAX_STEPS)
    return max(natural_steps(child) for child in children)


def piecewise_constant(series: Sequence[float]) -> bool:
    """True when most changes are lone jumps between flat steps (StepLR): drawn as steps. Runs of
    changing steps (a warmup, a WSD's cooldown) are slopes, even after a long flat stretch.

    >>> piecewise_constant([1, 1, 0.5, 0.5, 0.25]), piecewise_constant([0.1, 0.2, 1, 1, 1, 1, 1, 0.8, 0.5])
    (True, False)
    """
    moved = [a != b for a, b in itertools.pairwise(series)]
    lone = sum(1 for i, move in enumerate(moved) if move and not any(moved[max(i - 1, 0) : i] + moved[i + 1 : i + 2]))
    return 2 * lone >= sum(moved)


def phase_changes(values: Sequence[float]) -> list[int]:
    """Steps where a curve changes phase: a jump arrives, a slope starts or ends, or it turns.

    Each transition ``t -> t + 1`` is classed as up, down or flat (within 1e-12 of its values). A
    transition unlike both neighbours (or much steeper than they are) is a jump, reported at the
    step it arrives at; otherwise a change of class between two transitions is reported at the
    step between them.

    >>> phase_changes([1, 1, 1, 0.5, 0.5, 0.5])
    [3]
    >>> phase_changes([0.2, 0.4, 0.6, 0.6, 0.5, 0.4])
    [2, 3]
    """
    count = len(values) - 1
    deltas = [values[i + 1] - values[i] for i in range(count)]
    # flat within 1e-12 of the two values themselves: a jump far below the peak still counts
    kinds = [
        0 if abs(d) <= 1e-12 * max(abs(values[i]), abs(values[i + 1])) else (1 if d > 0 else -1)
        for i, d in enumerate(deltas)
    ]

    jumps = [
        count > 1
        and kinds[i] != 0
        and not any(
            0 <= j < count and kinds[j] == kinds[i] and abs(deltas[i]) <= 3 * abs(deltas[j]) for j in (i - 1, i + 1)
        )
        for i in range(count)
    ]
    changes = {i + 1 for i in range(count) if jumps[i]}
    changes |= {i for i in range(1, count) if not (jumps[i] or jumps[i - 1]) and kinds[i] != kinds[i - 1]}
    return sorted(changes)

"""Composition: the pure :class:`Sequential`, :class:`Product` and :class:`Scaled` schedules, and torch's
``SequentialLR`` and ``ChainedScheduler``, which drive child schedulers on one optimizer."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Mapping, Sequence

from .base import STEPPING, LRScheduler, _nothing, group_value, param_groups, set_lr
from .chain import DecayLR
from .lambdas import _LambdaLR
from .plateau import check_metric
from .schedule import SCALAR, SCHEDULES, Schedule
from .state import FORMAT, STATE_KEYS, check_mapping, read_config, read_ours
from .validate import MAX_DEPTH, check_float, check_int, fail, is_tensor, named, naming, owner_name

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from typing import Any, Literal

    from .base import Apply, ParamGroup, SupportsParamGroups


def check_switches(milestones: Any, count: int, note: str) -> list[int]:
    """The ``count - 1`` strictly increasing ints >= 1 at which ``count`` schedules hand over."""
    rule = f"a strictly increasing list of {count - 1} ints >= 1 ({note})"
    if isinstance(milestones, (str, bytes)) or not isinstance(milestones, Sequence):
        fail("milestones", rule, milestones, kind=True)
    checked: list[int] = []
    for milestone in milestones:
        if isinstance(milestone, bool) or not isinstance(milestone, int):
            fail("milestones", rule, milestones, kind=not isinstance(milestone, float))
        if milestone < 1 or (checked and milestone <= checked[-1]):
            fail("milestones", rule, milestones)
        checked.append(int(milestone))
    if len(checked) != count - 1:
        fail("milestones", rule, milestones)
    return checked


def active_segment(milestones: Sequence[int], step: Any) -> tuple[int, Any]:
    """The index of the segment (from 0, then from each milestone) holding ``step``, and the step in it."""
    index = bisect_right(milestones, step)
    return index, step - (milestones[index - 1] if index else 0)


def later_part(at: int, total_steps: int, start: int, kept: str) -> tuple[int, int]:
    """A change of budget ``(at, total_steps)`` in the clock of the part that starts at step ``start``
    and takes it, the parts before it keeping their lengths (``kept`` names them): from the part's
    step 0 when it has not started.

    Raises:
        ValueError: ``total_steps <= start`` while the earlier parts run (no room left for the part).
    """
    if at < start and total_steps <= start:
        fail("total_steps", f"an int > {start} ({kept} keeps its length)", total_steps)
    return max(at - start, 0), total_steps - start


def nesting(value: object) -> int:
    """How deep lists, tuples and dicts nest in ``value`` (0 for anything else), counted without
    recursion and no further than ``MAX_DEPTH + 1``."""
    deepest, stack = 0, [(value, 0)]
    while stack and deepest <= MAX_DEPTH:
        item, depth = stack.pop()
        if isinstance(item, (Mapping, list, tuple)):
            deepest = max(deepest, depth + 1)
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, Mapping) else item))
    return deepest


#: What a schedule argument may be.
A_SCHEDULE = "a Schedule (CosineAnnealing(...), ...) or its to_config() dict"


def check_schedule(name: str, value: object, rule: str = A_SCHEDULE) -> Schedule:
    """A :class:`Schedule`, or its ``to_config()`` dict built with the caller named in its errors
    (``NoisyLR.load_state_dict: T_max must be ...``); ``rule`` is the message for anything else."""
    if isinstance(value, Mapping):
        if nesting(value) > MAX_DEPTH:
            fail(name, f"nested at most {MAX_DEPTH} lists and dicts deep (configs of schedules in schedules)", value)
        params = dict(value)
        kind = params.pop("name", None)
        target = SCHEDULES.get(kind) if isinstance(kind, str) else None
        if target is None:
            fail(f"{name}['name']", f"one of: {', '.join(sorted(SCHEDULES))}", kind)
        code, defaults = target.__init__.__code__, target.__init__.__defaults__ or ()
        required = list(code.co_varnames[1 : code.co_argcount - len(defaults)])
        if any(key not in params for key in required):
            fail(name, f"a {kind} config with its required fields {required}", value)
        value = target.build(params)
    if not isinstance(value, Schedule):
        fail(name, rule, value, kind=True)
    return value


def check_schedules(schedules: object) -> tuple[Schedule, ...]:
    """A non-empty list of schedules, each a :class:`Schedule` or its ``to_config()`` dict, nested at
    most :data:`MAX_DEPTH` lists and dicts deep."""
    rule = "a non-empty list of schedules (Schedule objects or their to_config() dicts)"
    if isinstance(schedules, (str, bytes, Mapping)) or not isinstance(schedules, Sequence):
        fail("schedules", rule, schedules, kind=True)
    if not schedules:
        fail("schedules", rule, schedules)
    if nesting(schedules) > MAX_DEPTH:
        fail(
            "schedules",
            f"nested at most {MAX_DEPTH} lists and dicts deep (configs of schedules in schedules)",
            schedules,
        )
    return tuple(check_schedule(f"schedules[{index}]", item) for index, item in enumerate(schedules))


class Sequential(Schedule):
    r"""Run schedules one after another, each starting at its own step 0 at its milestone.

    Formula, with milestones ``m_1 < m_2 < ...`` and ``m_0 = 0``: at step ``t`` the active
    schedule is the ``k``-th with ``m_k <= t < m_{k+1}``, and::

        value(t, base) = schedules[k](t - m_k, base)

    Every schedule starts from the same ``base`` (torch's ``SequentialLR``); the last runs on for ever.

    Args:
        schedules: a non-empty list of :class:`Schedule` objects (or their ``to_config()`` dicts).
        milestones: the steps at which the next schedule takes over, a strictly increasing list
            of ints >= 1 with ``len(schedules) - 1`` entries.

    Raises:
        TypeError, ValueError: an argument of the wrong type, or out of its range.

    >>> from paradox.scheduler import CosineAnnealing, LinearFactor
    >>> warmup_cosine = Sequential(
    ...     [LinearFactor(start_factor=0.25, total_iters=2), CosineAnnealing(T_max=4)], milestones=[2]
    ... )
    >>> [round(value, 6) for value in warmup_cosine.simulate(7, base=1.0)]
    [0.25, 0.625, 1.0, 0.853553, 0.5, 0.146447, 0.0]
    """

    def __init__(self, schedules: Sequence[Schedule], milestones: Sequence[int]) -> None:
        with self._building():
            self.schedules = check_schedules(schedules)
            self.milestones = tuple(check_switches(milestones, len(self.schedules), "one fewer than the schedules"))
            self.floor = min(schedule.floor for schedule in self.schedules)

    @property
    def affine(self) -> bool:
        return all(schedule.affine and schedule.floor == self.floor for schedule in self.schedules)

    @property
    def length(self) -> int | None:
        """The last milestone plus the last schedule's length (None if it has none)."""
        last = self.schedules[-1].length
        return None if last is None else (self.milestones[-1] if self.milestones else 0) + last

    def factor(self, step: Any, xp: Any = SCALAR) -> Any:
        index, local = active_segment(self.milestones, step)
        return self.schedules[index].factor(local)

    def _rescale(self, at: int, total_steps: int) -> Schedule:
        """The last schedule takes the change, in its own clock (from its step 0 when it has not
        started); the parts before it (a warmup, say) keep their milestones."""
        last = self.milestones[-1] if self.milestones else 0
        rescaled = self.schedules[-1].rescale(*later_part(at, total_steps, last, "what runs before the last milestone"))
        return self.replace(schedules=[*self.schedules[:-1], rescaled])

    def values(self, step: Any, bases: Sequence[float], xp: Any = SCALAR) -> list[Any]:
        return self.evaluate(step, bases, xp)[0]

    def evaluate(self, step: Any, bases: Sequence[float], xp: Any = SCALAR) -> tuple[list[Any], list[Any] | None]:
        if xp is SCALAR:
            index, local = active_segment(self.milestones, step)
            return self.schedules[index].evaluate(local, bases)
        segment = xp.upto(self.milestones, step)
        lrs: list[Any] = [xp.zeros(step.shape) for _ in bases]
        momenta: list[Any] | None = [xp.zeros(step.shape) for _ in bases]
        for index, (schedule, start) in enumerate(zip(self.schedules, (0, *self.milestones))):
            mask = segment == index
            if mask.any():
                values, cycled = schedule.evaluate(step[mask] - start, bases, xp)
                for out, value in zip(lrs, values):
                    out[mask] = value
                for out, value in zip(momenta or (), cycled or ()):
                    out[mask] = value
                momenta = momenta if cycled is not None else None
        return lrs, momenta

    def rebase(self, step: float, value: float) -> float | None:
        index, local = active_segment(self.milestones, step)
        return self.schedules[index].rebase(local, value)


class Product(Schedule):
    r"""Multiply schedules: the pure form of torch's ``ChainedScheduler`` over decays.

    Formula: ``value(t, base) = base * factor_1(t) * factor_2(t) * ...``.

    Args:
        schedules: a non-empty list of :class:`Schedule` objects (or their ``to_config()``
            dicts), each with floor 0 (a decay, or a cosine with ``eta_min=0``).

    Raises:
        TypeError, ValueError: ``schedules`` is not such a list.

    >>> from paradox.scheduler import ExponentialDecay, StepDecay
    >>> both = Product([StepDecay(step_size=2, gamma=0.5), ExponentialDecay(gamma=0.9)])
    >>> [round(value, 6) for value in both.simulate(4, base=1.0)]
    [1.0, 0.9, 0.405, 0.3645]
    """

    def __init__(self, schedules: Sequence[Schedule]) -> None:
        with self._building():
            self.schedules = check_schedules(schedules)
            for index, schedule in enumerate(self.schedules):
                if schedule.floor != 0.0:
                    rule = "0 (a product of values above a floor is not one schedule)"
                    fail(f"schedules[{index}].floor", rule, schedule.floor)
                if not schedule.affine:
                    rule = "a schedule whose values are base * factor(step) (not one holding an absolute value)"
                    fail(f"schedules[{index}]", rule, schedule)

    @property
    def last_change(self) -> int | None:
        """The last step where some factor changes, or None if one changes for ever."""
        changes = [schedule.length or schedule.last_change for schedule in self.schedules]
        return None if None in changes else max(change for change in changes if change is not None)

    def factor(self, step: Any, xp: Any = SCALAR) -> Any:
        return math.prod(schedule.factor(step, xp) for schedule in self.schedules)


class Scaled(Schedule):
    r"""Run a schedule on a multiple of the base: each part of a :class:`Sequential` at its own peak.

    Formula: ``value(t, base) = schedule(t, scale * base)``. Values the schedule states outright
    (an ``eta_min``, a warmup's ``start_value``) stay as they are; everything relative to the base
    scales. A :class:`Sequential` runs every part on one base, as torch's ``SequentialLR`` does;
    ``Scaled`` gives a part its own, as optax's ``join_schedules`` and ``sgdr_schedule`` (each
    cycle with its ``peak_value``) and Keras's per-cycle settings do.

    Args:
        schedule: the schedule, a :class:`Schedule` (or its ``to_config()`` dict).
        scale: the multiple of the base it runs on, a finite number >= 0.

    Raises:
        TypeError, ValueError: an argument of the wrong type, or out of its range.

    >>> from paradox.scheduler import CosineAnnealing
    >>> cycles = Sequential([CosineAnnealing(T_max=2), Scaled(CosineAnnealing(T_max=2), scale=0.5)], [2])
    >>> [round(value, 6) for value in cycles.simulate(4, base=1.0)]
    [1.0, 0.5, 0.5, 0.25]
    """

    def __init__(self, schedule: Schedule, scale: float) -> None:
        with self._building():
            self.schedule = check_schedule("schedule", schedule)
            self.scale = check_float("scale", scale, minimum=0.0)
            self.floor = self.schedule.floor

    @property
    def length(self) -> int | None:
        return self.schedule.length

    @property
    def last_change(self) -> int | None:
        return self.schedule.last_change

    @property
    def affine(self) -> bool:
        return self.schedule.affine and self.schedule.floor == 0.0

    def factor(self, step: Any, xp: Any = SCALAR) -> Any:
        """The value for a base of 1."""
        return self.values(step, (1.0,), xp)[0]

    def values(self, step: Any, bases: Sequence[float], xp: Any = SCALAR) -> list[Any]:
        return self.evaluate(step, bases, xp)[0]

    def evaluate(self, step: Any, bases: Sequence[float], xp: Any = SCALAR) -> tuple[list[Any], list[Any] | None]:
        return self.schedule.evaluate(step, [self.scale * base for base in bases], xp)

    def rebase(self, step: float, value: float) -> float | None:
        inner = self.schedule.rebase(step, value)
        return None if inner is None or self.scale == 0.0 else inner / self.scale


def _check_children(schedulers: object, optimizer: object | None) -> list[LRScheduler]:
    """The children, all on ``optimizer`` (None: the first child's)."""
    rule = "a non-empty list of paradox.scheduler schedulers"
    if not isinstance(schedulers, (list, tuple)):
        fail("schedulers", rule, schedulers, kind=True)
    if not schedulers:
        fail("schedulers", rule, schedulers)
    for index, child in enumerate(schedulers):
        if not isinstance(child, LRScheduler):
            rule = "a paradox.scheduler scheduler (build it from paradox.scheduler, not torch.optim.lr_scheduler)"
            fail(f"schedulers[{index}]", rule, child, kind=True)
        optimizer = child.optimizer if optimizer is None else optimizer
        if child.optimizer is not optimizer:  # not fail(): it would print their multi-line reprs
            name, owner = f"schedulers[{index}].optimizer", owner_name()
            raise ValueError(
                f"{owner}: {name} must be the optimizer {owner} schedules (every child must be built on the same "
                f"optimizer, {_describe(optimizer)}). Received: {name}={_describe(child.optimizer)} "
                f"({type(child.optimizer).__name__})"
            )
    return list(schedulers)


def _describe(value: object) -> str:
    return f"<{type(value).__name__} object at {id(value):#x}>"


def _undo_initial_steps(scheduler: LRScheduler) -> None:
    """Each child took an initial step when built (as torch's): its clock goes back one."""
    if isinstance(scheduler, _Composite):
        for child in scheduler._schedulers:
            _undo_initial_steps(child)
    else:
        scheduler.last_epoch -= 1


class _Composite(LRScheduler):
    """What both composites share: children, metric forwarding, state that nests children's states."""

    _schedulers: list[LRScheduler]
    _metric_takers: list[bool]  # per child: its step takes the metric (a plateau, or a composite holding one)
    _takes_metrics: bool

    def _attach(self, optimizer: SupportsParamGroups, children: list[LRScheduler]) -> None:
        groups = optimizer.param_groups
        self.base_lrs = [group_value(groups, index, "initial_lr") for index in range(len(groups))]
        self.optimizer = optimizer
        self._schedulers = children
        self._metric_takers = [bool(getattr(child, "_takes_metrics", False)) for child in children]
        self._takes_metrics = any(self._metric_takers)
        self._step_count = 0

    @property
    def schedulers(self) -> list[LRScheduler]:
        """The child schedulers, in order."""
        return list(self._schedulers)

    def get_lr(self) -> list[Any]:
        return list(self._last_lr)

    def _begin_step(self, metrics: Any) -> float | None:
        """The metric checked (None when no child takes one), and added groups taken in."""
        metric = None
        if metrics is not None or self._takes_metrics:
            with naming(f"{type(self).__name__}.step"):
                if not self._takes_metrics:
                    rule = "None: no child takes a metric (only ReduceLROnPlateau does); call step()"
                    fail("metrics", rule, metrics, kind=True)
                if metrics is None:
                    rule = "given: a child is a ReduceLROnPlateau, so every step needs the monitored metric"
                    fail("metrics", rule + ", as in step(val_loss)", metrics, kind=True)
                metric = check_metric(metrics)
        groups = self.optimizer.param_groups
        if len(groups) != len(self._last_lr):
            self._adopt_groups(groups)
        return metric

    def _adopt_groups(self, groups: list[ParamGroup]) -> None:
        super()._adopt_groups(groups)
        for child in self._schedulers:
            if len(child._last_lr) < len(groups):
                child._adopt_groups(groups)

    def _take_over(self, step: int) -> None:
        """Start the children afresh at ``step``."""
        raise NotImplementedError

    def _restart(self, step: int) -> None:
        self.last_epoch = step
        self._take_over(step)
        self._last_lr = [float(group["lr"]) for group in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        """Strict-JSON state holding each child's own ``state_dict()`` under ``"schedulers"``."""
        return {**super().state_dict(), "schedulers": [child.state_dict() for child in self._schedulers]}

    @named
    def load_state_dict(self, state_dict: Mapping[str, Any], *, config: Literal["saved", "live"] = "saved") -> None:
        """Restore a state from :meth:`state_dict`, or torch's of the same class (each child loads
        its entry of ``"schedulers"``); if any part is bad, nothing changes."""
        if config not in ("saved", "live"):
            fail("config", "'saved' or 'live'", config)
        state = check_mapping(state_dict)
        if "format" in state:
            state = read_ours(state, type(self).__name__, (*STATE_KEYS, "schedulers"))
        elif "_schedulers" in state:  # torch's: its SequentialLR saves no step count, its ChainedScheduler no clock
            last_epoch = state.get("last_epoch", self.last_epoch)
            steps = max(int(last_epoch), 0) if "last_epoch" in state else self._step_count
            state = {
                "schedulers": list(state["_schedulers"]),
                "config": {key: state.get("_" + key, value) for key, value in self._config().items()},
                "last_epoch": last_epoch,
                "step_count": state.get("_step_count", steps),
                "base_lrs": state.get("base_lrs", self.base_lrs),
                "last_lr": state.get("_last_lr", self._last_lr),
            }
        else:
            fail("state_dict", f"a state dict with 'format': {FORMAT!r} or torch's '_schedulers'", sorted(state))
        children = state["schedulers"]
        if not isinstance(children, list):
            fail("state_dict['schedulers']", "a list of the children's states", children, kind=True)
        if len(children) != len(self._schedulers):
            rule = f"a list of {len(self._schedulers)} states, one per child scheduler"
            fail("state_dict['schedulers']", rule, children)
        apply_config = self._read_config(read_config(state["config"]), config)
        apply_progress = self._read_progress(state, len(self.optimizer.param_groups))
        # The children's loads write the lrs they loaded; the composite's loaded lrs are the ones to write.
        written, groups = self._last_lr, self.optimizer.param_groups
        lrs = [float(group["lr"]) if is_tensor(group["lr"]) else group["lr"] for group in groups]
        saved = [child.state_dict() for child in self._schedulers]
        restore_attributes = _keep_attributes(self)  # a child's state_dict() cannot hold them
        loaded = 0
        try:
            for child, child_state in zip(self._schedulers, children):
                child.load_state_dict(child_state, config=config)
                loaded += 1
        except BaseException as error:
            for child, child_state in zip(self._schedulers, saved):
                child.load_state_dict(child_state, config="saved")
            restore_attributes()
            if isinstance(error, (TypeError, ValueError)):  # name the entry that holds the bad key
                raise type(error)(f"{owner_name()}: in state_dict['schedulers'][{loaded}]: {error}") from error
            raise
        finally:
            for group, lr in zip(groups, lrs):
                set_lr(group, lr)
        apply_config()
        apply_progress()
        self._write_loaded(written)


def _keep_attributes(scheduler: LRScheduler) -> Apply:
    """A function that puts back, as they are now, the attributes of the callable objects that loading
    torch's state restores in every LambdaLR and MultiplicativeLR within ``scheduler``."""
    if isinstance(scheduler, _LambdaLR):
        return scheduler._keep_attributes()
    if not isinstance(scheduler, _Composite):
        return _nothing
    restores = [_keep_attributes(child) for child in scheduler._schedulers]

    def restore() -> None:
        for each in restores:
            each()

    return restore


_SWITCHES = "len(schedulers) - 1, one per switch"


class SequentialLR(_Composite):
    r"""Run child schedulers one after another, switching at the milestones.

    Formula as :class:`Sequential`: at a milestone every group's lr goes back to its ``initial_lr``
    and the next child starts there at its step 0, as if newly built. A ``ReduceLROnPlateau`` child
    gets the metric of ``step(metrics)`` (every step then needs one).

    Args:
        optimizer: the optimizer every child schedules (the same object).
        schedulers: the children, a non-empty list of schedulers built on ``optimizer``.
        milestones: as :class:`Sequential`'s.
        last_epoch: the index of the last step taken, an int >= -1 (-1: start fresh).

    Raises:
        TypeError, ValueError: an argument of the wrong type or out of its range, or a child built
            on another optimizer.

    >>> from paradox.scheduler import CosineAnnealingLR, StepLR
    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 1.0}]})()
    >>> warmup = StepLR(optimizer, step_size=100, gamma=0.5)  # constant here
    >>> scheduler = SequentialLR(optimizer, [warmup, CosineAnnealingLR(optimizer, T_max=4)], milestones=[2])
    >>> for epoch in range(3):
    ...     scheduler.step()
    >>> round(optimizer.param_groups[0]["lr"], 6)
    0.853553
    """

    @named
    def __init__(
        self,
        optimizer: SupportsParamGroups,
        schedulers: Sequence[LRScheduler],
        milestones: Sequence[int],
        last_epoch: int = -1,
    ) -> None:
        param_groups(optimizer)
        children = _check_children(schedulers, optimizer)
        checked = check_switches(milestones, len(children), _SWITCHES)
        last_epoch = check_int("last_epoch", last_epoch, minimum=-1)
        self._attach(optimizer, children)  # the last check: each group's initial_lr
        self._milestones = checked
        _undo_initial_steps(self)
        self._restart(last_epoch + 1)

    @property
    def milestones(self) -> list[int]:
        """The steps at which the next child takes over."""
        return list(self._milestones)

    @property
    def schedule(self) -> Sequential | None:
        """The children's schedules as a :class:`Sequential`, or None when a child has none."""
        schedules = [child.schedule for child in self._schedulers if child.schedule is not None]
        return Sequential(schedules, self._milestones) if len(schedules) == len(self._schedulers) else None

    def _pure_form(self) -> tuple[Schedule, list[float]] | None:
        # The running child at its own step, on the initial lrs, with nothing taken up from outside.
        index, local = active_segment(self._milestones, self.last_epoch)
        child = self._schedulers[index]
        form = child._pure_form() if self._untouched() and child.last_epoch == local else None
        initial = [group.get("initial_lr") for group in self.optimizer.param_groups]
        schedule = self.schedule
        if form is None or form[1] != initial or schedule is None or not all(type(lr) is float for lr in initial):
            return None
        return schedule, initial

    def _rescaling(self, at: int, total_steps: int) -> Apply:
        # As Sequential's rule: the last child takes the change, in its own clock.
        last = self._milestones[-1]
        return self._schedulers[-1]._rescaling(
            *later_part(at, total_steps, last, "what runs before the last milestone")
        )

    def _take_over(self, step: int) -> None:
        """Put the lrs back to ``initial_lr`` and start the child active at ``step`` there."""
        index, local = active_segment(self._milestones, step)
        for group in self.optimizer.param_groups:
            set_lr(group, float(group["initial_lr"]))
        self._schedulers[index]._restart(local)

    def step(self, metrics: Any = None) -> None:
        """Advance one step: the active child steps, or the next one takes over at a milestone.

        Args:
            metrics: the monitored metric (anything ``float()`` takes), required when a child is a
                ``ReduceLROnPlateau``.

        Raises:
            TypeError, ValueError: ``metrics`` is missing, unexpected, not a number or NaN (nothing changes).
        """
        with STEPPING:
            metric = self._begin_step(metrics)
            target = self.last_epoch + 1
            index = bisect_right(self._milestones, target)
            child = self._schedulers[index]
            if index and target == self._milestones[index - 1]:
                self._take_over(target)
            elif self._metric_takers[index]:
                step: Any = child.step  # a plateau, or a composite holding one: step(metrics)
                step(metric)
            else:
                child.step()
            self.last_epoch = target
            self._step_count += 1
            self._last_lr = child._last_lr  # shared, not copied: a scheduler replaces its list, never changes it

    def _config(self) -> dict[str, Any]:
        return {"milestones": list(self._milestones)}

    def _read_config(self, saved: dict[str, Any], mode: str) -> Apply:
        unknown = sorted(set(saved) - {"milestones"})
        if unknown:
            fail("config", "made of the fields ['milestones']", unknown)
        milestones = check_switches(saved.get("milestones", self._milestones), len(self._schedulers), _SWITCHES)
        if milestones != self._milestones and mode == "saved":
            rule = f"the live milestones {self._milestones} (the children differ otherwise; build the "
            fail("state_dict['config']['milestones']", rule + "SequentialLR with the saved milestones)", milestones)
        return super()._read_config(saved, mode)


class ChainedScheduler(_Composite):
    r"""Step every child scheduler each step, in order, so that their effects multiply.

    Each child steps from the lrs the previous one wrote: with decays ``f`` and ``g`` the lr at
    step ``t`` is ``base_lr * f(t) * g(t)``. ``step(metrics)`` passes the metric to every
    ``ReduceLROnPlateau`` child.

    Args:
        schedulers: the children, a non-empty list of schedulers built on one optimizer.
        optimizer: that optimizer; default: the first child's.

    Raises:
        TypeError, ValueError: ``schedulers`` is not such a list.

    >>> from paradox.scheduler import StepLR
    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 1.0}]})()
    >>> every_2 = StepLR(optimizer, step_size=2, gamma=0.5)
    >>> scheduler = ChainedScheduler([every_2, StepLR(optimizer, step_size=3, gamma=0.1)])
    >>> for epoch in range(3):
    ...     scheduler.step()
    >>> round(optimizer.param_groups[0]["lr"], 6)
    0.05
    """

    @named
    def __init__(self, schedulers: Sequence[LRScheduler], optimizer: SupportsParamGroups | None = None) -> None:
        if optimizer is not None:
            param_groups(optimizer)
        children = _check_children(schedulers, optimizer)
        bound = children[0].optimizer if optimizer is None else optimizer
        groups = param_groups(bound)
        self._attach(bound, children)
        self.last_epoch = 0
        self._last_lr = [float(group["lr"]) for group in groups]

    @property
    def schedule(self) -> Product | None:
        """The children's decays as a :class:`Product` (equal to the chain's lrs up to rounding),
        or None when a child is not a decay."""
        decays = [child.schedule for child in self._schedulers if isinstance(child, DecayLR)]
        return Product(decays) if len(decays) == len(self._schedulers) else None

    def step(self, metrics: Any = None) -> None:
        """Step every child in order (plateau children with ``metrics``); raises as :meth:`SequentialLR.step`."""
        with STEPPING:
            metric = self._begin_step(metrics)
            for child, takes in zip(self._schedulers, self._metric_takers):
                if takes:
                    step: Any = child.step  # a plateau, or a composite holding one: step(metrics)
                    step(metric)
                else:
                    child.step()
            self.last_epoch += 1
            self._step_count += 1
            self._last_lr = self._schedulers[-1]._last_lr  # the final lrs, shared as SequentialLR's

    def _take_over(self, step: int) -> None:
        for child in self._schedulers:
            child._restart(step)

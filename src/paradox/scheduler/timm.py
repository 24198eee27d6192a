"""timm's schedulers as a drop-in: ``CosineLRScheduler``, ``TanhLRScheduler``, ``StepLRScheduler``,
``MultiStepLRScheduler``, ``PolyLRScheduler``, ``WSDLRScheduler`` and ``create_scheduler_v2``, with
timm's parameters, its ``step(epoch)`` / ``step_update(num_updates)`` API and its values, each built
from this package's pure schedules (so each can be previewed, simulated and saved as JSON)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from .base import LRScheduler
from .cosine import CosineAnnealing
from .cycles import Cycles
from .kdecay import KDecay
from .lambdas import function_name
from .noise import DISTRIBUTIONS, Noisy
from .polynomial import PolynomialDecay
from .schedule import SCALAR, Schedule
from .state import FORMAT, VERSION, check_mapping, read_config, read_count, read_ours, read_values
from .step import MultiStepDecay, StepDecay
from .tanh import TanhDecay
from .validate import check_float, check_int, check_steps, fail, is_number, named, naming, to_float
from .warmup import Warmup
from .wsd import WarmupStableDecay

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from typing import Any

    from .base import SupportsParamGroups


class _Writer(LRScheduler):
    """Writes the lrs a timm-style scheduler computed through the one write loop (``LRScheduler._write``)."""

    def __init__(self, optimizer: SupportsParamGroups, lrs: Any) -> None:
        self._pending = lrs
        start: Any = LRScheduler.__init__
        start.__wrapped__(self, optimizer)  # errors name the timm class building it, not this one

    def get_lr(self) -> list[Any]:
        pending: list[Any] = self._pending(self.base_lrs) if callable(self._pending) else self._pending
        return pending

    def write(self, step: int, lrs: Any) -> None:
        self._pending = lrs
        self.step(step)


class _Arg:
    """A timm scheduler attribute that reads one constructor argument; setting it rebuilds the
    scheduler's schedule from the changed, checked arguments (``scheduler.t_initial = 200``)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, instance: TimmScheduler | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return instance._config[self._name]

    def __set__(self, instance: TimmScheduler, value: Any) -> None:
        with naming(type(instance).__name__):
            instance._configure({**instance._config, self._name: value})


class TimmScheduler:
    """Base of timm's drop-ins: timm's ``Scheduler`` API over a pure :class:`Schedule`.

    As in timm: at construction each param group gets ``initial_lr`` (its ``lr``) unless it has one
    (``initialize=False``: it must have one), ``base_values`` are those, and each group's lr is set
    to its base, or to ``warmup_lr_init`` when there is a warmup. The training loop then passes the
    count itself: ``step(epoch)`` at the end of each epoch (with ``t_in_epochs=True``) or
    ``step_update(num_updates)`` after each update (``t_in_epochs=False``); the other call does
    nothing. Each lr is ``schedule(t, base)``, times the group's ``lr_scale`` when it has one.

    Unlike timm's, :meth:`state_dict` is plain JSON holding the arguments (timm's own state dict
    loads too), bad arguments raise ``ValueError``/``TypeError`` naming them (timm asserts), and
    :attr:`schedule` is the pure schedule, for :meth:`~Schedule.simulate` and ``paradox-lr``. The
    ``metric`` passed to a step is kept as a float (a numpy scalar too); a NaN or infinite one is
    refused, as strict JSON holds neither.
    """

    t_in_epochs = _Arg()
    noise_range_t = _Arg()
    noise_pct = _Arg()
    noise_std = _Arg()
    noise_seed = _Arg()
    noise_type = _Arg()

    optimizer: SupportsParamGroups
    param_group_field = "lr"
    metric: float | None

    def _start(self, optimizer: SupportsParamGroups, config: dict[str, Any], initialize: bool) -> None:
        """Check and keep ``config``; set up the groups and write the initial lrs, as timm's ``__init__``."""
        if not isinstance(initialize, bool):
            fail("initialize", "a bool", initialize, kind=True)
        groups = getattr(optimizer, "param_groups", None)
        if not initialize and isinstance(groups, list):
            for index, group in enumerate(groups):
                if isinstance(group, Mapping) and "initial_lr" not in group:
                    rule = "a dict holding 'initial_lr' with initialize=False"
                    fail(f"optimizer.param_groups[{index}]", rule, sorted(group))
        self._configure(config)
        self.metric = None
        self.optimizer = optimizer
        self._writer = _Writer(optimizer, self._initial_lrs)

    def _configure(self, config: dict[str, Any]) -> None:
        """Check ``config`` (every argument but the optimizer), build its schedule, and keep both."""
        checked = dict(config)
        checked["t_in_epochs"] = _check_bool("t_in_epochs", config["t_in_epochs"])
        checked.update(_check_noise(config))
        schedule = self._build(checked)
        if checked["noise_range_t"] is not None:
            start, stop = _noise_range(checked["noise_range_t"])
            kind = checked["noise_type"]
            schedule = Noisy(
                schedule, start, stop, checked["noise_pct"], checked["noise_std"], kind, checked["noise_seed"]
            )
        self._schedule = schedule
        self._config = checked

    def _build(self, config: dict[str, Any]) -> Schedule:
        """The schedule of this class's ``config`` (checked in place), without the noise."""
        raise NotImplementedError

    @property
    def schedule(self) -> Schedule:
        """The pure schedule: ``schedule(t, base)`` is the lr at ``t`` of a group whose base is ``base``."""
        return self._schedule

    @property
    def base_values(self) -> list[float]:
        """Each group's base lr (its ``initial_lr`` at construction)."""
        return self._writer.base_lrs

    def _initial_lrs(self, bases: list[float]) -> list[float]:
        warmup_t = self._config.get("warmup_t", 0)
        values = [self._config["warmup_lr_init"]] * len(bases) if warmup_t else list(bases)
        return self._scaled(values)

    def _scaled(self, values: list[float]) -> list[float]:
        """timm's ``update_groups``: a group's value times its ``lr_scale``, if it has one."""
        groups = self.optimizer.param_groups if hasattr(self, "optimizer") else []
        return [
            value * group["lr_scale"] if isinstance(group, Mapping) and "lr_scale" in group else value
            for value, group in zip(values, groups)
        ] + values[len(groups) :]

    def _get_lr(self, t: int) -> list[float]:
        """The lrs at ``t``, one per group, before ``lr_scale`` (timm's ``_get_lr`` with its noise):
        what :meth:`step` and :meth:`step_update` write, so a subclass may override it, as in timm."""
        values: list[float] = self._schedule.values(t, self.base_values)
        return values

    def _advance(self, method: str, value: int, metric: float | None) -> None:
        with naming(f"{type(self).__name__}.{method}"):
            name = "epoch" if method == "step" else "num_updates"
            t = check_int(name, value, minimum=0)
            checked = _check_metric("metric", metric)
        self.metric = checked
        if (method == "step") == self._config["t_in_epochs"]:
            # evaluated by the writer's step, after it adopts any group added since (its base_lrs grow)
            self._writer.write(t, lambda _bases: self._scaled(self._get_lr(t)))

    def step(self, epoch: int, metric: float | None = None) -> None:
        """At the end of an epoch: with ``t_in_epochs=True``, set each lr to its value at ``epoch``."""
        self._advance("step", epoch, metric)

    def step_update(self, num_updates: int, metric: float | None = None) -> None:
        """After an update: with ``t_in_epochs=False``, set each lr to its value at ``num_updates``."""
        self._advance("step_update", num_updates, metric)

    def update_groups(self, values: float | Sequence[float]) -> None:
        """Set each group's lr to ``values`` (one number for all, or one per group), times its ``lr_scale``."""
        count = len(self.optimizer.param_groups)
        with naming(f"{type(self).__name__}.update_groups"):
            if not isinstance(values, (list, tuple)):  # one number for every group, as timm's
                checked = [check_float("values", values, minimum=0.0)] * count
            elif len(values) != count:
                fail("values", f"a number or a list of {count} numbers, one per param group", values)
            else:
                checked = [check_float(f"values[{index}]", value, minimum=0.0) for index, value in enumerate(values)]
        self._writer.write(max(self._writer.last_epoch, 0), self._scaled(checked))

    def state_dict(self) -> dict[str, Any]:
        """The state as strict-JSON data: format, version, class, the arguments (``config``), the
        step last written (``last_epoch``), ``base_lrs``, ``last_lr`` and ``metric``."""
        writer = self._writer
        config = self._plain_config()
        return {
            "format": FORMAT,
            "version": VERSION,
            "class": type(self).__name__,
            "config": config,
            "last_epoch": writer.last_epoch,
            "step_count": writer._step_count,
            "base_lrs": list(writer.base_lrs),
            "last_lr": [float(lr) for lr in writer._last_lr],
            "metric": self.metric,
        }

    def _plain_config(self) -> dict[str, Any]:
        """The arguments as JSON data (tuples as lists)."""
        return {key: list(value) if isinstance(value, tuple) else value for key, value in self._config.items()}

    def _saved_config(self, saved: dict[str, Any]) -> dict[str, Any]:
        """Hook: a saved config made ready to build (a function's name back to the live function)."""
        return saved

    @named
    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore a state from :meth:`state_dict`, or from timm's scheduler of the same class (its
        arguments and ``base_values``), all checked before anything changes.

        A group whose lr is still the one this scheduler wrote gets the loaded lr (timm's own state
        holds none: the lrs change at the next step).
        """
        state = check_mapping(state_dict)
        count = len(self.optimizer.param_groups)
        writer = self._writer
        if "format" not in state and "base_values" in state:  # timm's: its attributes
            bases = read_values("base_values", state["base_values"], count)
            metric = _check_metric("state_dict['metric']", state.get("metric"))
            self._configure({**self._config, **{key: state[key] for key in self._config if key in state}})
            writer.base_lrs, self.metric = bases, metric
            return
        state = read_ours(state, type(self).__name__, ("config", "last_epoch", "step_count", "base_lrs", "last_lr"))
        saved = read_config(state["config"])
        unknown = sorted(set(saved) - set(self._config))
        if unknown:
            fail("config", f"made of the fields {list(self._config)}", unknown)
        last_epoch = read_count("last_epoch", state["last_epoch"], minimum=-1)
        step_count = read_count("step_count", state["step_count"], minimum=0)
        bases = read_values("base_lrs", state["base_lrs"], count)
        last_lr = read_values("last_lr", state["last_lr"], count, signed=True)
        metric = _check_metric("state_dict['metric']", state.get("metric"))
        self._configure({**self._config, **self._saved_config(saved)})  # checked before it changes anything
        written = writer._last_lr
        writer.last_epoch, writer._step_count, writer.base_lrs, writer._last_lr = last_epoch, step_count, bases, last_lr
        self.metric = metric
        writer._write_loaded(written)

    def __repr__(self) -> str:
        arguments = ", ".join(f"{key}={value!r}" for key, value in self._config.items())
        return f"{type(self).__name__}({arguments})"


def _check_metric(name: str, value: object) -> float | None:
    """A metric as a plain float (a numpy scalar too), so that the state stays strict JSON."""
    if value is None:
        return None
    rule = "None or a finite number"
    if not is_number(value):
        fail(name, rule, value, kind=True)
    number = to_float(value)
    if not math.isfinite(number):
        fail(name, rule, value)
    return number


def _check_bool(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        fail(name, "a bool", value, kind=True)
    return value


_RANGE = "None, a step >= 0 (noisy from it on), or a list [start, stop) of two with 0 <= start < stop"


def _noise_range(value: Any) -> tuple[float, float | None]:
    if isinstance(value, (list, tuple)):
        return value[0], value[1]
    start: float = value
    return start, None


def _check_noise(config: Mapping[str, Any]) -> dict[str, Any]:
    """timm's noise arguments, checked under timm's names (``noise_seed=None`` is 42, as in timm)."""
    span = config["noise_range_t"]
    if span is not None:
        points = list(span) if isinstance(span, (list, tuple)) else [span]
        if not all(is_number(point) for point in points):
            fail("noise_range_t", _RANGE, span, kind=not isinstance(span, (list, tuple)))
        numbers = [to_float(point) for point in points]
        if len(points) not in (1, 2) or not all(math.isfinite(n) and n >= 0 for n in numbers):
            fail("noise_range_t", _RANGE, span)
        if len(points) == 2 and numbers[1] <= numbers[0]:
            fail("noise_range_t", _RANGE, span)
        span = points[0] if len(points) == 1 else tuple(points)
    pct = check_float("noise_pct", config["noise_pct"], minimum=0.0, maximum=1.0, min_open=True)
    std = check_float("noise_std", config["noise_std"], minimum=0.0, maximum=1000 * pct)
    seed = config["noise_seed"]
    seed = 42 if seed is None else check_int("noise_seed", seed, minimum=-(2**63), maximum=2**63 - 1)
    kind = config["noise_type"]
    if not isinstance(kind, str) or kind not in DISTRIBUTIONS:
        fail("noise_type", "'normal' or 'uniform'", kind, kind=not isinstance(kind, str))
    return {"noise_range_t": span, "noise_pct": pct, "noise_std": std, "noise_seed": seed, "noise_type": kind}


def _check_warmup(config: dict[str, Any]) -> None:
    config["warmup_t"] = check_steps("warmup_t", config["warmup_t"], minimum=0)
    config["warmup_lr_init"] = check_float("warmup_lr_init", config["warmup_lr_init"], minimum=0.0)
    config["warmup_prefix"] = _check_bool("warmup_prefix", config["warmup_prefix"])


def _warmed(schedule: Schedule, config: Mapping[str, Any], ramp: type[Warmup] = Warmup) -> Schedule:
    """timm's linear warmup from ``warmup_lr_init`` to the base over ``warmup_t`` steps, in front of
    ``schedule`` (``warmup_prefix``) or over its first steps (a jump at ``warmup_t``)."""
    if not config["warmup_t"]:
        return schedule
    if config["warmup_prefix"]:
        ramp = Warmup
    return ramp(
        schedule, steps=config["warmup_t"], start_value=config["warmup_lr_init"], prefix=config["warmup_prefix"]
    )


class _RampToSchedule(Warmup):
    """timm's ``TanhLRScheduler`` warmup with ``warmup_prefix=False``: the ramp ends at the
    schedule's value at ``steps`` (``_get_lr(warmup_t)``) instead of the base, so there is no jump.
    :class:`Warmup`'s ramp, aimed at those values."""

    def ramp(self, step: Any, bases: Sequence[float], xp: Any = SCALAR) -> list[Any]:
        schedule: Any = self.schedule  # the tanh cycles, never None here
        return super().ramp(step, schedule.values(self.steps, bases), xp)


def _check_cycles(config: dict[str, Any]) -> None:
    config["t_initial"] = check_steps("t_initial", config["t_initial"])
    config["lr_min"] = check_float("lr_min", config["lr_min"], minimum=0.0)


def _cycled(schedule: Schedule, config: dict[str, Any], eta_min: float | None = None) -> Schedule:
    """timm's restarts: cycles of ``t_initial * cycle_mul**i`` steps, the peak times
    ``cycle_decay**i``, ``lr_min`` after ``cycle_limit`` cycles (:class:`Cycles` checks
    ``cycle_mul`` and ``cycle_decay``, under the same names). ``cycle_limit=0``, which timm takes,
    is no cycle at all: ``lr_min`` from the end of the warmup on, as in timm."""
    limit = config["cycle_limit"] = check_steps("cycle_limit", config["cycle_limit"], minimum=0)
    cycles = Cycles(
        schedule,
        cycle_mul=config["cycle_mul"],
        cycle_decay=config["cycle_decay"],
        cycle_limit=max(limit, 1),
        eta_min=eta_min,
        timm_rounding=True,
    )
    config.update(cycle_mul=cycles.cycle_mul, cycle_decay=cycles.cycle_decay)
    if not limit:  # every step is past the last cycle: timm's lr_min, whatever the base
        return WarmupStableDecay(num_training_steps=0, min_lr=config["lr_min"])
    return cycles


def _k_decayed(schedule: Schedule, config: dict[str, Any]) -> Schedule:
    """timm's ``k_decay`` (1: none): :class:`KDecay`, which checks ``k`` (reported as ``k_decay``)."""
    config["k_decay"] = check_float("k_decay", config["k_decay"], minimum=0.0, min_open=True)
    return schedule if config["k_decay"] == 1.0 else KDecay(schedule, config["k_decay"])


class _CycleLength:
    """timm's ``get_cycle_length`` for the classes with restarts."""

    _config: dict[str, Any]

    def get_cycle_length(self, cycles: int = 0) -> int:
        """The steps of ``cycles`` cycles (0: ``cycle_limit``; at least 1), plus the warmup if it
        is a prefix, as timm computes it (``create_scheduler_v2`` counts the epochs with it)."""
        config = self._config
        cycles = max(1, cycles or config["cycle_limit"])
        first, mul = config["t_initial"], config["cycle_mul"]
        length: int = first * cycles if mul == 1.0 else math.floor(-first * (mul**cycles - 1) / (1 - mul))
        return length + config["warmup_t"] if config["warmup_prefix"] else length


class CosineLRScheduler(_CycleLength, TimmScheduler):
    r"""timm's ``CosineLRScheduler``: a linear warmup, then cosine cycles with restarts, noise and k-decay.

    Formula (timm's), for a group with base ``b``, after the warmup (``t`` counted from its end
    when ``warmup_prefix``)::

        lr(t) = lr_min + (b * cycle_decay**i - lr_min) * (1 + cos(pi * t_cur**k / t_i**k)) / 2

    in cycle ``i`` (``t_i = t_initial * cycle_mul**i`` steps, ``t_cur`` steps into it), ``lr_min``
    from cycle ``cycle_limit`` on; during the warmup ``lr(t) = warmup_lr_init + t * (b -
    warmup_lr_init) / warmup_t``. Built from :class:`CosineAnnealing`, ``KDecay``, ``Cycles``,
    ``Warmup`` and :class:`~paradox.scheduler.Noisy`.

    Args (timm's, with their ranges):
        optimizer: any object whose ``param_groups`` is a list of dicts holding ``"lr"``.
        t_initial: the first cycle's length, an int >= 1.
        lr_min: the lowest lr, a finite number >= 0.
        cycle_mul: each cycle's length over the previous one's, a finite number in [1, 1e6]
            (timm also takes one below 1, until its logarithm fails: a ``math domain error``).
        cycle_decay: each cycle's peak over the previous one's, a finite number in [0, 1]
            (timm also takes one above 1: growing peaks).
        cycle_limit: the number of cycles, an int in [0, 2**53] (after them: ``lr_min``; 0, as in
            timm: no cycle, ``lr_min`` from the end of the warmup on).
        warmup_t: the warmup's steps, an int >= 0; warmup_lr_init: its start, a number >= 0.
        warmup_prefix: the cycles start after the warmup (True) or at step 0 (False: at
            ``warmup_t`` the lr jumps from the base to the cosine's value there).
        t_in_epochs: ``step(epoch)`` (True) or ``step_update(num_updates)`` (False) sets the lrs.
        noise_range_t, noise_pct, noise_std, noise_seed: timm's lr noise (see
            :class:`~paradox.scheduler.Noisy`): None, a start, or ``[start, stop)``; noise_pct in
            (0, 1]; noise_std in [0, 1000 * noise_pct]; an int seed (None: 42).
        k_decay: the k-decay exponent ``k``, a finite number > 0.
        initialize: set each group's ``initial_lr`` from its lr (False: every group has one).
        noise_type: ``"normal"`` or ``"uniform"`` (an attribute in timm, a keyword here).

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.1}]})()
    >>> scheduler = CosineLRScheduler(optimizer, t_initial=10, lr_min=0.001, warmup_t=2, warmup_lr_init=0.01)
    >>> lrs = []
    >>> for epoch in range(5):
    ...     scheduler.step(epoch)
    ...     lrs.append(round(optimizer.param_groups[0]["lr"], 6))
    >>> lrs
    [0.01, 0.055, 0.090546, 0.079595, 0.065796]
    """

    t_initial = _Arg()
    lr_min = _Arg()
    cycle_mul = _Arg()
    cycle_decay = _Arg()
    cycle_limit = _Arg()
    warmup_t = _Arg()
    warmup_lr_init = _Arg()
    warmup_prefix = _Arg()
    k_decay = _Arg()

    @named
    def __init__(
        self,
        optimizer: SupportsParamGroups,
        t_initial: int,
        lr_min: float = 0.0,
        cycle_mul: float = 1.0,
        cycle_decay: float = 1.0,
        cycle_limit: int = 1,
        warmup_t: int = 0,
        warmup_lr_init: float = 0.0,
        warmup_prefix: bool = False,
        t_in_epochs: bool = True,
        noise_range_t: float | Sequence[float] | None = None,
        noise_pct: float = 0.67,
        noise_std: float = 1.0,
        noise_seed: int = 42,
        k_decay: float = 1.0,
        initialize: bool = True,
        *,
        noise_type: str = "normal",
    ) -> None:
        config = dict(locals())
        for key in ("self", "optimizer", "initialize", "__class__"):
            config.pop(key, None)
        self._start(optimizer, config, initialize)

    def _build(self, config: dict[str, Any]) -> Schedule:
        _check_cycles(config)
        _check_warmup(config)
        cosine = CosineAnnealing(T_max=config["t_initial"], eta_min=config["lr_min"])
        return _warmed(_cycled(_k_decayed(cosine, config), config), config)


class StepLRScheduler(TimmScheduler):
    r"""timm's ``StepLRScheduler``: a linear warmup, then the lr times ``decay_rate`` every ``decay_t`` steps.

    Formula (timm's): ``lr(t) = b * decay_rate ** (t // decay_t)`` after the warmup (``t`` counted
    from its end when ``warmup_prefix``, the default here), ``warmup_lr_init + t * (b -
    warmup_lr_init) / warmup_t`` during it. Built from :class:`StepDecay` and ``Warmup``.

    Args: timm's; ``decay_t`` an int >= 1 (timm also takes a fractional one; here it must be whole),
    ``decay_rate`` a finite number >= 0; the rest as :class:`CosineLRScheduler`.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.1}]})()
    >>> scheduler = StepLRScheduler(optimizer, decay_t=2, decay_rate=0.5, t_in_epochs=False)
    >>> lrs = []
    >>> for update in range(5):
    ...     scheduler.step_update(update)
    ...     lrs.append(optimizer.param_groups[0]["lr"])
    >>> lrs
    [0.1, 0.1, 0.05, 0.05, 0.025]
    """

    decay_t = _Arg()
    decay_rate = _Arg()
    warmup_t = _Arg()
    warmup_lr_init = _Arg()
    warmup_prefix = _Arg()

    @named
    def __init__(
        self,
        optimizer: SupportsParamGroups,
        decay_t: float,
        decay_rate: float = 1.0,
        warmup_t: int = 0,
        warmup_lr_init: float = 0.0,
        warmup_prefix: bool = True,
        t_in_epochs: bool = True,
        noise_range_t: float | Sequence[float] | None = None,
        noise_pct: float = 0.67,
        noise_std: float = 1.0,
        noise_seed: int = 42,
        initialize: bool = True,
        *,
        noise_type: str = "normal",
    ) -> None:
        config = dict(locals())
        for key in ("self", "optimizer", "initialize", "__class__"):
            config.pop(key, None)
        self._start(optimizer, config, initialize)

    def _build(self, config: dict[str, Any]) -> Schedule:
        config["decay_t"] = check_steps("decay_t", config["decay_t"])
        config["decay_rate"] = check_float("decay_rate", config["decay_rate"], minimum=0.0)
        _check_warmup(config)
        return _warmed(StepDecay(step_size=config["decay_t"], gamma=config["decay_rate"]), config)


class MultiStepLRScheduler(TimmScheduler):
    r"""timm's ``MultiStepLRScheduler``: a linear warmup, then the lr times ``decay_rate`` at each milestone.

    Formula (timm's): ``lr(t) = b * decay_rate ** m``, ``m`` the milestones ``<= t + 1``: timm's
    milestone ``d`` applies from step ``d - 1`` on, one step before torch's ``MultiStepLR`` (timm
    keeps this on purpose). Built from :class:`MultiStepDecay` at milestones ``max(d - 1, 0)``
    and ``Warmup``.

    Args: timm's; ``decay_t`` a non-decreasing list of ints >= 0 (timm assumes it sorted),
    ``decay_rate`` a finite number >= 0; the rest as :class:`CosineLRScheduler`.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.1}]})()
    >>> scheduler = MultiStepLRScheduler(optimizer, decay_t=[2, 4], decay_rate=0.1)
    >>> lrs = []
    >>> for epoch in range(5):
    ...     scheduler.step(epoch)
    ...     lrs.append(round(optimizer.param_groups[0]["lr"], 6))
    >>> lrs
    [0.1, 0.01, 0.01, 0.001, 0.001]
    """

    decay_t = _Arg()
    decay_rate = _Arg()
    warmup_t = _Arg()
    warmup_lr_init = _Arg()
    warmup_prefix = _Arg()

    @named
    def __init__(
        self,
        optimizer: SupportsParamGroups,
        decay_t: Sequence[int],
        decay_rate: float = 1.0,
        warmup_t: int = 0,
        warmup_lr_init: float = 0.0,
        warmup_prefix: bool = True,
        t_in_epochs: bool = True,
        noise_range_t: float | Sequence[float] | None = None,
        noise_pct: float = 0.67,
        noise_std: float = 1.0,
        noise_seed: int = 42,
        initialize: bool = True,
        *,
        noise_type: str = "normal",
    ) -> None:
        config = dict(locals())
        for key in ("self", "optimizer", "initialize", "__class__"):
            config.pop(key, None)
        self._start(optimizer, config, initialize)

    def _build(self, config: dict[str, Any]) -> Schedule:
        milestones = config["decay_t"]
        rule = "a non-decreasing list of ints >= 0 (timm's milestones)"
        if isinstance(milestones, (str, bytes)) or not isinstance(milestones, Sequence):
            fail("decay_t", rule, milestones, kind=True)
        for item in milestones:
            if isinstance(item, bool) or not isinstance(item, int):
                fail("decay_t", rule, milestones, kind=not isinstance(item, float))
        if any(item < 0 for item in milestones) or list(milestones) != sorted(milestones):
            fail("decay_t", rule, milestones)
        config["decay_t"] = [int(item) for item in milestones]
        config["decay_rate"] = check_float("decay_rate", config["decay_rate"], minimum=0.0)
        _check_warmup(config)
        shifted = [max(item - 1, 0) for item in config["decay_t"]]
        return _warmed(MultiStepDecay(milestones=shifted, gamma=config["decay_rate"]), config)


class TanhLRScheduler(_CycleLength, TimmScheduler):
    r"""timm's ``TanhLRScheduler``: a linear warmup, then tanh decay cycles with restarts and noise.

    Formula (timm's), in cycle ``i`` with ``r = t_cur / t_i`` (cycles and warmup as
    :class:`CosineLRScheduler`)::

        lr(t) = lr_min + (b * cycle_decay**i - lr_min) * (1 - tanh(lb * (1 - r) + ub * r)) / 2

    With ``warmup_prefix=False`` the warmup ramps to the tanh's value at ``warmup_t`` (no jump),
    as timm's does. Built from ``TanhDecay``, ``Cycles`` and ``Warmup``.

    Args: timm's; ``lb < ub`` finite numbers; the rest as :class:`CosineLRScheduler`.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.1}]})()
    >>> scheduler = TanhLRScheduler(optimizer, t_initial=10, warmup_t=2, warmup_lr_init=0.01)
    >>> lrs = []
    >>> for epoch in range(5):
    ...     scheduler.step(epoch)
    ...     lrs.append(round(optimizer.param_groups[0]["lr"], 6))
    >>> lrs  # the ramp ends at the tanh's value at warmup_t (timm's warmup_prefix=False)
    [0.01, 0.054998, 0.099995, 0.099966, 0.099753]
    """

    t_initial = _Arg()
    lb = _Arg()
    ub = _Arg()
    lr_min = _Arg()
    cycle_mul = _Arg()
    cycle_decay = _Arg()
    cycle_limit = _Arg()
    warmup_t = _Arg()
    warmup_lr_init = _Arg()
    warmup_prefix = _Arg()

    @named
    def __init__(
        self,
        optimizer: SupportsParamGroups,
        t_initial: int,
        lb: float = -7.0,
        ub: float = 3.0,
        lr_min: float = 0.0,
        cycle_mul: float = 1.0,
        cycle_decay: float = 1.0,
        cycle_limit: int = 1,
        warmup_t: int = 0,
        warmup_lr_init: float = 0.0,
        warmup_prefix: bool = False,
        t_in_epochs: bool = True,
        noise_range_t: float | Sequence[float] | None = None,
        noise_pct: float = 0.67,
        noise_std: float = 1.0,
        noise_seed: int = 42,
        initialize: bool = True,
        *,
        noise_type: str = "normal",
    ) -> None:
        config = dict(locals())
        for key in ("self", "optimizer", "initialize", "__class__"):
            config.pop(key, None)
        self._start(optimizer, config, initialize)

    def _build(self, config: dict[str, Any]) -> Schedule:
        _check_cycles(config)
        _check_warmup(config)
        config["lb"] = check_float("lb", config["lb"])
        config["ub"] = check_float("ub", config["ub"])
        if not config["lb"] < config["ub"]:
            fail("ub", f"a finite number > lb={config['lb']!r}", config["ub"])
        tanh = TanhDecay(config["t_initial"], lb=config["lb"], ub=config["ub"], eta_min=config["lr_min"])
        return _warmed(_cycled(tanh, config), config, ramp=_RampToSchedule)


class PolyLRScheduler(_CycleLength, TimmScheduler):
    r"""timm's ``PolyLRScheduler``: a linear warmup, then polynomial decay cycles with restarts, noise and k-decay.

    Formula (timm's), in cycle ``i`` (cycles and warmup as :class:`CosineLRScheduler`)::

        lr(t) = lr_min + (b * cycle_decay**i - lr_min) * (1 - t_cur**k / t_i**k) ** power

    Args: timm's; ``power`` a finite number >= 0; the rest as :class:`CosineLRScheduler`.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.1}]})()
    >>> scheduler = PolyLRScheduler(optimizer, t_initial=4, power=2.0, cycle_limit=2, cycle_decay=0.5)
    >>> lrs = []
    >>> for epoch in range(9):
    ...     scheduler.step(epoch)
    ...     lrs.append(round(optimizer.param_groups[0]["lr"], 6))
    >>> lrs, scheduler.get_cycle_length()
    ([0.1, 0.05625, 0.025, 0.00625, 0.05, 0.028125, 0.0125, 0.003125, 0.0], 8)
    """

    t_initial = _Arg()
    power = _Arg()
    lr_min = _Arg()
    cycle_mul = _Arg()
    cycle_decay = _Arg()
    cycle_limit = _Arg()
    warmup_t = _Arg()
    warmup_lr_init = _Arg()
    warmup_prefix = _Arg()
    k_decay = _Arg()

    @named
    def __init__(
        self,
        optimizer: SupportsParamGroups,
        t_initial: int,
        power: float = 0.5,
        lr_min: float = 0.0,
        cycle_mul: float = 1.0,
        cycle_decay: float = 1.0,
        cycle_limit: int = 1,
        warmup_t: int = 0,
        warmup_lr_init: float = 0.0,
        warmup_prefix: bool = False,
        t_in_epochs: bool = True,
        noise_range_t: float | Sequence[float] | None = None,
        noise_pct: float = 0.67,
        noise_std: float = 1.0,
        noise_seed: int = 42,
        k_decay: float = 1.0,
        initialize: bool = True,
        *,
        noise_type: str = "normal",
    ) -> None:
        config = dict(locals())
        for key in ("self", "optimizer", "initialize", "__class__"):
            config.pop(key, None)
        self._start(optimizer, config, initialize)

    def _build(self, config: dict[str, Any]) -> Schedule:
        _check_cycles(config)
        _check_warmup(config)
        config["power"] = check_float("power", config["power"], minimum=0.0)
        poly = PolynomialDecay(total_iters=config["t_initial"], power=config["power"])
        return _warmed(_cycled(_k_decayed(poly, config), config, eta_min=config["lr_min"]), config)


class WSDLRScheduler(TimmScheduler):
    r"""timm's ``WSDLRScheduler``: a linear warmup, a stable phase at the base, then a decay to ``lr_min``.

    Formula (timm's), with ``t_s = t - warmup_t`` and ``frac = (t_s - (t_initial - decay_t)) /
    decay_t`` in the decay, clipped to [0, 1]::

        lr(t) = warmup_lr_init + t * (b - warmup_lr_init) / warmup_t          t < warmup_t
                b                                                             frac <= 0
                lr_min + (b - lr_min) * decay(frac)                           after

    with ``decay`` ``1 - frac`` ("linear"), ``1 - sqrt(frac)`` ("1-sqrt", the default),
    ``(1 + cos(pi * frac)) / 2`` ("cosine"), ``1 - frac ** decay_power`` ("power"), ``(decay_ratio
    ** frac - decay_ratio) / (1 - decay_ratio)`` ("exp") or a function of ``frac``; ``lr_min`` from
    ``warmup_t + t_initial`` on. Built on :class:`~paradox.scheduler.WarmupStableDecay` (warmup
    always a prefix, as in timm), with :class:`TimmDecay` for "power" and "exp".

    Only ``stable_fn="constant"`` is supported: timm's ``"rsqrt"`` and ``"power"`` stable phases
    (its ``"rsqrt"`` schedule) are not built here and are refused with a message. So
    ``stable_timescale`` and ``stable_power``, which only those read, are taken for timm's
    signature and checked, but change nothing (as in timm with ``stable_fn="constant"``). With a
    base below ``lr_min``, timm holds ``lr_min`` in the stable phase; this one follows the base. A
    ``decay_fn`` function is saved by name: :meth:`load_state_dict` keeps the live one.

    Args: timm's; ``t_initial`` an int >= 1 (stable + decay), ``decay_t`` an int in [1,
    t_initial], ``lr_min`` a number >= 0, ``stable_fn`` ``"constant"``, ``stable_timescale`` None
    or > 0 and ``stable_power`` > 0 (both unused), ``decay_power`` > 0, ``decay_ratio`` in (0, 1);
    warmup, clock and noise as :class:`CosineLRScheduler`.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.1}]})()
    >>> scheduler = WSDLRScheduler(optimizer, t_initial=6, decay_t=4, lr_min=0.001, decay_fn="linear", warmup_t=2)
    >>> lrs = []
    >>> for epoch in range(10):
    ...     scheduler.step(epoch)
    ...     lrs.append(round(optimizer.param_groups[0]["lr"], 6))
    >>> lrs
    [0.0, 0.05, 0.1, 0.1, 0.1, 0.07525, 0.0505, 0.02575, 0.001, 0.001]
    """

    t_initial = _Arg()
    decay_t = _Arg()
    lr_min = _Arg()
    stable_fn = _Arg()
    stable_timescale = _Arg()
    stable_power = _Arg()
    decay_fn = _Arg()
    decay_power = _Arg()
    decay_ratio = _Arg()
    warmup_t = _Arg()
    warmup_lr_init = _Arg()

    @named
    def __init__(
        self,
        optimizer: SupportsParamGroups,
        t_initial: int,
        decay_t: int,
        lr_min: float = 0.0,
        stable_fn: str = "constant",
        stable_timescale: float | None = None,
        stable_power: float = 0.5,
        decay_fn: str = "1-sqrt",
        decay_power: float = 0.5,
        decay_ratio: float = 0.1,
        warmup_t: int = 0,
        warmup_lr_init: float = 0.0,
        t_in_epochs: bool = True,
        noise_range_t: float | Sequence[float] | None = None,
        noise_pct: float = 0.67,
        noise_std: float = 1.0,
        noise_seed: int = 42,
        initialize: bool = True,
        *,
        noise_type: str = "normal",
    ) -> None:
        config = dict(locals())
        for key in ("self", "optimizer", "initialize", "__class__"):
            config.pop(key, None)
        self._start(optimizer, config, initialize)

    def get_cycle_length(self, cycles: int = 0) -> int:
        """``warmup_t + t_initial``, as timm's."""
        length: int = self._config["warmup_t"] + self._config["t_initial"]
        return length

    def _build(self, config: dict[str, Any]) -> Schedule:
        length = config["t_initial"] = check_steps("t_initial", config["t_initial"])
        decay_t = config["decay_t"] = check_steps("decay_t", config["decay_t"])
        if decay_t > length:
            fail("decay_t", f"an int in [1, t_initial={length}]", decay_t)
        lr_min = config["lr_min"] = check_float("lr_min", config["lr_min"], minimum=0.0)
        for name in ("decay_power", "stable_power"):
            config[name] = check_float(name, config[name], minimum=0.0, min_open=True)
        ratio = check_float(
            "decay_ratio", config["decay_ratio"], minimum=0.0, maximum=1.0, min_open=True, max_open=True
        )
        config["decay_ratio"] = ratio
        timescale = config["stable_timescale"]
        if timescale is not None:
            config["stable_timescale"] = check_float("stable_timescale", timescale, minimum=0.0, min_open=True)
        if config["stable_fn"] != "constant":
            rule = (
                "'constant', the only stable phase supported (timm's 'rsqrt' and 'power' are not built here; "
                "stable_timescale and stable_power, which only they read, change nothing)"
            )
            fail("stable_fn", rule, config["stable_fn"], kind=not isinstance(config["stable_fn"], str))
        shape = config["decay_fn"]
        if not callable(shape) and (not isinstance(shape, str) or shape not in _WSD_DECAYS):
            rule = "one of 'linear', '1-sqrt', 'cosine', 'power', 'exp' or a function of the progress"
            fail("decay_fn", rule, shape, kind=not isinstance(shape, str))
        config["warmup_prefix"] = True  # timm's WSD warmup is always a prefix
        _check_warmup(config)
        del config["warmup_prefix"]
        if shape == "power":
            shape = TimmDecay("power", config["decay_power"])
        elif shape == "exp":
            shape = TimmDecay("exp", ratio)
        return WarmupStableDecay(
            num_warmup_steps=config["warmup_t"],
            num_decay_steps=decay_t,
            num_stable_steps=length - decay_t,
            num_training_steps=config["warmup_t"] + length,
            decay_type=shape,
            min_lr=lr_min,
            warmup_start_lr=config["warmup_lr_init"],
        )

    def _plain_config(self) -> dict[str, Any]:
        config = super()._plain_config()
        if callable(config["decay_fn"]):  # a function: its name (load_state_dict keeps the live one)
            config["decay_fn"] = {"function": function_name(config["decay_fn"])}
        return config

    def _saved_config(self, saved: dict[str, Any]) -> dict[str, Any]:
        shape = saved.get("decay_fn")
        if isinstance(shape, Mapping):
            if not callable(self._config["decay_fn"]):
                rule = "a name, or a function's {'function': name} when the live decay_fn is a function"
                fail("state_dict['config']['decay_fn']", rule, shape)
            saved = {**saved, "decay_fn": self._config["decay_fn"]}
        return saved


_WSD_DECAYS = ("linear", "1-sqrt", "cosine", "power", "exp")


class TimmDecay:
    """timm's WSD decays that :mod:`~paradox.scheduler.shapes` has not, as a
    :class:`WarmupStableDecay` ``decay_type`` (the fraction left at the progress ``x``): "power"
    ``1 - x ** p`` (shapes' "power" is ``(1 - x) ** p``) and "exp" ``(r ** x - r) / (1 - r)``, an
    exponential decay to ``r``, rescaled to reach 0."""

    def __init__(self, kind: str, value: float) -> None:
        self.kind: str = kind
        self.value: float = value
        self.__name__ = f"timm_{kind}({value!r})"

    def __call__(self, x: float) -> float:
        ratio = self.value
        left: float = 1.0 - x**ratio if self.kind == "power" else (ratio**x - ratio) / (1.0 - ratio)
        return left

    def __repr__(self) -> str:
        return self.__name__


_SCHED_NAMES = ("cosine", "tanh", "step", "constant", "multistep", "poly", "wsd", "none")


def create_scheduler_v2(
    optimizer: SupportsParamGroups,
    sched: str = "cosine",
    num_epochs: int = 300,
    decay_epochs: float | None = None,
    decay_milestones: Sequence[int] = (90, 180, 270),
    cooldown_epochs: int = 0,
    patience_epochs: int = 10,
    decay_rate: float = 0.1,
    min_lr: float = 0.0,
    warmup_lr: float = 1e-5,
    warmup_epochs: int = 0,
    warmup_prefix: bool = False,
    noise: float | Sequence[float] | None = None,
    noise_pct: float = 0.67,
    noise_std: float = 1.0,
    noise_seed: int = 42,
    cycle_mul: float = 1.0,
    cycle_decay: float = 0.1,
    cycle_limit: int = 1,
    k_decay: float = 1.0,
    decay_fn: str | None = None,
    stable_timescale: float | None = None,
    plateau_mode: str = "max",
    step_on_epochs: bool = True,
    updates_per_epoch: int = 0,
) -> tuple[TimmScheduler | None, int]:
    """timm's ``create_scheduler_v2``: a scheduler by name, and the epochs to train.

    Same signature, names and arithmetic as timm's (``num_epochs`` counts the cycles, the warmup
    when it is a prefix, and ``cooldown_epochs``). ``sched`` is one of ``"cosine"``, ``"tanh"``,
    ``"step"``, ``"constant"``, ``"multistep"``, ``"poly"``, ``"wsd"`` or ``"none"`` (no
    scheduler: ``(None, num_epochs)``). Two of timm's names are refused: its deprecated
    ``"plateau"`` (use :class:`~paradox.scheduler.ReduceLROnPlateau`) and ``"rsqrt"`` (its
    ``WSDLRScheduler`` with ``stable_fn="rsqrt"``: this :class:`WSDLRScheduler` supports
    ``stable_fn="constant"`` only). So ``patience_epochs`` and ``plateau_mode`` ("plateau") and
    ``stable_timescale`` ("rsqrt") are taken for timm's signature and change nothing. With
    ``step_on_epochs=False`` every length is multiplied by ``updates_per_epoch`` (an int >= 1
    then) and the scheduler steps per update.

    Returns:
        ``(scheduler, num_epochs)``.

    Raises:
        TypeError, ValueError: an unknown ``sched``, or an argument of the wrong type or range.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.1}]})()
    >>> scheduler, epochs = create_scheduler_v2(optimizer, "cosine", num_epochs=90, warmup_epochs=5, cooldown_epochs=10)
    >>> type(scheduler).__name__, epochs, scheduler.t_initial, scheduler.warmup_t
    ('CosineLRScheduler', 100, 90, 5)
    """
    with naming("create_scheduler_v2"):
        if not isinstance(sched, str) or sched not in _SCHED_NAMES:
            note = "('plateau': use ReduceLROnPlateau; 'rsqrt': not built here, WSDLRScheduler supports "
            note += "stable_fn='constant' only)"
            rule = f"one of {', '.join(map(repr, _SCHED_NAMES))} {note}"
            fail("sched", rule, sched, kind=not isinstance(sched, str))
        step_on_epochs = _check_bool("step_on_epochs", step_on_epochs)
        if not step_on_epochs:
            check_int("updates_per_epoch", updates_per_epoch, minimum=1)
    if decay_epochs is None:
        decay_epochs = 0.2 if sched == "wsd" else 90
    t_initial: Any = num_epochs
    warmup_t: Any = warmup_epochs
    decay_t: Any = decay_epochs
    cooldown_t: Any = cooldown_epochs
    if not step_on_epochs:
        updates = updates_per_epoch
        t_initial, warmup_t, decay_t, cooldown_t = (x * updates for x in (t_initial, warmup_t, decay_t, cooldown_t))
        decay_milestones = [d * updates for d in decay_milestones]
    warmup_args: dict[str, Any] = {"warmup_lr_init": warmup_lr, "warmup_t": warmup_t, "warmup_prefix": warmup_prefix}
    noise_range: Any = None
    if noise is not None:
        if isinstance(noise, (list, tuple)):
            noise_range = [n * t_initial for n in noise]
            if len(noise_range) == 1:
                noise_range = noise_range[0]
        else:
            noise_range = noise * t_initial
    noise_args: dict[str, Any] = {
        "noise_range_t": noise_range,
        "noise_pct": noise_pct,
        "noise_std": noise_std,
        "noise_seed": noise_seed,
    }
    cycle_args: dict[str, Any] = {"cycle_mul": cycle_mul, "cycle_decay": cycle_decay, "cycle_limit": cycle_limit}
    scheduler: TimmScheduler | None = None
    if sched == "cosine":
        scheduler = CosineLRScheduler(
            optimizer, t_initial=t_initial, lr_min=min_lr, t_in_epochs=step_on_epochs, k_decay=k_decay,
            **cycle_args, **warmup_args, **noise_args,
        )  # fmt: skip
    elif sched == "tanh":
        scheduler = TanhLRScheduler(
            optimizer, t_initial=t_initial, lr_min=min_lr, t_in_epochs=step_on_epochs,
            **cycle_args, **warmup_args, **noise_args,
        )  # fmt: skip
    elif sched in ("step", "constant"):
        decay = {"decay_t": decay_t, "decay_rate": decay_rate} if sched == "step" else {"decay_t": 1, "decay_rate": 1.0}
        scheduler = StepLRScheduler(optimizer, **decay, t_in_epochs=step_on_epochs, **warmup_args, **noise_args)
    elif sched == "multistep":
        scheduler = MultiStepLRScheduler(
            optimizer, decay_t=decay_milestones, decay_rate=decay_rate, t_in_epochs=step_on_epochs,
            **warmup_args, **noise_args,
        )  # fmt: skip
    elif sched == "poly":
        scheduler = PolyLRScheduler(
            optimizer, power=decay_rate, t_initial=t_initial, lr_min=min_lr, t_in_epochs=step_on_epochs,
            k_decay=k_decay, **cycle_args, **warmup_args, **noise_args,
        )  # fmt: skip
    elif sched == "wsd":
        t_sched = t_initial if warmup_prefix else t_initial - warmup_t
        if 0 < decay_epochs < 1:
            decay_t = decay_epochs * t_sched
        decay_t = round(decay_t)
        if not 0 < decay_t <= t_sched:
            span = "epochs" if warmup_prefix else "epochs - warmup_epochs"
            with naming("create_scheduler_v2"):
                fail(
                    "decay_epochs",
                    f"in (0, {span}] (the decay, in steps: {decay_t}; stable + decay: {t_sched})",
                    decay_epochs,
                )
        scheduler = WSDLRScheduler(
            optimizer, t_initial=t_sched, decay_t=decay_t, lr_min=min_lr, decay_fn=decay_fn or "1-sqrt",
            t_in_epochs=step_on_epochs, warmup_t=warmup_t, warmup_lr_init=warmup_lr, **noise_args,
        )  # fmt: skip
    if isinstance(scheduler, (_CycleLength, WSDLRScheduler)):
        total = scheduler.get_cycle_length() + cooldown_t
        num_epochs = total if step_on_epochs else total // updates_per_epoch
    elif warmup_prefix:
        num_epochs += warmup_epochs
    return scheduler, num_epochs

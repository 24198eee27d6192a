"""The stateful layer: ``LRScheduler`` owns the clock, the base lrs and the writes to the optimizer;
:class:`ScheduledLR` drives a pure :class:`~paradox.scheduler.Schedule`."""

from __future__ import annotations

from _thread import RLock
from collections.abc import Mapping, MutableMapping

from .schedule import Schedule
from .state import FORMAT, VERSION, read_config, read_count, read_rescales, read_state, read_values
from .validate import check_int, check_steps, fail, hyper_value, is_tensor, named, naming, owner_name

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Literal, Protocol, TypeVar

    _F = TypeVar("_F")

    #: A deferred change to a scheduler, run only after the whole state has been checked.
    Apply = Callable[[], None]

    ParamGroup = MutableMapping[str, Any]

    class SupportsParamGroups(Protocol):
        """Any optimizer: torch's, the Paradox Framework's, or a plain object with ``param_groups``."""

        @property
        def param_groups(self) -> list[ParamGroup]: ...


#: Held by every ``step()``: threads stepping one scheduler take turns, so no step is lost and a
#: chainable class stays on its schedule (a step takes about a microsecond: threads stepping
#: different schedulers hardly wait). Reentrant: a class's ``step`` may call its base's.
STEPPING = RLock()


class ConfigDriftWarning(UserWarning):
    """A loaded state was saved under a config that differs from the live one."""


def warn_config_drift(class_name: str, live: Mapping[str, Any], restored: Mapping[str, Any], drift: list[str]) -> None:
    """Warn that ``load_state_dict`` replaced the live ``drift`` fields, at the first caller outside
    this package."""
    import sys
    import warnings  # imported when used: config drift is rare

    level, frame = 2, sys._getframe(1)
    while frame.f_back is not None and str(frame.f_globals.get("__name__", "")).startswith(__package__ or "-"):
        frame, level = frame.f_back, level + 1
    changes = ", ".join(f"{key}: {live[key]!r} -> {restored[key]!r}" for key in drift)
    warnings.warn(
        f"{class_name}.load_state_dict restored the saved config, replacing the live "
        f"values ({changes}). Pass config='live' to keep the live config instead.",
        ConfigDriftWarning,
        stacklevel=level,
    )


class LRScheduler:
    r"""Base class of every scheduler: attach to an optimizer, step, save and resume.

    At construction with ``last_epoch=-1`` each param group gets ``initial_lr`` (its ``lr``) unless
    it has one, ``base_lrs`` records those values, and the scheduler takes its initial step, so
    ``last_epoch`` becomes 0 and each ``lr`` equals the schedule at step 0. With
    ``last_epoch >= 0`` it resumes: every group must hold ``initial_lr``, and the initial step
    moves to ``last_epoch + 1``, as in torch.

    Subclasses implement :meth:`get_lr`: the lrs at ``self.last_epoch``, one per param group,
    typically computed from ``self.base_lrs``.

    Args:
        optimizer: any object whose ``param_groups`` is a non-empty list of dicts holding ``"lr"``
            (a finite number >= 0, or a one-element tensor, which is updated in place).
        last_epoch: the index of the last step taken, an int >= -1; -1 starts fresh.

    Raises:
        TypeError: ``optimizer`` has no ``param_groups`` list of dicts, or a value has the wrong
            type.
        ValueError: a group lacks ``lr`` (or ``initial_lr`` when resuming), an lr is negative or
            not finite, or ``last_epoch < -1``.

    >>> class Halving(LRScheduler):
    ...     def get_lr(self):
    ...         return [base * 0.5 ** self.last_epoch for base in self.base_lrs]
    >>> class Optimizer:
    ...     param_groups = [{"lr": 1.0}]
    >>> scheduler = Halving(Optimizer())
    >>> scheduler.step(); scheduler.step()
    >>> scheduler.last_epoch, scheduler.get_last_lr()
    (2, [0.25])
    """

    optimizer: SupportsParamGroups
    last_epoch: int
    base_lrs: list[float]
    #: The changes of budget, ``(at, total_steps)`` in order (:meth:`rescale`), saved as ``"rescaled"``.
    _rescales: tuple[tuple[int, int], ...] = ()

    @named
    def __init__(self, optimizer: SupportsParamGroups, last_epoch: int = -1) -> None:
        groups = param_groups(optimizer)
        last_epoch = check_int("last_epoch", last_epoch, minimum=-1)
        lrs, base_lrs = fresh_lrs(groups)
        if last_epoch >= 0:
            for index, group in enumerate(groups):
                if "initial_lr" not in group:
                    raise ValueError(
                        f"{owner_name()}: optimizer.param_groups[{index}] must hold 'initial_lr' when resuming "
                        f"with last_epoch >= 0. Received: last_epoch={last_epoch}. Either load the "
                        "optimizer's state_dict (which holds 'initial_lr') before creating the scheduler, "
                        "or create it with last_epoch=-1 and call scheduler.load_state_dict(...)."
                    )
        # Everything is checked; the optimizer is changed (and changed back if the initial step fails).
        added = [group for group in groups if "initial_lr" not in group]  # none when resuming
        keep_initial_lrs(added)
        self.optimizer = optimizer
        self.base_lrs = base_lrs
        self.last_epoch = last_epoch
        self._step_count = 0
        self._last_lr: list[Any] = lrs
        self._previous_epoch = last_epoch
        try:
            self._start(lrs)
            self.step()
        except BaseException:
            for group in added:
                group.pop("initial_lr", None)
            raise

    def _start(self, lrs: list[float]) -> None:
        """Hook: called once before the initial step with the groups' lrs."""

    def get_lr(self) -> list[Any]:
        """The learning rates at ``self.last_epoch``, one per param group."""
        raise NotImplementedError(f"{type(self).__name__} must implement get_lr()")

    @property
    def schedule(self) -> Schedule | None:
        """The pure schedule this scheduler follows, or None (a torch-style ``get_lr``, metrics)."""
        return None

    def _pure_form(self) -> tuple[Schedule, list[float]] | None:
        """``(schedule, bases)`` giving the lrs of every step ahead (``simulate`` uses it), or None."""
        return None

    def _untouched(self) -> bool:
        """Every group holds the float written last, and the class is the library's own."""
        groups, written = self.optimizer.param_groups, self._last_lr
        return (
            type(self).__module__.startswith("paradox.scheduler.")
            and len(groups) == len(written)
            and all(type(group["lr"]) is float and group["lr"] == lr for group, lr in zip(groups, written))
        )

    def get_last_lr(self) -> list[Any]:
        """The learning rates this scheduler last wrote, one per param group."""
        return list(self._last_lr)

    def step(self, epoch: int | None = None) -> None:
        """Advance one step, or jump to ``epoch`` (an int >= 0), and write the new lrs.

        ``step(epoch)`` is an exact jump: the lrs are the schedule evaluated at ``epoch``.

        Raises:
            TypeError, ValueError: ``epoch`` is not an int >= 0, or a group's lr set outside the
                scheduler is not a number (nothing is changed).
        """
        with STEPPING:
            previous = self.last_epoch
            if epoch is None:
                target = previous + 1
            else:
                with naming(f"{type(self).__name__}.step"):
                    target = check_int("epoch", epoch, minimum=0)
            groups = self.optimizer.param_groups
            if len(groups) != len(self._last_lr):
                self._adopt_groups(groups)
            lrs = self._lrs_at(target)  # if it raises, nothing is changed
            before = self._previous_epoch
            self._previous_epoch, self.last_epoch = previous, target
            self._step_count += 1
            try:
                self._write(groups, lrs)  # checks every lr set outside before it changes anything
            except BaseException:
                self._previous_epoch, self.last_epoch = before, previous
                self._step_count -= 1
                raise

    def _lrs_at(self, step: int) -> list[Any]:
        """The lrs at ``step``: :meth:`get_lr` with ``last_epoch`` at ``step``, as torch's subclasses
        expect, in a list of our own (a ``get_lr`` may return one it keeps), one per group."""
        previous, self.last_epoch = self.last_epoch, step
        try:
            lrs = list(self.get_lr())
        finally:
            self.last_epoch = previous
        if len(lrs) != len(self.optimizer.param_groups):
            raise ValueError(
                f"{type(self).__name__}.get_lr() must return one lr per param group. "
                f"Received: {len(lrs)} values for {len(self.optimizer.param_groups)} groups"
            )
        return lrs

    def _restart(self, step: int) -> None:
        """Hook for composites (a ``SequentialLR`` milestone): take the groups' lrs as written by this
        scheduler and go to ``step``. A subclass with state beyond ``last_epoch`` resets it here."""
        self._last_lr = [float(group["lr"]) for group in self.optimizer.param_groups]
        self.last_epoch = step - 1
        self.step()

    def _write(self, groups: list[ParamGroup], lrs: list[Any]) -> None:
        """Write ``lrs`` into the groups: the one place where every scheduler writes the optimizer.

        A group whose lr is still the very object written last time gets one dict write; from the
        first group that does not (a tensor lr, or an lr changed outside the scheduler) on,
        :meth:`_write_rest` finishes the step. When every group gets one value, as every group did
        last time (groups that share a base), each compares with that one object.
        """
        written = self._last_lr
        old, new = written[0], lrs[0]
        if lrs[-1] is new and written[-1] is old and lrs.count(new) == len(lrs) == written.count(old):
            for group in groups:
                if group.get("lr") is not old:
                    break
                group["lr"] = new
            else:
                self._last_lr = lrs
                return
        else:
            for group, last, value in zip(groups, written, lrs):
                if group.get("lr") is not last:
                    break
                group["lr"] = value
            else:
                self._last_lr = lrs
                return
        start = next(index for index, other in enumerate(groups) if other is group)
        self._write_rest(groups, lrs, start)

    def _write_rest(self, groups: list[ParamGroup], lrs: list[Any], start: int) -> None:
        """:meth:`_write` from group ``start`` on: tensor lrs, and lrs changed outside the scheduler."""
        written = self._last_lr
        for index in range(start, len(groups)):  # checked before anything changes
            current = groups[index].get("lr")
            if not (is_tensor(current) or _takes_float(current)):
                for group, last in zip(groups[:start], written):
                    group["lr"] = last  # what _write wrote before it found this group
                rule = "a number or a one-element tensor (an lr set outside the scheduler must be one)"
                with naming(f"{type(self).__name__}.step"):
                    fail(f"optimizer.param_groups[{index}]['lr']", rule, current, kind=True)
        out = list(lrs)
        for index in range(start, len(groups)):
            group = groups[index]
            current = group["lr"]
            if _changed(current, written[index]):
                out[index] = self._taken_up(index, float(current), out[index])
            set_lr(group, out[index])
        self._last_lr = out

    def _taken_up(self, index: int, lr: float, scheduled: Any) -> Any:
        """Hook: the lr to write for a group set to ``lr`` outside the scheduler (default: overwrite it)."""
        return scheduled

    @named
    def _adopt_groups(self, groups: list[ParamGroup]) -> None:
        """Take in param groups added since the last step; a new group's base is its lr now."""
        known = len(self._last_lr)
        check_no_group_removed(groups, known)
        lrs = [group_value(groups, index, "lr") for index in range(known, len(groups))]
        keep_initial_lrs(groups[known:])
        self.base_lrs.extend(lrs)
        self._last_lr = [*self._last_lr, *lrs]  # a new list: a composite may share the old one
        self._adopted(lrs)

    def _adopted(self, lrs: list[float]) -> None:
        """Hook for subclasses: groups with these lrs were added to the optimizer."""

    @named
    def rescale(self, total_steps: int) -> None:
        """Change the budget of the run under way: from ``last_epoch`` on, the schedule ends at
        ``total_steps`` instead, by its family's rule (:meth:`Schedule.rescale
        <paradox.scheduler.Schedule.rescale>`; the README's "A changed budget" table). The lr now is
        unchanged (no jump); the state records the change, so a fresh scheduler built with the
        original arguments and loaded from it continues bit for bit.

        Args:
            total_steps: the new total, an int in [last_epoch + 1, 2**53].

        Raises:
            TypeError, ValueError: ``total_steps`` is not such an int (``total_steps <= last_epoch`` is
                a rescale into the past), the scheduler follows no schedule with an end to move (a
                ``ReduceLROnPlateau``, a decay that goes on for ever, restarts, cycles), or the
                schedule's shape has already ended. Nothing is changed.

        >>> from paradox.scheduler import CosineAnnealingLR
        >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 1.0}]})()
        >>> scheduler = CosineAnnealingLR(optimizer, T_max=4)
        >>> for _ in range(2):
        ...     scheduler.step()
        >>> scheduler.rescale(total_steps=6)  # at step 2 (lr 0.5), the run now ends at step 6
        >>> lrs = []
        >>> for _ in range(4):
        ...     scheduler.step()
        ...     lrs.append(round(optimizer.param_groups[0]["lr"], 4))
        >>> lrs, scheduler.state_dict()["rescaled"], scheduler.T_max
        ([0.3087, 0.1464, 0.0381, 0.0], [[2, 6]], 4)
        """
        with STEPPING:
            now = self.last_epoch
            total = check_steps("total_steps", total_steps)
            if total <= now:
                rule = f"an int > last_epoch={now} (a new total in the future: the run is at step {now})"
                fail("total_steps", rule, total_steps)
            self._rescaling(now, total)()

    def _rescaling(self, at: int, total_steps: int) -> Apply:
        """Hook: check the change of budget at step ``at`` (the schedule ends at ``total_steps``) and
        return it, recorded in :attr:`_rescales` by the scheduler holding the schedule. A scheduler
        driving several schedules maps each with its ``rescale``."""
        rule = "a scheduler that follows a schedule with an end to move (ScheduledLR and the composites)"
        fail("scheduler", rule, self, kind=True)

    def _read_rescales(self, events: tuple[tuple[int, int], ...]) -> Apply:
        """Hook: check the saved changes of budget against the schedule the load leaves; return
        their change."""
        if events:
            fail("state_dict['rescaled']", f"[] ({type(self).__name__} follows no schedule to rescale)", events)
        return _nothing

    def _config(self) -> dict[str, Any]:
        """The schedule's config as plain data; empty for a scheduler with none."""
        return {}

    def state_dict(self) -> dict[str, Any]:
        """The state as strict-JSON data (``json`` and ``torch.load(weights_only=True)`` read it):
        format, version, class, config, ``last_epoch``, ``step_count``, ``base_lrs``, ``last_lr``."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "class": type(self).__name__,
            "config": self._config(),
            "last_epoch": self.last_epoch,
            "step_count": self._step_count,
            "base_lrs": list(self.base_lrs),
            "last_lr": [float(lr) for lr in self._last_lr],
            **({"rescaled": [[at, total] for at, total in self._rescales]} if self._rescales else {}),
            **self._extra_state(),
        }

    def _extra_state(self) -> dict[str, Any]:
        return {}

    @named
    def load_state_dict(self, state_dict: Mapping[str, Any], *, config: Literal["saved", "live"] = "saved") -> None:
        """Restore a state from :meth:`state_dict` (or torch's of the same class), all checked first.

        Each group whose lr is still the one this scheduler wrote gets the loaded lr, so a run
        continues where it stopped whether the optimizer's state was loaded before the scheduler
        was built, after, or not at all (a fresh optimizer); a group changed by hand keeps its lr.

        Args:
            state_dict: the saved state.
            config: ``"saved"`` (default) restores the saved config, as torch does, so the resumed
                run is exact; a :class:`ConfigDriftWarning` names each field whose live value is
                replaced. ``"live"`` keeps the config this scheduler was built with (to extend a
                run, say) and continues from the saved step under it.

        Raises:
            TypeError, ValueError: the state is not a dict, has an unknown format or version,
                belongs to another class, or holds a bad value; the message names the key.
        """
        if config not in ("saved", "live"):
            fail("config", "'saved' or 'live'", config)
        written = self._last_lr
        state = read_state(state_dict, type(self).__name__, tuple(self._config()))
        count = len(self.optimizer.param_groups)
        saved_config = read_config(state["config"])
        apply_progress = self._read_progress(state, count)
        apply_extra = self._read_extra_state(state, count)
        events = read_rescales(state.get("rescaled", []))
        apply_config = self._read_config(saved_config, config)
        apply_events = self._read_rescales(events)  # on the schedule the config leaves
        # Everything is checked; from here on the scheduler is changed.
        apply_config()
        apply_extra()
        apply_progress()
        apply_events()
        self._loaded(state)
        self._write_loaded(written)

    def _loaded(self, state: Mapping[str, Any]) -> None:
        """Hook: called once a state is loaded (``state`` in this library's layout)."""

    def _write_loaded(self, written: list[Any]) -> None:
        """After a load: each group whose lr is still ``written[i]`` (what this scheduler wrote before
        the load) gets the loaded lr."""
        for group, old, new in zip(self.optimizer.param_groups, written, self._last_lr):
            if not _changed(group["lr"], old):
                set_lr(group, new)

    def _read_progress(self, state: Mapping[str, Any], count: int) -> Apply:
        """Check the entries every scheduler saves (the clock and the lrs); return their change."""
        last_epoch = read_count("last_epoch", state["last_epoch"], minimum=-1)
        step_count = read_count("step_count", state["step_count"], minimum=0)
        base_lrs = read_values("base_lrs", state["base_lrs"], count)
        last_lr = read_values("last_lr", state["last_lr"], count, signed=True)

        def apply() -> None:
            self.last_epoch = last_epoch
            self._step_count = step_count
            self.base_lrs = base_lrs
            self._last_lr = last_lr

        return apply

    def _read_extra_state(self, state: Mapping[str, Any], count: int) -> Apply:
        """Hook: check subclass entries of ``state``; return the change to make once all is checked."""
        return _nothing

    def _read_config(self, saved: dict[str, Any], mode: str) -> Apply:
        """Hook: check the saved config; return the change to make once all is checked."""
        return _nothing


def _nothing() -> None:
    pass


def fresh_lrs(groups: list[ParamGroup]) -> tuple[list[float], list[float]]:
    """Each group's lr, checked, and its base on a fresh start: its ``initial_lr`` if it holds one."""
    lrs = [group_value(groups, index, "lr") for index in range(len(groups))]
    bases = [
        group_value(groups, index, "initial_lr") if "initial_lr" in group else lr
        for index, (group, lr) in enumerate(zip(groups, lrs))
    ]
    return lrs, bases


def keep_initial_lrs(groups: list[ParamGroup]) -> None:
    """Give each group without an ``initial_lr`` its lr as one (a clone, for a tensor lr)."""
    for group in groups:
        lr = group["lr"]
        group.setdefault("initial_lr", lr.clone() if is_tensor(lr) else lr)


def check_no_group_removed(groups: list[ParamGroup], known: int) -> None:
    """Param groups may be added to an optimizer after the scheduler is built, never removed."""
    if len(groups) < known:
        fail(
            "len(optimizer.param_groups)",
            f">= {known}, the groups the scheduler was built with (groups cannot be removed)",
            len(groups),
        )


def _takes_float(value: object) -> bool:
    """A number ``float()`` takes (a float, an int, a Fraction, a Decimal, a numpy scalar); not a
    string, a bool or None."""
    if value is None or isinstance(value, (str, bytes, bool)):
        return False
    try:
        float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


def _changed(current: Any, written: float) -> bool:
    """Whether a group's lr is no longer the value written into it: a tensor compared by value (an
    edit through ``.data`` moves no version counter), a number by identity then value (a
    ``Fraction(1, 10)`` is 0.1), anything else changed."""
    if is_tensor(current):
        return _tensor_changed(current, written)
    return current is not written and not (_takes_float(current) and float(current) == written)


def _tensor_changed(tensor: Any, written: float) -> bool:
    """Whether a tensor lr differs from the float written into it beyond float32 rounding (2**-23)."""
    value = float(tensor)
    return abs(value - written) > 2.0**-23 * abs(written)


#: The seed's (and torch's older) name for :class:`LRScheduler`: the same class.
_LRScheduler = LRScheduler


class ScheduledLR(LRScheduler):
    """A scheduler whose lr at step ``t`` is ``schedule(t, base)`` for each group's base.

    An lr changed outside it is overwritten at the next step, as torch's classes computed from
    ``base_lrs`` alone do; torch's chainable classes derive from :class:`~.chain.ChainableLR`.
    """

    _schedule: Schedule
    #: The schedule of the config, before the changes of budget (None: not rescaled).
    _planned: Schedule | None = None
    #: During a load: the schedule of the loaded config, which the saved changes of budget apply to.
    _incoming: Schedule | None = None

    def __init__(self, optimizer: SupportsParamGroups, schedule: Schedule, last_epoch: int = -1) -> None:
        self._schedule = schedule
        super().__init__(optimizer, last_epoch)

    @property
    def schedule(self) -> Schedule:
        """The pure schedule this scheduler evaluates (after :meth:`rescale`, the rescaled one)."""
        return self._schedule

    @property
    def _plan(self) -> Schedule:
        """The schedule of the config (the arguments built with), before any change of budget."""
        return self._schedule if self._planned is None else self._planned

    def _replan(self, plan: Schedule) -> None:
        """Follow ``plan`` with this scheduler's changes of budget (a config field set by hand)."""
        self._schedule = rescaled(plan, self._rescales)
        self._planned = plan if self._rescales else None

    def _rescaling(self, at: int, total_steps: int) -> Apply:
        plan, schedule = self._plan, self._schedule.rescale(at, total_steps)

        def apply() -> None:
            self._planned, self._schedule = plan, schedule
            self._rescales = (*self._rescales, (at, total_steps))

        return apply

    def _read_rescales(self, events: tuple[tuple[int, int], ...]) -> Apply:
        plan = self._plan if self._incoming is None else self._incoming
        self._incoming = None
        schedule = rescaled(plan, events, "state_dict['rescaled']")

        def apply() -> None:
            self._planned, self._schedule, self._rescales = (plan if events else None), schedule, events

        return apply

    def _pure_form(self) -> tuple[Schedule, list[float]] | None:
        return (self._schedule, list(self._bases)) if self._untouched() else None

    def _start(self, lrs: list[float]) -> None:
        self._bases = list(self.base_lrs)

    def _adopted(self, lrs: list[float]) -> None:
        # A group added at step t continues from the lr it brought, along the schedule's shape: its
        # base is the one whose value at t is that lr (as torch's recursive form gives), or the lr
        # itself where none is (a zero of the factor).
        for lr in lrs:
            base = self._schedule.rebase(self.last_epoch, lr) if self.last_epoch > 0 else None
            self._bases.append(lr if base is None else base)

    def _restart(self, step: int) -> None:
        # As if built fresh on the groups' current lrs, then evaluated at ``step``.
        self.last_epoch = -1
        self._start([float(group["lr"]) for group in self.optimizer.param_groups])
        super()._restart(step)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # A class without a torch-style get_lr of its own is evaluated straight from its schedule.
        cls._lrs_at = cls._scheduled if cls.get_lr is ScheduledLR.get_lr else LRScheduler._lrs_at  # type: ignore[method-assign]

    def get_lr(self) -> list[Any]:
        return self._scheduled(self.last_epoch)

    def _lrs_at(self, step: int) -> list[Any]:
        return self._scheduled(step)

    def _scheduled(self, step: float) -> list[Any]:
        """The lrs at ``step``, one per group: what subclasses override (not :meth:`get_lr`)."""
        return self._schedule.values(step, self._bases)

    def _config(self) -> dict[str, Any]:
        config = self._plan.to_config()
        del config["name"]
        return config

    def _extra_state(self) -> dict[str, Any]:
        return {"bases": list(self._bases)}

    def _read_extra_state(self, state: Mapping[str, Any], count: int) -> Apply:
        self._incoming = None  # nothing left of a load that failed
        bases = read_values("bases", state.get("bases", state["base_lrs"]), count, signed=True)

        def apply() -> None:
            self._bases = bases

        return apply

    def _build_schedule(self, config: dict[str, Any]) -> Schedule:
        """Hook: build this scheduler's kind of schedule from a plain config (a subclass puts back
        what a config cannot hold, a user function)."""
        return type(self._plan).build(config)

    def _read_config(self, saved: dict[str, Any], mode: str) -> Apply:
        live = self._config()
        schedule = self._build_schedule({**live, **saved})
        restored = schedule.to_config()
        drift = [key for key in live if restored[key] != live[key]]
        if mode == "live" or not drift:
            return _nothing
        self._incoming = schedule  # the saved changes of budget apply to it (:meth:`_read_rescales`)

        def apply() -> None:
            warn_config_drift(type(self).__name__, live, restored, drift)
            self._schedule = schedule

        return apply


class ConfigParam:
    """A scheduler attribute that reads one field of its schedule; setting it builds a new, checked
    schedule (``scheduler.gamma = 0.5``)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, instance: ScheduledLR | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return getattr(instance._plan, self._name)

    def __set__(self, instance: ScheduledLR, value: Any) -> None:
        with naming(type(instance).__name__):
            instance._replan(instance._plan.replace(**{self._name: value}))


def rescaled(plan: Schedule, events: tuple[tuple[int, int], ...], where: str = "") -> Schedule:
    """``plan`` with the changes of budget ``events`` applied in order; an error names the event
    (``state_dict['rescaled'][1]: ...``) when ``where`` says where they come from."""
    schedule = plan
    for index, (at, total_steps) in enumerate(events):
        try:
            schedule = schedule.rescale(at, total_steps)
        except (TypeError, ValueError) as error:
            if not where:
                raise
            raise type(error)(f"{owner_name()}: in {where}[{index}]: {error}") from error
    return schedule


def set_lr(group: ParamGroup, value: float) -> None:
    """Set a group's lr: a tensor lr is filled in place, anything else is replaced."""
    current = group["lr"]
    if is_tensor(current):
        current.fill_(value)
    else:
        group["lr"] = value


def param_groups(optimizer: object) -> list[ParamGroup]:
    """The optimizer's ``param_groups``, checked: a non-empty list of dicts."""
    rule = "an optimizer with `param_groups`, a non-empty list of dicts that each hold 'lr'"
    groups = getattr(optimizer, "param_groups", None)
    if not isinstance(groups, list):
        fail("optimizer", rule, optimizer, kind=True)
    if not groups:
        fail("optimizer.param_groups", "a non-empty list of dicts", groups)
    for index, group in enumerate(groups):
        if not isinstance(group, MutableMapping):
            fail(f"optimizer.param_groups[{index}]", "a dict", group, kind=True)
    return groups


def group_value(groups: list[ParamGroup], index: int, key: str) -> float:
    """``groups[index][key]`` checked by :func:`hyper_value`; a missing key is a ValueError."""
    group = groups[index]
    if key not in group:
        fail(f"optimizer.param_groups[{index}]", f"a dict holding {key!r}", sorted(group))
    return hyper_value(f"optimizer.param_groups[{index}][{key!r}]", group[key])

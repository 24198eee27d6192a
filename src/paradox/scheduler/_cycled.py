"""What CyclicLR and OneCycleLR share: per-group anchors and momentum (or beta1) cycling.

Both classes set each group's lr from their own anchors (``base_lr``/``max_lr``), not from the
optimizer's lr, and compute every step from those anchors, so an lr changed by hand is overwritten
at the next step, as in torch. Their schedules also give a momentum per group, which the driver
writes into ``momentum`` (SGD-style optimizers) or ``betas[0]`` (Adam-style ones).
"""

from __future__ import annotations

from _collections_abc import Mapping, Sequence

from ._base import LRScheduler, ScheduledLR, check_no_group_removed, fast_path
from ._optimizer import group_value, hyper_value, param_groups, set_lr
from ._schedule import Schedule
from ._state import FORMAT, VERSION
from ._validate import check_int, fail

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar

    from ._optimizer import ParamGroup, SupportsParamGroups

#: A per-group anchor as torch takes it: one number for every group, or one per group.
Anchor = float | Sequence[float]


def check_anchor(owner: str, name: str, value: Any, *, maximum: float | None = None) -> float | tuple[float, ...]:
    """A float, or a non-empty tuple of floats, each finite, >= 0 and <= ``maximum`` if given."""
    if isinstance(value, (list, tuple)):
        if not value:
            fail(owner, name, "a number or a non-empty list of numbers, one per param group", value)
        return tuple(_anchor_value(owner, f"{name}[{index}]", item, maximum) for index, item in enumerate(value))
    return _anchor_value(owner, name, value, maximum)


def _anchor_value(owner: str, name: str, value: Any, maximum: float | None) -> float:
    number = hyper_value(owner, name, value)
    if maximum is not None and number > maximum:
        fail(owner, name, f"a finite number in [0.0, {maximum!r}]", value)
    return number


def per_group(owner: str, name: str, anchor: Anchor, count: int) -> list[float]:
    """The anchor spread over ``count`` groups; a sequence must hold exactly ``count`` values."""
    if isinstance(anchor, Sequence):
        if len(anchor) != count:
            fail(owner, name, f"a number or a list of {count} values, one per param group", list(anchor))
        return [float(value) for value in anchor]
    return [float(anchor)] * count


def as_number(value: Any) -> Any:
    """A tensor from a torch state as a float; anything else as it is (checked later)."""
    return float(value) if hasattr(value, "item") and hasattr(value, "numel") else value


def momentum_anchors(schedule: CycledSchedule, count: int, owner: str = "") -> tuple[list[float], list[float]]:
    """``base_momentum`` and ``max_momentum`` spread over ``count`` groups (checked as per_group)."""
    owner = owner or type(schedule).__name__
    lows = per_group(owner, "base_momentum", schedule.base_momentum, count)
    highs = per_group(owner, "max_momentum", schedule.max_momentum, count)
    return lows, highs


def momentum_pair(low: Anchor, high: Anchor) -> tuple[float, float] | None:
    """``(base_momentum, max_momentum)`` when each is one number for every group, else None."""
    if isinstance(low, Sequence) or isinstance(high, Sequence):
        return None
    return low, high


def check_flag(owner: str, name: str, value: Any) -> bool:
    """A bool (``True``/``False``), nothing else."""
    if not isinstance(value, bool):
        fail(owner, name, "a bool", value, kind=True)
    return value


def check_choice(owner: str, name: str, value: Any, choices: tuple[str, ...]) -> str:
    """One of the strings ``choices``."""
    if value not in choices:
        fail(owner, name, "one of " + ", ".join(repr(choice) for choice in choices), value)
    return str(value)


def check_optimizer(owner: str, optimizer: object, last_epoch: Any) -> tuple[list[ParamGroup], int]:
    """Every check the base class makes at construction, made before these classes write anything."""
    groups = param_groups(owner, optimizer)
    epoch = check_int(owner, "last_epoch", last_epoch, minimum=-1)
    for index, group in enumerate(groups):
        group_value(owner, groups, index, "lr")
        if "initial_lr" in group:
            group_value(owner, groups, index, "initial_lr")
    return groups, epoch


def uses_beta1(owner: str, optimizer: object, groups: list[ParamGroup]) -> bool:
    """Whether momentum is cycled through ``betas[0]`` (True) or ``momentum`` (False).

    torch's rule: ``"betas" in optimizer.defaults``. An optimizer without ``defaults`` is judged by
    its param groups. One with neither key cannot cycle momentum.
    """
    defaults = getattr(optimizer, "defaults", None)
    keys: set[str] = set(defaults) if isinstance(defaults, Mapping) else set.intersection(*(set(g) for g in groups))
    if "momentum" not in keys and "betas" not in keys:
        fail(
            owner,
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

    # Config fields every cycled schedule has, declared for type checkers only: at run time each
    # subclass declares them as fields, in its own constructor order.
    if TYPE_CHECKING:

        @property
        def cycle_momentum(self) -> bool: ...

        @property
        def base_momentum(self) -> Anchor: ...

        @property
        def max_momentum(self) -> Anchor: ...

        @property
        def _momentum_pair(self) -> tuple[float, float] | None:
            """momentum_pair() of the anchors, stored by each subclass's _check for shared()."""

    else:
        _momentum_pair = None

    def evaluate(self, step: float, bases: Sequence[float]) -> tuple[list[float], list[float] | None]:
        """The lrs and the momenta at ``step``, the step-dependent part computed once."""
        raise NotImplementedError

    def shared(self, step: float, base: float) -> tuple[float, float | None] | None:
        """The lr and momentum at ``step`` of groups that share the peak ``base``, as two numbers.

        The momentum is None when it is not cycled. The result is None when the schedule has no
        such shortcut, when the groups' momentum anchors differ, or when ``step`` is out of range
        (:meth:`evaluate` then raises); the driver then takes :meth:`evaluate`.
        """
        return None

    def momenta(self, step: float, count: int = 1) -> list[float] | None:
        """The momentum of each of ``count`` groups at ``step``, or None if momentum is not cycled."""
        return self.evaluate(step, [1.0] * count)[1]


class CycledLR(ScheduledLR):
    """Driver of a :class:`CycledSchedule`: writes the lrs, and the momenta where they are cycled."""

    _schedule: CycledSchedule
    _chainable: ClassVar[bool] = False

    #: True when momentum is cycled through ``betas[0]`` (Adam-style), as torch's attribute.
    use_beta1: bool

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
        # Called once every argument is checked: from here on the optimizer is changed.
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
            if schedule.cycle_momentum:  # the momenta themselves are written by the initial step
                for group, low, high in zip(groups, *momentum_anchors(schedule, len(groups))):
                    group["max_momentum"] = high
                    group["base_momentum"] = low
        super().__init__(optimizer, schedule, last_epoch)

    def _start(self, lrs: list[float]) -> None:
        self._bases = list(self._peaks)

    @fast_path
    def get_lr(self) -> list[Any]:
        lrs, self._momenta = self._schedule.evaluate(self.last_epoch, self._bases)
        return lrs

    @fast_path
    def _write(self, groups: list[ParamGroup], lrs: list[Any]) -> None:
        super()._write(groups, lrs)
        if self._momenta is not None:
            write_momenta(groups, self._momenta, self.use_beta1)

    def step(self, epoch: int | None = None) -> None:
        # The hot path: groups that share a peak and momentum anchors (and hold the lr written
        # last) get one lr and one momentum, computed once, written in one loop. Anything else
        # takes the general path: LRScheduler.step, which calls get_lr and _write.
        groups = self.optimizer.param_groups
        written = self._last_lr
        count = len(written)
        if epoch is None and len(groups) == count and self._fast:
            step = self.last_epoch + 1
            bases = self._bases
            base, old = bases[0], written[0]
            if bases[-1] == base and bases.count(base) == count and written.count(old) == count:
                point = self._schedule.shared(step, base)
                if point is not None:
                    new, momentum = point
                    self.last_epoch = step
                    self._step_count += 1
                    if momentum is None or self.use_beta1:
                        for group in groups:
                            if group["lr"] is not old:
                                break
                            group["lr"] = new
                        else:
                            self._last_lr = [new] * count
                            if momentum is not None:
                                write_momenta(groups, [momentum] * count, True)
                            return
                    else:
                        for group in groups:
                            if group["lr"] is not old:
                                break
                            group["lr"] = new
                            group["momentum"] = momentum
                        else:
                            self._last_lr = [new] * count
                            return
                    # An lr changed outside (a tensor, or by hand): _write finishes the step.
                    self._previous_epoch = step - 1
                    self._momenta = None if momentum is None else [momentum] * count
                    self._write(groups, [new] * count)
                    return
        LRScheduler.step(self, epoch)

    def _adopt_groups(self, groups: list[ParamGroup]) -> None:
        """Take in groups added since the last step: a new group's lr is its peak (its ``max_lr``).

        Anchors given as one number apply to the new group as to every other; anchors given per
        group (lists) are extended with the first group's value. The new group then follows the
        schedule from the current step, and its peak and anchors are saved with the state.
        """
        owner = type(self).__name__
        known = len(self._bases)
        check_no_group_removed(owner, groups, known)
        peaks = [group_value(owner, groups, index, "lr") for index in range(known, len(groups))]
        schedule = self._schedule
        if schedule.cycle_momentum and self.use_beta1:
            for index in range(known, len(groups)):
                if not isinstance(groups[index].get("betas"), (list, tuple)):
                    fail(
                        owner,
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
            schedule = schedule.replace(owner, **changes)
        keys = self._new_group_keys(schedule, peaks, known)
        if schedule.cycle_momentum:
            lows, highs = momentum_anchors(schedule, len(groups))
            anchors = list(zip(lows, highs))[known:]
            for key, (low, high) in zip(keys, anchors):
                key["max_momentum"], key["base_momentum"] = high, low
        # Everything is checked; from here on the scheduler and the groups are changed.
        self._schedule = schedule
        for group, key in zip(groups[known:], keys):
            group.update(key)
            self.base_lrs.append(float(key["initial_lr"]))
        self._last_lr = [*self._last_lr, *(group["lr"] for group in groups[known:])]  # a new list, as the base's
        self._bases.extend(peaks)

    #: The config fields that may hold one value per group.
    _per_group_fields: ClassVar[tuple[str, ...]] = ("base_momentum", "max_momentum")

    def _build_schedule(self, owner: str, config: dict[str, Any]) -> Schedule:
        # The schedule alone cannot know the group count: a per-group list of another length
        # would load and fail at the next step(). Checked here, before load_state_dict changes
        # anything, against the groups the loaded state is read for.
        schedule = type(self._schedule).build(owner, config)
        count = len(self.optimizer.param_groups)
        for name in self._per_group_fields:
            per_group(owner, name, getattr(schedule, name), count)
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

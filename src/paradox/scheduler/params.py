"""Schedule any hyperparameter: :class:`ParamScheduler` drives a schedule per key of a param group
(``lr``, ``weight_decay``, ``momentum``, one item of a tuple such as ``betas[1]``, a custom key), per
group if need be, on one clock with one state."""

from __future__ import annotations

import math
from collections.abc import Mapping

from .base import LRScheduler, _nothing, param_groups, warn_config_drift
from .compose import check_schedule
from .schedule import Schedule
from .state import read_values
from .units import Units
from .validate import as_float, check_float, fail, is_tensor, named, naming

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from typing import Any

    from .base import Apply, ParamGroup, SupportsParamGroups

    #: Per group, the schedule of each key it has one for.
    Plan = list[dict[str, Schedule]]

KEY_RULE = "hyperparameter names, or a name and an index ('lr', 'weight_decay', 'betas[1]')"


def parse_key(key: object, where: str = "schedules") -> tuple[str, int | None]:
    """``"betas[1]"`` -> ``("betas", 1)``, ``"lr"`` -> ``("lr", None)``; anything else is refused."""
    if not isinstance(key, str):
        fail(where, f"keyed by {KEY_RULE}", key, kind=True)
    name, bracket, rest = key.partition("[")
    if not name.isidentifier() or (bracket and not (rest[:-1].isdigit() and rest.endswith("]"))):
        fail(where, f"keyed by {KEY_RULE}", key)
    return name, int(rest[:-1]) if bracket else None


def read_key(groups: list[ParamGroup], index: int, key: str) -> float:
    """Group ``index``'s value of ``key`` (``"betas[1]"``: the item of its tuple) as a float, checked:
    a finite number or a one-element tensor."""
    name, item = parse_key(key)
    group, where = groups[index], f"optimizer.param_groups[{index}]"
    if name not in group:
        rule = f"keys every param group it drives holds: param_groups[{index}] holds {sorted(group)}"
        fail("schedules", rule, key)
    value = group[name]
    if item is not None:
        if not isinstance(value, (tuple, list)):
            fail(f"{where}[{name!r}]", f"a tuple or list (scheduled as {key!r})", value, kind=True)
        if item >= len(value):
            fail(f"{where}[{name!r}]", f"a tuple of more than {item} items (scheduled as {key!r})", value)
        value = value[item]
    rule = "a finite number or a one-element tensor"
    number = as_float(f"{where}[{key!r}]", value, rule)
    if not math.isfinite(number):
        fail(f"{where}[{key!r}]", rule, value)
    return number


def write_key(group: ParamGroup, name: str, item: int | None, value: float) -> None:
    """Set ``group[name]`` (its item ``item``, if not None) to ``value``: a tensor is filled in place,
    an item of a tuple is set by building a new tuple (torch's Adam keeps ``betas`` as one), anything
    else is replaced."""
    current = group[name]
    if item is None:
        if is_tensor(current):
            current.fill_(value)
        else:
            group[name] = value
    elif is_tensor(current[item]):
        current[item].fill_(value)
    else:
        items = list(current)
        items[item] = value
        group[name] = tuple(items) if isinstance(current, tuple) else items


class ParamScheduler(LRScheduler):
    r"""Drive any numeric key of the param groups with a schedule: ``lr``, ``weight_decay``,
    ``momentum``, one item of a tuple (``betas[1]``) or a custom key, on one clock.

    Each (group, key) has a base, the group's value of the key at construction, and gets::

        value(t) = schedule(t, base) * lr_scale      (lr_scale: for "lr" only; 1 otherwise)

    so a schedule rises or falls from the base towards its floor (``CosineAnnealing(T_max,
    eta_min=0.1)`` takes a weight decay of 0.01 up to 0.1). Values are written at every step (a
    tensor filled in place, a tuple rebuilt); the lr also follows torch's rules (``initial_lr``,
    ``base_lrs``, ``get_last_lr()``). A key no schedule drives is never written. A group added to
    the optimizer later gets the default schedules (or those for its ``name``), its ``lr_scale`` key
    (else 1), and bases such that the schedule continues from the values it brought (as
    :class:`~paradox.scheduler.ScheduledLR`).

    Args:
        optimizer: any optimizer with ``param_groups`` (as :class:`LRScheduler`).
        schedules: the default schedule per key, ``{"lr": Schedule, "betas[1]": Schedule, ...}``
            (a schedule may be given as its ``to_config()`` dict).
        groups: per-group schedules, overriding the defaults key by key: ``{index or group name:
            {key: Schedule or None}}``; None leaves that key of that group alone.
        layer_decay: layer-wise lr decay, a number in (0, 1]: of ``n`` groups, group ``i`` (0-based)
            gets ``lr_scale = layer_decay ** (n - 1 - i)``, so the last group (the head) keeps its lr.
            Without it, a group's ``lr_scale`` key (timm's convention) is its multiplier.
        steps_per_epoch, total_steps: for schedules given as configs with time strings
            (``{"name": "CosineAnnealing", "T_max": "90ep"}``), as :class:`~paradox.scheduler.Units`.
        last_epoch: as :class:`LRScheduler`.

    Raises:
        TypeError, ValueError: a key that is not a name or ``name[index]``, a key a scheduled group
            lacks, an index out of range or on a value that is not a tuple, a value that is not a
            finite number, an unknown group name or index, a bad ``layer_decay``, or both
            ``layer_decay`` and ``lr_scale`` keys. Nothing is changed.

    >>> from paradox.scheduler import CosineAnnealing, LinearFactor
    >>> optimizer = type("Optimizer", (), {"param_groups": [
    ...     {"lr": 1.0, "weight_decay": 0.01, "betas": (0.9, 0.95)},
    ...     {"lr": 1.0, "weight_decay": 0.0, "betas": (0.9, 0.95), "name": "head"}]})()
    >>> scheduler = ParamScheduler(optimizer, {
    ...     "lr": CosineAnnealing(T_max=4),
    ...     "weight_decay": CosineAnnealing(T_max=4, eta_min=0.1),
    ...     "betas[1]": CosineAnnealing(T_max=4, eta_min=0.999),
    ... }, groups={"head": {"lr": LinearFactor(1.0, 0.5, total_iters=4), "weight_decay": None}})
    >>> for _ in range(4):
    ...     scheduler.step()
    >>> [(g["lr"], round(g["weight_decay"], 6), round(g["betas"][1], 6)) for g in optimizer.param_groups]
    [(0.0, 0.1, 0.999), (0.5, 0.0, 0.999)]
    """

    @named
    def __init__(
        self,
        optimizer: SupportsParamGroups,
        schedules: Mapping[str, Schedule | Mapping[str, Any]],
        *,
        groups: Mapping[int | str, Mapping[str, Schedule | Mapping[str, Any] | None]] | None = None,
        layer_decay: float | None = None,
        steps_per_epoch: int | None = None,
        total_steps: int | None = None,
        last_epoch: int = -1,
    ) -> None:
        found = param_groups(optimizer)
        self._defaults, self._overrides = _read_plan(schedules, groups, Units(steps_per_epoch, total_steps))
        if layer_decay is not None:
            layer_decay = check_float("layer_decay", layer_decay, minimum=0.0, maximum=1.0, min_open=True)
        self.layer_decay = layer_decay
        _check_refs(self._overrides, found)
        plan = _plan_for(self._defaults, self._overrides, found, 0)
        self._scales = self._scales_for(found, 0)
        for index, keys in enumerate(plan):  # every scheduled key is there, before anything changes
            for key in keys:
                if key != "lr":  # LRScheduler checks the lrs
                    read_key(found, index, key)
        self._planned = self._plan = plan  # the plan of the config, and the one followed (after changes of budget)
        self._last_values: dict[str, list[Any]] = {}
        self._incoming: tuple[Plan, list[dict[str, float]]] | None = None
        super().__init__(optimizer, last_epoch)

    @property
    def schedules(self) -> dict[str, list[Schedule | None]]:
        """Per key, the schedule driving it in each group (None where none does), changes of budget included."""
        keys = dict.fromkeys(key for keys in self._plan for key in keys)
        return {key: [keys_.get(key) for keys_ in self._plan] for key in keys}

    # -- the plan: which schedule drives which key of which group -----------------------------

    def _set_plan(self, plan: Plan) -> None:
        """Follow ``plan`` (with the bases and scales set), its groups gathered into runs: per key,
        each schedule with the groups it drives (None: all of them), their bases, and their lr scales
        (None: all 1)."""
        self._plan = plan
        self._slots = {key: parse_key(key) for keys in plan for key in keys}  # written every step: split once
        gathered: dict[tuple[str, int], tuple[str, Schedule, list[int]]] = {}
        for index, keys in enumerate(plan):
            for key, schedule in keys.items():
                gathered.setdefault((key, id(schedule)), (key, schedule, []))[2].append(index)
        self._runs = []
        for key, schedule, members in gathered.values():
            scales = [self._scales[index] for index in members] if key == "lr" else []
            self._runs.append(
                (
                    key,
                    schedule,
                    None if len(members) == len(plan) else members,
                    [self._bases[index][key] for index in members],
                    None if all(scale == 1.0 for scale in scales) else scales,
                )
            )

    def _scales_for(self, groups: list[ParamGroup], start: int) -> list[float]:
        """Each group's lr multiplier: from ``layer_decay`` (groups at construction), else its ``lr_scale``."""
        scaled = [index for index in range(start, len(groups)) if "lr_scale" in groups[index]]
        if self.layer_decay is not None and start == 0:
            if scaled:
                rule = f"None when a group holds 'lr_scale' (param_groups[{scaled[0]}] does: one multiplier per group)"
                fail("layer_decay", rule, self.layer_decay)
            return [self.layer_decay ** (len(groups) - 1 - index) for index in range(len(groups))]
        return [
            check_float(f"optimizer.param_groups[{index}]['lr_scale']", groups[index].get("lr_scale", 1.0), minimum=0.0)
            for index in range(start, len(groups))
        ]

    # -- stepping -------------------------------------------------------------------------------

    def _start(self, lrs: list[float]) -> None:
        groups = self.optimizer.param_groups
        self._bases = [
            {key: self.base_lrs[index] if key == "lr" else read_key(groups, index, key) for key in keys}
            for index, keys in enumerate(self._plan)
        ]
        self._set_plan(self._plan)

    def get_lr(self) -> list[Any]:
        return self._lrs(self._values_at(self.last_epoch))

    def _lrs_at(self, step: int) -> list[Any]:
        self._pending = self._values_at(step)  # the other keys, for _write
        return self._lrs(self._pending)

    def _lrs(self, values: dict[str, list[Any]]) -> list[Any]:
        """Take the lrs out of ``values`` (each group's own where no schedule drives its lr)."""
        lrs = values.pop("lr", None)
        return lrs if lrs is not None else [group["lr"] for group in self.optimizer.param_groups]

    def _values_at(self, step: float) -> dict[str, list[Any]]:
        """Per key, one value per group (None where no schedule drives it; for ``lr``, the group's
        own lr): each schedule evaluated once for all the groups it drives."""
        groups = self.optimizer.param_groups
        out: dict[str, list[Any]] = {}
        for key, schedule, members, bases, scales in self._runs:
            values = schedule.values(step, bases)
            if scales is not None:
                values = [value * scale for value, scale in zip(values, scales)]
            if members is None:  # every group (the usual case): the column as it is
                out[key] = values
                continue
            column = out.get(key) or out.setdefault(key, [None] * len(groups))
            for index, value in zip(members, values):
                column[index] = value
        lrs = out.get("lr")
        if lrs is not None and None in lrs:
            out["lr"] = [group["lr"] if lr is None else lr for group, lr in zip(groups, lrs)]
        return out

    def _write(self, groups: list[ParamGroup], lrs: list[Any]) -> None:
        super()._write(groups, lrs)
        self._write_values(groups, self._pending)

    def _write_values(self, groups: list[ParamGroup], values: dict[str, list[Any]]) -> None:
        """Write every key but ``lr`` (which :meth:`LRScheduler._write` writes) into the groups it drives."""
        for key, column in values.items():
            name, item = self._slots[key]
            for group, value in zip(groups, column):
                if value is None:
                    continue
                if item is None and type(group[name]) is float:  # the usual case, written straight
                    group[name] = value
                else:
                    write_key(group, name, item, value)
            self._last_values[key] = column

    def get_last_values(self) -> dict[str, list[Any]]:
        """The values last written, per key, one per group (None where no schedule drives the key)."""
        return {"lr": self.get_last_lr(), **{key: list(column) for key, column in self._last_values.items()}}

    # -- added groups -----------------------------------------------------------------------------

    @named
    def _adopt_groups(self, groups: list[ParamGroup]) -> None:
        known = len(self._plan)
        plan = _plan_for(self._defaults, self._overrides, groups, known)
        scales = self._scales_for(groups, known)
        brought = [{key: read_key(groups, known + offset, key) for key in keys} for offset, keys in enumerate(plan)]
        super()._adopt_groups(groups)  # checks the lrs, then takes them in
        for keys, values, scale in zip(plan, brought, scales):
            bases = {}
            for key, schedule in keys.items():
                value = values[key] / scale if key == "lr" and scale else values[key]
                base = schedule.rebase(self.last_epoch, value) if self.last_epoch > 0 else None
                bases[key] = value if base is None else base
            self._bases.append(bases)
        self._planned, self._scales = [*self._planned, *plan], [*self._scales, *scales]
        self._set_plan([*self._plan, *plan])

    # -- a changed budget ----------------------------------------------------------------------------

    def _rescaling(self, at: int, total_steps: int) -> Apply:
        plan = _rescaled(self._plan, [(at, total_steps)])

        def apply() -> None:
            self._set_plan(plan)
            self._rescales = (*self._rescales, (at, total_steps))

        return apply

    def _read_rescales(self, events: tuple[tuple[int, int], ...]) -> Apply:
        # Called last by load_state_dict: the plan the loaded config leaves, its keys against the
        # saved bases', then the saved changes of budget on it.
        planned, bases = self._incoming or (self._planned, self._bases)
        self._incoming = None
        for index, (keys, saved) in enumerate(zip(planned, bases)):
            if set(keys) != set(saved):
                rule = f"a base for each key the config schedules in group {index}: {sorted(keys)}"
                fail("state_dict['bases']", rule, sorted(saved))
        with naming(f"{type(self).__name__}.load_state_dict: in state_dict['rescaled']"):
            plan = _rescaled(planned, events)

        def apply() -> None:
            self._planned, self._rescales = planned, events
            self._set_plan(plan)

        return apply

    # -- state ------------------------------------------------------------------------------------------

    def _config(self) -> dict[str, Any]:
        return _plain(self._defaults, self._overrides, self.layer_decay)

    def _extra_state(self) -> dict[str, Any]:
        keys = sorted({key for keys in self._plan for key in keys})
        return {"bases": {key: [bases.get(key) for bases in self._bases] for key in keys}, "lr_scales": self._scales}

    def _read_extra_state(self, state: Mapping[str, Any], count: int) -> Apply:
        saved = state.get("bases")
        if not isinstance(saved, Mapping):
            fail("state_dict['bases']", "a dict of per-group bases, a list per key", saved, kind=True)
        scales = read_values("lr_scales", state.get("lr_scales"), count)
        bases: list[dict[str, float]] = [{} for _ in range(count)]
        for key, column in saved.items():
            parse_key(key, "state_dict['bases']")
            if not isinstance(column, list) or len(column) != count:
                fail(f"state_dict['bases'][{key!r}]", f"a list of {count} values, one per param group", column)
            for index, value in enumerate(column):
                if value is not None:
                    bases[index][key] = check_float(f"state_dict['bases'][{key!r}][{index}]", value)
        self._incoming = (self._planned, bases)

        def apply() -> None:
            self._bases, self._scales = bases, scales

        return apply

    def _read_config(self, saved: dict[str, Any], mode: str) -> Apply:
        live = self._config()
        unknown = sorted(set(saved) - set(live))
        if unknown:
            fail("state_dict['config']", f"a dict of the fields {sorted(live)}", unknown)
        pairs = saved.get("groups", [])
        if not isinstance(pairs, list) or not all(isinstance(pair, list) and len(pair) == 2 for pair in pairs):
            fail("state_dict['config']['groups']", "a list of [group index or name, {key: schedule}] pairs", pairs)
        layer_decay = saved.get("layer_decay")
        if layer_decay is not None:
            layer_decay = check_float("state_dict['config']['layer_decay']", layer_decay, minimum=0.0, maximum=1.0)
        defaults, overrides = _read_plan(saved.get("schedules", {}), dict(pairs))
        restored = _plain(defaults, overrides, layer_decay)
        drift = [key for key in live if restored[key] != live[key]]
        if mode == "live" or not drift:
            return _nothing
        groups = self.optimizer.param_groups
        _check_refs(overrides, groups)
        planned = _plan_for(defaults, overrides, groups, 0)
        self._incoming = (planned, self._incoming[1] if self._incoming else self._bases)

        def apply() -> None:
            warn_config_drift(type(self).__name__, live, restored, drift)
            self._defaults, self._overrides, self.layer_decay = defaults, overrides, layer_decay

        return apply

    def _write_loaded(self, written: list[Any]) -> None:
        super()._write_loaded(written)
        values = self._values_at(self.last_epoch)
        values.pop("lr", None)
        self._write_values(self.optimizer.param_groups, values)


def _plan_for(
    defaults: dict[str, Schedule],
    overrides: dict[int | str, dict[str, Schedule | None]],
    groups: list[ParamGroup],
    start: int,
) -> Plan:
    """The schedules of groups ``start, ...``: ``defaults``, then the overrides of each group's index
    and name (None: that key of that group is not driven)."""
    plan = []
    for index in range(start, len(groups)):
        keys: dict[str, Schedule | None] = dict(defaults)
        for ref in (index, groups[index].get("name")):
            if isinstance(ref, (int, str)) and ref in overrides:
                keys.update(overrides[ref])
        plan.append({key: schedule for key, schedule in keys.items() if schedule is not None})
    return plan


def _read_plan(
    schedules: object, groups: object, units: Units | None = None
) -> tuple[dict[str, Schedule], dict[int | str, dict[str, Schedule | None]]]:
    """The default schedules and the per-group overrides, checked (time strings in configs resolved by ``units``)."""
    units = units or Units()
    if not isinstance(schedules, Mapping):
        fail("schedules", "a dict {key: schedule} ('lr', 'weight_decay', 'betas[1]', ...)", schedules, kind=True)
    defaults = {}
    for key, schedule in schedules.items():
        parse_key(key)
        defaults[key] = check_schedule(f"schedules[{key!r}]", units.resolve(schedule, f"schedules[{key!r}]"))
    overrides: dict[int | str, dict[str, Schedule | None]] = {}
    if groups is not None:
        if not isinstance(groups, Mapping):
            fail("groups", "a dict {group index or name: {key: schedule or None}}", groups, kind=True)
        for ref, keys in groups.items():
            if isinstance(ref, bool) or not isinstance(ref, (int, str)) or not isinstance(keys, Mapping):
                fail(
                    f"groups[{ref!r}]",
                    "a dict {key: schedule or None}, keyed by a group index or name",
                    keys,
                    kind=True,
                )
            overrides[ref] = {}
            for key, schedule in keys.items():
                parse_key(key, f"groups[{ref!r}]")
                overrides[ref][key] = (
                    None if schedule is None else check_schedule(f"groups[{ref!r}][{key!r}]", schedule)
                )
    if not defaults and not any(overrides.values()):
        fail("schedules", "a dict with at least one schedule (here or in groups)", schedules)
    return defaults, overrides


def _rescaled(plan: Plan, events: list[tuple[int, int]] | tuple[tuple[int, int], ...]) -> Plan:
    """``plan`` with the changes of budget ``events`` applied to each distinct schedule once."""
    done: dict[int, Schedule] = {}
    for keys in plan:
        for schedule in keys.values():
            if id(schedule) not in done:
                changed = schedule
                for at, total_steps in events:
                    changed = changed.rescale(at, total_steps)
                done[id(schedule)] = changed
    return [{key: done[id(schedule)] for key, schedule in keys.items()} for keys in plan]


def _plain(
    defaults: dict[str, Schedule], overrides: dict[int | str, dict[str, Schedule | None]], layer_decay: float | None
) -> dict[str, Any]:
    """The config as plain data: ``groups`` as ``[index or name, {key: config or None}]`` pairs (JSON
    keys are strings, and a group may be named ``"0"``)."""
    return {
        "schedules": {key: schedule.to_config() for key, schedule in defaults.items()},
        "groups": [
            [ref, {key: None if schedule is None else schedule.to_config() for key, schedule in keys.items()}]
            for ref, keys in overrides.items()
        ],
        "layer_decay": layer_decay,
    }


def _check_refs(overrides: Mapping[int | str, object], groups: list[ParamGroup]) -> None:
    """Every key of ``groups=`` is the index or the ``name`` of a param group."""
    names = [group["name"] for group in groups if isinstance(group.get("name"), str)]
    for ref in overrides:
        if ref not in names and not (isinstance(ref, int) and 0 <= ref < len(groups)):
            fail("groups", f"keyed by group indices in [0, {len(groups) - 1}] or group names {names}", ref)

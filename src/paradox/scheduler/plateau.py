"""``ReduceLROnPlateau``: cut the lr when a monitored metric stops improving.

Unlike the other schedulers, its lrs are not a function of the step: they depend on the metrics it
has been given. Its state (the best metric so far, the bad-epoch and cooldown counters) is small,
plain and saved in strict JSON, infinities included.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from .base import LRScheduler, fresh_lrs, keep_initial_lrs, param_groups, set_lr, warn_config_drift
from .schedule import Record
from .state import FORMAT, STATE_KEYS, check_mapping, read_config, read_count, read_ours
from .validate import check_float, check_int, fail, is_number, is_tensor, named, to_float

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from typing import Any, ClassVar, Literal

    from .base import ParamGroup, SupportsParamGroups


_MODES = ("min", "max")
_THRESHOLD_MODES = ("rel", "abs")


class _PlateauConfig(Record):
    """The validated config of a ``ReduceLROnPlateau`` (what torch takes as constructor arguments)."""

    def __init__(
        self,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr: float | tuple[float, ...] = 0.0,
        eps: float = 1e-8,
    ) -> None:
        with self._building():
            self.mode = _choice("mode", mode, _MODES)
            self.factor = check_float("factor", factor, minimum=0.0, maximum=1.0, max_open=True)
            self.patience = check_int("patience", patience, minimum=0)
            self.threshold = check_float("threshold", threshold, minimum=0.0)
            self.threshold_mode = _choice("threshold_mode", threshold_mode, _THRESHOLD_MODES)
            self.cooldown = check_int("cooldown", cooldown, minimum=0)
            self.min_lr = _min_lr(min_lr)
            self.eps = check_float("eps", eps, minimum=0.0)

    def to_config(self) -> dict[str, Any]:
        return self.fields()


def _choice(name: str, value: object, allowed: tuple[str, ...]) -> str:
    rule = " or ".join(repr(item) for item in allowed)
    if not isinstance(value, str):
        fail(name, rule, value, kind=True)
    if value not in allowed:
        fail(name, rule, value)
    return value


def _min_lr(value: object) -> float | tuple[float, ...]:
    rule = "a finite number >= 0, or a list of them (one per param group)"
    if isinstance(value, (list, tuple)):
        if not value:
            fail("min_lr", rule, value)
        for item in value:
            if not is_number(item):
                fail("min_lr", rule, value, kind=True)
            if not math.isfinite(to_float(item)) or item < 0:
                fail("min_lr", rule, value)
        return tuple(float(item) for item in value)
    if not is_number(value):
        fail("min_lr", rule, value, kind=True)
    return check_float("min_lr", value, minimum=0.0)


def check_metric(value: Any) -> float:
    """A monitored metric as a float: a real number (or a one-element tensor) that is not NaN.

    Infinities are accepted (a diverged loss of ``inf`` is simply worse than any finite one).
    """
    rule = (
        "a real number that is not NaN, such as the validation loss (a NaN metric usually means "
        "training diverged: stop, or skip the step until the metric is a number again)"
    )
    if is_tensor(value):
        if value.numel() != 1:
            fail("metrics", rule, value)
        number = float(value)
    elif is_number(value):
        number = to_float(value)
    else:
        fail("metrics", rule, value, kind=True)
    if math.isnan(number):
        fail("metrics", rule, value)
    return number


class _Setting:
    """A validated config attribute of ``ReduceLROnPlateau`` (``scheduler.factor = 0.5``)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, instance: ReduceLROnPlateau | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = getattr(instance._settings, self._name)
        return list(value) if isinstance(value, tuple) else value

    def __set__(self, instance: ReduceLROnPlateau, value: Any) -> None:
        instance._replace_settings(**{self._name: value})


def _encode_best(best: float) -> float | str:
    """``best`` in strict JSON: a finite float as itself, an infinity as ``"inf"`` / ``"-inf"``."""
    if math.isinf(best):
        return "inf" if best > 0 else "-inf"
    return best


def _decode_best(value: Any) -> float:
    rule = "a number (not NaN), or 'inf' / '-inf'"
    if value in ("inf", "-inf"):
        return float(str(value))
    if not is_number(value):
        fail("state_dict['best']", rule, value, kind=True)
    number = to_float(value)
    if math.isnan(number):
        fail("state_dict['best']", rule, value)
    return number


class ReduceLROnPlateau(LRScheduler):
    r"""Multiply each group's lr by ``factor`` when a metric has stopped improving.

    Call ``step(metrics)`` once per epoch with the monitored quantity (a validation loss, say). A
    metric is an improvement when it beats the best so far by more than the threshold:

    ========  ===========  ==================================================
    mode      threshold    ``current`` improves on ``best`` when
    ========  ===========  ==================================================
    ``min``   ``rel``      ``current < best - |best| * threshold``
    ``min``   ``abs``      ``current < best - threshold``
    ``max``   ``rel``      ``current > best + |best| * threshold``
    ``max``   ``abs``      ``current > best + threshold``
    ========  ===========  ==================================================

    (For ``best >= 0`` the ``rel`` rules are torch's ``best * (1 -/+ threshold)``; for a negative
    ``best`` torch's rule would count a worse metric as an improvement, ours does not.) Before the
    first metric ``best`` is ``+inf`` (min) or ``-inf`` (max), so the first metric always improves.

    Each metric that does not improve counts one bad epoch; an improvement resets the count. When
    the count exceeds ``patience``, each group's lr becomes ``max(lr * factor, min_lr)`` (the change
    is skipped when it is not larger than ``eps``), the count resets and ``cooldown`` epochs follow
    during which bad epochs are not counted. The lr read is the group's current one, so an lr
    changed by hand, or by another scheduler, is what gets reduced.

    Args:
        optimizer: any object with ``param_groups`` (a list of dicts holding ``"lr"``).
        mode: ``"min"`` (the metric should go down) or ``"max"`` (up). Default: ``"min"``.
        factor: the multiplier of each reduction, a finite number in [0, 1). Default: 0.1.
        patience: bad epochs tolerated before a reduction, an int >= 0. Default: 10.
        threshold: the margin a metric must beat ``best`` by, a finite number >= 0. Default: 1e-4.
        threshold_mode: ``"rel"`` (margin relative to ``|best|``) or ``"abs"``. Default: ``"rel"``.
        cooldown: epochs after a reduction during which bad epochs are not counted, an int >= 0.
            Default: 0.
        min_lr: the lowest lr, a finite number >= 0 for every group or a list with one per group.
            Default: 0.
        eps: the smallest change applied; a smaller reduction is skipped. A finite number >= 0.
            Default: 1e-8.

    Raises:
        TypeError: an argument has the wrong type (``mode=1``, ``patience=2.5``...).
        ValueError: ``mode`` not ``"min"``/``"max"``, ``threshold_mode`` not ``"rel"``/``"abs"``,
            ``factor`` outside [0, 1), a negative ``patience``, ``cooldown``, ``threshold`` or
            ``eps``, a ``min_lr`` list whose length is not the number of param groups, or a bad
            group lr. ``step`` raises for a metric that is NaN (``ValueError``) or not a number
            (``TypeError``).

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 1.0}]})()
    >>> scheduler = ReduceLROnPlateau(optimizer, patience=1, factor=0.5)
    >>> for loss in [3.0, 2.0, 2.0, 2.0, 1.0, 1.5, 1.5]:
    ...     scheduler.step(loss)
    ...     print(loss, scheduler.num_bad_epochs, scheduler.get_last_lr())
    3.0 0 [1.0]
    2.0 0 [1.0]
    2.0 1 [1.0]
    2.0 0 [0.5]
    1.0 0 [0.5]
    1.5 1 [0.5]
    1.5 0 [0.25]
    """

    #: ``step`` takes the monitored metric; composites forward theirs to it.
    _takes_metrics: ClassVar[bool] = True

    mode = _Setting()
    factor = _Setting()
    patience = _Setting()
    threshold = _Setting()
    threshold_mode = _Setting()
    cooldown = _Setting()
    min_lr = _Setting()
    eps = _Setting()

    best: float
    num_bad_epochs: int
    cooldown_counter: int

    @named
    def __init__(
        self,
        optimizer: SupportsParamGroups,
        mode: Literal["min", "max"] = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: Literal["rel", "abs"] = "rel",
        cooldown: int = 0,
        min_lr: Sequence[float] | float = 0,
        eps: float = 1e-8,
    ) -> None:
        groups = param_groups(optimizer)
        settings = _PlateauConfig.build(
            {
                "mode": mode,
                "factor": factor,
                "patience": patience,
                "threshold": threshold,
                "threshold_mode": threshold_mode,
                "cooldown": cooldown,
                "min_lr": min_lr,
                "eps": eps,
            },
        )
        _check_min_lr_count(settings.min_lr, len(groups))
        lrs, base_lrs = fresh_lrs(groups)
        # Everything is checked; from here on the optimizer is changed.
        keep_initial_lrs(groups)
        self.optimizer = optimizer
        self.base_lrs = base_lrs
        self._settings = settings
        self.last_epoch = 0
        self._step_count = 0
        self._last_lr: list[Any] = lrs
        self._reset()

    # -- torch's attributes --------------------------------------------------------------------

    @property
    def mode_worse(self) -> float:
        """The worst value for the mode: ``inf`` for ``"min"``, ``-inf`` for ``"max"``."""
        return math.inf if self._settings.mode == "min" else -math.inf

    @property
    def in_cooldown(self) -> bool:
        """True while the epochs after a reduction are not counted as bad."""
        return self.cooldown_counter > 0

    @property
    def min_lrs(self) -> list[float]:
        """The lowest lr of each param group."""
        value = self._settings.min_lr
        if isinstance(value, tuple):
            return list(value)
        return [value] * len(self.optimizer.param_groups)

    @min_lrs.setter
    def min_lrs(self, value: Sequence[float]) -> None:
        self._replace_settings(min_lr=value)

    @property
    def default_min_lr(self) -> float | None:
        """The ``min_lr`` shared by every group, or None when it was given per group (torch's)."""
        value = self._settings.min_lr
        return None if isinstance(value, tuple) else value

    @named
    def _replace_settings(self, **changes: Any) -> None:
        settings = self._settings.replace(**changes)
        _check_min_lr_count(settings.min_lr, len(self.optimizer.param_groups))
        self._settings = settings

    def _reset(self) -> None:
        self.best = self.mode_worse
        self.num_bad_epochs = 0
        self.cooldown_counter = 0

    def is_better(self, current: float, best: float) -> bool:
        """Whether ``current`` improves on ``best`` by more than the threshold (see the table)."""
        settings = self._settings
        if math.isinf(best):
            margin = 0.0
        elif settings.threshold_mode == "rel":
            margin = abs(best) * settings.threshold
        else:
            margin = settings.threshold
        if settings.mode == "min":
            return current < best - margin
        return current > best + margin

    # -- stepping ------------------------------------------------------------------------------

    def get_lr(self) -> list[Any]:
        """The lrs at the current step: the ones last written (or found) in the param groups."""
        return list(self._last_lr)

    @named
    def step(self, metrics: Any = None) -> None:
        """Judge ``metrics`` and reduce the lrs when it has not improved for ``patience`` epochs.

        Args:
            metrics: the monitored quantity, a number (or one-element tensor) that is not NaN.

        torch's deprecated ``epoch`` argument is not taken; ``last_epoch`` counts the calls.

        Raises:
            TypeError, ValueError: ``metrics`` is missing, not a number or NaN; nothing is changed.
        """
        current = check_metric(metrics)
        target = self.last_epoch + 1
        groups = self.optimizer.param_groups
        min_lrs = self._group_min_lrs(groups)
        if len(groups) != len(self._last_lr):
            self._adopt_groups(groups)  # added groups: checked, then given 'initial_lr' and a base
        self.last_epoch = target
        self._step_count += 1
        if self.is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self._settings.patience:
            self._reduce(groups, min_lrs)
            self.cooldown_counter = self._settings.cooldown
            self.num_bad_epochs = 0
        self._last_lr = [float(group["lr"]) for group in groups]

    @named
    def _group_min_lrs(self, groups: list[ParamGroup]) -> list[float]:
        value = self._settings.min_lr
        if not isinstance(value, tuple):
            return [value] * len(groups)
        if len(value) != len(groups):
            fail(
                "min_lr",
                f"a list of {len(groups)} values, one per param group (the optimizer now has "
                f"{len(groups)} groups: set scheduler.min_lrs to a list of {len(groups)} values)",
                list(value),
            )
        return list(value)

    def _reduce(self, groups: list[ParamGroup], min_lrs: list[float]) -> None:
        factor, eps = self._settings.factor, self._settings.eps
        for group, min_lr in zip(groups, min_lrs):
            old = float(group["lr"])
            new = max(old * factor, min_lr)
            if old - new > eps:
                set_lr(group, new)

    def _restart(self, step: int) -> None:
        """Start again as if built now on the groups' current lrs: no best yet, counters at 0."""
        groups = self.optimizer.param_groups
        if len(groups) != len(self._last_lr):
            self._adopt_groups(groups)
        self._reset()
        self.last_epoch = step
        self._last_lr = [float(group["lr"]) for group in groups]

    # -- state ---------------------------------------------------------------------------------

    def _config(self) -> dict[str, Any]:
        return self._settings.to_config()

    def _extra_state(self) -> dict[str, Any]:
        return {
            "best": _encode_best(self.best),
            "num_bad_epochs": self.num_bad_epochs,
            "cooldown_counter": self.cooldown_counter,
        }

    @named
    def load_state_dict(self, state_dict: Mapping[str, Any], *, config: Literal["saved", "live"] = "saved") -> None:
        """Restore a state from :meth:`state_dict`, or from torch's ``ReduceLROnPlateau``.

        ``best`` may be a number or ``"inf"``/``"-inf"`` (ours) or a float infinity (torch's).
        Everything is validated before anything changes; see :meth:`LRScheduler.load_state_dict`.
        """
        if config not in ("saved", "live"):
            fail("config", "'saved' or 'live'", config)
        state = _read_plateau_state(state_dict, type(self).__name__)
        count = len(self.optimizer.param_groups)
        saved = read_config(state["config"])
        live = self._settings.to_config()
        settings = _PlateauConfig.build({**live, **saved})
        _check_min_lr_count(settings.min_lr, count)
        if state["base_lrs"] is None:  # torch's state has none: keep the live ones
            state = {**state, "base_lrs": self.base_lrs}
        apply_progress = self._read_progress(state, count)
        best = _decode_best(state["best"])
        bad = read_count("num_bad_epochs", state["num_bad_epochs"], minimum=0)
        cooldown = read_count("cooldown_counter", state["cooldown_counter"], minimum=0)
        restored = settings.to_config()
        drift = [key for key in live if restored[key] != live[key]]
        # Everything is checked; from here on the scheduler is changed.
        if config == "saved" and drift:
            warn_config_drift(type(self).__name__, live, restored, drift)
            self._settings = settings
        apply_progress()
        self.best = best
        self.num_bad_epochs = bad
        self.cooldown_counter = cooldown


def _check_min_lr_count(min_lr: float | tuple[float, ...], count: int) -> None:
    if isinstance(min_lr, tuple) and len(min_lr) != count:
        fail("min_lr", f"a number, or a list of {count} values (one per param group)", list(min_lr))


_PLATEAU_KEYS = (*STATE_KEYS, "best", "num_bad_epochs")
_TORCH_CONFIG = ("mode", "factor", "patience", "threshold", "threshold_mode", "cooldown", "eps")


def _read_plateau_state(state: object, class_name: str) -> dict[str, Any]:
    """The envelope of a saved plateau state, ours or torch's, in our layout."""
    state = check_mapping(state)
    if "format" in state:
        return read_ours(state, class_name, (*_PLATEAU_KEYS, "cooldown_counter"))
    torch_keys = ("best", "num_bad_epochs", "cooldown_counter", "last_epoch", "mode", "min_lrs")
    if all(key in state for key in torch_keys):
        config = {key: state[key] for key in _TORCH_CONFIG if key in state}
        default = state.get("default_min_lr")
        config["min_lr"] = default if default is not None else list(state["min_lrs"])
        last_lr = state.get("_last_lr", [])
        return {
            "config": config,
            "last_epoch": state["last_epoch"],
            "step_count": state.get("_step_count", state["last_epoch"]),
            "base_lrs": state.get("base_lrs"),
            "last_lr": last_lr,
            "best": state["best"],
            "num_bad_epochs": state["num_bad_epochs"],
            "cooldown_counter": state["cooldown_counter"],
        }
    fail(
        "state_dict",
        f"a state dict with 'format': {FORMAT!r} or torch's ReduceLROnPlateau keys {list(torch_keys)}",
        sorted(state),
    )


__all__ = ["ReduceLROnPlateau", "check_metric"]

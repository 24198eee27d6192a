"""``ReduceLROnPlateau``: a metric controller that cuts the lr when the metric stops improving."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from .base import STEPPING, LRScheduler, fresh_lrs, keep_initial_lrs, param_groups, set_lr, warn_config_drift
from .schedule import Record
from .state import FORMAT, VERSION, read_count
from .validate import check_float, check_int, fail, is_number, is_tensor, named, naming, to_float

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from typing import Any, ClassVar, Literal

    from .base import Apply, SupportsParamGroups


class _PlateauConfig(Record):
    """The validated config of a ``ReduceLROnPlateau`` (torch's constructor arguments)."""

    def __init__(
        self,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr: float | Sequence[float] = 0.0,
        eps: float = 1e-8,
    ) -> None:
        with self._building():
            self.mode = _choice("mode", mode, ("min", "max"))
            self.factor = check_float("factor", factor, minimum=0.0, maximum=1.0, max_open=True)
            self.patience = check_int("patience", patience, minimum=0)
            self.threshold = check_float("threshold", threshold, minimum=0.0)
            self.threshold_mode = _choice("threshold_mode", threshold_mode, ("rel", "abs"))
            self.cooldown = check_int("cooldown", cooldown, minimum=0)
            self.min_lr = _min_lr(min_lr)
            self.eps = check_float("eps", eps, minimum=0.0)

    def check_groups(self, count: int) -> _PlateauConfig:
        """Itself, once a per-group ``min_lr`` is checked to hold one value per group."""
        if isinstance(self.min_lr, tuple) and len(self.min_lr) != count:
            fail("min_lr", f"a number, or a list of {count} values (one per param group)", list(self.min_lr))
        return self


def _choice(name: str, value: object, allowed: tuple[str, ...]) -> str:
    rule = " or ".join(repr(item) for item in allowed)
    if not isinstance(value, str):
        fail(name, rule, value, kind=True)
    if value not in allowed:
        fail(name, rule, value)
    return value


def _min_lr(value: object) -> float | tuple[float, ...]:
    rule = "a finite number >= 0, or a list of them (one per param group)"
    if not isinstance(value, (list, tuple)):
        if not is_number(value):
            fail("min_lr", rule, value, kind=True)
        return check_float("min_lr", value, minimum=0.0)
    if not value:
        fail("min_lr", rule, value)
    for item in value:
        if not is_number(item):
            fail("min_lr", rule, value, kind=True)
        if not math.isfinite(to_float(item)) or item < 0:
            fail("min_lr", rule, value)
    return tuple(float(item) for item in value)


def check_metric(value: Any) -> float:
    """A monitored metric as a float: anything ``float()`` takes, as torch's ``step`` (a number, a
    one-element tensor or array, a ``Decimal``, a numeric string); an int too large for a float is
    ``inf``. NaN is kept: it improves on nothing, so it counts as a bad epoch, as in torch."""
    rule = "a number (anything float() takes), such as the validation loss"
    if is_tensor(value) and value.numel() != 1:  # float() would raise a RuntimeError
        fail("metrics", rule, value)
    try:
        return to_float(value)
    except (TypeError, ValueError) as error:
        wrong_kind = isinstance(error, TypeError)
    fail("metrics", rule, value, kind=wrong_kind)


class _Setting:
    """A config attribute (``scheduler.factor = 0.5`` builds a new, checked config)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, instance: ReduceLROnPlateau | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = getattr(instance._settings, self._name)
        return list(value) if isinstance(value, tuple) else value

    def __set__(self, instance: ReduceLROnPlateau, value: Any) -> None:
        with naming(type(instance).__name__):
            instance._settings = instance._changed({self._name: value})


class ReduceLROnPlateau(LRScheduler):
    r"""Multiply each group's lr by ``factor`` when a metric has stopped improving.

    Call ``step(metrics)`` once per epoch with the monitored quantity (a validation loss, say). It
    improves on the best so far (at first the worst) when ``current < best - margin`` (mode ``min``)
    or ``current > best + margin`` (``max``), with ``margin = |best| * threshold`` (``rel``) or
    ``threshold`` (``abs``). Else it counts one bad epoch; past ``patience`` of them each group's lr
    becomes ``max(lr * factor, min_lr)`` (unless that changes it by ``eps`` or less), the count resets
    and ``cooldown`` epochs follow in which bad epochs are not counted. A NaN metric improves on
    nothing: it counts as a bad epoch, as in torch.

    Args:
        optimizer: as :class:`LRScheduler`'s.
        mode: ``"min"`` (the metric should go down) or ``"max"`` (up). Default: ``"min"``.
        factor: the multiplier of each reduction, a finite number in [0, 1). Default: 0.1.
        patience: bad epochs tolerated before a reduction, an int >= 0. Default: 10.
        threshold: the margin a metric must beat ``best`` by, a finite number >= 0. Default: 1e-4.
        threshold_mode: ``"rel"`` (margin relative to ``|best|``) or ``"abs"``. Default: ``"rel"``.
        cooldown: epochs after a reduction without bad epochs, an int >= 0. Default: 0.
        min_lr: the lowest lr, a finite number >= 0, or a list with one per group. Default: 0.
        eps: the smallest change applied, a finite number >= 0. Default: 1e-8.

    Raises:
        TypeError, ValueError: an argument of the wrong type or out of its range, a ``min_lr`` list
            not one per param group, or a bad group lr.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 1.0}]})()
    >>> scheduler = ReduceLROnPlateau(optimizer, patience=1, factor=0.5)
    >>> for loss in [2.0, 2.0, 2.0]:
    ...     scheduler.step(loss)
    ...     print(loss, scheduler.num_bad_epochs, scheduler.get_last_lr())
    2.0 0 [1.0]
    2.0 1 [1.0]
    2.0 0 [0.5]
    """

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
        settings = _PlateauConfig(mode, factor, patience, threshold, threshold_mode, cooldown, min_lr, eps)
        settings.check_groups(len(groups))
        self._last_lr, self.base_lrs = fresh_lrs(groups)
        keep_initial_lrs(groups)
        self.optimizer = optimizer
        self._settings = settings
        self._step_count = 0
        self._restart(0)

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
        return list(value) if isinstance(value, tuple) else [value] * len(self.optimizer.param_groups)

    @min_lrs.setter
    def min_lrs(self, value: Sequence[float]) -> None:
        self.min_lr = value

    @property
    def default_min_lr(self) -> float | None:
        """The ``min_lr`` shared by every group, or None when it was given per group (torch's)."""
        value = self._settings.min_lr
        return None if isinstance(value, tuple) else value

    def _changed(self, changes: Mapping[str, Any]) -> _PlateauConfig:
        settings = _PlateauConfig.build({**self._settings.fields(), **changes})
        return settings.check_groups(len(self.optimizer.param_groups))

    def is_better(self, current: float, best: float) -> bool:
        """Whether ``current`` improves on ``best`` by more than the margin."""
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

    def get_lr(self) -> list[Any]:
        return list(self._last_lr)

    @named
    def step(self, metrics: Any = None) -> None:
        """Judge ``metrics`` and reduce the lrs when it has not improved for ``patience`` epochs.

        Args:
            metrics: the monitored quantity: anything ``float()`` takes (a number, a one-element
                tensor or array, a ``Decimal``), as torch's. A NaN counts as a bad epoch, as in torch.

        Raises:
            TypeError, ValueError: ``metrics`` is missing, or ``float()`` refuses it; nothing is changed.
        """
        with STEPPING:
            current = check_metric(metrics)
            groups = self.optimizer.param_groups
            min_lrs, count = self.min_lrs, len(groups)
            if len(min_lrs) != count:  # per group, and groups were added since
                with naming(type(self).__name__):
                    rule = (
                        f"a list of {count} values, one per param group (the optimizer now has {count} groups: "
                        f"set scheduler.min_lrs to a list of {count} values)"
                    )
                    fail("min_lr", rule, min_lrs)
            if count != len(self._last_lr):
                self._adopt_groups(groups)
            self.last_epoch += 1
            self._step_count += 1
            if self.is_better(current, self.best):
                self.best = current
                self.num_bad_epochs = 0
            else:
                self.num_bad_epochs += 1
            if self.in_cooldown:
                self.cooldown_counter -= 1
                self.num_bad_epochs = 0
            settings = self._settings
            if self.num_bad_epochs > settings.patience:
                for group, min_lr in zip(groups, min_lrs):
                    old = float(group["lr"])
                    new = max(old * settings.factor, min_lr)
                    if old - new > settings.eps:
                        set_lr(group, new)
                self.cooldown_counter = settings.cooldown
                self.num_bad_epochs = 0
            self._last_lr = [float(group["lr"]) for group in groups]

    def _restart(self, step: int) -> None:
        groups = self.optimizer.param_groups
        if len(groups) != len(self._last_lr):
            self._adopt_groups(groups)
        self.best, self.num_bad_epochs, self.cooldown_counter = self.mode_worse, 0, 0
        self.last_epoch = step
        self._last_lr = [float(group["lr"]) for group in groups]

    def _config(self) -> dict[str, Any]:
        return self._settings.fields()

    def _extra_state(self) -> dict[str, Any]:
        best = self.best
        return {
            "best": ("inf" if best > 0 else "-inf") if math.isinf(best) else best,
            "num_bad_epochs": self.num_bad_epochs,
            "cooldown_counter": self.cooldown_counter,
        }

    @named
    def load_state_dict(self, state_dict: Mapping[str, Any], *, config: Literal["saved", "live"] = "saved") -> None:
        """Restore a state from :meth:`state_dict`, or from torch's ``ReduceLROnPlateau``; see
        :meth:`LRScheduler.load_state_dict`."""
        state = state_dict
        if isinstance(state, Mapping) and "format" not in state:  # torch's, which saves no base lrs
            keys = ("best", "num_bad_epochs", "cooldown_counter", "last_epoch", "mode", "min_lrs")
            if not all(key in state for key in keys):
                rule = f"a state dict with 'format': {FORMAT!r} or torch's ReduceLROnPlateau keys {list(keys)}"
                fail("state_dict", rule, sorted(state))
            fields = {key: state[key] for key in _PlateauConfig.parameters() if key in state}
            default = state.get("default_min_lr")
            fields["min_lr"] = default if default is not None else list(state["min_lrs"])
            state = {
                "format": FORMAT,
                "version": VERSION,
                "class": type(self).__name__,
                "config": fields,
                "last_epoch": state["last_epoch"],
                "step_count": state.get("_step_count", state["last_epoch"]),
                "base_lrs": state.get("base_lrs", self.base_lrs),
                "last_lr": state.get("_last_lr", []),
                **{key: state[key] for key in keys[:3]},
            }
        super().load_state_dict(state, config=config)

    def _read_extra_state(self, state: Mapping[str, Any], count: int) -> Apply:
        for key in ("best", "num_bad_epochs", "cooldown_counter"):
            if key not in state:
                fail("state_dict", f"a dict holding {key!r}", sorted(state))
        best, rule = state["best"], "a number (not NaN), or 'inf' / '-inf'"
        if best not in ("inf", "-inf") and not is_number(best):
            fail("state_dict['best']", rule, best, kind=True)
        if math.isnan(to_float(best)):
            fail("state_dict['best']", rule, best)
        bad = read_count("num_bad_epochs", state["num_bad_epochs"], minimum=0)
        cooldown = read_count("cooldown_counter", state["cooldown_counter"], minimum=0)

        def apply() -> None:
            self.best, self.num_bad_epochs, self.cooldown_counter = to_float(best), bad, cooldown

        return apply

    def _read_config(self, saved: dict[str, Any], mode: str) -> Apply:
        live, settings = self._settings.fields(), self._changed(saved)
        restored = settings.fields()
        drift = [key for key in live if restored[key] != live[key]]

        def apply() -> None:
            if mode == "saved" and drift:
                warn_config_drift(type(self).__name__, live, restored, drift)
                self._settings = settings

        return apply

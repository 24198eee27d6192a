"""Schedules of user functions (torch's ``lr_lambda``); configs and states hold only their names."""

from __future__ import annotations

import math
import types
from collections.abc import Callable, Mapping, Sequence
from numbers import Real

from .base import ScheduledLR, _nothing, param_groups
from .chain import ChainableLR
from .schedule import SCALAR, Schedule, leaves_float_range
from .state import read_count, read_values
from .validate import check_int, fail, is_number, named, naming, received, to_float

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from typing import Any, ClassVar, TypeVar

    LrLambda = Callable[[int], float]  # step -> factor
    LrLambdas = LrLambda | tuple[LrLambda, ...]
    _L = TypeVar("_L", bound="_FunctionSchedule")
    from .base import Apply, ParamGroup, SupportsParamGroups


_FROM_CONFIG_RULE = "given as a function: a config holds only its name, so build the schedule with the function itself"

#: The most steps one running product may be carried over in one evaluation (one call of each function
#: per step): a longer jump is refused before any call, since it would take minutes or never end.
MAX_PRODUCT_STEPS = 10**6


def check_lambdas(value: object, count: int | None = None) -> LrLambdas:
    """A callable, or a list/tuple of callables (exactly ``count`` of them when given)."""
    if count is None:
        rule = "a function or a non-empty list of functions"
    else:
        rule = f"a function or a list of {count} functions, one per param group"
    names = value if isinstance(value, (list, tuple)) else [value]
    if count is None and names and all(isinstance(name, str) for name in names):
        fail("lr_lambda", _FROM_CONFIG_RULE, value, kind=True)  # a config's names, not functions
    if isinstance(value, (list, tuple)):
        if not all(callable(item) for item in value):
            fail("lr_lambda", rule, value, kind=True)
        if not value or (count is not None and len(value) != count):
            fail("lr_lambda", rule, value)
        return tuple(value)
    if not callable(value):
        fail("lr_lambda", rule, value, kind=True)
    checked: LrLambda = value
    return checked


def function_name(function: object) -> str:
    """A function's name (``'<lambda>'``, ``'warmup'``; a callable object's class name)."""
    name = getattr(function, "__name__", None)
    return name if isinstance(name, str) else type(function).__name__


def _output(owner: str, function: Any, step: int) -> float:
    """``function(step)``, checked: a finite number >= 0; an error names the step."""
    try:
        value = function(step)
    except OverflowError as error:  # 2.0 ** step, say
        raise leaves_float_range(owner, step, f"lr_lambda raised OverflowError: {error}") from error
    if isinstance(value, Real) and is_number(value):
        number = to_float(value)
        if math.isfinite(number) and number >= 0.0:
            return number
    raise (ValueError if is_number(value) else TypeError)(
        f"{owner}: lr_lambda must return a finite number >= 0.0. Received: {received('output', value)} at epoch={step}"
    )


class _FunctionSchedule(Schedule):
    """A schedule whose only config is ``lr_lambda``: one function, or one per group."""

    def __init__(self, lr_lambda: LrLambdas) -> None:
        with self._building():
            self.lr_lambda = check_lambdas(lr_lambda)

    def functions(self, count: int) -> list[LrLambda]:
        """The function of each of ``count`` groups."""
        if not isinstance(self.lr_lambda, tuple):
            return [self.lr_lambda] * count
        if len(self.lr_lambda) != count:
            raise ValueError(
                f"{type(self).__name__}: {len(self.lr_lambda)} lr_lambda functions cannot serve "
                f"{count} param groups; give one function, or one per group"
            )
        return list(self.lr_lambda)

    def products(
        self, starts: Sequence[int], stop: int, count: int, firsts: Sequence[float] | None = None
    ) -> list[float]:
        """For each group ``i``: ``firsts[i]`` (default 1.0) times its function at each step
        ``starts[i] + 1 .. stop``, multiplied in step order: bit for bit a scheduler's running product;
        ``starts`` of ``step - 1`` give each function's value at ``step``.

        Raises:
            ValueError: a range longer than :data:`MAX_PRODUCT_STEPS` steps, before any call.
        """
        start = min(starts, default=stop)
        if stop - start > MAX_PRODUCT_STEPS:
            raise ValueError(
                f"{self._owner}: step {stop} is {stop - start} steps after step {start}, the last step whose "
                f"product of lr_lambda is known; one evaluation multiplies the factors of at most "
                f"{MAX_PRODUCT_STEPS:,} steps (reach step {stop} in shorter jumps). Received: step={stop!r} (int)"
            )
        functions = self.functions(count)
        done: dict[tuple[int, int, float], float] = {}
        keys = [
            (id(f), start, 1.0 if firsts is None else firsts[i]) for i, (f, start) in enumerate(zip(functions, starts))
        ]
        for function, key in zip(functions, keys):
            if key not in done:
                product = key[2]
                for step in range(key[1] + 1, stop + 1):
                    product *= _output(self._owner, function, step)
                done[key] = product
        return [done[key] for key in keys]

    def __repr__(self) -> str:
        shown = self.to_config()["lr_lambda"]
        if isinstance(shown, list):
            shown = "[" + ", ".join(shown) + "]"
        return f"{type(self).__name__}(lr_lambda={shown})"

    def to_config(self) -> dict[str, Any]:
        """The class and the functions' names: enough to describe the schedule, not to rebuild it."""
        functions = self.lr_lambda
        shown = [function_name(f) for f in functions] if isinstance(functions, tuple) else function_name(functions)
        return {"name": type(self).__name__, "lr_lambda": shown}

    @classmethod
    @named
    def from_config(cls: type[_L], config: Mapping[str, Any], **units: int | None) -> _L:
        """Always refused: a config holds only the functions' names; pass the functions instead."""
        name = config.get("lr_lambda") if isinstance(config, Mapping) else config
        fail("lr_lambda", _FROM_CONFIG_RULE, name, kind=True)


class LambdaFactor(_FunctionSchedule):
    r"""Scale by a user function of the step.

    Formula: ``value(t) = base * lr_lambda(t)``; with one function per group, group ``i`` uses
    ``lr_lambda[i]``.

    Args:
        lr_lambda: a function of the step (an int) returning a finite number >= 0, or a non-empty
            list of such functions, one per group.

    Raises:
        TypeError, ValueError: ``lr_lambda`` is not such a function or list; when evaluated, a
            function returns no number or a negative or non-finite one.

    >>> def halve(step):
    ...     return 0.5 ** step
    >>> schedule = LambdaFactor(lr_lambda=halve)
    >>> schedule.simulate(4, base=1.0)
    [1.0, 0.5, 0.25, 0.125]
    >>> schedule.to_config()
    {'name': 'LambdaFactor', 'lr_lambda': 'halve'}
    """

    def factor(self, step: Any, xp: Any = SCALAR) -> Any:
        return self.products([int(step) - 1], int(step), 1)[0]

    def values(self, step: Any, bases: Sequence[float], xp: Any = SCALAR) -> list[Any]:
        factors = self.products([int(step) - 1] * len(bases), int(step), len(bases))
        values = [base * factor for base, factor in zip(bases, factors)]
        if not all(value < math.inf for value in values):
            raise leaves_float_range(self._owner, step, "a finite factor times a base overflowed")
        return values


class MultiplicativeDecay(_FunctionSchedule):
    r"""Multiply by a user function of the step at every step.

    Formula: ``value(t) = base * lr_lambda(1) * lr_lambda(2) * ... * lr_lambda(t)`` (``base`` at
    ``t = 0``); with one function per group, group ``i`` uses ``lr_lambda[i]``.

    Args and Raises as :class:`LambdaFactor`; a step that is not a whole number >= 0 is refused too,
    and so is a step above :data:`MAX_PRODUCT_STEPS` (10**6: the product calls each function once per
    step, so a longer one would take minutes; refused before any call).

    >>> MultiplicativeDecay(lr_lambda=lambda step: 0.5).simulate(4, base=1.0)
    [1.0, 0.5, 0.25, 0.125]
    """

    def factor(self, step: Any, xp: Any = SCALAR) -> Any:
        return self.products([0], check_int("step", step, minimum=0), 1)[0]

    def values(self, step: Any, bases: Sequence[float], xp: Any = SCALAR) -> list[Any]:
        products = self.products([0] * len(bases), check_int("step", step, minimum=0), len(bases))
        return self.scaled(step, bases, products)

    def scaled(self, step: int, bases: Sequence[float], products: Sequence[float]) -> list[float]:
        """Each base times its running product at ``step``; a value past the float range raises."""
        values = [base * product for base, product in zip(bases, products)]
        if not all(value < math.inf for value in values):  # a growing product left the float range
            raise leaves_float_range(self._owner, step, f"products={list(products)!r}")
        return values

    def simulate(self, steps: int, base: float = 1.0, *, exact: bool = False) -> list[float]:
        """As :meth:`Schedule.simulate`, carrying the product from each step to the next: one call of
        the function per step (evaluating each step afresh would take ``steps**2 / 2`` calls)."""
        with naming(type(self).__name__):
            count = check_int("steps", steps, minimum=0)
        values, products = [], [1.0]
        for step in range(count):
            products = self.products([step - 1], step, 1, products) if step else products
            values.extend(self.scaled(step, [base], products))
        return values


class _LambdaLR(ScheduledLR):
    """What LambdaLR and MultiplicativeLR share: functions as arguments, names in the state."""

    _schedule: _FunctionSchedule
    _kind: ClassVar[type[_FunctionSchedule]]

    @named
    def __init__(
        self, optimizer: SupportsParamGroups, lr_lambda: LrLambda | list[LrLambda], last_epoch: int = -1
    ) -> None:
        super().__init__(optimizer, self._kind(check_lambdas(lr_lambda, len(param_groups(optimizer)))), last_epoch)

    @property
    def lr_lambdas(self) -> list[LrLambda]:
        """The function of each param group (torch's attribute)."""
        return self._schedule.functions(len(self.base_lrs))

    def _adopt_groups(self, groups: list[ParamGroup]) -> None:
        functions = self._schedule.lr_lambda
        if isinstance(functions, tuple) and len(groups) > len(functions):
            raise ValueError(
                f"{type(self).__name__}: a param group was added, but lr_lambda holds one function per "
                f"group for {len(functions)} groups. Build the scheduler with a single function to let "
                f"groups be added. Received: {len(groups)} param groups"
            )
        super()._adopt_groups(groups)

    def _keep_attributes(self) -> Apply:
        """A function that puts back the attributes of the callable objects among the functions as they
        are now: loading torch's state updates them, so a composite whose load fails undoes that too."""
        kept = [
            (function, dict(function.__dict__))
            for function in self._schedule.functions(len(self.base_lrs))
            if not isinstance(function, types.FunctionType) and isinstance(getattr(function, "__dict__", None), dict)
        ]

        def restore() -> None:
            for function, attributes in kept:
                function.__dict__.clear()
                function.__dict__.update(attributes)

        return restore

    def _config(self) -> dict[str, Any]:
        return {}

    def _read_config(self, saved: dict[str, Any], mode: str) -> Apply:
        if saved:
            fail("config", "made of the fields []", sorted(saved))
        return _nothing

    def _extra_state(self) -> dict[str, Any]:
        return {**super()._extra_state(), "lr_lambdas": [function_name(f) for f in self.lr_lambdas]}

    def _read_extra_state(self, state: Mapping[str, Any], count: int) -> Apply:
        apply_base = super()._read_extra_state(state, count)
        functions = self._schedule.functions(count)
        entries = state["torch"].get("lr_lambdas") if "torch" in state else None
        updates: list[tuple[Any, dict[str, Any]]] = []
        if entries is not None:  # torch's: per group, None or a callable object's __dict__
            if not isinstance(entries, (list, tuple)) or len(entries) != count:
                rule = f"a list of {count} entries (None or a dict), one per param group"
                fail("state_dict['lr_lambdas']", rule, entries, kind=not isinstance(entries, (list, tuple)))
            for index, (function, entry) in enumerate(zip(functions, entries)):
                if entry is not None and not isinstance(entry, Mapping):
                    fail(f"state_dict['lr_lambdas'][{index}]", "None or a dict", entry, kind=True)
                if entry is not None and not isinstance(function, types.FunctionType):
                    if not isinstance(getattr(function, "__dict__", None), dict):
                        rule = f"None (the function {function_name(function)!r} has no attributes to restore)"
                        fail(f"state_dict['lr_lambdas'][{index}]", rule, entry, kind=True)
                    updates.append((function, dict(entry)))
        elif "lr_lambdas" in state or "torch" not in state:  # ours: the functions' names
            if "lr_lambdas" not in state:
                fail("state_dict", "a dict holding 'lr_lambdas'", sorted(state))
            saved, names = state["lr_lambdas"], [function_name(function) for function in functions]
            if not isinstance(saved, list):
                fail("state_dict['lr_lambdas']", f"a list of {count} function names", saved, kind=True)
            if saved != names:
                rule = f"the names of the live lr_lambda functions {names} (build the scheduler with the same "
                fail("state_dict['lr_lambdas']", rule + "functions as the run that saved it)", saved)

        def apply() -> None:
            apply_base()
            for function, entry in updates:  # torch restores a callable object's attributes
                function.__dict__.update(entry)

        return apply


class LambdaLR(_LambdaLR):
    r"""Set each group's lr to its base lr times a function of the epoch.

    Formula and arguments as :class:`LambdaFactor`, plus ``optimizer`` and ``last_epoch`` (as
    :class:`LRScheduler`). ``state_dict()`` holds the functions' names: pass the same functions to
    the scheduler that loads it.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.1}, {"lr": 1.0}]})()
    >>> scheduler = LambdaLR(optimizer, lr_lambda=[lambda t: 0.5 ** t, lambda t: 1 / (t + 1)])
    >>> for epoch in range(2):
    ...     scheduler.step()
    >>> [round(lr, 6) for lr in scheduler.get_last_lr()]
    [0.025, 0.333333]
    >>> scheduler.state_dict()["lr_lambdas"]
    ['<lambda>', '<lambda>']
    """

    _kind = LambdaFactor


class MultiplicativeLR(_LambdaLR, ChainableLR):
    r"""Multiply each group's lr by a function of the epoch at every epoch.

    Formula and arguments as :class:`MultiplicativeDecay`, plus ``optimizer`` and ``last_epoch``
    (as :class:`LRScheduler`); functions are saved by name, as for :class:`LambdaLR`. The running
    product is kept, so a step costs one call of each function, and ``step(epoch)`` forward one call
    per step passed. A jump of more than :data:`MAX_PRODUCT_STEPS` (10**6) steps past the last product
    known (the last step taken; after a jump back, the step an lr set by hand was taken up at, or 0)
    raises ``ValueError`` before any call: reach it in shorter jumps. torch's state dict resumes from
    its last lrs, as torch does, at the cost of one call per step.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.1}]})()
    >>> scheduler = MultiplicativeLR(optimizer, lr_lambda=lambda epoch: 0.9)
    >>> for epoch in range(3):
    ...     scheduler.step()
    >>> round(optimizer.param_groups[0]["lr"], 12)
    0.0729
    """

    _schedule: MultiplicativeDecay
    _kind = MultiplicativeDecay

    def _start(self, lrs: list[float]) -> None:
        super()._start(lrs)
        count = len(self._bases)
        self._anchors = [0] * count  # per group: the step its base applies from
        self._products = [1.0] * count  # per group: its function's product over anchor + 1 .. product_step
        self._product_step = 0  # -1: recompute the products at the next step

    def _adopted(self, lrs: list[float]) -> None:
        # As torch's: a group added at step t gets its lr times the factors from step t + 1 on.
        step = max(self.last_epoch, 0)
        self._bases.extend(lrs)
        self._anchors.extend([step] * len(lrs))
        self._products.extend([1.0] * len(lrs))

    def _taken_up(self, index: int, lr: float, scheduled: Any) -> Any:
        # torch multiplies the lr it finds: continue from it, as set at the previous step.
        previous, step, count = max(self._previous_epoch, 0), self.last_epoch, len(self._bases)
        product = self._schedule.products([previous] * count, step, count)[index] if step > previous else 1.0
        self._bases[index] = lr
        self._anchors[index] = previous
        self._products[index] = product
        return lr * product

    def _scheduled(self, step: float) -> list[Any]:
        step, count, known = int(step), len(self._bases), self._product_step
        if step == known:
            products = self._products
        elif 0 <= known < step:  # on from the products known: one call per function and step
            starts = [max(anchor, known) for anchor in self._anchors]
            firsts = [product if anchor <= known else 1.0 for product, anchor in zip(self._products, self._anchors)]
            products = self._schedule.products(starts, step, count, firsts)
        else:
            products = self._schedule.products(self._anchors, step, count)
        lrs = self._schedule.scaled(step, self._bases, products)
        self._products = products
        self._product_step = step
        return lrs

    def _extra_state(self) -> dict[str, Any]:
        return {
            **super()._extra_state(),
            "anchors": list(self._anchors),
            "products": list(self._products),
            "product_step": self._product_step,
        }

    def _read_extra_state(self, state: Mapping[str, Any], count: int) -> Apply:
        apply_base = super()._read_extra_state(state, count)
        last_epoch = read_count("last_epoch", state["last_epoch"], minimum=-1)
        bases: list[float] | None = None
        if "products" not in state:  # torch's: go on from its last lrs, as torch multiplies them
            bases = read_values("last_lr", state["last_lr"], count)
            anchors, products, product_step = [max(last_epoch, 0)] * count, [1.0] * count, last_epoch
        else:
            saved = state.get("anchors")
            if not isinstance(saved, (list, tuple)) or len(saved) != count:
                fail("state_dict['anchors']", f"a list of {count} ints >= 0", saved, kind=True)
            anchors = [read_count(f"anchors[{i}]", value, minimum=0) for i, value in enumerate(saved)]
            products = read_values("products", state["products"], count)
            product_step = read_count("product_step", state.get("product_step"), minimum=-1)
            # The products are those of this step, or of the next for a child waiting in a SequentialLR
            # (its last_epoch is set back to -1); -1: recompute them from the anchors at the next step.
            if product_step not in (-1, last_epoch, last_epoch + 1):
                rule = f"-1, state_dict['last_epoch'] ({last_epoch}) or the step after it"
                fail("state_dict['product_step']", rule, product_step)
            if product_step == -1 and last_epoch + 1 - min(anchors) > MAX_PRODUCT_STEPS:
                rule = (
                    f"state_dict['last_epoch'] ({last_epoch}): -1 recomputes the products from the anchors "
                    f"{min(anchors)}, and one evaluation covers at most {MAX_PRODUCT_STEPS:,} steps"
                )
                fail("state_dict['product_step']", rule, product_step)

        def apply() -> None:
            apply_base()
            self._anchors, self._products, self._product_step = anchors, products, product_step
            if bases is not None:
                self._bases = bases

        return apply

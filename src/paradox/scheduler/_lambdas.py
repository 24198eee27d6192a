"""Schedules built from user functions: torch's ``lr_lambda`` for LambdaLR and MultiplicativeLR.

A function cannot be saved as plain data, so these schedules' configs hold only the functions'
names: :meth:`from_config` refuses to rebuild them and asks for the functions instead.
"""

from __future__ import annotations

import math
from _collections_abc import Callable, Mapping, Sequence
from numbers import Real

from ._schedule import Schedule, leaves_float_range
from ._validate import check_int, fail, is_number, to_float

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeVar

    #: A user factor function: step -> multiplicative factor.
    LrLambda = Callable[[int], float]
    #: One function for every group, or one per group.
    LrLambdas = LrLambda | tuple[LrLambda, ...]

    _L = TypeVar("_L", bound="_FunctionSchedule")


_FROM_CONFIG_RULE = "given as a function: a config holds only its name, so build the schedule with the function itself"


def check_lambdas(owner: str, value: object, count: int | None = None) -> LrLambdas:
    """A callable, or a list/tuple of callables (exactly ``count`` of them when given)."""
    if count is None:
        rule = "a function or a non-empty list of functions"
    else:
        rule = f"a function or a list of {count} functions, one per param group"
    names = value if isinstance(value, (list, tuple)) else [value]
    if count is None and names and all(isinstance(name, str) for name in names):
        fail(owner, "lr_lambda", _FROM_CONFIG_RULE, value, kind=True)  # a config's names, not functions
    if isinstance(value, (list, tuple)):
        if not all(callable(item) for item in value):
            fail(owner, "lr_lambda", rule, value, kind=True)
        if not value or (count is not None and len(value) != count):
            fail(owner, "lr_lambda", rule, value)
        return tuple(value)
    if not callable(value):
        fail(owner, "lr_lambda", rule, value, kind=True)
    checked: LrLambda = value
    return checked


def function_name(function: object) -> str:
    """A function's name (``'<lambda>'``, ``'warmup'``; a callable object's class name)."""
    name = getattr(function, "__name__", None)
    if not isinstance(name, str):
        name = type(function).__name__
    return name


class _FunctionSchedule(Schedule):
    """A schedule whose only config is ``lr_lambda``: one function, or one per group."""

    lr_lambda: LrLambdas

    def _check(self, owner: str) -> None:
        self._set("lr_lambda", check_lambdas(owner, self.lr_lambda))

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

    def evaluate(self, step: int, count: int, owner: str | None = None) -> list[float]:
        """Each of ``count`` groups' function at ``step``, checked; each function is called once."""
        owner = owner or type(self).__name__
        seen: dict[int, float] = {}
        out = []
        for function in self.functions(count):
            key = id(function)
            if key not in seen:
                seen[key] = _check_output(owner, step, _call(owner, function, step))
            out.append(seen[key])
        return out

    def names(self, count: int) -> list[str]:
        """The functions' names, one per group."""
        return [function_name(function) for function in self.functions(count)]

    def __repr__(self) -> str:
        if isinstance(self.lr_lambda, tuple):
            shown = "[" + ", ".join(function_name(f) for f in self.lr_lambda) + "]"
        else:
            shown = function_name(self.lr_lambda)
        return f"{type(self).__name__}(lr_lambda={shown})"

    def to_config(self) -> dict[str, Any]:
        """The class and the functions' names: enough to describe the schedule, not to rebuild it."""
        if isinstance(self.lr_lambda, tuple):
            return {"name": type(self).__name__, "lr_lambda": [function_name(f) for f in self.lr_lambda]}
        return {"name": type(self).__name__, "lr_lambda": function_name(self.lr_lambda)}

    @classmethod
    def from_config(cls: type[_L], config: Mapping[str, Any]) -> _L:
        """Always refused: a config holds only the functions' names; pass the functions instead."""
        name = config.get("lr_lambda") if isinstance(config, Mapping) else config
        fail(f"{cls.__name__}.from_config", "lr_lambda", _FROM_CONFIG_RULE, name, kind=True)


def _call(owner: str, function: Any, step: int) -> object:
    """``function(step)``; an ``OverflowError`` inside it (``2.0 ** step``) names the step instead."""
    try:
        return function(step)
    except OverflowError as error:
        raise leaves_float_range(owner, step, f"lr_lambda raised OverflowError: {error}") from error


def _check_output(owner: str, step: int, value: object) -> float:
    """A function's output: a finite number >= 0; the message names the step it was called at."""
    if isinstance(value, Real) and is_number(value):
        number = to_float(value)
        if math.isfinite(number) and number >= 0.0:
            return number
    raise (ValueError if is_number(value) else TypeError)(
        f"{owner}: lr_lambda must return a finite number >= 0.0. "
        f"Received: output={value!r} ({type(value).__name__}) at epoch={step}"
    )


class LambdaFactor(_FunctionSchedule):
    r"""Scale by a user function of the step.

    Formula: ``value(t) = base * lr_lambda(t)``; with one function per group, group ``i`` uses
    ``lr_lambda[i]``.

    Args:
        lr_lambda: a function of the step (an int) returning a finite number >= 0, or a non-empty
            list of such functions, one per group.

    Raises:
        TypeError: ``lr_lambda`` is not a function or a list of functions; a function returns a
            non-number (raised when evaluated).
        ValueError: an empty list; a function returns a negative or non-finite number.

    >>> def halve(step):
    ...     return 0.5 ** step
    >>> schedule = LambdaFactor(lr_lambda=halve)
    >>> schedule
    LambdaFactor(lr_lambda=halve)
    >>> schedule.simulate(4, base=1.0)
    [1.0, 0.5, 0.25, 0.125]
    >>> schedule.to_config()
    {'name': 'LambdaFactor', 'lr_lambda': 'halve'}
    """

    def factor(self, step: float) -> float:
        return self.evaluate(int(step), 1)[0]

    def values(self, step: float, bases: Sequence[float]) -> list[float]:
        values = [base * factor for base, factor in zip(bases, self.evaluate(int(step), len(bases)))]
        if not all(value < math.inf for value in values):
            raise leaves_float_range(self._owner, step, "a finite factor times a base overflowed")
        return values


class MultiplicativeDecay(_FunctionSchedule):
    r"""Multiply by a user function of the step at every step.

    Formula: ``value(t) = base * lr_lambda(1) * lr_lambda(2) * ... * lr_lambda(t)`` (``base`` at
    ``t = 0``); with one function per group, group ``i`` uses ``lr_lambda[i]``. Evaluated from
    scratch this costs ``t`` calls; :class:`~paradox.scheduler.MultiplicativeLR` keeps the running
    product so that a step costs one call.

    Args:
        lr_lambda: a function of the step (an int) returning a finite number >= 0, or a non-empty
            list of such functions, one per group.

    Raises:
        TypeError: ``lr_lambda`` is not a function or a list of functions; a function returns a
            non-number (raised when evaluated).
        ValueError: an empty list; a function returns a negative or non-finite number; a step is
            not a whole number >= 0.

    >>> def shrink(step):
    ...     return 0.5
    >>> schedule = MultiplicativeDecay(lr_lambda=shrink)
    >>> schedule.simulate(4, base=1.0)
    [1.0, 0.5, 0.25, 0.125]
    """

    def factor(self, step: float) -> float:
        return self.products([0], check_int(type(self).__name__, "step", step, minimum=0), 1)[0]

    def products(self, starts: Sequence[int], stop: int, count: int, owner: str | None = None) -> list[float]:
        """For each group ``i``: the product of its function over steps ``starts[i] + 1 .. stop``.

        An empty range gives 1.0. The product is taken in step order, so it equals, bit for bit,
        the running product a scheduler keeps step by step.
        """
        owner = owner or type(self).__name__
        functions = self.functions(count)
        out: list[float] = []
        done: dict[tuple[int, int], float] = {}
        for function, start in zip(functions, starts):
            key = (id(function), start)
            if key not in done:
                product = 1.0
                for step in range(start + 1, stop + 1):
                    product *= _check_output(owner, step, _call(owner, function, step))
                done[key] = product
            out.append(done[key])
        return out

    def values(self, step: float, bases: Sequence[float]) -> list[float]:
        stop = check_int(type(self).__name__, "step", step, minimum=0)
        products = self.products([0] * len(bases), stop, len(bases))
        return [base * product for base, product in zip(bases, products)]

"""Argument checks shared by every schedule and scheduler, raising before anything is changed::

    <Owner>: <param> must be <rule>. Received: <param>=<value!r> (<type>)

``TypeError`` for a value of the wrong kind (``bool`` is never a number), ``ValueError`` for one that
breaks the rule; ``<Owner>`` is the entry point the user called (:class:`naming`).
"""

from __future__ import annotations

import math
from contextvars import ContextVar
from numbers import Integral, Real

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, NoReturn, TypeVar

    _F = TypeVar("_F", bound=Callable[..., Any])


#: How deep the lists and dicts of a config (nested schedules' configs, a spec's calls) may go: far
#: beyond any real schedule, and far within Python's recursion limit (each level is read in turn).
MAX_DEPTH = 32

_OWNER: ContextVar[str] = ContextVar("paradox_scheduler_owner", default="")


def owner_name() -> str:
    """The entry point named in error messages raised now (``"StepLR"``, ``"StepLR.step"``)."""
    return _OWNER.get() or "paradox.scheduler"


def named(method: _F) -> _F:
    """Run a method with its entry point named in errors: ``StepLR.load_state_dict`` for a public
    method, ``StepLR`` for ``__init__`` and private ones (the class called)."""
    function: Any = method
    suffix = "" if function.__name__.startswith("_") else "." + function.__name__

    def entry(self: object, *args: Any, **kwargs: Any) -> Any:
        cls = self if isinstance(self, type) else type(self)  # a classmethod's first argument is the class
        with naming(cls.__name__ + suffix):
            return function(self, *args, **kwargs)

    for key in ("__module__", "__name__", "__qualname__", "__doc__"):
        setattr(entry, key, getattr(function, key))
    untyped: Any = entry
    untyped.__wrapped__ = function  # inspect.signature() shows the method's own parameters
    wrapped: _F = untyped
    return wrapped


class naming:
    """Name ``owner`` in the errors raised inside the ``with`` block; ``outer=True`` keeps a name
    already set (a ``StepDecay`` built by ``StepLR`` reports as ``StepLR``)."""

    __slots__ = ("_name", "_outer", "_token")

    def __init__(self, name: str, *, outer: bool = False) -> None:
        self._name = name
        self._outer = outer

    def __enter__(self) -> str:
        current = _OWNER.get()
        if self._outer and current:
            self._token = None
            return current
        self._token = _OWNER.set(self._name)
        return self._name

    def __exit__(self, *exc: object) -> None:
        if self._token is not None:
            _OWNER.reset(self._token)


def received(name: str, value: object) -> str:
    """``name=<value> (<type>)`` for the end of an error message, the value cut short as :mod:`reprlib`
    does (3 levels deep, 12 items a level, 300 characters in all) with its length when a list, dict
    or string is cut: whatever was received, the message stays short and showing it never recurses."""
    import reprlib  # only on the way to an error

    cut = reprlib.Repr()
    cut.maxlevel = 3
    cut.maxlist = cut.maxtuple = cut.maxdict = cut.maxset = cut.maxfrozenset = cut.maxdeque = cut.maxarray = 12
    cut.maxstring = cut.maxother = cut.maxlong = 300
    try:
        shown = cut.repr(value)
    except Exception:  # a __repr__ that fails or recurses without end; an int of more than 4300 digits
        shown = f"<{type(value).__name__} of {value.bit_length()} bits>" if isinstance(value, int) else "<unprintable>"
    described = type(value).__name__
    if len(shown) > 300:
        shown = shown[:297] + "..."
    if "..." in shown and isinstance(value, (str, bytes, list, tuple, dict, set, frozenset)):
        described += f" of length {len(value)}"
    return f"{name}={shown} ({described})"


def fail(name: str, rule: str, value: object, *, kind: bool = False) -> NoReturn:
    """Raise the standard message; ``kind=True`` raises ``TypeError`` instead of ``ValueError``."""
    message = f"{owner_name()}: {name} must be {rule}. Received: {received(name, value)}"
    raise (TypeError if kind else ValueError)(message)


def is_number(value: object) -> bool:
    """True for a real number that is not a bool (ints, floats, numpy scalars)."""
    return isinstance(value, Real) and not isinstance(value, bool)


def to_float(value: Any) -> float:
    """``float(value)``, with an int too large for a float as ``inf`` (not an ``OverflowError``)."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def check_int(name: str, value: Any, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return ``value`` as an ``int``; it must be an integer (not a bool) in ``[minimum, maximum]``."""
    if maximum is not None:
        rule = f"an int in [{minimum}, {maximum}]"
    else:
        rule = "an int" if minimum is None else f"an int >= {minimum}"
    if isinstance(value, bool) or not isinstance(value, Integral):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            fail(name, rule, value, kind=not isinstance(value, float))
    number = int(value)
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        fail(name, rule, value)
    return number


#: The largest step count a schedule takes (a length, a period): steps are computed in floats,
#: which count every int exactly up to 2**53.
MAX_STEPS = 2**53


def check_steps(name: str, value: Any, *, minimum: int = 1) -> int:
    """Return ``value`` as an ``int`` step count in ``[minimum, 2**53]`` (:data:`MAX_STEPS`)."""
    number = check_int(name, value, minimum=minimum)
    if number > MAX_STEPS:
        fail(name, f"an int in [{minimum}, 2**53] (steps are counted in floats)", value)
    return number


def check_float(
    name: str,
    value: Any,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    min_open: bool = False,
    max_open: bool = False,
) -> float:
    """Return ``value`` as a finite ``float`` within the given (open or closed) bounds."""
    rule = _range_rule(minimum, maximum, min_open, max_open)
    if not is_number(value):
        fail(name, rule, value, kind=True)
    number = to_float(value)
    if not math.isfinite(number):
        fail(name, rule, value)
    if minimum is not None and (number < minimum or (min_open and number == minimum)):
        fail(name, rule, value)
    if maximum is not None and (number > maximum or (max_open and number == maximum)):
        fail(name, rule, value)
    return number


def _range_rule(minimum: float | None, maximum: float | None, min_open: bool, max_open: bool) -> str:
    if minimum is not None and maximum is not None:
        return f"a finite number in {'(' if min_open else '['}{minimum!r}, {maximum!r}{')' if max_open else ']'}"
    if minimum is not None:
        return f"a finite number {'>' if min_open else '>='} {minimum!r}"
    if maximum is not None:
        return f"a finite number {'<' if max_open else '<='} {maximum!r}"
    return "a finite number"


def is_tensor(value: object) -> bool:
    """True for a torch-like tensor, which is updated with ``fill_`` instead of replaced."""
    return hasattr(value, "fill_") and hasattr(value, "numel")


def as_float(name: str, value: Any, rule: str) -> float:
    """A real number or a one-element tensor as a float (an error states ``rule``)."""
    if is_tensor(value):
        if value.numel() != 1:
            fail(name, rule, value)
        return float(value)
    if not is_number(value):
        fail(name, rule, value, kind=True)
    return to_float(value)


def hyper_value(where: str, value: Any) -> float:
    """A group hyperparameter (``lr``, ``initial_lr``, ...) as a float: finite and >= 0."""
    rule = "a finite number >= 0 (a float or a one-element tensor)"
    number = as_float(where, value, rule)
    if not math.isfinite(number) or number < 0.0:
        fail(where, rule, value)
    return number

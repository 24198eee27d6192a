"""Argument checks shared by every schedule and scheduler.

Every check raises before anything is changed, with one message template::

    <Owner>: <param> must be <rule>. Received: <param>=<value!r> (<type>)

``TypeError`` is raised for a value of the wrong kind, ``ValueError`` for a value of the right kind
that breaks the rule. ``bool`` is never accepted where a number is expected.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from numbers import Integral, Real

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from typing import Any, NoReturn


def fail(owner: str, name: str, rule: str, value: object, *, kind: bool = False) -> NoReturn:
    """Raise the standard message; ``kind=True`` raises ``TypeError`` instead of ``ValueError``."""
    message = f"{owner}: {name} must be {rule}. Received: {name}={value!r} ({type(value).__name__})"
    raise (TypeError if kind else ValueError)(message)


def is_number(value: object) -> bool:
    """True for a real number that is not a bool (ints, floats, numpy scalars)."""
    return isinstance(value, Real) and not isinstance(value, bool)


def to_float(value: Any) -> float:
    """``float(value)`` for a number, with an int too large for a float as ``inf`` (not an
    ``OverflowError``), so range checks refuse it with the standard message."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def check_int(owner: str, name: str, value: Any, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return ``value`` as an ``int``; it must be an integer (not a bool) in ``[minimum, maximum]``."""
    if maximum is not None:
        rule = f"an int in [{minimum}, {maximum}]"
    else:
        rule = "an int" if minimum is None else f"an int >= {minimum}"
    if isinstance(value, bool) or not isinstance(value, Integral):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            fail(owner, name, rule, value, kind=not isinstance(value, float))
    number = int(value)
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        fail(owner, name, rule, value)
    return number


def check_float(
    owner: str,
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
        fail(owner, name, rule, value, kind=True)
    number = to_float(value)
    if not math.isfinite(number):
        fail(owner, name, rule, value)
    if minimum is not None and (number < minimum or (min_open and number == minimum)):
        fail(owner, name, rule, value)
    if maximum is not None and (number > maximum or (max_open and number == maximum)):
        fail(owner, name, rule, value)
    return number


def _range_rule(minimum: float | None, maximum: float | None, min_open: bool, max_open: bool) -> str:
    if minimum is not None and maximum is not None:
        low = "(" if min_open else "["
        high = ")" if max_open else "]"
        return f"a finite number in {low}{minimum!r}, {maximum!r}{high}"
    if minimum is not None:
        return f"a finite number {'>' if min_open else '>='} {minimum!r}"
    if maximum is not None:
        return f"a finite number {'<' if max_open else '<='} {maximum!r}"
    return "a finite number"


def check_milestones(owner: str, milestones: Any, count: int, note: str) -> list[int]:
    """The steps at which ``count`` schedules hand over: ``count - 1`` strictly increasing ints >= 1.

    ``note`` says, in the message, where the count comes from (SequentialLR's and Sequential's
    wording differ).
    """
    rule = f"a strictly increasing list of {count - 1} ints >= 1 ({note})"
    if isinstance(milestones, (str, bytes)) or not isinstance(milestones, Sequence):
        fail(owner, "milestones", rule, milestones, kind=True)
    checked: list[int] = []
    for milestone in milestones:
        if isinstance(milestone, bool) or not isinstance(milestone, int):
            fail(owner, "milestones", rule, milestones, kind=not isinstance(milestone, float))
        if milestone < 1 or (checked and milestone <= checked[-1]):
            fail(owner, "milestones", rule, milestones)
        checked.append(int(milestone))
    if len(checked) != count - 1:
        fail(owner, "milestones", rule, milestones)
    return checked


def active_segment(milestones: Sequence[int], step: float) -> tuple[int, float]:
    """The index of the segment holding ``step`` (segments start at 0 and at each milestone) and
    the step within it."""
    index = bisect_right(milestones, step)
    return index, step - (milestones[index - 1] if index else 0)


def is_tensor(value: object) -> bool:
    """True for a torch-like tensor, which is updated with ``fill_`` instead of replaced."""
    return hasattr(value, "fill_") and hasattr(value, "numel")


def hyper_value(owner: str, where: str, value: Any) -> float:
    """A group hyperparameter (``lr``, ``initial_lr``, ...) as a float: finite and >= 0."""
    rule = "a finite number >= 0 (a float or a one-element tensor)"
    if is_tensor(value):
        if value.numel() != 1:
            fail(owner, where, rule, value)
        number = float(value)
    elif is_number(value):
        number = to_float(value)
    else:
        fail(owner, where, rule, value, kind=True)
    if not math.isfinite(number) or number < 0.0:
        fail(owner, where, rule, value)
    return number

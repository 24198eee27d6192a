r"""The shapes of a ramp between two values (a warmup's rise, a cooldown's fall), written once.

:func:`between` gives the value a fraction ``x`` in [0, 1] of the way from ``start`` (``x = 0``)
to ``end`` (``x = 1``) along a named shape, for a number or (with ``xp=Math(numpy)``) an array of
fractions. Every schedule with a ramp (warmup, warmup-stable-decay, ...) calls it: a shape's
formula lives here alone.
"""

from __future__ import annotations

import math

from .schedule import SCALAR
from .validate import fail, is_number

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import Any

#: The shapes :func:`between` knows, in the order error messages list them.
SHAPES: tuple[str, ...] = ("linear", "cosine", "1-sqrt", "square", "power", "exponential")


def check_shape(name: str, shape: Any, allowed: Iterable[str] = SHAPES) -> str:
    """Return ``shape`` if it is one of the names ``allowed``; else the standard error listing them.

    A value that is not a string is a ``TypeError``, an unknown name a ``ValueError``.

    >>> check_shape("shape", "cosine", ("linear", "cosine"))
    'cosine'
    >>> check_shape("shape", "cosin", ("linear", "cosine"))
    Traceback (most recent call last):
    ...
    ValueError: paradox.scheduler: shape must be one of 'linear', 'cosine'. Received: shape='cosin' (str)
    """
    names = tuple(allowed)
    rule = "one of " + ", ".join(repr(choice) for choice in names)
    if not isinstance(shape, str):
        fail(name, rule, shape, kind=True)
    if shape not in names:
        fail(name, rule, shape)
    return shape


def check_geometric(
    bases: Sequence[float], rule: str = 'a number > 0 for shape="exponential" (a geometric ramp)'
) -> None:
    """Refuse a ``base`` <= 0 that an "exponential" ramp would start or end at (before ``between``
    would blame its own ``start`` or ``end``)."""
    for base in bases:
        if not base > 0.0:
            fail("base", rule, base)


def between(shape: str, x: Any, start: Any, end: Any, xp: Any = SCALAR, power: float = 1.0) -> Any:
    r"""The value a fraction ``x`` of the way from ``start`` to ``end`` along ``shape``.

    ``x`` is a number in [0, 1] or, with ``xp=Math(numpy)``, an array of them; ``start`` and ``end``
    are numbers (or arrays that broadcast with ``x``). ``x = 0`` gives ``start`` and ``x = 1``
    gives ``end`` exactly, whatever the rounding of the formula; in between (``d = end - start``)::

        "linear"        start + d * x
        "cosine"        end - d * (1 + cos(pi * x)) / 2                  half a cosine
        "1-sqrt"        end - d * (1 - sqrt(x))                          the WSD paper's cooldown
        "square"        end - d * (1 - x**2)                             HF's "1-square"
        "power"         end - d * (1 - x)**power                         a polynomial, power > 0
        "exponential"   start * (end / start)**x                         geometric, start and end > 0

    (``end - d * w`` is written ``end + (start - end) * w``.) A number and an array of numbers
    give the same value within 2 ulp of ``max(|start|, |end|)`` (numpy's ``cos`` and ``pow`` may
    differ from :mod:`math`'s by an ulp). The ends of the range are not checked: an ``x`` outside
    [0, 1] extrapolates the formula.

    Args:
        shape: one of the names above (:data:`SHAPES`).
        x: the fraction of the way, a number or an array.
        start, end: the values at ``x = 0`` and ``x = 1``.
        xp: the maths of a number (``SCALAR``, the default) or of an array (``Math(numpy)``).
        power: the exponent of the ``"power"`` shape (unused by the others).

    Raises:
        ValueError: an unknown ``shape``; ``"exponential"`` with a ``start`` or ``end`` <= 0
            (when they are numbers).

    >>> [round(between("linear", x, 1.0, 0.0), 6) for x in (0.0, 0.25, 0.5, 1.0)]
    [1.0, 0.75, 0.5, 0.0]
    >>> [round(between("cosine", x, 1.0, 0.0), 6) for x in (0.0, 0.25, 0.5, 1.0)]
    [1.0, 0.853553, 0.5, 0.0]
    >>> [round(between("1-sqrt", x, 1.0, 0.0), 6) for x in (0.0, 0.25, 0.5, 1.0)]
    [1.0, 0.5, 0.292893, 0.0]
    >>> [round(between("square", x, 1.0, 0.0), 6) for x in (0.0, 0.25, 0.5, 1.0)]
    [1.0, 0.9375, 0.75, 0.0]
    >>> [round(between("power", x, 1.0, 0.0, power=2.0), 6) for x in (0.0, 0.25, 0.5, 1.0)]
    [1.0, 0.5625, 0.25, 0.0]
    >>> [round(between("exponential", x, 1.0, 0.01), 6) for x in (0.0, 0.25, 0.5, 1.0)]
    [1.0, 0.316228, 0.1, 0.01]
    >>> between("cosine", 1.0, 0.7, 0.1), between("linear", 1.0, 0.1, 0.7)  # the ends are exact
    (0.1, 0.7)
    """
    if shape == "linear":
        value = start + (end - start) * x
    elif shape == "cosine":
        value = end + (start - end) * ((1.0 + xp.cos(math.pi * x)) / 2.0)
    elif shape == "1-sqrt":
        value = end + (start - end) * (1.0 - x**0.5)
    elif shape == "square":
        value = end + (start - end) * (1.0 - x * x)
    elif shape == "power":
        value = end + (start - end) * (1.0 - x) ** power
    elif shape == "exponential":
        for name, number in (("start", start), ("end", end)):
            if is_number(number) and not number > 0.0:
                fail(name, 'a number > 0 for shape="exponential" (a geometric ramp)', number)
        value = start * (end / start) ** x
    else:
        check_shape("shape", shape)
        raise AssertionError  # pragma: no cover (check_shape raised)
    return xp.where(x == 0.0, start, xp.where(x == 1.0, end, value))


def rise(shape: str, x: Any, start: Any, end: Any, xp: Any = SCALAR) -> Any:
    r"""A warmup along ``shape``: the value a fraction ``x`` of the way up from ``start`` to ``end``.

    A warmup is its shape's cooldown run backwards in time, ``between(shape, 1 - x, end, start)``.
    "linear", "cosine" and "exponential" are their own mirror images and are computed forwards
    (``between(shape, x, start, end)``, as transformers' are); "1-sqrt" rises as
    ``end - d * sqrt(1 - x)`` (``d = end - start``): slowly, then steeply into the peak, as
    transformers' ``get_wsd_schedule(warmup_type="1-sqrt")`` does. :class:`~paradox.scheduler.Warmup`
    and :class:`~paradox.scheduler.WarmupStableDecay` both use it, so a shape name means one curve.

    >>> [round(rise("1-sqrt", x, 0.0, 1.0), 6) for x in (0.0, 0.25, 0.5, 1.0)]
    [0.0, 0.133975, 0.292893, 1.0]
    >>> rise("linear", 0.25, 0.0, 1.0) == between("linear", 0.25, 0.0, 1.0)
    True
    """
    if shape == "1-sqrt":
        return between(shape, 1.0 - x, end, start, xp)
    return between(shape, x, start, end, xp)

"""Vectorised evaluation of the pure schedules with numpy, imported only when a simulation runs.

A schedule evaluates a whole array of steps at once through its ``_factor_array(v, t)`` (or, for
shapes that are not ``floor + (base - floor) * factor``, its ``_value_arrays(v, t, bases)``), where
``t`` is a float64 array of whole steps and ``v`` a :class:`Vector`. The array code repeats the
scalar code's operations in the same order, and IEEE arithmetic (``+ - * /``, comparisons,
``floor``) rounds the same in numpy as in Python, so the values are the scalar ones bit for bit.
Two operations are not IEEE-exact, and are handled so:

- powers (``gamma ** k``): numpy's ``power`` can differ from the C library's ``pow`` in the last
  bit (it does here, for ``0.9999 ** k``), so :meth:`Vector.table` computes each distinct power
  once, in Python, and indexes the table: exact, and cheap because a schedule has few distinct
  exponents per step range;
- cosines: numpy's ``cos`` is the C library's on the builds measured (numpy 2.4, glibc, x86-64
  with AVX-512: identical for 2 * 10^6 arguments), but a numpy build may use its own SIMD cosine,
  within about an ulp of it. ``Vector(np, exact=True)`` computes every cosine with ``math.cos``
  instead (about 0.1 s per 10^6 values): the values are then the scalar ones on every platform.

Without numpy the pure-Python loop is used; it gives the scalar values by construction. numpy is
imported only for a simulation large enough to repay its import (``IMPORT_NUMPY_FROM`` values), or
when it is already imported.
"""

from __future__ import annotations

import math
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


#: Importing numpy costs about 0.1-0.2 s, as much as stepping some 50,000 values: fewer values
#: than this are computed in Python unless numpy is already imported (the CLI stays light).
IMPORT_NUMPY_FROM = 50_000


def load_numpy(values: int) -> Any | None:
    """numpy for computing ``values`` values, or None (not installed, or not worth importing)."""
    if "numpy" not in sys.modules and values < IMPORT_NUMPY_FROM:
        return None
    try:
        import numpy
    except ImportError:
        return None
    return numpy


class Vector:
    """numpy, and how cosines are computed: with numpy (fast) or ``math.cos`` (exact everywhere)."""

    __slots__ = ("exact", "np")

    def __init__(self, np: Any, exact: bool = False) -> None:
        self.np = np
        self.exact = exact

    def steps(self, start: int, count: int) -> Any:
        """The steps ``start .. start + count - 1`` as a float64 array (exact below 2**53)."""
        return self.np.arange(start, start + count, dtype=self.np.float64)

    def cos(self, x: Any) -> Any:
        """``cos`` of each element: numpy's, or ``math.cos``'s when ``exact``."""
        if self.exact:
            return self.each(math.cos, x)
        return self.np.cos(x)

    def each(self, fn: Callable[[float], float], x: Any) -> Any:
        """``fn`` applied in Python to each element of ``x`` (exact, and slow: ~50 ns each)."""
        return self.np.fromiter(map(fn, x.tolist()), dtype=self.np.float64, count=len(x))

    def table(self, fn: Callable[[int], float], k: Any) -> Any:
        """``fn(k)`` for a float array ``k`` of whole numbers, computed once per distinct ``k`` in Python.

        Raises:
            OverflowError: ``fn`` overflows (a growing power); callers fall back to the scalar path.
        """
        np = self.np
        if len(k) == 0:
            return np.zeros(0)
        ints = k.astype(np.int64)
        low, high = int(ints.min()), int(ints.max())
        if high - low + 1 <= 2 * len(ints):
            values = np.array([fn(j) for j in range(low, high + 1)], dtype=np.float64)
            return values[ints - low]
        distinct, inverse = np.unique(ints, return_inverse=True)
        values = np.array([fn(int(j)) for j in distinct.tolist()], dtype=np.float64)
        return values[inverse]

    def affine(self, floor: float, base: float, factor: Any) -> Any:
        """``Schedule.values``'s combination, element by element: exact base at 1, floor at 0."""
        np = self.np
        if floor == 0.0:
            return base * factor
        values = floor + (base - floor) * factor
        return np.where(factor == 1.0, base, np.where(factor == 0.0, floor, values))

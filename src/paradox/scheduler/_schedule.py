"""The pure layer: a schedule is an immutable, closed-form function of the step.

Every schedule has the form::

    value(t, base) = floor + (base - floor) * factor(t)

where ``factor(t)`` depends on the step ``t`` and the schedule's config only, and ``floor`` is the
value the schedule reaches when the factor is 0 (``eta_min`` for cosine, 0 for pure decays). The
value at step ``t`` is computed from ``t``, never from the value at ``t - 1``, so any step can be
evaluated directly, in O(1), and a long run does not drift.

Schedules know nothing of optimizers. The torch-named schedulers drive them: they own the clock and
the per-group bases, and write ``value(t, base)`` into each param group.
"""

from __future__ import annotations

import math
from _collections_abc import Mapping, Sequence

from ._record import Record
from ._validate import check_int, fail

TYPE_CHECKING = False  # typing is imported by type checkers only
if TYPE_CHECKING:
    from typing import Any, ClassVar, TypeVar

    from ._vectorised import Vector

    _S = TypeVar("_S", bound="Schedule")


#: Every concrete schedule class, by name; filled by ``Schedule.__init_subclass__``.
SCHEDULES: dict[str, type[Schedule]] = {}


def leaves_float_range(owner: str, step: object, detail: str) -> ValueError:
    """The error for a value at ``step`` that is not a finite float (inf, NaN, or an overflow)."""
    return ValueError(
        f"{owner}: the value at step {step} leaves the float range ({detail}); the schedule cannot go "
        f"on past this step. Received: step={step!r} ({type(step).__name__})"
    )


class Schedule(Record):
    """Base class of the pure schedules: ``value(t, base) = floor + (base - floor) * factor(t)``.

    A subclass declares its config as annotated fields (see :class:`Record`), validates them in
    ``_check``, implements :meth:`factor`, and may override :attr:`floor`, :attr:`length`,
    :meth:`values` and :meth:`rebase`.

    >>> class Halving(Schedule):
    ...     every: int = 2
    ...     def factor(self, step):
    ...         return 0.5 ** (step // self.every)
    >>> halving = Halving(every=3)
    >>> halving, halving(7, base=0.8), halving.simulate(4)
    (Halving(every=3), 0.2, [1.0, 1.0, 1.0, 0.5])
    """

    #: Whether :meth:`values` is the affine form below, so that a driver may compute one group's
    #: value from :meth:`factor` and :attr:`floor` itself (set per class: False once a subclass
    #: overrides :meth:`values`).
    _affine: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._affine = cls.values is Schedule.values
        if not cls.__name__.startswith("_"):
            SCHEDULES[cls.__name__] = cls

    # -- the maths ---------------------------------------------------------------------------

    if TYPE_CHECKING:

        @property
        def floor(self) -> float:
            """The value approached as the factor goes to 0; 0.0 unless the schedule says otherwise."""

    else:
        # A plain attribute, read on every step: a schedule with a floor stores it in _check
        # (or overrides it with a property).
        floor = 0.0

    @property
    def length(self) -> int | None:
        """The natural number of steps of the schedule (``T_max`` for cosine), or None."""
        return None

    def factor(self, step: float) -> float:
        """The step-dependent part of the schedule, usually in [0, 1]."""
        raise NotImplementedError

    def __call__(self, step: float, base: float = 1.0) -> float:
        """The value at ``step`` for a group whose base value is ``base``."""
        return self.values(step, (base,))[0]

    def values(self, step: float, bases: Sequence[float]) -> list[float]:
        """The values at ``step`` for several bases; the factor is computed once.

        A factor of exactly 1 gives each base and a factor of exactly 0 gives the floor, with no
        rounding, so a cosine starts at ``base`` and bottoms out at ``eta_min`` exactly.

        Raises:
            ValueError: the values at ``step`` leave the float range (``gamma > 1`` raised to a
                large step, say) or are NaN; the message names the step.
        """
        try:
            factor = self.factor(step)
        except OverflowError:
            factor = math.inf
        if not factor <= 1.0:  # rare: a growing schedule, or NaN
            return self._checked_values(step, bases, factor)
        floor = self.floor
        count = len(bases)
        if count and bases[-1] == bases[0] and bases.count(bases[0]) == count:  # last first: cheap when distinct
            # Groups that share one base (often: groups split for weight decay) share one value,
            # computed once; the list holds that one float object count times.
            base = bases[0]
            if floor == 0.0:
                return [base * factor] * count
            return [base if factor == 1.0 else floor if factor == 0.0 else floor + (base - floor) * factor] * count
        if floor == 0.0:
            return [base * factor for base in bases]
        if factor == 1.0:
            return list(bases)
        if factor == 0.0:
            return [floor] * len(bases)
        return [floor + (base - floor) * factor for base in bases]

    def _checked_values(self, step: float, bases: Sequence[float], factor: float) -> list[float]:
        """The values for a factor above 1 (or NaN), refused when any is not a finite number."""
        floor = self.floor
        values = [floor + (base - floor) * factor for base in bases] if math.isfinite(factor) else [factor]
        if not all(math.isfinite(value) for value in values):
            raise leaves_float_range(self._owner, step, f"factor={factor!r}")
        return values

    def rebase(self, step: float, value: float) -> float | None:
        """The base for which the schedule gives ``value`` at ``step``, or None if none does.

        A scheduler uses this when a group's lr was changed outside it (by hand, or by a second
        scheduler on the same optimizer): the new lr becomes the schedule's value at the current
        step, and the schedule continues from there, as torch's chainable form does.

        None also when the base would not be finite (a factor so small that the division
        overflows): such a base gives inf or NaN at the next steps, never an lr. Overrides keep
        this contract: a base they return is a finite float.
        """
        factor = self.factor(step)
        if factor == 0.0:
            return None
        floor = self.floor
        base = floor + (value - floor) / factor
        return base if math.isfinite(base) else None

    def simulate(self, steps: int, base: float = 1.0, *, exact: bool = False) -> list[float]:
        """The values at steps ``0 .. steps - 1`` for ``base``, with no optimizer involved.

        With numpy installed the steps are evaluated as arrays (imported here, never at package
        import, and only for 50,000 steps or more unless it is already imported); without it, one
        by one in Python. Both give the values of ``self(step, base)``
        bit for bit, with one caveat: numpy's ``cos`` may differ from ``math.cos`` by about an ulp
        on builds that use their own SIMD cosine (none measured so far: numpy 2.4 on glibc x86-64
        gives identical values). ``exact=True`` computes the cosines with ``math.cos``, which
        removes the caveat at about 0.1 s per 10^6 steps.

        >>> from paradox.scheduler import StepDecay
        >>> StepDecay(step_size=2, gamma=0.5).simulate(5, base=1.0)
        [1.0, 1.0, 0.5, 0.5, 0.25]
        """
        count = check_int(type(self).__name__, "steps", steps, minimum=0)
        from ._vectorised import Vector, load_numpy

        np = load_numpy(count)
        if np is not None and count:
            v = Vector(np, exact)
            arrays = self._value_arrays(v, v.steps(0, count), (base,))
            if arrays is not None:
                values: list[float] = arrays[0][0].tolist()
                return values
        return [self(step, base) for step in range(count)]

    # -- vectorised evaluation (see _vectorised.py) --------------------------------------------

    def _factor_array(self, v: Vector, t: Any) -> Any:
        """The factor at each step of the float64 array ``t`` (whole steps), or None to use the loop.

        A shape overrides this with array code that repeats :meth:`factor`'s operations in the
        same order, so the values are the scalar ones bit for bit.
        """
        return None

    def _value_arrays(self, v: Vector, t: Any, bases: Sequence[float]) -> tuple[list[Any], list[Any] | None] | None:
        """One array of values per base (and of momenta, for the cycled schedules) at the steps ``t``.

        None when the shape has no array code, or when some value is not a finite number (the
        scalar path then raises its error, naming the step).
        """
        try:
            factor = self._factor_array(v, t)
        except (OverflowError, ValueError, ZeroDivisionError):
            return None
        if factor is None:
            return None
        np = v.np
        if not bool(np.all(np.isfinite(factor))):
            return None
        floor = self.floor
        values = [v.affine(floor, base, factor) for base in bases]
        if not all(bool(np.all(np.isfinite(array))) for array in values):
            return None
        return values, None

    # -- config ------------------------------------------------------------------------------

    def to_config(self) -> dict[str, Any]:
        """A plain, JSON-ready dict: ``{"name": <class name>, <field>: <value>, ...}``."""
        return {"name": type(self).__name__, **self.fields()}

    @classmethod
    def from_config(cls: type[_S], config: Mapping[str, Any]) -> _S:
        """Build a schedule from :meth:`to_config`'s dict; every value is validated again."""
        if not isinstance(config, Mapping):
            fail(f"{cls.__name__}.from_config", "config", "a dict", config, kind=True)
        params = dict(config)
        name = params.pop("name", cls.__name__)
        target = SCHEDULES.get(name) if isinstance(name, str) else None
        if target is None or not issubclass(target, cls):
            known = ", ".join(sorted(n for n, s in SCHEDULES.items() if issubclass(s, cls)))
            fail(f"{cls.__name__}.from_config", "config['name']", f"one of: {known}", name)
        return target.build(target.__name__, params)

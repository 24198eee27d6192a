"""The pure layer: a schedule is an immutable, closed-form function of the step,
``value(t, base) = floor + (base - floor) * factor(t)``, computed from ``t`` alone (O(1), no drift).
Schedules know nothing of optimizers: the torch-named schedulers drive them."""

from __future__ import annotations

import math
import sys
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from operator import getitem

from .units import Units
from .validate import check_int, check_steps, fail, named, naming

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from typing import Any, ClassVar, NoReturn, TypeVar

    _R = TypeVar("_R", bound="Record")
    _S = TypeVar("_S", bound="Schedule")


class Record:
    """Base of the small immutable objects (schedules, configs): repr, ``==``, hashing, ``replace``.

    A subclass writes an ordinary ``__init__`` whose parameters are its fields, and sets each
    field, checked, inside ``with self._building():``::

        class Halving(Schedule):
            def __init__(self, every: int = 2) -> None:
                with self._building():
                    self.every = check_int("every", every, minimum=1)

    Errors raised there name the class called (or the scheduler building it). A record is immutable
    once built: :meth:`replace` makes a changed, checked copy.
    """

    _fields: ClassVar[tuple[str, ...]] = ()
    _owner: str = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is not None:  # the parameters, read from the code object (inspect is slow to import)
            code = init.__code__
            cls._fields = code.co_varnames[1 : code.co_argcount + code.co_kwonlyargcount]

    def _building(self) -> _Building:
        """The ``with`` block of ``__init__`` in which fields are checked and set."""
        return _Building(self)

    def __setattr__(self, name: str, value: object) -> None:
        if self._owner:
            raise AttributeError(f"{type(self).__name__} is immutable: use .replace(...) for a changed copy")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({fields})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self) or not isinstance(other, Record):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash((type(self).__name__, *map(_hashable, self._values())))

    def fields(self) -> dict[str, Any]:
        """The fields as plain, JSON-ready data (tuples become lists)."""
        return {name: _plain(getattr(self, name)) for name in self._fields}

    @classmethod
    def parameters(cls) -> tuple[str, ...]:
        """The names of the fields, in constructor order."""
        return cls._fields

    @classmethod
    def build(cls: type[_R], params: Mapping[str, Any]) -> _R:
        """Construct from keyword ``params``; an unknown key is a ``ValueError`` naming the fields."""
        allowed = cls.parameters()
        unknown = sorted(set(params) - set(allowed))
        if unknown:
            fail("config", f"made of the fields {list(allowed)}", unknown)
        factory: Any = cls
        built: _R = factory(**params)
        return built

    def replace(self: _R, **changes: Any) -> _R:
        """A copy with some fields changed, checked as a new record.

        >>> from paradox.scheduler import StepDecay
        >>> StepDecay(3).replace(gamma=0.5)
        StepDecay(step_size=3, gamma=0.5)
        """
        return type(self).build({**{name: getattr(self, name) for name in self._fields}, **changes})


class _Building:
    """``Record._building()``: names the class in errors, and freezes the record at the end."""

    __slots__ = ("_name", "_naming", "_record")

    def __init__(self, record: Record) -> None:
        self._record = record
        self._naming = naming(type(record).__name__, outer=True)

    def __enter__(self) -> None:
        object.__setattr__(self._record, "_owner", "")
        self._name = self._naming.__enter__()

    def __exit__(self, kind: object, *exc: object) -> None:
        self._naming.__exit__()
        if kind is None:
            object.__setattr__(self._record, "_owner", self._name)


def _plain(value: Any) -> Any:
    """Field values as plain JSON types: tuples become lists, a schedule held in a field its
    ``to_config()`` dict (``Warmup(schedule=...)``, ``Sequential(schedules=[...])``)."""
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Record) and hasattr(value, "to_config"):
        return value.to_config()
    return value


def _hashable(value: Any) -> Any:
    """Lists (milestones, say) hash as tuples."""
    if isinstance(value, list):
        return tuple(_hashable(item) for item in value)
    return value


class Math:
    """The functions a formula uses besides Python's operators, for one step or for an array.

    A formula is written once, as ``factor(step, xp)``: ``xp=SCALAR`` (the default) for one step,
    ``xp=Math(numpy)`` for an array of steps::

        xp.cos, xp.log, xp.floor, xp.minimum, xp.all   as in math / numpy
        xp.tanh, xp.pow                                math.tanh, math.pow (libm's, element-wise for an array)
        xp.where(condition, yes, no)                   ``yes if condition else no``
        xp.before(edges, x), xp.upto(edges, x)         how many sorted edges are < x, <= x
        xp.pick(values, index)                         ``values[index]`` (a table's rows unpack as columns)
    """

    def __init__(self, np: Any = None) -> None:
        if np is not None:
            self.all, self.cos, self.floor, self.log, self.minimum = np.all, np.cos, np.floor, np.log, np.minimum
            self.where, self.zeros = np.where, np.zeros
            # libm's tanh and pow, as for one step: numpy's own differ by an ulp, which 1 - tanh(x)
            # near the floor turns into a hundred (TanhDecay), and a cosine of a power into ten (KDecay)
            self.tanh = np.vectorize(math.tanh, otypes=[float])
            self.pow = np.vectorize(math.pow, otypes=[float])
            self.before = lambda edges, x: np.searchsorted(edges, x, side="left")
            self.upto = lambda edges, x: np.searchsorted(edges, x, side="right")
            self.pick = lambda values, index: np.asarray(values)[np.asarray(index, dtype=np.intp)].T
        else:  # one step: C functions, and one small Python one
            self.all, self.cos, self.floor, self.log, self.minimum = bool, math.cos, math.floor, math.log, min
            self.tanh, self.pow = math.tanh, math.pow
            self.before, self.upto, self.pick, self.where = bisect_left, bisect_right, getitem, _where


def _where(condition: object, yes: Any, no: Any) -> Any:
    return yes if condition else no


#: The functions of :class:`Math` for one step.
SCALAR = Math()


def distinct(values: Sequence[Any]) -> Sequence[Any]:
    """``values``, or its first item alone when every item is the same: groups that share one
    base (the usual case: groups split for weight decay) are computed once. See :func:`spread`."""
    first, count = values[0], len(values)
    if count == 1 or (values[-1] == first and values.count(first) == count):  # last first: cheap when distinct
        return values[:1]
    return values


def spread(values: list[Any], count: int) -> list[Any]:
    """The values computed for :func:`distinct`'s result, one per group again (the same object
    for each group when there was one)."""
    return values * count if len(values) == 1 else values


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

    A subclass sets its checked fields in ``__init__`` (see :class:`Record`) and implements :meth:`factor`.

    >>> class Halving(Schedule):
    ...     def __init__(self, every: int = 2) -> None:
    ...         with self._building():
    ...             self.every = check_int("every", every, minimum=1)
    ...     def factor(self, step):
    ...         return 0.5 ** (step // self.every)
    >>> halving = Halving(every=3)
    >>> halving, halving(7, base=0.8), halving.simulate(4)
    (Halving(every=3), 0.2, [1.0, 1.0, 1.0, 0.5])
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.factor is not Schedule.factor and not cls.__name__.startswith("_"):  # not an abstract base
            SCHEDULES[cls.__name__] = cls

    #: The value where the factor is 0 (``eta_min`` for a cosine).
    floor: float = 0.0
    #: Whether the shape holds its value after :attr:`last_change` (a linear decay after
    #: ``total_iters``), so a change of budget can move that end; not a step decay, which repeats.
    _holds: bool = False

    @property
    def length(self) -> int | None:
        """The step where the schedule's shape ends (``T_max`` for a cosine), or None."""
        return None

    @property
    def _end(self) -> int | None:
        """The step where the shape ends, for a change of budget (:meth:`rescale`): :attr:`length`,
        else :attr:`last_change` for a shape that holds after it (:attr:`_holds`), unless a family's
        shape ends elsewhere (transformers' cosine, which has neither)."""
        return self.length if self.length is not None else self.last_change if self._holds else None

    @property
    def affine(self) -> bool:
        """Whether every value is ``floor + (base - floor) * factor(step)``: the form a
        :class:`~paradox.scheduler.Product` multiplies and a restart rescales. True for the closed
        forms; a wrapper that holds an absolute value (a warmup's ``start_value``, a WSD's
        ``min_lr``) or mixes floors is not, and says so."""
        return True

    @property
    def last_change(self) -> int | None:
        """For a schedule that goes on for ever, the last step where its shape changes (a decay's
        ``total_iters``, its last milestone), or None."""
        return None

    def rescale(self, at: int, total_steps: int) -> Schedule:
        """This schedule with a changed budget: the values agree at every step before ``at`` (and at
        ``at`` itself: no jump), and the shape now ends at ``total_steps`` instead of :attr:`length`.

        The default rule warps the time of the remaining part (:class:`Rescaled`)::

            t -> at + (t - at) * (length - at) / (total_steps - at)        t >= at

        so a cosine stretches (or squeezes) its remaining part from its current value and reaches
        ``eta_min`` exactly at ``total_steps``. Families with another rule override
        :meth:`_rescale` (the README's "A changed budget" table): a warmup already done stays done,
        a WSD keeps its stable phase going and moves its cooldown, a :class:`Sequential`'s last
        part takes the change; schedules that restart or cycle for ever are refused.

        Args:
            at: the step rescaled from, an int >= 0 before the end of the shape (a scheduler's
                ``last_epoch``).
            total_steps: the new end, an int in [at + 1, 2**53].

        Raises:
            TypeError, ValueError: ``at`` or ``total_steps`` of the wrong type or out of range
                (``total_steps <= at`` is a rescale into the past), ``at`` past the end of the shape,
                or a schedule with no length to rescale (a decay that goes on for ever).

        >>> from paradox.scheduler import CosineAnnealing
        >>> longer = CosineAnnealing(T_max=4).rescale(2, 6)  # at step 2 of 4, the run now ends at 6
        >>> [round(v, 4) for v in longer.simulate(7)]
        [1.0, 0.8536, 0.5, 0.3087, 0.1464, 0.0381, 0.0]
        """
        with naming(f"{type(self).__name__}.rescale", outer=True):
            return self._rescale(*check_rescale(at, total_steps))

    def _rescale(self, at: int, total_steps: int) -> Schedule:
        """:meth:`rescale`'s rule, with ``at`` and ``total_steps`` checked: by default the time-warp
        of :class:`Rescaled`; a family with another rule overrides this."""
        return Rescaled(self, at, total_steps)

    def factor(self, step: Any, xp: Any = SCALAR) -> Any:
        """The step-dependent part of the schedule, usually in [0, 1], for a step or (with
        ``xp=Math(numpy)``) an array of steps: one formula, written with ``xp``'s functions."""
        raise NotImplementedError

    def __call__(self, step: float, base: float = 1.0) -> float:
        """The value at ``step`` for a group whose base value is ``base``."""
        value: float = self.values(step, (base,))[0]
        return value

    def values(self, step: Any, bases: Sequence[float], xp: Any = SCALAR) -> list[Any]:
        """The values at ``step`` for several bases: ``floor + (base - floor) * factor(step)``.

        The factor is computed once. A factor of exactly 1 gives each base and a factor of exactly
        0 gives the floor, with no rounding, so a cosine starts at ``base`` and ends at ``eta_min``.

        Raises:
            ValueError: the values at ``step`` leave the float range (``gamma > 1`` raised to a
                large step, say) or are NaN; the message names the step.
        """
        try:
            factor = self.factor(step) if xp is SCALAR else self.factor(step, xp)
        except OverflowError:
            factor = math.inf
        floor = self.floor
        if xp is not SCALAR:  # an array of steps
            exact = [xp.where(factor == 0.0, floor, floor + (base - floor) * factor) for base in bases]
            return [xp.where(factor == 1.0, base, value) for base, value in zip(bases, exact)]
        if factor == 1.0:
            return list(bases)
        if factor == 0.0:
            return [floor] * len(bases)
        if not factor < 1.0:  # rare: a growing schedule, or NaN
            values = [floor + (base - floor) * factor for base in bases] if math.isfinite(factor) else [factor]
            if not all(math.isfinite(value) for value in values):
                raise leaves_float_range(self._owner, step, f"factor={factor!r}")
        first, count = bases[0], len(bases)
        if count == 1 or (bases[-1] == first and bases.count(first) == count):  # groups split for weight decay
            return [floor + (first - floor) * factor] * count
        return [floor + (base - floor) * factor for base in bases]

    def evaluate(self, step: Any, bases: Sequence[float], xp: Any = SCALAR) -> tuple[list[Any], list[Any] | None]:
        """The values at ``step`` and, for a schedule that also cycles momentum, the momenta."""
        return self.values(step, bases, xp), None

    def rebase(self, step: float, value: float) -> float | None:
        """The finite base for which the schedule gives ``value`` at ``step``, or None (torch's chaining,
        :mod:`~paradox.scheduler.chain`, continues from an lr changed outside the scheduler)."""
        factor = self.factor(step)
        if factor == 0.0:
            return None
        floor = self.floor
        base = floor + (value - floor) / factor
        return base if math.isfinite(base) else None

    def simulate(self, steps: int, base: float = 1.0, *, exact: bool = False) -> list[float]:
        """The values at steps ``0 .. steps - 1`` for ``base``, with no optimizer involved.

        With numpy (imported for 50,000 steps or more, or if already imported) the steps are one
        array, within 2 ulp of ``self(step, base)``; ``exact=True``, or a formula that takes no
        arrays, steps exactly ``self(step, base)``.

        >>> from paradox.scheduler import StepDecay
        >>> StepDecay(step_size=2, gamma=0.5).simulate(5, base=1.0)
        [1.0, 1.0, 0.5, 0.5, 0.25]
        """
        with naming(type(self).__name__):
            count = check_int("steps", steps, minimum=0)
        arrays = None if exact else self.arrays(0, count, [base])
        if arrays is not None:
            values: list[float] = arrays[0][0].tolist()
            return values
        return [self(step, base) for step in range(count)]

    def arrays(self, start: int, count: int, bases: Sequence[float]) -> tuple[list[Any], list[Any] | None] | None:
        """:meth:`evaluate` at the steps ``start .. start + count - 1`` as numpy arrays, one per base.

        None when numpy is missing or not worth importing, the formula takes no arrays, or a value is
        not finite (stepping then raises the error naming the step).
        """
        np = load_numpy(count * len(bases))
        if np is None or not count:
            return None
        steps = np.arange(start, start + count, dtype=np.float64)
        try:
            with np.errstate(all="ignore"):
                lrs, momenta = self.evaluate(steps, bases, Math(np))
            lrs = [np.broadcast_to(np.asarray(values, dtype=np.float64), steps.shape) for values in lrs]
        except Exception:  # a formula written for numbers only (a user function, say)
            return None
        if not all(bool(np.isfinite(values).all()) for values in lrs):
            return None
        if momenta is not None:
            momenta = [np.broadcast_to(np.asarray(values, dtype=np.float64), steps.shape) for values in momenta]
        return lrs, momenta

    def to_config(self) -> dict[str, Any]:
        """A plain, JSON-ready dict: ``{"name": <class name>, <field>: <value>, ...}``."""
        return {"name": type(self).__name__, **self.fields()}

    @classmethod
    @named
    def from_config(
        cls: type[_S], config: Mapping[str, Any], *, steps_per_epoch: int | None = None, total_steps: int | None = None
    ) -> _S:
        """Build a schedule from :meth:`to_config`'s dict; every value is validated again.

        Lengths may be time strings (``"500ba"``, ``"2ep"``, ``"0.1dur"``), resolved to steps with
        ``steps_per_epoch`` and ``total_steps`` (:class:`~paradox.scheduler.Units`).

        >>> Schedule.from_config({"name": "CosineAnnealing", "T_max": "90ep"}, steps_per_epoch=100)
        CosineAnnealing(T_max=9000, eta_min=0.0)
        """
        if not isinstance(config, Mapping):
            fail("config", "a dict", config, kind=True)
        params = dict(Units(steps_per_epoch, total_steps).resolve(config))
        name = params.pop("name", cls.__name__)
        target = SCHEDULES.get(name) if isinstance(name, str) else None
        if target is None or not issubclass(target, cls):
            known = ", ".join(sorted(n for n, s in SCHEDULES.items() if issubclass(s, cls)))
            fail("config['name']", f"one of: {known}", name)
        with naming(target.__name__):  # the schedule's own checks name it
            return target.build(params)


def check_rescale(at: object, total_steps: object) -> tuple[int, int]:
    """``(at, total_steps)`` checked: an int >= 0, and a new end after it (not the past)."""
    start = check_int("at", at, minimum=0)
    total = check_steps("total_steps", total_steps)
    if total <= start:
        fail("total_steps", f"an int > at={start} (a new end after the step rescaled from, not the past)", total_steps)
    return start, total


def cannot_rescale(schedule: Schedule, why: str) -> NoReturn:
    """The error for a schedule that has no end to move (``why`` says so)."""
    fail("schedule", f"a schedule with an end to move ({type(schedule).__name__} {why})", schedule)


#: How many time-warps may wrap one another: far beyond a run's changes of budget, and far within
#: Python's recursion limit (each evaluates the one it wraps).
MAX_RESCALES = 100


class Rescaled(Schedule):
    r"""A schedule whose remaining part, from step ``at`` on, is stretched (or squeezed) in time to end at
    ``total_steps``: the default rule of :meth:`Schedule.rescale`.

    With ``L`` the step where the wrapped schedule's shape ends (its :attr:`~Schedule.length`;
    :class:`~paradox.scheduler.HFDecay`'s progress 1, its cosine included)::

        value(t) = schedule(t)                                            t < at
                   schedule(at + (t - at) * (L - at) / (total_steps - at))  t >= at

    The value at ``at`` is unchanged (no jump), and at ``total_steps`` it is the wrapped
    schedule's value at ``L`` exactly (a cosine's ``eta_min``). A monotone schedule stays monotone.

    Args:
        schedule: the schedule rescaled, a :class:`Schedule` (or its ``to_config()`` dict) with a
            length, itself rescaled fewer than 100 times (:data:`MAX_RESCALES`).
        at: the step rescaled from, an int in [0, L - 1].
        total_steps: the new end, an int in [at + 1, 2**53].

    Raises:
        TypeError, ValueError: an argument of the wrong type or out of its range.

    >>> from paradox.scheduler import CosineAnnealing
    >>> shorter = Rescaled(CosineAnnealing(T_max=8), at=4, total_steps=6)
    >>> shorter
    Rescaled(schedule=CosineAnnealing(T_max=8, eta_min=0.0), at=4, total_steps=6)
    >>> [round(v, 4) for v in shorter.simulate(7)]  # steps 0 .. 4 as before, then twice as fast
    [1.0, 0.9619, 0.8536, 0.6913, 0.5, 0.1464, 0.0]
    """

    _depth: int  # how many time-warps this one is, counting those it wraps

    def __init__(self, schedule: Schedule, at: int, total_steps: int) -> None:
        with self._building():
            if isinstance(schedule, Mapping):
                schedule = Schedule.from_config(schedule)
            if not isinstance(schedule, Schedule):
                fail("schedule", "a Schedule (CosineAnnealing(...), ...) or its to_config() dict", schedule, kind=True)
            self.schedule = schedule
            self._depth = schedule._depth + 1 if isinstance(schedule, Rescaled) else 1
            if self._depth > MAX_RESCALES:
                rule = f"a schedule rescaled fewer than {MAX_RESCALES} times (each rescale wraps one more warp)"
                fail("schedule", rule, schedule)
            length = schedule._end
            if length is None:
                cannot_rescale(schedule, "has no length: it goes on for ever")
            self.at, self.total_steps = check_rescale(at, total_steps)
            if self.at >= length:
                ended = f"a step before the shape ends at step {length}: after it nothing is left to rescale"
                fail("at", f"an int in [0, {length - 1}] ({ended})", at)
            self.floor = schedule.floor
            self._span, self._new_span = length - self.at, self.total_steps - self.at

    @property
    def length(self) -> int:
        return self.total_steps

    @property
    def affine(self) -> bool:
        return self.schedule.affine

    def warp(self, step: Any, xp: Any = SCALAR) -> Any:
        """The wrapped schedule's step at ``step``: ``step`` before ``at``, the warped step from ``at`` on."""
        at = self.at
        return xp.where(step < at, step, at + (step - at) * self._span / self._new_span)

    def factor(self, step: Any, xp: Any = SCALAR) -> Any:
        return self.schedule.factor(self.warp(step, xp), xp)

    def values(self, step: Any, bases: Sequence[float], xp: Any = SCALAR) -> list[Any]:
        return self.schedule.values(self.warp(step, xp), bases, xp)

    def evaluate(self, step: Any, bases: Sequence[float], xp: Any = SCALAR) -> tuple[list[Any], list[Any] | None]:
        return self.schedule.evaluate(self.warp(step, xp), bases, xp)

    def rebase(self, step: float, value: float) -> float | None:
        return self.schedule.rebase(self.warp(step), value)


#: Importing numpy costs as much as stepping some 50,000 values in Python.
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

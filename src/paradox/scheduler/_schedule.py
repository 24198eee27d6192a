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
from collections.abc import Mapping, Sequence

from ._validate import check_int, fail

# typing and dataclasses are not imported at run time: together they would triple the import
# time of the package. Type checkers see the real names.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar, TypeVar

    from typing_extensions import dataclass_transform

    _S = TypeVar("_S", bound="Schedule")
else:

    def dataclass_transform(**_: object) -> object:
        return lambda cls: cls


#: Every concrete schedule class, by name; filled by ``Schedule.__init_subclass__``.
SCHEDULES: dict[str, type[Schedule]] = {}


@dataclass_transform(frozen_default=True)
class Schedule:
    """Base class of the pure schedules: ``value(t, base) = floor + (base - floor) * factor(t)``.

    A subclass declares its config as annotated class attributes, like a frozen dataclass::

        class StepDecay(Schedule):
            step_size: int
            gamma: float = 0.1

            def _check(self, owner: str) -> None: ...   # validate and normalise the fields

            def factor(self, step: float) -> float: ...

    and gets an ``__init__`` with exactly those parameters (plus a private keyword ``_owner``, the
    class named in error messages), a ``repr``, equality, hashing and immutability. It implements
    :meth:`factor` and may override :attr:`floor`, :attr:`length`, :meth:`values` and
    :meth:`rebase`.
    """

    #: The config fields, in constructor order; set for each subclass.
    _fields: ClassVar[tuple[str, ...]] = ()

    #: The class named in error messages: the driving scheduler's, else the schedule's own.
    _owner: str

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        annotations = cls.__dict__.get("__annotations__", {})  # noqa: RUF063 - inspect costs import time
        own = tuple(name for name, kind in annotations.items() if "ClassVar" not in str(kind))
        if own:
            cls._fields = cls._fields + own
            setattr(cls, "__init__", _make_init(cls))  # noqa: B010 - mypy rejects assigning a method
        if not cls.__name__.startswith("_"):
            SCHEDULES[cls.__name__] = cls

    def _check(self, owner: str) -> None:
        """Validate and normalise the fields (with :meth:`_set`); ``owner`` names the caller."""

    def _set(self, name: str, value: object) -> None:
        """Store a field during :meth:`_check` (the object is otherwise immutable)."""
        object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: use .replace(...) for a changed copy")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({fields})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self) or not isinstance(other, Schedule):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash((type(self).__name__, *map(_hashable, self._values())))

    # -- the maths ---------------------------------------------------------------------------

    @property
    def floor(self) -> float:
        """The value approached as the factor goes to 0; 0.0 unless the schedule says otherwise."""
        return 0.0

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
            raise ValueError(
                f"{self._owner}: the value at step {step} leaves the float range "
                f"(factor={factor!r}); the schedule cannot go on past this step. "
                f"Received: step={step!r} ({type(step).__name__})"
            )
        return values

    def rebase(self, step: float, value: float) -> float | None:
        """The base for which the schedule gives ``value`` at ``step``, or None if none does.

        A scheduler uses this when a group's lr was changed outside it (by hand, or by a second
        scheduler on the same optimizer): the new lr becomes the schedule's value at the current
        step, and the schedule continues from there, as torch's chainable form does.
        """
        factor = self.factor(step)
        if factor == 0.0:
            return None
        floor = self.floor
        return floor + (value - floor) / factor

    def simulate(self, steps: int, base: float = 1.0) -> list[float]:
        """The values at steps ``0 .. steps - 1`` for ``base``, with no optimizer involved.

        >>> from paradox.scheduler import StepDecay
        >>> StepDecay(step_size=2, gamma=0.5).simulate(5, base=1.0)
        [1.0, 1.0, 0.5, 0.5, 0.25]
        """
        count = check_int(type(self).__name__, "steps", steps, minimum=0)
        return [self(step, base) for step in range(count)]

    # -- config ------------------------------------------------------------------------------

    def to_config(self) -> dict[str, Any]:
        """A plain, JSON-ready dict: ``{"name": <class name>, <field>: <value>, ...}``."""
        config: dict[str, Any] = {"name": type(self).__name__}
        for name in self._fields:
            config[name] = _plain(getattr(self, name))
        return config

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

    @classmethod
    def parameters(cls) -> tuple[str, ...]:
        """The names of the config fields, in constructor order."""
        return cls._fields

    @classmethod
    def build(cls: type[_S], owner: str, params: Mapping[str, Any]) -> _S:
        """Construct from keyword ``params``, naming ``owner`` in any error message."""
        allowed = cls.parameters()
        unknown = sorted(set(params) - set(allowed))
        if unknown:
            fail(owner, "config", f"made of the fields {list(allowed)}", unknown)
        factory: Any = cls
        built: _S = factory(**params, _owner=owner)
        return built

    def replace(self: _S, owner: str, **changes: Any) -> _S:
        """A copy with some fields changed, validated as a new schedule, naming ``owner``."""
        unknown = sorted(set(changes) - set(self._fields))
        if unknown:
            fail(owner, "config", f"made of the fields {list(self._fields)}", unknown)
        current = {name: getattr(self, name) for name in self._fields}
        factory: Any = type(self)
        changed: _S = factory(**{**current, **changes}, _owner=owner)
        return changed


def _plain(value: Any) -> Any:
    """Config values as plain JSON types (tuples become lists)."""
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


def _hashable(value: Any) -> Any:
    """Lists (milestones, say) hash as tuples."""
    if isinstance(value, list):
        return tuple(_hashable(item) for item in value)
    return value


def _make_init(cls: type[Schedule]) -> Any:
    """An ``__init__`` whose parameters are the class's fields, with their defaults.

    It is compiled once per class, so ``inspect.signature``, help() and error messages for a
    missing or unknown argument read as for any hand-written constructor.
    """
    namespace: dict[str, Any] = {}
    params, lines = [], []
    for name in cls._fields:
        if name in cls.__dict__ or any(name in base.__dict__ for base in cls.__mro__[1:]):
            namespace[f"_default_{name}"] = getattr(cls, name)
            params.append(f"{name}=_default_{name}")
        else:
            if params and "=" in params[-1]:
                raise TypeError(f"{cls.__name__}: field {name!r} without a default follows one with a default")
            params.append(name)
        lines.append(f"    _set(self, {name!r}, {name})")
    source = (
        f"def __init__(self, {', '.join(params)}, *, _owner=None):\n"
        + "\n".join(lines)
        + "\n    _set(self, '_owner', _owner or type(self).__name__)"
        + "\n    self._check(self._owner)\n"
    )
    namespace["_set"] = object.__setattr__
    exec(source, namespace)  # trusted: built from the class's own field names
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    return init

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

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, TypeVar

from ._validate import check_int, fail

_S = TypeVar("_S", bound="Schedule")

#: Every concrete schedule class, by name; filled by ``Schedule.__init_subclass__``.
SCHEDULES: dict[str, type[Schedule]] = {}


class Schedule:
    """Base class of the pure schedules: ``value(t, base) = floor + (base - floor) * factor(t)``.

    Subclasses are frozen dataclasses whose fields are the config. They implement :meth:`factor`
    and may override :attr:`floor` and :attr:`length`.
    """

    __slots__ = ()

    # Declared so that type checkers see every schedule as a dataclass instance.
    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # replaced by each dataclass
        raise TypeError(f"{type(self).__name__} is abstract: use a concrete schedule")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.__name__.startswith("_"):
            SCHEDULES[cls.__name__] = cls

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
        """
        factor = self.factor(step)
        floor = self.floor
        if floor == 0.0:
            return [base * factor for base in bases]
        if factor == 1.0:
            return list(bases)
        if factor == 0.0:
            return [floor] * len(bases)
        return [floor + (base - floor) * factor for base in bases]

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
        for field in dataclasses.fields(self):
            config[field.name] = _plain(getattr(self, field.name))
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
        return tuple(field.name for field in dataclasses.fields(cls))

    @classmethod
    def build(cls: type[_S], owner: str, params: Mapping[str, Any]) -> _S:
        """Construct from keyword ``params``, naming ``owner`` in any error message."""
        allowed = cls.parameters()
        unknown = sorted(set(params) - set(allowed))
        if unknown:
            fail(owner, "config", f"made of the fields {list(allowed)}", unknown)
        return cls(**params, _owner=owner)

    def replace(self: _S, owner: str, **changes: Any) -> _S:
        """A copy with some fields changed, validated as a new schedule, naming ``owner``."""
        return dataclasses.replace(self, _owner=owner, **changes)


def _plain(value: Any) -> Any:
    """Config values as plain JSON types (tuples become lists)."""
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value

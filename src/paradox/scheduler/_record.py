"""Small immutable records whose fields are declared like a frozen dataclass's.

``dataclasses`` (through ``inspect``) and ``typing`` would triple the import time of the package,
so this module gives the few things the schedules need: an ``__init__`` built from the annotated
fields (a real signature, with defaults), a ``repr``, equality, hashing, immutability, validation
in one hook, and the config round trip.
"""

from __future__ import annotations

from _collections_abc import Mapping

from ._validate import fail

TYPE_CHECKING = False  # typing is imported by type checkers only
if TYPE_CHECKING:
    from typing import Any, ClassVar, TypeVar

    from typing_extensions import dataclass_transform

    _R = TypeVar("_R", bound="Record")
else:

    def dataclass_transform(**_: object) -> object:
        return lambda cls: cls


@dataclass_transform(frozen_default=True)
class Record:
    """Base of the immutable config records.

    A subclass declares its fields as annotated class attributes, with optional defaults::

        class StepDecay(Schedule):          # Schedule is a Record
            step_size: int
            gamma: float = 0.1

            def _check(self, owner: str) -> None:
                self._set("step_size", check_int(owner, "step_size", self.step_size, minimum=1))

    (annotations whose names start with ``_`` are private state, not fields) and gets
    ``__init__(self, step_size, gamma=0.1, *, _owner=None)``: it stores the fields, then
    calls :meth:`_check`, which validates and normalises them; ``_owner`` is the class named in
    error messages (a scheduler that builds the record passes its own name).
    """

    #: The fields, in constructor order; set for each subclass.
    _fields: ClassVar[tuple[str, ...]] = ()

    #: The class named in error messages: the one that built the record, else the record's own.
    _owner: str

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        annotations = cls.__dict__.get("__annotations__", {})  # noqa: RUF063 - inspect costs import time
        own = tuple(
            name
            for name, kind in annotations.items()
            if "ClassVar" not in str(kind) and not name.startswith("_") and name not in cls._fields
        )
        cls._fields = cls._fields + own
        if cls._fields and "__init__" not in cls.__dict__:
            # Each class gets its own __init__, so a missing argument names the class called.
            setattr(cls, "__init__", _make_init(cls))  # noqa: B010 - mypy rejects assigning a method

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
        if type(other) is not type(self) or not isinstance(other, Record):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash((type(self).__name__, *map(_hashable, self._values())))

    # -- config ------------------------------------------------------------------------------

    def fields(self) -> dict[str, Any]:
        """The fields as plain, JSON-ready data (tuples become lists)."""
        return {name: _plain(getattr(self, name)) for name in self._fields}

    @classmethod
    def parameters(cls) -> tuple[str, ...]:
        """The names of the fields, in constructor order."""
        return cls._fields

    @classmethod
    def build(cls: type[_R], owner: str, params: Mapping[str, Any]) -> _R:
        """Construct from keyword ``params``, naming ``owner`` in any error message."""
        allowed = cls.parameters()
        unknown = sorted(set(params) - set(allowed))
        if unknown:
            fail(owner, "config", f"made of the fields {list(allowed)}", unknown)
        factory: Any = cls
        built: _R = factory(**params, _owner=owner)
        return built

    def replace(self: _R, owner: str, **changes: Any) -> _R:
        """A copy with some fields changed, validated as a new record, naming ``owner``."""
        current = {name: getattr(self, name) for name in self._fields}
        return type(self).build(owner, {**current, **changes})


def _plain(value: Any) -> Any:
    """Field values as plain JSON types (tuples become lists)."""
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


def _hashable(value: Any) -> Any:
    """Lists (milestones, say) hash as tuples."""
    if isinstance(value, list):
        return tuple(_hashable(item) for item in value)
    return value


def _make_init(cls: type[Record]) -> Any:
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

"""Time units: a length written in steps, epochs or fractions of the run, with composer's time
strings (``"500ba"``, ``"2ep"``, ``"0.1dur"``), resolved to steps once, where a schedule is built.
Schedules themselves stay in steps, and so do their configs and states."""

from __future__ import annotations

import math
from collections.abc import Mapping

from .validate import MAX_DEPTH, check_int, fail

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from typing import Any

#: Composer's units that need no batch size: batches (steps), epochs, the duration of the run.
UNITS = ("ba", "ep", "dur")
RULE = "an int (steps) or a time string: a number and a unit, 'ba' (steps), 'ep' (epochs) or 'dur' (the run)"


def split_time(value: object) -> tuple[float, str] | None:
    """``(number, unit)`` of a time string (``"2ep"`` -> ``(2.0, "ep")``), or None for anything else."""
    if not isinstance(value, str):
        return None
    number = value.rstrip("abdeprstu")  # the unit's letters
    unit = value[len(number) :]
    return (float(number), unit) if unit in UNITS and number.replace(".", "", 1).isdigit() else None


def is_time(value: object) -> bool:
    """Whether ``value`` is a time string (``"2ep"``, ``"0.5dur"``, ``"500ba"``): a number then a unit."""
    return split_time(value) is not None


class Units:
    r"""Resolve time strings to steps: ``"500ba"`` is 500 steps, ``"2ep"`` is ``2 * steps_per_epoch``,
    ``"0.1dur"`` is ``0.1 * total_steps``.

    Formula, for a number ``x``::

        x ba   ->  x                          (x a whole number)
        x ep   ->  round(x * steps_per_epoch)
        x dur  ->  round(x * total_steps)

    ``round`` is to the nearest step, halves up (``floor(y + 0.5)``), so a schedule written in
    epochs and stepped per batch reaches epoch ``e`` at batch ``e * steps_per_epoch`` exactly (and at
    batch ``b`` it is at epoch ``b / steps_per_epoch``, its closed form evaluated there). Ints pass
    through as steps. Composer's ``sp`` (samples) and ``tok`` (tokens) need a batch size: refused.

    Args:
        steps_per_epoch: optimizer steps per epoch, an int >= 1, or None (then ``"ep"`` is refused).
        total_steps: the steps of the whole run, an int >= 1, or None (then ``"dur"`` is refused).

    Raises:
        TypeError, ValueError: an argument, or a value resolved, breaks its rule; an ``ep`` or ``dur``
            without ``steps_per_epoch`` or ``total_steps``.

    >>> units = Units(steps_per_epoch=1000, total_steps=90_000)
    >>> units("500ba"), units("2ep"), units("0.25ep"), units("0.1dur"), units(42)
    (500, 2000, 250, 9000, 42)
    >>> units.resolve({"name": "Warmup", "steps": "500ba", "schedule": {"name": "CosineAnnealing", "T_max": "90ep"}})
    {'name': 'Warmup', 'steps': 500, 'schedule': {'name': 'CosineAnnealing', 'T_max': 90000}}
    """

    def __init__(self, steps_per_epoch: int | None = None, total_steps: int | None = None) -> None:
        self.steps_per_epoch = (
            None if steps_per_epoch is None else check_int("steps_per_epoch", steps_per_epoch, minimum=1)
        )
        self.total_steps = None if total_steps is None else check_int("total_steps", total_steps, minimum=1)

    def __repr__(self) -> str:
        return f"Units(steps_per_epoch={self.steps_per_epoch!r}, total_steps={self.total_steps!r})"

    def __call__(self, value: Any, name: str = "value") -> int:
        """``value`` in steps: an int as it is, a time string resolved."""
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        split = split_time(value)
        if split is None:
            fail(name, RULE, value, kind=not isinstance(value, str))
        amount, unit = split
        if unit == "ba":
            if not amount.is_integer():
                fail(name, "a whole number of steps ('ba')", value)
            return int(amount)
        per, needed = (self.steps_per_epoch, "steps_per_epoch") if unit == "ep" else (self.total_steps, "total_steps")
        if per is None:
            fail(needed, f"an int >= 1 to resolve {name}={value!r} ('{unit}' counts in {needed})", per)
        return math.floor(amount * per + 0.5)

    def resolve(self, config: Any, name: str = "config", depth: int = 0) -> Any:
        """``config`` with every time string in it (in dicts and lists) resolved to steps. Below
        :data:`MAX_DEPTH` levels nothing is read: a config so deep is refused where it is built."""
        if is_time(config):
            return self(config, name)
        if depth > MAX_DEPTH:
            return config
        if isinstance(config, Mapping):
            return {key: self.resolve(value, f"{name}[{key!r}]", depth + 1) for key, value in config.items()}
        if isinstance(config, (list, tuple)):
            items = (self.resolve(item, f"{name}[{index}]", depth + 1) for index, item in enumerate(config))
            return type(config)(items)
        return config

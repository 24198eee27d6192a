"""Pure composition: schedules run one after another, each re-based to its own step 0.

:class:`Sequential` is the pure form of torch's ``SequentialLR`` (the schedulers live in
``_compose.py``): warmup then cosine is ``Sequential([LinearFactor(...), CosineAnnealing(...)],
milestones=[w])``, a closed-form function of the step with a config, a repr and a vectorised
``simulate``, and no optimizer.
"""

from __future__ import annotations

from _collections_abc import Mapping, Sequence

from ._schedule import Schedule
from ._validate import active_segment, check_milestones, fail

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ._vectorised import Vector


#: How Sequential's milestone message counts them.
_FEWER = "one fewer than the schedules"


class Sequential(Schedule):
    r"""Run schedules one after another, each starting at its own step 0 at its milestone.

    Formula, with milestones ``m_1 < m_2 < ...`` and ``m_0 = 0``: at step ``t`` the active
    schedule is the ``k``-th with ``m_k <= t < m_{k+1}``, and::

        value(t, base) = schedules[k](t - m_k, base)

    Every schedule starts from the same ``base``, not from where the previous one ended: this is
    torch's ``SequentialLR``, which puts each group's lr back to its ``initial_lr`` at a milestone.
    The last schedule runs on for ever (a cosine past its ``T_max`` climbs back, as in torch).

    Args:
        schedules: the schedules, a non-empty list of :class:`Schedule` objects (or their
            ``to_config()`` dicts).
        milestones: the steps at which the next schedule takes over, a strictly increasing list
            of ints >= 1 with ``len(schedules) - 1`` entries.

    Raises:
        TypeError: ``schedules`` is not a list of schedules, or ``milestones`` not a list of ints.
        ValueError: ``schedules`` is empty, or the milestones are not strictly increasing ints
            >= 1, one fewer than the schedules.

    >>> from paradox.scheduler import CosineAnnealing, LinearFactor
    >>> warmup_cosine = Sequential(
    ...     [LinearFactor(start_factor=0.25, total_iters=2), CosineAnnealing(T_max=4)], milestones=[2]
    ... )
    >>> warmup_cosine.milestones, warmup_cosine.schedules[1]
    ((2,), CosineAnnealing(T_max=4, eta_min=0.0))
    >>> [round(value, 6) for value in warmup_cosine.simulate(7, base=1.0)]
    [0.25, 0.625, 1.0, 0.853553, 0.5, 0.146447, 0.0]
    >>> warmup_cosine.length
    6
    """

    schedules: Sequence[Schedule]
    milestones: Sequence[int]

    def _check(self, owner: str) -> None:
        schedules = self.schedules
        rule = "a non-empty list of schedules (Schedule objects or their to_config() dicts)"
        if isinstance(schedules, (str, bytes, Mapping)) or not isinstance(schedules, Sequence):
            fail(owner, "schedules", rule, schedules, kind=True)
        if not schedules:
            fail(owner, "schedules", rule, schedules)
        checked: list[Schedule] = []
        for index, item in enumerate(schedules):
            if isinstance(item, Mapping):
                item = Schedule.from_config(item)
            if not isinstance(item, Schedule):
                fail(
                    owner,
                    f"schedules[{index}]",
                    "a Schedule (StepDecay(...), CosineAnnealing(...), ...)",
                    item,
                    kind=True,
                )
            checked.append(item)
        self._set("schedules", tuple(checked))
        self._set("milestones", tuple(check_milestones(owner, self.milestones, len(checked), _FEWER)))

    # -- the maths ---------------------------------------------------------------------------

    def active(self, step: float) -> tuple[Schedule, float]:
        """The schedule active at ``step`` and its own step there (``step - m_k``)."""
        index, local = active_segment(self.milestones, step)
        return self.schedules[index], local

    @property
    def floor(self) -> float:
        """The lowest value any of the schedules approaches."""
        return min(schedule.floor for schedule in self.schedules)

    @property
    def length(self) -> int | None:
        """The last milestone plus the last schedule's length (None if it has none)."""
        last = self.schedules[-1].length
        return None if last is None else (self.milestones[-1] if self.milestones else 0) + last

    def factor(self, step: float) -> float:
        """The active schedule's factor at its own step (relative to that schedule's floor)."""
        schedule, local = self.active(step)
        return schedule.factor(local)

    def values(self, step: float, bases: Sequence[float]) -> list[float]:
        schedule, local = self.active(step)
        return schedule.values(local, bases)

    def rebase(self, step: float, value: float) -> float | None:
        schedule, local = self.active(step)
        return schedule.rebase(local, value)

    def _value_arrays(self, v: Vector, t: Any, bases: Sequence[float]) -> tuple[list[Any], list[Any] | None] | None:
        np = v.np
        index = np.searchsorted(np.array(self.milestones, dtype=np.float64), t, side="right")
        starts = [0, *self.milestones]
        lrs = [np.empty(len(t)) for _ in bases]
        momenta: list[Any] | None = [np.empty(len(t)) for _ in bases]
        for position, schedule in enumerate(self.schedules):
            mask = index == position
            if not bool(mask.any()):
                continue
            arrays = schedule._value_arrays(v, t[mask] - starts[position], bases)
            if arrays is None:
                return None
            for out, values in zip(lrs, arrays[0]):
                out[mask] = values
            if momenta is not None and arrays[1] is not None:
                for out, values in zip(momenta, arrays[1]):
                    out[mask] = values
            else:
                momenta = None
        return lrs, momenta

    # -- config ------------------------------------------------------------------------------

    def to_config(self) -> dict[str, Any]:
        """``{"name": "Sequential", "schedules": [<each schedule's config>], "milestones": [...]}``."""
        return {
            "name": type(self).__name__,
            "schedules": [schedule.to_config() for schedule in self.schedules],
            "milestones": list(self.milestones),
        }

"""The fast path of :func:`~paradox.scheduler.simulate`: a scheduler read as the pure schedule it drives.

A scheduler whose every future lr is ``schedule.values(t, bases)`` (and momentum, for the cycled
ones) is simulated by evaluating that schedule over all the steps at once with numpy, instead of
stepping a copy. The classes read so are exactly those whose ``step()`` is the pure schedule:
StepLR, CosineAnnealingLR, the decays (ExponentialLR, MultiStepLR, ConstantLR, LinearLR,
PolynomialLR), CosineAnnealingWarmRestarts, CyclicLR and OneCycleLR, and SequentialLR of the
non-cycled ones (read as :class:`~paradox.scheduler.Sequential`), nested SequentialLRs included.
Subclasses are not (they may override ``get_lr``). Anything that makes the next steps depend on
more than the schedule sends the scheduler to the stepping path: a base moved by an outside
change, a held lr, an lr changed since the last step, a tensor lr, a fractional epoch, a metric.

The values are bit for bit those of stepping (see ``_vectorised.py``): the array code repeats the
scalar operations in order, powers are computed in Python, and with ``exact=True`` the cosines
too. As a last guard, the first row must equal what the groups hold now, or stepping is used.
ChainedScheduler is always stepped: each child re-bases on what the previous one wrote, which a
product of factors matches only to rounding.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from typing import Any

    from ..schedule import Schedule
    from .simulate import Trace


def _leaf_types() -> tuple[tuple[type, ...], tuple[type, ...]]:
    """(the non-cycled classes read as their schedule, the cycled ones), exact types only."""
    from ..cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts
    from ..cyclic import CyclicLR
    from ..one_cycle import OneCycleLR
    from ..polynomial import ConstantLR, LinearLR, PolynomialLR
    from ..step import ExponentialLR, MultiStepLR, StepLR

    plain = (
        StepLR,
        CosineAnnealingLR,
        ExponentialLR,
        MultiStepLR,
        ConstantLR,
        LinearLR,
        PolynomialLR,
        CosineAnnealingWarmRestarts,
    )
    return plain, (CyclicLR, OneCycleLR)


def _clean(scheduler: Any) -> bool:
    """No outside change carried, no held lr, no fractional epoch: the next steps are the schedule's."""
    if getattr(scheduler, "_rebased", True):
        return False
    holds = getattr(scheduler, "_holds", None)
    if holds is not None and any(hold is not None for hold in holds):
        return False
    return not getattr(scheduler, "_offset", 0.0)


def _untouched(scheduler: Any) -> bool:
    """Every group holds the float the scheduler wrote last (no tensor, no change by hand)."""
    groups = scheduler.optimizer.param_groups
    written = scheduler._last_lr
    return len(groups) == len(written) and all(
        type(group["lr"]) is float and group["lr"] == lr for group, lr in zip(groups, written)
    )


def _child_schedule(child: Any, step: int | None) -> Schedule | None:
    """A SequentialLR child's schedule; ``step`` is the child's own step when it is the active one."""
    from ..compose import SequentialLR

    plain, _ = _leaf_types()
    if type(child) in plain:
        if step is not None and (not _clean(child) or child.last_epoch != step):
            return None
        if any(hold is not None for hold in getattr(child, "_holds", ())):
            return None
        schedule: Schedule = child._schedule
        return schedule
    if type(child) is SequentialLR:
        if step is not None and child.last_epoch != step:
            return None
        return _sequential(child, active=step is not None)
    return None


def _sequential(scheduler: Any, active: bool = True) -> Schedule | None:
    """A SequentialLR as :class:`Sequential`; ``active`` checks the state of its running child
    (a child that has not started yet is restarted from the base lrs at its milestone)."""
    from ..compose import Sequential

    milestones = list(scheduler._milestones)
    index, local = scheduler._active(scheduler.last_epoch)
    schedules = []
    for position, child in enumerate(scheduler._schedulers):
        running = active and position == index
        schedule = _child_schedule(child, local if running else None)
        if schedule is None:
            return None
        if running and not _bases_are_initial(child):
            return None
        schedules.append(schedule)
    return Sequential(schedules, milestones)


def _bases_are_initial(child: Any) -> bool:
    bases = getattr(child, "_bases", None)
    if bases is None:  # a nested SequentialLR: its own active child is checked in turn
        return True
    initial = [group.get("initial_lr") for group in child.optimizer.param_groups]
    return list(bases) == initial


def pure_form(scheduler: Any) -> tuple[Schedule, list[float]] | None:
    """``(schedule, bases)`` such that the lrs at every step ``t`` ahead are ``schedule.values(t, bases)``, or None."""
    from ..compose import SequentialLR

    plain, cycled = _leaf_types()
    kind = type(scheduler)
    if kind in plain or kind in cycled:
        if not _clean(scheduler) or not _untouched(scheduler):
            return None
        return scheduler._schedule, list(scheduler._bases)
    if kind is SequentialLR:
        if not _untouched(scheduler):
            return None
        schedule = _sequential(scheduler)
        if schedule is None:
            return None
        initial = [group.get("initial_lr") for group in scheduler.optimizer.param_groups]
        if not all(type(value) is float for value in initial):
            return None
        return schedule, initial
    return None


def fast_trace(scheduler: Any, steps: int, label: str, exact: bool) -> Trace | None:
    """The trace of ``steps`` rows from the scheduler's current step, vectorised; None to step instead."""
    from .simulate import Trace, _hyper

    form = pure_form(scheduler)  # first: a scheduler that will be stepped anyway needs no numpy
    if form is None or exact:
        return None
    schedule, bases = form
    arrays = schedule.arrays(scheduler.last_epoch, steps, bases)
    if arrays is None:
        return None
    lrs, momenta = arrays
    groups = scheduler.optimizer.param_groups
    if any(float(values[0]) != group["lr"] for values, group in zip(lrs, groups)):
        return None  # the guard: row 0 is what the groups hold now
    if momenta is not None:
        key = "betas" if getattr(scheduler, "use_beta1", False) else "momentum"
        if any(float(values[0]) != _hyper(group, key) for values, group in zip(momenta, groups)):
            return None
    return Trace(label, lrs, momenta)  # float64 arrays, copied into the Trace as raw bytes

"""Test-local schedulers that exercise the preview's generic paths before the real classes merge.

They stand in for a composite (SequentialLR), a momentum-cycling class (OneCycleLR), a class
stepped with a metric (ReduceLROnPlateau) and one that takes a function (LambdaLR). They are made
known to specs with ``paradox.scheduler.preview.spec.register`` by the ``preview_classes`` fixture of the test modules.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterator
from typing import Any

from paradox.scheduler import LRScheduler, ScheduledLR, StepDecay
from paradox.scheduler.preview.spec import register, unregister

#: The order in which the test-local classes were built (children must come before parents).
BUILT: list[str] = []


class SequenceLR(LRScheduler):
    """Test-local composite: each child's schedule in turn, switching at the milestones."""

    def __init__(
        self, optimizer: Any, schedulers: list[ScheduledLR], milestones: list[int], last_epoch: int = -1
    ) -> None:
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(
                f"SequenceLR: milestones must hold {len(schedulers) - 1} values. Received: milestones={milestones!r} (list)"
            )
        for child in schedulers:
            if child.optimizer is not optimizer:
                raise ValueError("SequenceLR: every child must drive the same optimizer")
        self.schedulers = list(schedulers)
        self.milestones = list(milestones)
        BUILT.append(type(self).__name__)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        index = bisect.bisect_right(self.milestones, self.last_epoch)
        start = self.milestones[index - 1] if index else 0
        return self.schedulers[index].schedule.values(self.last_epoch - start, self.base_lrs)


class MomentumCycleLR(LRScheduler):
    """Test-local momentum cycler: the lr stays, beta1 alternates 0.85 / 0.95 (``cycle_momentum``)."""

    cycle_momentum = True

    def __init__(self, optimizer: Any, low: float = 0.85, high: float = 0.95, last_epoch: int = -1) -> None:
        self.low, self.high = low, high
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        momentum = self.low if self.last_epoch % 2 == 0 else self.high
        for group in self.optimizer.param_groups:
            group["betas"] = (momentum, group["betas"][1])
        return [base * (1 + self.last_epoch) ** -0.5 for base in self.base_lrs]


class PlateauLR(LRScheduler):
    """Test-local ReduceLROnPlateau: multiply the lr by ``factor`` after ``patience`` bad steps."""

    def __init__(self, optimizer: Any, factor: float = 0.5, patience: int = 1) -> None:
        self.factor, self.patience = factor, patience
        self.best, self.bad = math.inf, 0
        self.optimizer = optimizer
        self.last_epoch = 0
        self.base_lrs = [group["lr"] for group in optimizer.param_groups]

    def step(self, metrics: float, epoch: int | None = None) -> None:  # type: ignore[override]
        self.last_epoch += 1
        if metrics < self.best:
            self.best, self.bad = metrics, 0
            return
        self.bad += 1
        if self.bad > self.patience:
            for group in self.optimizer.param_groups:
                group["lr"] *= self.factor
            self.bad = 0


class FunctionLR(LRScheduler):
    """Test-local LambdaLR: the lr is ``base * lr_lambda(step)``."""

    def __init__(self, optimizer: Any, lr_lambda: Callable[[int], float], last_epoch: int = -1) -> None:
        self.lr_lambda = lr_lambda
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        return [base * self.lr_lambda(self.last_epoch) for base in self.base_lrs]


class TrackedStepLR(ScheduledLR):
    """Test-local StepLR (gamma 0.5) that records when it is built, to check children come first."""

    def __init__(self, optimizer: Any, step_size: int, last_epoch: int = -1) -> None:
        BUILT.append(type(self).__name__)
        super().__init__(optimizer, StepDecay(step_size, 0.5), last_epoch)


LOCAL = (SequenceLR, MomentumCycleLR, PlateauLR, FunctionLR, TrackedStepLR)


def registered() -> Iterator[None]:
    """Register the test-local classes for one test (used by a fixture in the test modules)."""
    for cls in LOCAL:
        register(cls)
    BUILT.clear()
    yield
    for cls in LOCAL:
        unregister(cls)

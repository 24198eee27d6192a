"""Test-local schedulers for the composite tests: small ScheduledLR subclasses standing in for
torch classes built on other branches (ExponentialLR, LinearLR, MultiplicativeLR)."""

from __future__ import annotations

import math

from paradox.scheduler import Schedule, ScheduledLR

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class ExpDecayT(Schedule):
    gamma: float

    def factor(self, step: float) -> float:
        return float(self.gamma**step)


class LinearRampT(Schedule):
    start_factor: float
    end_factor: float
    total_iters: int

    def factor(self, step: float) -> float:
        return (
            self.start_factor + (self.end_factor - self.start_factor) * min(step, self.total_iters) / self.total_iters
        )


class ProductDecayT(Schedule):
    """MultiplicativeLR's closed form for a constant lambda ``c``: ``c ** t``."""

    c: float

    def factor(self, step: float) -> float:
        return math.prod([self.c] * int(step))


class ExpLR(ScheduledLR):
    def __init__(self, optimizer: Any, gamma: float, last_epoch: int = -1) -> None:
        super().__init__(optimizer, ExpDecayT(gamma), last_epoch)


class LinLR(ScheduledLR):
    def __init__(
        self,
        optimizer: Any,
        start_factor: float = 1 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        super().__init__(optimizer, LinearRampT(start_factor, end_factor, total_iters), last_epoch)


class MulLR(ScheduledLR):
    """A multiplicative scheduler (constant lambda ``c``): lr(t) = base * c ** t."""

    def __init__(self, optimizer: Any, c: float, last_epoch: int = -1) -> None:
        super().__init__(optimizer, ProductDecayT(c), last_epoch)

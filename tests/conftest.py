"""Shared fixtures: plain optimizers, torch optimizers, and lr comparison helpers."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pytest


class PlainOptimizer:
    """The smallest optimizer a scheduler accepts: an object with ``param_groups``."""

    def __init__(self, *lrs: float) -> None:
        self.param_groups: list[dict[str, Any]] = [{"lr": lr} for lr in lrs]


def lrs_of(optimizer: Any) -> list[float]:
    return [float(group["lr"]) for group in optimizer.param_groups]


def assert_close(ours: Sequence[float], reference: Sequence[float], rel: float = 1e-9, abs_: float = 1e-15) -> None:
    assert len(ours) == len(reference), (ours, reference)
    for a, b in zip(ours, reference):
        assert math.isclose(float(a), float(b), rel_tol=rel, abs_tol=abs_), (list(ours), list(reference))


@pytest.fixture
def plain() -> type[PlainOptimizer]:
    return PlainOptimizer

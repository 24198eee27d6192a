"""Memory stays flat over long runs (issue 5): tracemalloc sees no growth from step N to step 10 N."""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest

from paradox.scheduler import CosineAnnealingLR, LinearLR, OneCycleLR, SequentialLR, StepLR
from paradox.scheduler.preview.simulate import PreviewOptimizer

#: Bytes a run may hold beyond its state at the first measurement: a few floats' worth of noise.
ALLOWED = 1024


def builders(total: int) -> dict[str, Callable[[Any], Any]]:
    warm = total // 100
    return {
        "StepLR": lambda o: StepLR(o, step_size=1000, gamma=0.999),
        "CosineAnnealingLR": lambda o: CosineAnnealingLR(o, T_max=total),
        "OneCycleLR": lambda o: OneCycleLR(o, max_lr=0.1, total_steps=total + 1),
        "warmup+cosine SequentialLR": lambda o: SequentialLR(
            o, [LinearLR(o, start_factor=0.01, total_iters=warm), CosineAnnealingLR(o, T_max=total - warm)], [warm]
        ),
    }


def growth(build: Callable[[Any], Any], first: int, last: int) -> int:
    """Traced bytes still held at step ``last`` beyond those held at step ``first``."""
    scheduler = build(PreviewOptimizer([0.1]))
    step = scheduler.step
    for _ in range(first):
        step()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(last - first):
            step()
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return after - before


@pytest.mark.slow
@pytest.mark.parametrize("name", list(builders(10**6)))
def test_memory_is_flat_from_10_5_to_10_6_steps(name: str) -> None:
    assert growth(builders(10**6)[name], 10**5, 10**6) <= ALLOWED

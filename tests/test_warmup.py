"""Warmup: the ramp shapes (shapes.between), the pure Warmup around any schedule and its driver WarmupLR."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from paradox.scheduler.schedule import SCALAR, Math
from paradox.scheduler.shapes import SHAPES, between, check_shape

NUMPY = Math(np)


def ulps(a: float, b: float, scale: float) -> float:
    """``|a - b|`` in ulps of ``scale``."""
    return abs(a - b) / math.ulp(scale)


# -- shapes.between --------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
def test_between_ends_are_exact(shape: str) -> None:
    rng = random.Random(13)
    for _ in range(200):
        start, end = rng.uniform(1e-6, 3.0), rng.uniform(1e-6, 3.0)
        power = rng.uniform(0.1, 4.0)
        assert between(shape, 0.0, start, end, power=power) == start
        assert between(shape, 1.0, start, end, power=power) == end
        assert between(shape, 0, start, end, power=power) == start
        assert between(shape, 1, start, end, power=power) == end
        array = between(shape, np.array([0.0, 0.5, 1.0]), start, end, NUMPY, power)
        assert array[0] == start and array[2] == end


@pytest.mark.parametrize("shape", SHAPES)
def test_between_number_and_array_agree_within_2_ulp(shape: str) -> None:
    rng = random.Random(7)
    for _ in range(200):
        start, end, power = rng.uniform(1e-3, 2.0), rng.uniform(1e-3, 2.0), rng.uniform(0.2, 3.0)
        xs = np.array(sorted(rng.random() for _ in range(100)))
        array = between(shape, xs, start, end, NUMPY, power)
        for x, value in zip(xs.tolist(), array.tolist()):
            # numpy's pow and libm's differ by an ulp, which a rising ramp's end - d * w scales by d
            assert ulps(between(shape, x, start, end, SCALAR, power), value, max(start, end)) <= 2


@pytest.mark.parametrize(
    ("shape", "x", "expected"),
    [
        ("linear", 0.25, 0.8 - 0.6 * 0.25),
        ("cosine", 0.5, 0.5),
        ("cosine", 0.25, 0.2 + 0.6 * (1 + math.cos(math.pi / 4)) / 2),  # falling from 0.8 to 0.2
        ("1-sqrt", 0.25, 0.2 + 0.6 * 0.5),
        ("square", 0.5, 0.2 + 0.6 * 0.75),
        ("power", 0.5, 0.2 + 0.6 * 0.125),
        ("exponential", 0.5, 0.4),
    ],
)
def test_between_values(shape: str, x: float, expected: float) -> None:
    assert math.isclose(between(shape, x, 0.8, 0.2, power=3.0), expected, rel_tol=1e-15)


def test_between_rising_and_falling_are_mirrors() -> None:
    for shape in ("linear", "cosine"):
        for x in (0.1, 0.3, 0.7):
            assert math.isclose(between(shape, x, 0.0, 1.0), 1.0 - between(shape, x, 1.0, 0.0), rel_tol=1e-15)


def test_between_errors() -> None:
    with pytest.raises(
        ValueError,
        match=r"shape must be one of 'linear', 'cosine', '1-sqrt', 'square', 'power', "
        r"'exponential'. Received: shape='cos' \(str\)",
    ):
        between("cos", 0.5, 1.0, 0.0)
    message = r"start must be a number > 0 for shape=\"exponential\" \(a geometric ramp\). Received: start=0.0"
    with pytest.raises(ValueError, match=message):
        between("exponential", 0.5, 0.0, 1.0)
    with pytest.raises(ValueError, match=r"end must be a number > 0 .* Received: end=-1"):
        between("exponential", 0.5, 1.0, -1)


def test_check_shape() -> None:
    assert check_shape("cooldown", "square", ("square",)) == "square"
    with pytest.raises(TypeError, match=r"cooldown must be one of 'linear'. Received: cooldown=None \(NoneType\)"):
        check_shape("cooldown", None, ("linear",))
    with pytest.raises(ValueError, match=r"cooldown must be one of 'linear'. Received: cooldown='log' \(str\)"):
        check_shape("cooldown", "log", ("linear",))

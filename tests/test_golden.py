"""Layer 1: golden values at the boundary steps, written out by hand from the formulas."""

from __future__ import annotations

import math

import pytest

from conftest import PlainOptimizer, lrs_of
from paradox.scheduler import CosineAnnealing, CosineAnnealingLR, StepDecay, StepLR


@pytest.mark.parametrize(
    ("step", "expected"),
    [(0, 1.0), (2, 1.0), (3, 0.5), (5, 0.5), (6, 0.25), (8, 0.25), (9, 0.125), (30, 0.5**10)],
)
def test_step_decay_boundaries(step: int, expected: float) -> None:
    assert StepDecay(step_size=3, gamma=0.5)(step, base=1.0) == expected


def test_step_decay_gamma_zero_and_one() -> None:
    assert [StepDecay(2, 0.0)(t, 4.0) for t in range(5)] == [4.0, 4.0, 0.0, 0.0, 0.0]
    assert [StepDecay(2, 1.0)(t, 4.0) for t in range(5)] == [4.0] * 5


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        (0, 1.0),
        (25, 0.5 + 0.5 * math.cos(math.pi / 4)),
        (50, 0.5),
        (75, 0.5 - 0.5 * math.cos(math.pi / 4)),
        (100, 0.0),
        (150, 0.5),  # past T_max the cosine climbs back, as torch's does
        (200, 1.0),
    ],
)
def test_cosine_boundaries(step: int, expected: float) -> None:
    assert CosineAnnealing(T_max=100)(step, base=1.0) == pytest.approx(expected, rel=1e-15, abs=1e-16)


def test_cosine_seed_formula_with_eta_min() -> None:
    # eta_t = eta_min + 1/2 (eta_max - eta_min) (1 + cos(T_cur / T_max * pi))
    eta_min, eta_max, t_max = 0.001, 0.1, 10
    cosine = CosineAnnealing(T_max=t_max, eta_min=eta_min)
    for t in range(3 * t_max):
        seed = eta_min + 0.5 * (eta_max - eta_min) * (1 + math.cos(t / t_max * math.pi))
        assert cosine(t, base=eta_max) == pytest.approx(seed, rel=1e-15)
    assert cosine(t_max, base=eta_max) == eta_min
    assert cosine(0, base=eta_max) == eta_max


def test_step_lr_table_two_groups() -> None:
    optimizer = PlainOptimizer(0.05, 1.0)
    scheduler = StepLR(optimizer, step_size=30, gamma=0.1)
    seen = {}
    for epoch in range(91):
        seen[epoch] = lrs_of(optimizer)
        scheduler.step()
    assert seen[0] == [0.05, 1.0]
    assert seen[29] == [0.05, 1.0]
    assert seen[30] == pytest.approx([0.005, 0.1], rel=1e-15)
    assert seen[59] == pytest.approx([0.005, 0.1], rel=1e-15)
    assert seen[60] == pytest.approx([0.0005, 0.01], rel=1e-15)
    assert seen[90] == pytest.approx([0.00005, 0.001], rel=1e-15)


def test_cosine_lr_table_two_groups() -> None:
    optimizer = PlainOptimizer(0.1, 0.01)
    scheduler = CosineAnnealingLR(optimizer, T_max=4, eta_min=0.001)
    seen = []
    for _ in range(9):
        seen.append(lrs_of(optimizer))
        scheduler.step()
    assert seen[0] == [0.1, 0.01]
    assert seen[2] == pytest.approx([0.0505, 0.0055], rel=1e-15)
    assert seen[4] == [0.001, 0.001]
    assert seen[8] == pytest.approx([0.1, 0.01], rel=1e-15)


def test_simulate_needs_no_optimizer() -> None:
    assert StepDecay(step_size=2, gamma=0.5).simulate(6, base=2.0) == [2.0, 2.0, 1.0, 1.0, 0.5, 0.5]
    values = CosineAnnealing(T_max=2, eta_min=0.5).simulate(5, base=1.5)
    assert values == pytest.approx([1.5, 1.0, 0.5, 1.0, 1.5], rel=1e-15)


def test_repr_and_config_round_trip() -> None:
    cosine = CosineAnnealing(T_max=100, eta_min=1e-5)
    assert repr(cosine) == "CosineAnnealing(T_max=100, eta_min=1e-05)"
    config = cosine.to_config()
    assert config == {"name": "CosineAnnealing", "T_max": 100, "eta_min": 1e-5}
    from paradox.scheduler import Schedule

    assert Schedule.from_config(config) == cosine
    assert StepDecay.from_config({"step_size": 3}) == StepDecay(3, 0.1)
    assert hash(cosine) == hash(CosineAnnealing(100, 1e-5))


def test_schedules_are_immutable() -> None:
    decay = StepDecay(3, 0.5)
    with pytest.raises(AttributeError):
        decay.gamma = 0.1  # type: ignore[misc]

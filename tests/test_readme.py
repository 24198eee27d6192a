"""The numbers and messages the README shows are the ones the library gives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import paradox.scheduler as ps
from conftest import PlainOptimizer

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_the_error_message_shown() -> None:
    shown = re.search(r"`ValueError: (StepLR: step_size must be [^`]+)`", README)
    assert shown is not None
    with pytest.raises(ValueError) as info:
        ps.StepLR(PlainOptimizer(0.1), step_size=0)
    assert str(info.value) == shown.group(1)


def test_the_two_layers_example() -> None:
    cosine = ps.CosineAnnealing(T_max=100, eta_min=1e-5)
    assert "cosine(50, base=0.1)  # the value at step 50: 0.050005" in README
    assert cosine(50, base=0.1) == pytest.approx(0.050005, rel=1e-12)
    assert len(cosine.simulate(100, base=0.1)) == 100
    assert f"cosine.to_config()  # {cosine.to_config()}" in README


def test_the_simulate_example() -> None:
    trace = ps.simulate("CosineAnnealingLR(T_max=100, eta_min=1e-5)", lr=[0.1, 0.01])
    assert f"[0.1, {trace.lr[0][1]!r}, {trace.lr[0][2]!r}]" in README
    assert list(trace.lr[0][:3]) == [0.1, trace.lr[0][1], trace.lr[0][2]]
    assert trace.rows()[0] == [0, 0.1, 0.01]


def test_the_sequential_example_matches_sequential_lr() -> None:
    warmup_cosine = ps.Sequential(
        [ps.LinearFactor(start_factor=0.01, total_iters=1000), ps.CosineAnnealing(T_max=99_000)], [1000]
    )
    optimizer = PlainOptimizer(0.1)
    scheduler = ps.SequentialLR(
        optimizer,
        [ps.LinearLR(optimizer, start_factor=0.01, total_iters=1000), ps.CosineAnnealingLR(optimizer, T_max=99_000)],
        milestones=[1000],
    )
    values = warmup_cosine.simulate(2000, base=0.1)
    for step in range(2000):
        assert values[step] == optimizer.param_groups[0]["lr"], step
        scheduler.step()

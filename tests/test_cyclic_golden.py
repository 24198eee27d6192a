"""Cyclic and OneCycle: golden values at boundary steps, properties, and the documented differences."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import paradox.scheduler as ps
from conftest import PlainOptimizer, lrs_of, quiet


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("triangular", [0.0, 0.5, 1.0, 0.5, 0.0, 0.5, 1.0, 0.5, 0.0]),
        ("triangular2", [0.0, 0.5, 1.0, 0.5, 0.0, 0.25, 0.5, 0.25, 0.0]),
        ("exp_range", [0.0, 0.5 * 0.5, 0.5**2, 0.5 * 0.5**3, 0.0, 0.5 * 0.5**5, 0.5**6, 0.5 * 0.5**7, 0.0]),
    ],
)
def test_cyclic_modes_at_boundaries(mode: str, expected: list[float]) -> None:
    cyclic = ps.Cyclic(base_lr=0.0, step_size_up=2, mode=mode, gamma=0.5)
    assert cyclic.simulate(9, base=1.0) == pytest.approx(expected, rel=1e-15, abs=1e-300)


def test_cyclic_asymmetric_and_per_group() -> None:
    cyclic = ps.Cyclic(base_lr=(0.1, 0.2), step_size_up=1, step_size_down=3, cycle_momentum=True)
    assert cyclic.values(0, [1.0, 2.0]) == [0.1, 0.2]
    assert cyclic.values(1, [1.0, 2.0]) == [1.0, 2.0]
    assert cyclic.values(2, [1.0, 2.0]) == pytest.approx([0.1 + 0.9 * 2 / 3, 0.2 + 1.8 * 2 / 3], rel=1e-15)
    assert cyclic.momenta(1, 2) == [0.8, 0.8]
    assert cyclic.momenta(4, 2) == [0.9, 0.9]
    assert cyclic.length == 4
    with pytest.raises(
        ValueError, match=r"^Cyclic: base_lr must be a number or a list of 3 values, one per param group"
    ):
        cyclic.values(0, [1.0, 1.0, 1.0])


def test_cyclic_scale_mode_of_a_custom_function() -> None:
    by_cycle = ps.Cyclic(base_lr=0.0, step_size_up=1, scale_fn=lambda x: 1 / x, scale_mode="cycle")
    by_step = ps.Cyclic(base_lr=0.0, step_size_up=1, scale_fn=lambda x: 1 / (1 + x), scale_mode="iterations")
    assert [by_cycle(t, 1.0) for t in (1, 3, 5)] == [1.0, 0.5, 1 / 3]
    assert [by_step(t, 1.0) for t in (1, 3, 5)] == [0.5, 0.25, 1 / 6]


def test_cyclic_builtin_modes_set_their_scale_mode() -> None:
    assert ps.Cyclic(base_lr=0.1, mode="exp_range", scale_mode="cycle").scale_mode == "iterations"
    assert ps.Cyclic(base_lr=0.1, mode="triangular2", scale_mode="iterations").scale_mode == "cycle"


@pytest.mark.parametrize(
    ("three_phase", "strategy", "expected"),
    [
        (False, "linear", {0: 0.1, 2: 1.0, 9: 0.001, 10: 0.001}),
        (True, "linear", {0: 0.1, 2: 1.0, 4: 0.1, 9: 0.001, 10: 0.001}),
        (True, "cos", {0: 0.1, 1: 0.55, 2: 1.0, 3: 0.55, 4: 0.1, 9: 0.001}),
    ],
)
def test_one_cycle_boundaries(three_phase: bool, strategy: str, expected: dict[int, float]) -> None:
    one = ps.OneCycle(10, 0.3, strategy, div_factor=10.0, final_div_factor=100.0, three_phase=three_phase)
    for step, value in expected.items():
        assert one(step, 1.0) == pytest.approx(value, rel=1e-12), step
    assert one.phase_ends() == ([2.0, 4.0, 9.0] if three_phase else [2.0, 9.0])


def test_one_cycle_momentum_phases() -> None:
    one = ps.OneCycle(10, 0.3, "linear", base_momentum=0.8, max_momentum=0.9, three_phase=True)
    assert [one.momenta(t)[0] for t in (0, 2, 4, 7, 9)] == pytest.approx([0.9, 0.8, 0.9, 0.9, 0.9])  # type: ignore[index]
    assert ps.OneCycle(10, cycle_momentum=False).momenta(3) is None


def test_one_cycle_zero_length_phase_gives_its_end_value() -> None:
    """Difference: torch raises ZeroDivisionError for pct_start * total_steps == 1."""
    one = ps.OneCycle(total_steps=10, pct_start=0.1, div_factor=10.0)
    assert one.phase_ends()[0] == 0.0
    assert one(0, 1.0) == 1.0  # the peak, the end of a warm-up of zero length
    torch = pytest.importorskip("torch")
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1, momentum=0.9)
    with pytest.raises(ZeroDivisionError):
        torch.optim.lr_scheduler.OneCycleLR(optimizer, 1.0, total_steps=10, pct_start=0.1)


def test_one_cycle_step_outside_the_cycle_raises_in_the_pure_layer() -> None:
    one = ps.OneCycle(total_steps=10)
    assert one(10, 1.0) == one(9, 1.0)
    with pytest.raises(
        ValueError, match=r"^OneCycle: step must be in \[0, total_steps=10\] .*Received: step=11 \(int\)$"
    ):
        one(11, 1.0)
    with pytest.raises(ValueError, match=r"Received: step=-1"):
        one.values(-1, [1.0])


def test_one_cycle_writes_torch_group_keys() -> None:
    optimizer = PlainOptimizer(0.5, 0.5)
    for group in optimizer.param_groups:
        group["momentum"] = 0.0
    scheduler = ps.OneCycleLR(optimizer, [1.0, 2.0], total_steps=100, div_factor=4.0, final_div_factor=2.0)
    assert [(g["initial_lr"], g["max_lr"], g["min_lr"]) for g in optimizer.param_groups] == [
        (0.25, 1.0, 0.125),
        (0.5, 2.0, 0.25),
    ]
    assert [(g["max_momentum"], g["base_momentum"], g["momentum"]) for g in optimizer.param_groups] == [
        (0.95, 0.85, 0.95)
    ] * 2
    assert scheduler.base_lrs == [0.25, 0.5]
    assert lrs_of(optimizer) == [0.25, 0.5]


def test_one_cycle_epochs_are_checked_even_with_total_steps() -> None:
    with pytest.raises(ValueError, match=r"^OneCycleLR: epochs must be an int >= 1\. Received: epochs=0 \(int\)$"):
        ps.OneCycleLR(PlainOptimizer(0.1), 0.1, total_steps=10, epochs=0, cycle_momentum=False)
    scheduler = ps.OneCycleLR(
        PlainOptimizer(0.1), 0.1, total_steps=10, epochs=3, steps_per_epoch=5, cycle_momentum=False
    )
    assert scheduler.total_steps == 10  # torch's precedence


def test_cyclic_mode_is_checked_even_with_a_scale_fn() -> None:
    with pytest.raises(
        ValueError,
        match=r"^CyclicLR: mode must be one of 'triangular', 'triangular2', 'exp_range'\. Received: mode='custom'",
    ):
        ps.CyclicLR(PlainOptimizer(0.1), 0.01, 0.1, mode="custom", scale_fn=abs, cycle_momentum=False)  # type: ignore[arg-type]


def test_cyclic_element_of_a_list_is_named() -> None:
    with pytest.raises(
        ValueError,
        match=r"^CyclicLR: max_lr\[1\] must be a finite number >= 0 .*Received: max_lr\[1\]=-1\.0 \(float\)$",
    ):
        ps.CyclicLR(PlainOptimizer(0.1, 0.2), 0.01, [0.1, -1.0], cycle_momentum=False)
    with pytest.raises(
        ValueError,
        match=r"^OneCycleLR: base_momentum\[0\] must be a finite number in \[0\.0, 1\.0\]\. Received: base_momentum\[0\]=1\.2",
    ):
        ps.OneCycleLR(PlainOptimizer(0.1), 0.1, 10, base_momentum=[1.2])


def test_cyclic_with_existing_initial_lr_starts_at_base_lr() -> None:
    """Difference: torch's step 0 uses a pre-existing ``initial_lr``; ours is ``base_lr``."""
    optimizer = PlainOptimizer(0.5)
    optimizer.param_groups[0]["initial_lr"] = 0.3
    scheduler = ps.CyclicLR(optimizer, 0.01, 0.1, step_size_up=2, cycle_momentum=False)
    assert lrs_of(optimizer) == [0.01] and scheduler.base_lrs == [0.01]
    assert optimizer.param_groups[0]["initial_lr"] == 0.3  # kept, as torch keeps it
    torch = pytest.importorskip("torch")
    reference_opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.5)
    reference_opt.param_groups[0]["initial_lr"] = 0.3
    with quiet():
        reference = torch.optim.lr_scheduler.CyclicLR(reference_opt, 0.01, 0.1, step_size_up=2, cycle_momentum=False)
        assert reference_opt.param_groups[0]["lr"] == 0.3
        reference.step()
        scheduler.step()
    assert lrs_of(optimizer) == pytest.approx([float(reference_opt.param_groups[0]["lr"])], rel=1e-12)


# -- properties ----------------------------------------------------------------------------

lr = st.floats(min_value=1e-6, max_value=1.0)
cyclic_configs = st.fixed_dictionaries(
    {
        "base_lr": st.floats(0.0, 1e-3),
        "max_lr": lr,
        "step_size_up": st.integers(1, 40),
        "step_size_down": st.one_of(st.none(), st.integers(1, 40)),
        "mode": st.sampled_from(["triangular", "triangular2", "exp_range"]),
        "gamma": st.floats(0.5, 1.0),
        "cycle_momentum": st.just(True),
    }
)
one_cycle_configs = st.fixed_dictionaries(
    {
        "max_lr": lr,
        "total_steps": st.integers(3, 300),
        "pct_start": st.floats(0.05, 0.95),
        "anneal_strategy": st.sampled_from(["cos", "linear"]),
        "three_phase": st.booleans(),
        "div_factor": st.floats(1.0, 100.0),
        "final_div_factor": st.floats(1.0, 1e4),
    }
)


def momentum_optimizer() -> PlainOptimizer:
    optimizer = PlainOptimizer(0.1, 0.1)
    for group in optimizer.param_groups:
        group["momentum"] = 0.0
    return optimizer


@settings(max_examples=100, deadline=None)
@given(config=cyclic_configs, step=st.integers(0, 2000))
def test_cyclic_stays_between_its_anchors(config: dict[str, Any], step: int) -> None:
    cyclic = ps.Cyclic(**{k: v for k, v in config.items() if k != "max_lr"})
    value = cyclic(step, config["max_lr"])
    low, high = sorted((config["base_lr"], config["max_lr"]))
    assert low - 1e-15 <= value <= high * (1 + 1e-12)
    (momentum,) = cyclic.momenta(step) or []
    assert 0.8 - 1e-12 <= momentum <= 0.9 + 1e-12


@settings(max_examples=100, deadline=None)
@given(config=one_cycle_configs, step=st.integers(0, 300))
def test_one_cycle_stays_between_min_and_max(config: dict[str, Any], step: int) -> None:
    one = ps.OneCycle(**{k: v for k, v in config.items() if k != "max_lr"})
    if step > one.total_steps:
        with pytest.raises(ValueError):
            one(step, 1.0)
        return
    peak = config["max_lr"]
    low = min(peak / config["div_factor"] / config["final_div_factor"], peak / config["div_factor"])
    assert low - 1e-15 * peak <= one(step, peak) <= peak * (1 + 1e-12)
    assert one(one.total_steps, peak) == one(one.total_steps - 1, peak)


@settings(max_examples=60, deadline=None)
@given(
    spec=st.one_of(st.tuples(st.just("CyclicLR"), cyclic_configs), st.tuples(st.just("OneCycleLR"), one_cycle_configs)),
    data=st.data(),
)
def test_resume_at_a_random_step_is_exact_with_momenta(spec: tuple[str, dict[str, Any]], data: Any) -> None:
    name, config = spec
    cls = getattr(ps, name)
    total = config.get("total_steps", 400)
    stop = data.draw(st.integers(0, total - 1))
    reference_opt, optimizer = momentum_optimizer(), momentum_optimizer()
    reference, scheduler = cls(reference_opt, **config), cls(optimizer, **config)
    for _ in range(stop):
        reference.step()
        scheduler.step()
    saved = json.loads(json.dumps({"optimizer": optimizer.param_groups, "scheduler": scheduler.state_dict()}))
    fresh_opt = momentum_optimizer()
    fresh = cls(fresh_opt, **config)
    fresh_opt.param_groups = saved["optimizer"]
    fresh.load_state_dict(saved["scheduler"])
    for _ in range(min(total - stop, 100)):
        reference.step()
        fresh.step()
        assert fresh_opt.param_groups == reference_opt.param_groups  # lrs and momenta, bit-identical


@settings(max_examples=60, deadline=None)
@given(config=one_cycle_configs, data=st.data())
def test_step_epoch_equals_stepping(config: dict[str, Any], data: Any) -> None:
    epoch = data.draw(st.integers(0, config["total_steps"]))
    stepped_opt, jumped_opt = momentum_optimizer(), momentum_optimizer()
    stepped, jumped = ps.OneCycleLR(stepped_opt, **config), ps.OneCycleLR(jumped_opt, **config)
    for _ in range(epoch):
        stepped.step()
    jumped.step(epoch)
    assert jumped_opt.param_groups == stepped_opt.param_groups
    assert not math.isnan(lrs_of(jumped_opt)[0])

"""Golden values: schedules checked against values computed by hand or pinned from torch."""

from __future__ import annotations

import json
import math
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import paradox.scheduler as ps
from conftest import PlainOptimizer, lrs_of, quiet, stable_id
from paradox.scheduler import (
    ConstantFactor,
    CosineAnnealing,
    CosineAnnealingLR,
    CosineWarmRestarts,
    ExponentialDecay,
    LambdaFactor,
    LinearFactor,
    MultiplicativeDecay,
    MultiStepDecay,
    PolynomialDecay,
    Schedule,
    StepDecay,
    StepLR,
)

# -- values of the pure schedules --------------------------------------------------------------


def near(*values: float, rel: float = 1e-15, abs: float = 1e-300) -> Any:
    return pytest.approx(list(values), rel=rel, abs=abs)


def cyclic(**config: Any) -> ps.Cyclic:
    return ps.Cyclic(base_lr=0.0, **config)


def one_cycle(strategy: str, three_phase: bool) -> ps.OneCycle:
    return ps.OneCycle(10, 0.3, strategy, div_factor=10.0, final_div_factor=100.0, three_phase=three_phase)


ARM = 0.5 * math.cos(math.pi / 4)
# the seed's formula: eta_t = eta_min + 1/2 (eta_max - eta_min) (1 + cos(T_cur / T_max * pi))
SEED_COSINE = [0.001 + 0.5 * (0.1 - 0.001) * (1 + math.cos(t / 10 * math.pi)) for t in range(30)]

#: (schedule, base, steps, values): a range of steps is also checked through ``simulate``.
GOLDEN: list[tuple[Schedule, float, Any, Any]] = [
    (StepDecay(3, 0.5), 1.0, [0, 2, 3, 5, 6, 8, 9, 30], [1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.125, 0.5**10]),
    (StepDecay(2, 0.0), 4.0, [0, 1, 2, 3, 4], [4.0, 4.0, 0.0, 0.0, 0.0]),
    (StepDecay(2, 1.0), 4.0, [0, 1, 2, 3, 4], [4.0] * 5),
    (StepDecay(2, 0.5), 2.0, range(6), [2.0, 2.0, 1.0, 1.0, 0.5, 0.5]),
    (CosineAnnealing(100), 1.0, [0, 25, 50, 75, 100, 150, 200], near(1, 0.5 + ARM, 0.5, 0.5 - ARM, 0, 0.5, 1)),
    (CosineAnnealing(T_max=2, eta_min=0.5), 1.5, range(5), near(1.5, 1.0, 0.5, 1.0, 1.5)),
    (CosineAnnealing(T_max=10, eta_min=0.001), 0.1, range(30), near(*SEED_COSINE, abs=1e-12)),
    (CosineAnnealing(T_max=10, eta_min=0.001), 0.1, [0, 10], [0.1, 0.001]),
    (cyclic(step_size_up=2), 1.0, range(9), near(0.0, 0.5, 1.0, 0.5, 0.0, 0.5, 1.0, 0.5, 0.0)),
    (cyclic(step_size_up=2, mode="triangular2"), 1.0, range(9), near(0, 0.5, 1, 0.5, 0, 0.25, 0.5, 0.25, 0)),
    (
        cyclic(step_size_up=2, mode="exp_range", gamma=0.5),
        1.0,
        range(9),
        near(0, 0.25, 0.25, 0.5**4, 0, 0.5**6, 0.5**6, 0.5**8, 0),
    ),
    (cyclic(step_size_up=1, scale_fn=lambda x: 1 / x, scale_mode="cycle"), 1.0, [1, 3, 5], [1.0, 0.5, 1 / 3]),
    (
        cyclic(step_size_up=1, scale_fn=lambda x: 1 / (1 + x), scale_mode="iterations"),
        1.0,
        [1, 3, 5],
        [0.5, 0.25, 1 / 6],
    ),
    (one_cycle("linear", False), 1.0, [0, 2, 9, 10], near(0.1, 1.0, 0.001, 0.001, rel=1e-12)),
    (one_cycle("linear", True), 1.0, [0, 2, 4, 9, 10], near(0.1, 1.0, 0.1, 0.001, 0.001, rel=1e-12)),
    (one_cycle("cos", True), 1.0, [0, 1, 2, 3, 4, 9], near(0.1, 0.55, 1.0, 0.55, 0.1, 0.001, rel=1e-12)),
    (ExponentialDecay(0.5), 8.0, range(4), [8.0, 4.0, 2.0, 1.0]),
    (MultiStepDecay([2, 2, 5], 0.5), 1.0, [0, 1, 2, 4, 5, 100], [1, 1, 0.25, 0.25, 0.125, 0.125]),
    (ConstantFactor(0.5, 3), 2.0, range(5), [1.0, 1.0, 1.0, 2.0, 2.0]),
    (ConstantFactor(0.5, 0), 2.0, range(2), [2.0, 2.0]),
    (LinearFactor(0.5, 0.0, 2), 1.0, range(4), [0.5, 0.25, 0.0, 0.0]),
    (PolynomialDecay(2, 1.0), 1.0, range(4), [1.0, 0.5, 0.0, 0.0]),
    (PolynomialDecay(3, 0.0), 1.0, range(5), [1.0] * 5),
    (CosineWarmRestarts(T_0=3, T_mult=1, eta_min=0.1), 1.0, [0, 3, 6, 300], [1.0, 1.0, 1.0, 1.0]),
    (CosineWarmRestarts(T_0=3, T_mult=1, eta_min=0.1), 1.0, [1.5], near(0.1 + 0.9 * 0.5, rel=1e-6)),
    (MultiplicativeDecay(lambda t: 1.0 / t), 1.0, range(5), [1.0, 1.0, 0.5, 1 / 6, 1 / 24]),
]


@pytest.mark.parametrize(("schedule", "base", "steps", "expected"), GOLDEN)
def test_golden_values(schedule: Schedule, base: float, steps: Any, expected: Any) -> None:
    assert [schedule(t, base) for t in steps] == expected
    if isinstance(steps, range):
        assert schedule.simulate(len(steps), base) == expected


def lrs_per_step(scheduler: Any, steps: int) -> list[float]:
    """The lrs of every group at steps 0 .. steps - 1, flattened."""
    seen = []
    for _ in range(steps):
        seen += lrs_of(scheduler.optimizer)
        scheduler.step()
    return seen


def test_step_lr_and_cosine_lr_two_groups() -> None:
    step = lrs_per_step(StepLR(PlainOptimizer(0.05, 1.0), step_size=30, gamma=0.1), 91)
    assert step[:2] == step[58:60] == [0.05, 1.0]
    assert [step[2 * t + g] for t in (30, 59, 60, 90) for g in (0, 1)] == near(
        0.005, 0.1, 0.005, 0.1, 0.0005, 0.01, 0.00005, 0.001
    )
    cosine = lrs_per_step(CosineAnnealingLR(PlainOptimizer(0.1, 0.01), T_max=4, eta_min=0.001), 9)
    assert cosine[:2] == [0.1, 0.01] and cosine[8:10] == [0.001, 0.001]
    assert cosine[4:6] + cosine[16:18] == near(0.0505, 0.0055, 0.1, 0.01)


@pytest.mark.parametrize(("T_0", "T_mult"), [(1, 2), (1, 3), (2, 3), (5, 4), (7, 2)])
def test_restart_cycles_are_exact_at_every_boundary(T_0: int, T_mult: int) -> None:
    schedule = CosineWarmRestarts(T_0=T_0, T_mult=T_mult)
    start, length = 0, T_0
    for _ in range(12):
        assert schedule.cycle(start) == (0, length)
        assert schedule.cycle(start + length - 1) == (length - 1, length)
        assert schedule.cycle(start + 0.5) == (0.5, length)
        assert schedule(start, 2.0) == 2.0
        start, length = start + length, length * T_mult


# -- CyclicLR and OneCycleLR -------------------------------------------------------------------


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
    # the built-in modes set their own scale mode
    assert ps.Cyclic(base_lr=0.1, mode="exp_range", scale_mode="cycle").scale_mode == "iterations"
    assert ps.Cyclic(base_lr=0.1, mode="triangular2", scale_mode="iterations").scale_mode == "cycle"


def test_one_cycle_momentum_phases() -> None:
    one = ps.OneCycle(10, 0.3, "linear", base_momentum=0.8, max_momentum=0.9, three_phase=True)
    assert [one.momenta(t)[0] for t in (0, 2, 4, 7, 9)] == pytest.approx([0.9, 0.8, 0.9, 0.9, 0.9])  # type: ignore[index]
    assert ps.OneCycle(10, cycle_momentum=False).momenta(3) is None
    assert ps.OneCycle(10, 0.3, "linear").phase_ends() == [2.0, 9.0]
    assert one.phase_ends() == [2.0, 4.0, 9.0]


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
    optimizer = PlainOptimizer(0.5, 0.5, momentum=0.0)
    scheduler = ps.OneCycleLR(optimizer, [1.0, 2.0], total_steps=100, div_factor=4.0, final_div_factor=2.0)
    keys = ("initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum", "momentum")
    assert [tuple(group[key] for key in keys) for group in optimizer.param_groups] == [
        (0.25, 1.0, 0.125, 0.95, 0.85, 0.95),
        (0.5, 2.0, 0.25, 0.95, 0.85, 0.95),
    ]
    assert scheduler.base_lrs == [0.25, 0.5]
    assert lrs_of(optimizer) == [0.25, 0.5]


def test_arguments_are_checked_even_when_unused_and_list_elements_are_named() -> None:
    with pytest.raises(ValueError, match=r"^OneCycleLR: epochs must be an int >= 1\. Received: epochs=0 \(int\)$"):
        ps.OneCycleLR(PlainOptimizer(0.1), 0.1, total_steps=10, epochs=0, cycle_momentum=False)
    scheduler = ps.OneCycleLR(
        PlainOptimizer(0.1), 0.1, total_steps=10, epochs=3, steps_per_epoch=5, cycle_momentum=False
    )
    assert scheduler.total_steps == 10  # torch's precedence
    with pytest.raises(
        ValueError,
        match=r"^CyclicLR: mode must be one of 'triangular', 'triangular2', 'exp_range'\. Received: mode='custom'",
    ):
        ps.CyclicLR(PlainOptimizer(0.1), 0.01, 0.1, mode="custom", scale_fn=abs, cycle_momentum=False)  # type: ignore[arg-type]
    with pytest.raises(
        ValueError,
        match=r"^CyclicLR: max_lr\[1\] must be a finite number >= 0 .*Received: max_lr\[1\]=-1\.0 \(float\)$",
    ):
        ps.CyclicLR(PlainOptimizer(0.1, 0.2), 0.01, [0.1, -1.0], cycle_momentum=False)
    with pytest.raises(
        ValueError,
        match=r"^OneCycleLR: base_momentum\[0\] must be a finite number >= 0 .*Received: base_momentum\[0\]=-1\.2",
    ):
        ps.OneCycleLR(PlainOptimizer(0.1), 0.1, 10, base_momentum=[-1.2])


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
@given(config=one_cycle_configs, data=st.data())
def test_step_epoch_equals_stepping(config: dict[str, Any], data: Any) -> None:
    epoch = data.draw(st.integers(0, config["total_steps"]))
    stepped_opt, jumped_opt = PlainOptimizer(0.1, 0.1, momentum=0.0), PlainOptimizer(0.1, 0.1, momentum=0.0)
    stepped, jumped = ps.OneCycleLR(stepped_opt, **config), ps.OneCycleLR(jumped_opt, **config)
    for _ in range(epoch):
        stepped.step()
    jumped.step(epoch)
    assert jumped_opt.param_groups == stepped_opt.param_groups
    assert not math.isnan(lrs_of(jumped_opt)[0])


# -- pure objects: repr, config, from_config ------------------------------------------------


def named(t: int) -> float:
    return 0.5


PURE = [
    StepDecay(3, 0.5),
    CosineAnnealing(100, 1e-5),
    ExponentialDecay(0.9),
    MultiStepDecay([30, 10], 0.5),
    ConstantFactor(0.25, 4),
    LinearFactor(0.1, 0.9, 7),
    PolynomialDecay(10, 2.0),
    CosineWarmRestarts(5, 2, 0.01),
]


@pytest.mark.parametrize("schedule", PURE, ids=lambda s: type(s).__name__)
def test_config_round_trips_through_json(schedule: Schedule) -> None:
    config = json.loads(json.dumps(schedule.to_config()))
    again = Schedule.from_config(config)
    assert again == schedule
    assert repr(again) == repr(schedule)
    assert again.simulate(30, 0.3) == schedule.simulate(30, 0.3)


def test_reprs_configs_and_immutability() -> None:
    cosine = CosineAnnealing(T_max=100, eta_min=1e-5)
    assert repr(cosine) == "CosineAnnealing(T_max=100, eta_min=1e-05)"
    assert cosine.to_config() == {"name": "CosineAnnealing", "T_max": 100, "eta_min": 1e-5}
    assert hash(cosine) == hash(CosineAnnealing(100, 1e-5))
    assert StepDecay.from_config({"step_size": 3}) == StepDecay(3, 0.1)
    assert repr(MultiStepDecay([30, 10], 0.5)) == "MultiStepDecay(milestones=(10, 30), gamma=0.5)"
    assert repr(ConstantFactor(0.25, 4)) == "ConstantFactor(scale=0.25, total_iters=4)"
    assert repr(LambdaFactor(named)) == "LambdaFactor(lr_lambda=named)"
    assert repr(MultiplicativeDecay([named, lambda t: 1.0])) == "MultiplicativeDecay(lr_lambda=[named, <lambda>])"
    assert LambdaFactor([named, named]).to_config() == {"name": "LambdaFactor", "lr_lambda": ["named", "named"]}
    with pytest.raises(AttributeError):
        cosine.T_max = 10  # type: ignore[misc]
    # ConstantFactor's config uses torch's name for its scale
    schedule = ConstantFactor(scale=0.5, total_iters=2)
    assert schedule.to_config() == {"name": "ConstantFactor", "factor": 0.5, "total_iters": 2}
    assert ConstantFactor.parameters() == ("factor", "total_iters")
    assert schedule.replace(factor=0.25).scale == 0.25
    with pytest.raises(ValueError, match=r"^ConstantFactor: factor must be a finite number in \(0\.0, 1\.0\]"):
        schedule.replace(factor=2.0)


@pytest.mark.parametrize("cls", [LambdaFactor, MultiplicativeDecay])
def test_function_schedules_cannot_be_rebuilt_from_config(cls: type[Schedule]) -> None:
    config = cls(named).to_config()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=rf"^{cls.__name__}\.from_config: lr_lambda must be given as a function"):
        cls.from_config(config)
    with pytest.raises(TypeError, match=r"lr_lambda must be given as a function.*Received: lr_lambda='named'"):
        Schedule.from_config(config)


def test_schedule_errors_name_the_schedule() -> None:
    with pytest.raises(ValueError, match=r"^ExponentialDecay: gamma must be a finite number >= 0\.0"):
        ExponentialDecay(-1.0)
    with pytest.raises(TypeError, match=r"^LambdaFactor: lr_lambda must be a function or a non-empty list"):
        LambdaFactor(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"2 lr_lambda functions cannot serve 3 param groups"):
        LambdaFactor([named, named]).values(1, [1.0, 1.0, 1.0])


# -- lambdas: not saved, checked on load ------------------------------------------------------


@pytest.mark.parametrize("name", ["LambdaLR", "MultiplicativeLR"])
def test_state_names_the_functions_and_loading_checks_them(name: str) -> None:
    cls = getattr(ps, name)
    scheduler = cls(PlainOptimizer(0.1, 0.2), lr_lambda=[named, lambda t: 0.9])
    scheduler.step()
    state = json.loads(json.dumps(scheduler.state_dict()))
    assert state["lr_lambdas"] == ["named", "<lambda>"]
    assert state["config"] == {}
    other = cls(PlainOptimizer(0.1, 0.2), lr_lambda=lambda t: 0.9)
    before = other.state_dict()
    with pytest.raises(ValueError, match=r"lr_lambdas'\] must be the names of the live lr_lambda functions"):
        other.load_state_dict(state)
    assert other.state_dict() == before
    del state["lr_lambdas"]
    with pytest.raises(ValueError, match=r"state_dict must be a dict holding 'lr_lambdas'"):
        cls(PlainOptimizer(0.1, 0.2), lr_lambda=[named, lambda t: 0.9]).load_state_dict(state)
    state["lr_lambdas"] = ["named", "<lambda>"]
    state["config"] = {"lr_lambda": "named"}
    with pytest.raises(ValueError, match=r"config must be made of the fields \[\]"):
        cls(PlainOptimizer(0.1, 0.2), lr_lambda=[named, lambda t: 0.9]).load_state_dict(state)


@pytest.mark.parametrize("name", ["LambdaLR", "MultiplicativeLR"])
def test_a_failing_function_changes_nothing(name: str) -> None:
    optimizer = PlainOptimizer(0.1)
    scheduler = getattr(ps, name)(optimizer, lr_lambda=lambda t: 0.5 if t < 3 else -1.0)
    scheduler.step()
    scheduler.step()
    before_groups, before_state = [dict(g) for g in optimizer.param_groups], scheduler.state_dict()
    with pytest.raises(ValueError, match=rf"^{name}: lr_lambda must return a finite number >= 0\.0\. .*at epoch=3$"):
        scheduler.step()
    assert optimizer.param_groups == before_groups
    assert scheduler.state_dict() == before_state
    # LambdaLR calls the function at construction (epoch 0), which then fails before touching
    # the optimizer; MultiplicativeLR first calls it at step 1, and that step changes nothing.
    optimizer = PlainOptimizer(0.1)
    epoch = 0 if name == "LambdaLR" else 1
    with pytest.raises(
        TypeError, match=rf"lr_lambda must return a finite number >= 0\.0\. Received: output=None .*epoch={epoch}$"
    ):
        getattr(ps, name)(optimizer, lr_lambda=lambda t: None, last_epoch=-1).step()
    assert optimizer.param_groups == ([{"lr": 0.1}] if name == "LambdaLR" else [{"lr": 0.1, "initial_lr": 0.1}])


@pytest.mark.parametrize("name", ["LambdaLR", "MultiplicativeLR"])
def test_added_group_needs_a_single_function(name: str) -> None:
    optimizer = PlainOptimizer(0.1)
    scheduler = getattr(ps, name)(optimizer, lr_lambda=[named])
    optimizer.param_groups.append({"lr": 0.3})
    with pytest.raises(ValueError, match=r"a param group was added, but lr_lambda holds one function per group"):
        scheduler.step()
    assert scheduler.base_lrs == [0.1] and scheduler.last_epoch == 0


def test_multiplicative_costs_one_call_per_step_and_its_products() -> None:
    calls: list[int] = []

    def factor(t: int) -> float:
        calls.append(t)
        return 0.999

    scheduler = ps.MultiplicativeLR(PlainOptimizer(0.1, 0.2, 0.3), lr_lambda=factor)
    for _ in range(1000):
        scheduler.step()
    assert calls == list(range(1, 1001))  # one call per step, shared by the groups
    assert scheduler.get_last_lr() == scheduler.schedule.values(1000, [0.1, 0.2, 0.3])
    calls.clear()
    scheduler.step(10)  # a jump recomputes the product
    assert calls == list(range(1, 11))
    decay = MultiplicativeDecay(lambda t: 1.0 / t)
    assert decay.products([0, 2], 4, 2) == [1.0 / 24, 1 / 12]
    assert decay.products([5], 3, 1) == [1.0]  # an empty range


# -- exact resume through JSON, with the states only these classes have -----------------------


#: (class, config, actions): None steps, a number jumps to that epoch, (group, lr) sets an lr by hand.
RESUMES = [
    ("PolynomialLR", {"total_iters": 5}, [None] * 7 + [(1, 0.03)] + [None] * 2),  # a held lr
    ("MultiStepLR", {"milestones": [2, 9, 14], "gamma": 0.0}, [None] * 4 + [(0, 0.2)] + [None] * 3),
    ("LinearLR", {"end_factor": 0.0, "total_iters": 3}, [None] * 6 + [(2, 0.4), None]),
    ("ExponentialLR", {"gamma": 0.9}, [None] * 3 + [(2, 0.4), 7, None]),
    ("MultiplicativeLR", {"lr_lambda": lambda t: 0.0 if t == 4 else 0.95}, [None] * 6 + [(0, 0.05)] + [None] * 3),
    ("MultiplicativeLR", {"lr_lambda": named}, [None] * 3 + [(1, 0.3), 12, None]),
    ("CosineAnnealingWarmRestarts", {"T_0": 3, "T_mult": 2}, [None] * 4 + [6.25, None]),
    ("LambdaLR", {"lr_lambda": named}, [None] * 3 + [(1, 0.3), None]),
]


@pytest.mark.parametrize(("name", "config", "steps"), RESUMES, ids=[r[0] for r in RESUMES])
def test_exact_resume_through_json(name: str, config: dict[str, Any], steps: list[Any]) -> None:
    rng = random.Random(name)
    lrs = [rng.uniform(0.01, 1.0) for _ in range(3)]
    optimizer = PlainOptimizer(*lrs)
    scheduler = getattr(ps, name)(optimizer, **config)
    for action in steps:
        if isinstance(action, tuple):
            optimizer.param_groups[action[0]]["lr"] = action[1]
        elif action is None:
            scheduler.step()
        else:
            scheduler.step(action)
    saved = json.loads(json.dumps({"optimizer": optimizer.param_groups, "scheduler": scheduler.state_dict()}))
    fresh_opt = PlainOptimizer(*lrs)
    fresh = getattr(ps, name)(fresh_opt, **config)
    fresh_opt.param_groups = saved["optimizer"]
    fresh.load_state_dict(saved["scheduler"])
    for _ in range(40):
        scheduler.step()
        fresh.step()
        assert lrs_of(fresh_opt) == lrs_of(optimizer)  # bit-identical
    assert json.loads(json.dumps(fresh.state_dict())) == json.loads(json.dumps(scheduler.state_dict()))


def test_held_lr_after_polynomial_end_is_kept() -> None:
    optimizer = PlainOptimizer(1.0)
    scheduler = ps.PolynomialLR(optimizer, total_iters=2)
    for _ in range(3):
        scheduler.step()
    optimizer.param_groups[0]["lr"] = 0.5
    for _ in range(4):
        scheduler.step()
        assert lrs_of(optimizer) == [0.5]
    assert scheduler.state_dict()["holds"] == [[3, 0.5]]


@pytest.mark.parametrize(
    ("change", "pattern"),
    [
        ({"holds": 3}, r"state_dict\['holds'\] must be a list of 1 entries"),
        ({"holds": [[1]]}, r"state_dict\['holds'\]\[0\] must be null or \[step, lr\]"),
        ({"holds": [[-1, 0.1]]}, r"state_dict\['holds'\]\[0\]\[0\] must be an int >= 0"),
        ({"holds": [[1, float("nan")]]}, r"state_dict\['holds'\]\[0\]\[1\] must be a finite number"),
    ],
)
def test_bad_holds_are_refused(change: dict[str, Any], pattern: str) -> None:
    scheduler = ps.PolynomialLR(PlainOptimizer(1.0))
    with pytest.raises((TypeError, ValueError), match=pattern):
        scheduler.load_state_dict({**scheduler.state_dict(), **change})


def test_restarts_bad_offset_and_epochs() -> None:
    scheduler = ps.CosineAnnealingWarmRestarts(PlainOptimizer(1.0), T_0=3)
    rule = r"state_dict\['offset'\] must be a finite number with last_epoch \+ offset in \[0, 2\*\*53\]"
    for offset in (-1.5, float("inf"), float("nan")):  # at last_epoch 0 (an offset of 1.5 is a T_cur set by hand)
        with pytest.raises(ValueError, match=rule):
            scheduler.load_state_dict({**scheduler.state_dict(), "offset": offset})
    with pytest.raises(ValueError, match=r"^CosineAnnealingWarmRestarts\.step: epoch must be a finite number >= 0\.0"):
        scheduler.step(-0.5)
    assert scheduler.last_epoch == 0 and scheduler.T_cur == 0


# -- issue 13, hf --
# InverseSqrt: transformers' form (values pinned from get_inverse_sqrt_schedule, warmup 4, timescale 4 and
# 100), fairseq's (peak * sqrt(w / t) after a ramp from warmup_init_lr = 0.1 * peak), no warmup (timescale
# 10,000); PiecewiseLinear: ignite's milestones and optax 0.2.8's piecewise_interpolate_schedule("linear",
# 0.5, {3: 0.5, 6: 2.0, 8: 0.1}) (float32 there); PiecewiseConstant: optax's piecewise_constant_schedule.
HF_GOLDEN: list[tuple[Schedule, float, Any, Any]] = [
    (
        ps.InverseSqrt(4),
        1.0,
        range(9),
        near(0, 0.25, 0.5, 0.75, 1, 0.8944271909999159, 0.816496580927726, 0.7559289460184544, 0.7071067811865476),
    ),
    (ps.InverseSqrt(4, timescale=100), 2.0, [0, 2, 4, 104, 304], near(0, 1.0, 2.0, 2 / math.sqrt(2), 1.0)),
    (ps.InverseSqrt(4, start_factor=0.1), 1.0, [0, 1, 4, 9, 16, 400], near(0.1, 0.325, 1, 2 / 3, 0.5, 0.1)),
    (ps.InverseSqrt(), 1.0, [0, 10_000, 30_000], near(1.0, 1 / math.sqrt(2), 0.5)),
    (
        ps.PiecewiseLinear([(2, 0.0), (4, 1.0), (8, 0.5)]),
        1.0,
        range(10),
        near(0, 0, 0, 0.5, 1, 0.875, 0.75, 0.625, 0.5, 0.5),
    ),
    (ps.PiecewiseLinear([(0, 1.0), (2, 0.0), (2, 0.5), (4, 0.5)]), 1.0, range(5), near(1, 0.5, 0.5, 0.5, 0.5)),
    (ps.PiecewiseLinear([(3, 0.7)]), 2.0, [0, 3, 99], near(1.4, 1.4, 1.4)),
    (
        ps.PiecewiseLinear([(0, 1.0), (3, 0.5), (6, 1.0), (8, 0.1)]),
        0.5,
        range(10),
        near(
            0.5,
            0.4166666567325592,
            0.3333333134651184,
            0.25,
            0.3333333432674408,
            0.4166666865348816,
            0.5,
            0.2750000059604645,
            0.05000000074505806,
            0.05000000074505806,
            rel=1e-7,
        ),
    ),
    (
        ps.PiecewiseConstant([3, 6, 8], [0.5, 2.0, 0.1]),
        0.5,
        range(10),
        near(0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.5, 0.5, 0.05000000074505806, 0.05000000074505806, rel=1e-7),
    ),
    (ps.PiecewiseConstant([], []), 0.3, [0, 10**9], [0.3, 0.3]),
    (ps.PiecewiseConstant([0, 5], [0.0, 10.0]), 1.0, [0, 5, 6], [0.0, 0.0, 0.0]),
    # HFDecay, transformers' shapes after warmup (by hand: p = (t + offset) / steps)
    (ps.HFDecay("cosine", 4, num_cycles=1.0), 2.0, range(6), near(2.0, 1.0, 0.0, 1.0, 2.0, 1.0, abs=1e-15)),
    (
        ps.HFDecay("cosine", 4, end_ratio=0.5, offset=1),
        1.0,
        [0, 1, 3, 4],
        near(0.75 + ARM / 2, 0.75, 0.5, 0.75 - ARM / 2),
    ),
    (ps.HFDecay("restarts", 4, num_cycles=2), 1.0, range(6), near(1.0, 0.5, 1.0, 0.5, 0.0, 0.0)),
    (ps.HFDecay("power", 4, end_ratio=0.2, power=2.0), 1.0, range(6), near(1.0, 0.65, 0.4, 0.25, 0.2, 0.2)),
    (ps.HFDecay("1-sqrt", 4), 1.0, range(6), near(1.0, 0.5, 1 - math.sqrt(0.5), 1 - math.sqrt(0.75), 0.0, 0.0)),
    # optax's cosine exponent ((1 + cos)/2 squared) and polynomial rise (end_ratio 3: 1 + 2 * (1 - (1 - p)**2))
    (ps.HFDecay("cosine", 4, power=2.0), 1.0, range(5), near(1.0, (0.5 + ARM) ** 2, 0.25, (0.5 - ARM) ** 2, 0.0)),
    (ps.HFDecay("power", 4, end_ratio=3.0, power=2.0), 1.0, range(6), near(1.0, 1.875, 2.5, 2.875, 3.0, 3.0)),
    # a Sequential whose second part runs at half the base (optax's per-cycle peaks)
    (
        ps.Sequential([ps.StepDecay(1, 0.5), ps.Scaled(ps.StepDecay(1, 0.5), 0.5)], [2]),
        1.0,
        range(4),
        [1, 0.5, 0.5, 0.25],
    ),
]


@pytest.mark.parametrize(("schedule", "base", "steps", "values"), HF_GOLDEN, ids=lambda value: repr(value)[:60])
def test_issue13_hf_golden_values(schedule: Schedule, base: float, steps: Any, values: Any) -> None:
    assert [schedule(step, base) for step in steps] == values
    if isinstance(steps, range):
        assert schedule.simulate(len(steps), base) == values


def test_issue13_fairseq_inverse_sqrt_form() -> None:
    """fairseq's inverse_sqrt: lr ramps from warmup_init_lr to lr over warmup_updates, then lr * sqrt(w / t)."""
    peak, init, warmup = 5e-4, 1e-7, 4000
    schedule = ps.InverseSqrt(warmup_steps=warmup, start_value=init)
    for step in (0, 1, 1999, 3999):
        expected = init + step * (peak - init) / warmup  # fairseq's lr_step
        assert math.isclose(schedule(step, peak), expected, rel_tol=1e-13)
    for step in (4000, 4001, 10_000, 10**7):
        expected = peak * warmup**0.5 * step**-0.5  # fairseq's decay_factor * num_updates ** -0.5
        assert math.isclose(schedule(step, peak), expected, rel_tol=1e-13)


# -- issue 13, warmup --
WARMUP_COSINE = CosineAnnealing(T_max=4)
WARMUP_GOLDEN: list[tuple[ps.Warmup, float, list[float]]] = [  # steps 0 .. 8, the README's table
    (ps.Warmup(WARMUP_COSINE, steps=4), 1.0, [0.0, 0.25, 0.5, 0.75, 1.0, 0.5 + ARM, 0.5, 0.5 - ARM, 0.0]),
    (
        ps.Warmup(WARMUP_COSINE, steps=4, peak="last"),
        1.0,
        [0.0, 1 / 3, 2 / 3, 1.0, 1.0, 0.5 + ARM, 0.5, 0.5 - ARM, 0.0],
    ),
    (
        ps.Warmup(WARMUP_COSINE, steps=4, start_value=0.1, prefix=False),  # timm's default: a jump at step 4
        1.0,
        [0.1, 0.325, 0.55, 0.775, 0.0, 0.5 - ARM, 0.5, 0.5 + ARM, 1.0],
    ),
    (ps.Warmup(None, steps=4, start_factor=0.5), 2.0, [1.0, 1.25, 1.5, 1.75, 2.0, 2.0, 2.0, 2.0, 2.0]),
    (
        ps.Warmup(None, steps=2, start_factor=0.25, shape="exponential"),
        4.0,
        [1.0, 2.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0],
    ),
    (ps.Warmup(None, steps=4, shape="cosine"), 1.0, [0.0, 0.5 - ARM, 0.5, 0.5 + ARM, 1.0, 1.0, 1.0, 1.0, 1.0]),
    (
        ps.Warmup(None, steps=4, shape="1-sqrt"),  # transformers' WSD warmup, 1 - sqrt(1 - x)
        1.0,
        [0.0, 1 - math.sqrt(0.75), 1 - math.sqrt(0.5), 0.5, 1.0, 1.0, 1.0, 1.0, 1.0],
    ),
    (
        ps.Warmup(None, steps=3, start_value=0.01, shape="log", peak="last"),  # DeepSpeed's log warmup
        1.0,
        [0.01, 0.01 + 0.99 * math.log(2) / math.log(3), 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    ),
]


# -- issue 13, wsd --
# WarmupStableDecay, by hand from the formulas: the peak at step W, the decay from step W + S (its first
# step still the base), the floor from W + S + D on; 1-sqrt warmup is transformers' 1 - sqrt(1 - x).
R2, R3 = math.sqrt(0.5), math.sqrt(0.75)
WSD_GOLDEN: list[tuple[Schedule, float, Any, Any]] = [
    (
        ps.WarmupStableDecay(4, 4, num_training_steps=12),
        1.0,
        range(14),
        near(0, 0.25, 0.5, 0.75, 1, 1, 1, 1, 1, 0.5, 1 - R2, 1 - R3, 0, 0),
    ),
    (
        ps.WarmupStableDecay(4, 2, num_stable_steps=0, warmup_type="1-sqrt", decay_type="linear", min_lr_ratio=0.2),
        2.0,
        range(8),
        near(0.4, 2 * (0.2 + 0.8 * (1 - R3)), 2 * (0.2 + 0.8 * (1 - R2)), 2 * (0.2 + 0.8 * 0.5), 2, 1.2, 0.4, 0.4),
    ),
    (
        ps.WarmupStableDecay(2, 2, num_stable_steps=1, warmup_type="cosine", decay_type="square", min_lr=0.1),
        1.0,
        range(7),
        near(0.1, 0.55, 1, 1, 0.775, 0.1, 0.1),
    ),
    (
        ps.WarmupStableDecay(0, 4, 4, decay_type="power", decay_power=2.0, min_lr_ratio=0.0),
        1.0,
        range(6),
        near(1, 0.5625, 0.25, 0.0625, 0, 0),
    ),
    (ps.WarmupStableDecay(0, 2, 2, decay_type="exponential", min_lr=0.01), 1.0, range(4), near(1, 0.1, 0.01, 0.01)),
    (
        ps.WarmupStableDecay(2, warmup_type="exponential", warmup_start_ratio=0.01),
        1.0,
        [0, 1, 2, 10**9],
        near(0.01, 0.1, 1, 1),
    ),
    (ps.WarmupStableDecay(2, warmup_start_lr=0.2, min_lr=0.05), 1.0, [0, 1, 2, 10**12], near(0.2, 0.6, 1, 1)),
    (
        ps.WarmupStableDecay(1, cooldown_start=3, cooldown_steps=4, decay_type="cosine", min_lr_ratio=0.5),
        1.0,
        range(9),
        near(0.5, 1, 1, 1, 0.5 + 0.5 * (1 + R2) / 2, 0.75, 0.5 + 0.5 * (1 - R2) / 2, 0.5, 0.5),
    ),
]


@pytest.mark.parametrize(("schedule", "base", "values"), WARMUP_GOLDEN, ids=stable_id)
def test_warmup_golden_values(schedule: ps.Warmup, base: float, values: list[float]) -> None:
    assert [schedule(t, base) for t in range(9)] == pytest.approx(values, rel=1e-15, abs=1e-300)
    assert schedule.simulate(9, base) == pytest.approx(values, rel=1e-15, abs=1e-300)
    optimizer = PlainOptimizer(base)
    scheduler = ps.ScheduledLR(optimizer, schedule)
    driven = [optimizer.param_groups[0]["lr"]]
    for _ in range(8):
        scheduler.step()
        driven.append(optimizer.param_groups[0]["lr"])
    assert driven == [schedule(t, base) for t in range(9)]


@pytest.mark.parametrize("schedule,base,steps,values", WSD_GOLDEN, ids=lambda value: repr(value)[:60])
def test_issue13_wsd_golden_values(schedule: Schedule, base: float, steps: Any, values: Any) -> None:
    assert [schedule(step, base) for step in steps] == values
    if isinstance(steps, range):
        assert schedule.simulate(len(steps), base) == values


# -- issue 13, cycles --
# Pinned from timm 1.0.31 (base lr 1.0, warmup_t=0, no noise, step(epoch) for epochs 0, 1, ...):
# TanhLRScheduler(t_initial=4, lr_min=0.01, cycle_limit=2, cycle_decay=0.5); CosineLRScheduler(t_initial=3,
# cycle_mul=2.0, k_decay=2.0, lr_min=0.001, cycle_limit=3, cycle_decay=0.7); PolyLRScheduler(t_initial=5,
# power=2.0, lr_min=0.01, cycle_limit=2, k_decay=0.5). And by hand: a cosine cycle of 2 steps, then one of 4
# at half the peak, then the floor.
CYCLES_GOLDEN: list[tuple[Schedule, Any, Any]] = [
    (
        ps.Cycles(ps.TanhDecay(4, eta_min=0.01), cycle_decay=0.5, cycle_limit=2, timm_rounding=True),
        range(10),
        near(
            0.9999991767872526,
            0.9998778393697737,
            0.9821936521375294,
            0.27625200715629517,
            0.49999959255126647,
            0.49993953665776675,
            0.4911867571185751,
            0.1417812964712976,
            0.01,
            0.01,
            rel=1e-14,
        ),
    ),
    (
        ps.Cycles(ps.KDecay(ps.CosineAnnealing(3, 0.001), 2.0), 2.0, 0.7, 3, timm_rounding=True),
        range(22),
        near(
            1.0,
            0.9698764640825612,
            0.5872372647446318,
            0.7,
            0.698670046983065,
            0.6789225709646749,
            0.5976338200246983,
            0.4111900380945922,
            0.15003503549530936,
            0.48999999999999994,
            0.48994181562103767,
            0.4890696036834317,
            0.4853020010585898,
            0.47525484578215454,
            0.45452595237953536,
            0.4183876080001108,
            0.36310175400079026,
            0.2879569794395645,
            0.19780041626705663,
            0.1052605613121692,
            0.031140308229514368,
            0.001,
            rel=1e-13,
        ),
    ),
    (
        ps.Cycles(ps.KDecay(ps.PolynomialDecay(5, 2.0), 0.5), cycle_limit=2, eta_min=0.01, timm_rounding=True),
        range(12),
        near(
            1.0,
            0.3125170809100834,
            0.1437380465733218,
            0.06029859490186295,
            0.021034161820166566,
            1.0,
            0.3125170809100834,
            0.1437380465733218,
            0.06029859490186295,
            0.021034161820166566,
            0.01,
            0.01,
            rel=1e-13,
        ),
    ),
    (
        ps.Cycles(ps.CosineAnnealing(2), cycle_mul=2.0, cycle_decay=0.5, cycle_limit=2),
        range(8),
        near(1, 0.5, 0.5, 0.25 * (1 + math.cos(math.pi / 4)), 0.25, 0.25 * (1 - math.cos(math.pi / 4)), 0, 0),
    ),
    (ps.TanhDecay(4, lb=-1.0, ub=1.0), [0, 2, 4], near(0.5 * (1 + math.tanh(1)), 0.5, 0.5 * (1 - math.tanh(1)))),
    (ps.KDecay(ps.PolynomialDecay(4, 1.0), 2.0), range(6), near(1, 15 / 16, 0.75, 7 / 16, 0, 0)),
]


@pytest.mark.parametrize(("schedule", "steps", "values"), CYCLES_GOLDEN, ids=lambda value: repr(value)[:60])
def test_issue13_cycles_golden_values(schedule: Schedule, steps: Any, values: Any) -> None:
    assert [schedule(step, 1.0) for step in steps] == values
    if isinstance(steps, range):
        assert schedule.simulate(len(steps), 1.0) == values
        assert schedule.simulate(len(steps), 1.0, exact=True) == values


# -- issue 13, timm --


def test_noisy_golden_values_are_torchs_draws() -> None:
    # torch.Generator().manual_seed(44 + t), then torch.randn(1): 0.058945026248693466 at t=0;
    # -1.1223719120025635 at t=1, beyond pct=0.67, so drawn again: the pair's cached second value,
    # 0.031175758689641953; -0.13182371854782104 at t=2. torch.rand(1) after manual_seed(0) is
    # 0.49625658988952637, after manual_seed(1) 0.7576315999031067.
    normal = ps.Noisy(ps.StepDecay(step_size=100, gamma=0.5), pct=0.67, seed=44)
    assert [normal(t, base=1.0) for t in range(3)] == [
        1.0 + 0.058945026248693466,
        1.0 + 0.031175758689641953,
        1.0 - 0.13182371854782104,
    ]
    uniform = ps.Noisy(ps.StepDecay(step_size=100, gamma=0.5), start=1, pct=0.67, distribution="uniform", seed=-1)
    assert [uniform(t, base=2.0) for t in range(3)] == [
        2.0,
        2.0 + 2.0 * (2 * (0.49625658988952637 - 0.5) * 0.67),
        2.0 + 2.0 * (2 * (0.7576315999031067 - 0.5) * 0.67),
    ]
    assert normal(100, base=1.0) == 0.5 + 0.5 * normal.noise(100)


def test_timm_warmup_prefix_jump_as_the_readme_shows() -> None:
    # CosineLRScheduler(t_initial=100, lr_min=1e-5, warmup_t=10, warmup_lr_init=1e-5) at base 0.1,
    # epochs 8..12 (timm 1.0.31 gives the same): warmup_prefix=False jumps to the cosine's value at
    # step 10 and never reaches the base; warmup_prefix=True starts the cosine at the base.
    expected = {
        False: ([0.080002, 0.090001, 0.097553, 0.097044, 0.096489], 100),
        True: ([0.080002, 0.090001, 0.1, 0.099975, 0.099901], 110),
    }
    for prefix, (lrs, epochs) in expected.items():
        optimizer = PlainOptimizer(0.1)
        scheduler = ps.CosineLRScheduler(
            optimizer, t_initial=100, lr_min=1e-5, warmup_t=10, warmup_lr_init=1e-5, warmup_prefix=prefix
        )
        seen = []
        for epoch in range(8, 13):
            scheduler.step(epoch)
            seen.append(round(optimizer.param_groups[0]["lr"], 6))
        assert (seen, scheduler.get_cycle_length()) == (lrs, epochs)

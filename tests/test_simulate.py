"""Vectorised simulation: the array path is the scalar formula to 2 ulp (exact with exact=True); no numpy; Sequential."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest

import paradox.scheduler.schedule as schedule_module
from conftest import assert_close, quiet, stable_id
from paradox.scheduler import (
    ChainedScheduler,
    ConstantFactor,
    CosineAnnealing,
    CosineAnnealingLR,
    CosineWarmRestarts,
    Cycles,
    Cyclic,
    ExponentialDecay,
    ExponentialLR,
    HFDecay,
    InverseSqrt,
    KDecay,
    LinearFactor,
    MultiStepDecay,
    Noisy,
    OneCycle,
    OneCycleLR,
    PiecewiseConstant,
    PiecewiseLinear,
    PolynomialDecay,
    Schedule,
    Sequential,
    StepDecay,
    StepLR,
    TanhDecay,
    Warmup,
    WarmupStableDecay,
    simulate,
)
from paradox.scheduler.preview.simulate import PreviewOptimizer
from paradox.scheduler.preview.spec import load

SCHEDULES: list[Schedule] = [
    StepDecay(step_size=7, gamma=0.9),
    StepDecay(step_size=1, gamma=0.0),
    CosineAnnealing(T_max=333, eta_min=0.01),
    CosineAnnealing(T_max=1),
    ExponentialDecay(gamma=0.9999),
    ExponentialDecay(gamma=1.0),
    MultiStepDecay(milestones=[10, 50, 50, 300], gamma=0.3),
    ConstantFactor(scale=0.25, total_iters=13),
    ConstantFactor(scale=0.5, total_iters=0),
    LinearFactor(start_factor=0.01, end_factor=1.0, total_iters=97),
    LinearFactor(start_factor=1.0, end_factor=0.0, total_iters=50),
    PolynomialDecay(total_iters=500, power=1.7),
    CosineWarmRestarts(T_0=10, T_mult=2, eta_min=0.001),
    CosineWarmRestarts(T_0=7),
    Cyclic(base_lr=0.01, step_size_up=13, step_size_down=29, mode="triangular2"),
    Cyclic(base_lr=0.01, step_size_up=13, mode="exp_range", gamma=0.999),
    Cyclic(base_lr=0.01, step_size_up=5, scale_fn=lambda x: 1 / (1 + x), scale_mode="iterations"),
    OneCycle(total_steps=1000),
    OneCycle(total_steps=1000, three_phase=True, anneal_strategy="linear"),
    OneCycle(total_steps=997, pct_start=0.41, three_phase=True, cycle_momentum=False),
    Sequential([LinearFactor(start_factor=0.01, total_iters=100), CosineAnnealing(T_max=900, eta_min=1e-4)], [100]),
    Sequential(
        [ConstantFactor(scale=0.1, total_iters=5), Sequential([StepDecay(step_size=3), ExponentialDecay(0.99)], [30])],
        [20],
    ),
    # the schedules of issue 13
    TanhDecay(T_max=997, eta_min=0.001),
    KDecay(CosineAnnealing(T_max=400, eta_min=0.01), k=2.5),
    KDecay(PolynomialDecay(total_iters=300, power=0.7), k=0.5),
    Warmup(CosineAnnealing(T_max=900), steps=100, shape="exponential", start_factor=0.01),
    Warmup(CosineAnnealing(T_max=900), steps=100, shape="log", prefix=False),
    WarmupStableDecay(num_warmup_steps=50, num_decay_steps=0.2, num_training_steps=1000, decay_type="1-sqrt"),
    WarmupStableDecay(
        num_warmup_steps=50, num_decay_steps=300, num_training_steps=1000, decay_type="exponential", min_lr=1e-4
    ),
    InverseSqrt(warmup_steps=100, timescale=50),
    PiecewiseLinear([(0, 0.0), (100, 1.0), (400, 0.5), (1000, 0.01)], shape="cosine"),
    PiecewiseConstant([100, 500], [0.3, 0.05]),
    Cycles(CosineAnnealing(T_max=90, eta_min=0.01), cycle_mul=1.5, cycle_decay=0.7, cycle_limit=4),
    Noisy(CosineAnnealing(T_max=1000), start=100, stop=900, pct=0.5, seed=7),
    HFDecay("cosine", 1000, num_cycles=1.5),
    HFDecay("power", 800, power=2.0, end_ratio=0.01),
]


def without_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The library as without numpy: its lazy import finds nothing."""
    monkeypatch.setattr(schedule_module, "load_numpy", lambda values: None)


def assert_ulps(ours: list[float], reference: list[float], ulps: int = 2) -> None:
    """Every value within ``ulps`` units in the last place of the reference (the documented bound)."""
    assert len(ours) == len(reference)
    bad = [(i, a, b) for i, (a, b) in enumerate(zip(ours, reference)) if abs(a - b) > ulps * math.ulp(b)]
    assert not bad, bad[:5]


@pytest.mark.parametrize("schedule", SCHEDULES, ids=stable_id)
def test_the_array_path_is_the_scalar_formula_to_2_ulp(schedule: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    count = schedule.length + 1 if isinstance(schedule, OneCycle) else 1500
    loop = [schedule(t, 0.3) for t in range(count)]
    arrays = schedule.arrays(0, count, [0.3, 2.0])
    assert arrays is not None, "every formula listed here takes arrays"
    for base, values in zip([0.3, 2.0], arrays[0]):
        assert_ulps(values.tolist(), [schedule(t, base) for t in range(count)])
    if getattr(schedule, "cycle_momentum", False):  # the momenta too
        assert_ulps(arrays[1][0].tolist(), [schedule.evaluate(t, [0.3])[1][0] for t in range(count)])
    elif isinstance(schedule, (Cyclic, OneCycle)):
        assert arrays[1] is None
    assert schedule.simulate(count, 0.3, exact=True) == loop
    without_numpy(monkeypatch)
    assert schedule.simulate(count, 0.3) == loop


def test_a_large_simulate_without_numpy_is_still_correct(monkeypatch: pytest.MonkeyPatch) -> None:
    without_numpy(monkeypatch)
    schedule = CosineAnnealing(T_max=60_000)
    values = schedule.simulate(60_001, base=0.1)
    assert values[0] == 0.1 and values[-1] == 0.0 and values[30_000] == schedule(30_000, 0.1)


def test_numpy_is_imported_only_for_large_simulations() -> None:
    assert schedule_module.load_numpy(10) is np  # already imported in this process: used
    assert schedule_module.IMPORT_NUMPY_FROM == 50_000


def test_values_out_of_range_fall_back_to_the_scalar_error() -> None:
    with pytest.raises(ValueError, match="ExponentialDecay: the value at step"):
        ExponentialDecay(gamma=1e10).simulate(60, base=1.0)
    with pytest.raises(ValueError, match=r"OneCycle: step must be in \[0, total_steps=10\]"):
        OneCycle(total_steps=10).simulate(12)


# -- simulate(): the vectorised path is the stepping path ----------------------------------------

SPECS = [
    "StepLR(step_size=7, gamma=0.5)",
    "CosineAnnealingLR(T_max=500, eta_min=0.001)",
    "ExponentialLR(gamma=0.999)",
    "MultiStepLR(milestones=[100, 300], gamma=0.1)",
    "ConstantLR(factor=0.5, total_iters=50)",
    "LinearLR(start_factor=0.1, total_iters=80)",
    "PolynomialLR(total_iters=400, power=2.0)",
    "CosineAnnealingWarmRestarts(T_0=50, T_mult=2, eta_min=0.0001)",
    "CyclicLR(base_lr=0.001, max_lr=0.1, step_size_up=40, mode='triangular2')",
    "OneCycleLR(max_lr=0.1, total_steps=700)",
    "OneCycleLR(max_lr=0.1, total_steps=700, three_phase=True, anneal_strategy='linear')",
    "SequentialLR([LinearLR(start_factor=0.01, total_iters=50), CosineAnnealingLR(T_max=650)], milestones=[50])",
    "SequentialLR([ConstantLR(factor=0.1, total_iters=9), SequentialLR([StepLR(step_size=5), "
    "ExponentialLR(gamma=0.99)], milestones=[100])], milestones=[30])",
]


@pytest.mark.parametrize("spec", SPECS)
def test_vectorised_simulate_equals_stepping(spec: str, monkeypatch: pytest.MonkeyPatch) -> None:
    lr = [0.1, 0.02]
    reference = simulate(spec, 700, lr=lr, exact=True)  # exact=True steps the scheduler, never the arrays
    trace = simulate(spec, 700, lr=lr)
    for ours, theirs in zip([*trace.lr, *(trace.momentum or ())], [*reference.lr, *(reference.momentum or ())]):
        assert_ulps(list(ours), list(theirs))
    assert load(spec).build(PreviewOptimizer(lr))._pure_form() is not None, "this spec is simulated as arrays"
    without_numpy(monkeypatch)  # then simulate steps
    assert simulate(spec, 700, lr=lr) == reference


def test_simulate_of_a_scheduler_mid_run_continues_from_its_step() -> None:
    optimizer = PreviewOptimizer([0.1])
    scheduler = OneCycleLR(optimizer, max_lr=0.1, total_steps=300)
    for _ in range(120):
        scheduler.step()
    trace = simulate(scheduler, 100)
    assert trace.lr[0][0] == optimizer.param_groups[0]["lr"]
    for step in range(1, 100):
        scheduler.step()
        assert trace.lr[0][step] == optimizer.param_groups[0]["lr"]
        assert trace.momentum is not None and trace.momentum[0][step] == optimizer.param_groups[0]["betas"][0]


def test_an_lr_changed_by_hand_sends_simulate_to_stepping() -> None:
    optimizer = PreviewOptimizer([0.1])
    scheduler = CosineAnnealingLR(optimizer, T_max=100)
    scheduler.step()
    optimizer.param_groups[0]["lr"] = 0.05  # taken up at the next step
    assert scheduler._pure_form() is None
    trace = simulate(scheduler, 5)
    scheduler.step()
    assert trace.lr[0][1] == optimizer.param_groups[0]["lr"]


def test_subclasses_and_chains_are_stepped() -> None:
    class Mine(StepLR):
        pass

    assert Mine(PreviewOptimizer([0.1]), step_size=2)._pure_form() is None
    optimizer = PreviewOptimizer([0.1])
    chain = ChainedScheduler([StepLR(optimizer, step_size=2), ExponentialLR(optimizer, gamma=0.9)])
    assert chain._pure_form() is None


# -- against torch -----------------------------------------------------------------------------

torch = pytest.importorskip("torch")


def torch_values(build: Any, steps: int) -> tuple[list[float], list[float]]:
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=0.1, momentum=0.9)
    scheduler = build(optimizer, torch.optim.lr_scheduler)
    lrs, momenta = [], []
    with quiet():
        for _ in range(steps):
            lrs.append(optimizer.param_groups[0]["lr"])
            momenta.append(optimizer.param_groups[0]["momentum"])
            optimizer.step()
            scheduler.step()
    return lrs, momenta


def test_warmup_cosine_sequential_is_torchs_sequential_lr() -> None:
    warm, total = 100, 3000
    pure = Sequential([LinearFactor(start_factor=0.01, total_iters=warm), CosineAnnealing(T_max=total - warm)], [warm])
    reference, _ = torch_values(
        lambda opt, s: s.SequentialLR(
            opt,
            [s.LinearLR(opt, start_factor=0.01, total_iters=warm), s.CosineAnnealingLR(opt, T_max=total - warm)],
            [warm],
        ),
        total,
    )
    values = pure.simulate(total, base=0.1)
    assert_close(values, reference)
    spec = f"SequentialLR([LinearLR(start_factor=0.01, total_iters={warm}), CosineAnnealingLR(T_max={total - warm})], [{warm}])"
    assert values == list(simulate(spec, total, lr=0.1, exact=True).lr[0])  # the stepped SequentialLR


def test_one_cycle_simulate_is_torchs_with_momentum() -> None:
    reference, momenta = torch_values(lambda opt, s: s.OneCycleLR(opt, max_lr=0.1, total_steps=2000), 2000)
    optimizer = PreviewOptimizer([0.1])
    optimizer.defaults.pop("betas")
    for group in optimizer.param_groups:
        group.pop("betas")
    trace = simulate(OneCycleLR(optimizer, max_lr=0.1, total_steps=2000), 2000)
    assert_close(trace.lr[0], reference)
    assert trace.momentum is not None
    assert_close(trace.momentum[0], momenta)


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (StepDecay(step_size=30, gamma=0.5), lambda o, s: s.StepLR(o, step_size=30, gamma=0.5)),
        (CosineAnnealing(T_max=400, eta_min=0.001), lambda o, s: s.CosineAnnealingLR(o, T_max=400, eta_min=0.001)),
        (ExponentialDecay(gamma=0.999), lambda o, s: s.ExponentialLR(o, gamma=0.999)),
        (MultiStepDecay([50, 200], gamma=0.3), lambda o, s: s.MultiStepLR(o, milestones=[50, 200], gamma=0.3)),
        (ConstantFactor(scale=0.5, total_iters=40), lambda o, s: s.ConstantLR(o, factor=0.5, total_iters=40)),
        (LinearFactor(0.1, 1.0, 60), lambda o, s: s.LinearLR(o, start_factor=0.1, total_iters=60)),
        (PolynomialDecay(total_iters=300, power=2.0), lambda o, s: s.PolynomialLR(o, total_iters=300, power=2.0)),
        (CosineWarmRestarts(T_0=20, T_mult=2), lambda o, s: s.CosineAnnealingWarmRestarts(o, T_0=20, T_mult=2)),
        (Cyclic(base_lr=0.01, step_size_up=30), lambda o, s: s.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=30)),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Schedule) else "",
)
def test_vectorised_simulate_is_torchs(ours: Schedule, theirs: Any) -> None:
    reference, _ = torch_values(theirs, 500)
    arrays = ours.arrays(0, 500, [0.1])
    assert arrays is not None
    assert_close(arrays[0][0].tolist(), reference)


# -- Sequential: config, repr, errors -----------------------------------------------------------


def test_sequential_config_round_trips_through_json_nested() -> None:
    inner = Sequential([StepDecay(step_size=3), ExponentialDecay(0.99)], [30])
    outer = Sequential([ConstantFactor(scale=0.1, total_iters=5), inner], milestones=[20])
    config = outer.to_config()
    assert config == {
        "name": "Sequential",
        "schedules": [
            {"name": "ConstantFactor", "factor": 0.1, "total_iters": 5},
            {
                "name": "Sequential",
                "schedules": [
                    {"name": "StepDecay", "step_size": 3, "gamma": 0.1},
                    {"name": "ExponentialDecay", "gamma": 0.99},
                ],
                "milestones": [30],
            },
        ],
        "milestones": [20],
    }
    again = Schedule.from_config(json.loads(json.dumps(config)))
    assert again == outer and hash(again) == hash(outer) and repr(again) == repr(outer)
    assert Sequential.from_config(config) == outer
    assert outer.length is None
    assert Sequential([StepDecay(2), CosineAnnealing(T_max=10)], [5]).length == 15


def test_sequential_rebases_each_schedule_at_its_milestone() -> None:
    seq = Sequential([CosineAnnealing(T_max=4), StepDecay(step_size=2, gamma=0.5)], [3])
    assert [seq(t, 2.0) for t in (3, 4, 5)] == [2.0, 2.0, 1.0]
    assert seq.values(1, [1.0, 2.0]) == CosineAnnealing(T_max=4).values(1, [1.0, 2.0])
    assert seq.rebase(4, 1.0) == 1.0 and seq.factor(5) == 0.5
    assert Sequential([CosineAnnealing(T_max=4, eta_min=0.1), StepDecay(2)], [3]).floor == 0.0


TWO = [StepDecay(2), StepDecay(3)]


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (
            (StepDecay(2), []),
            TypeError,
            r"^Sequential: schedules must be a non-empty list of schedules \(Schedule objects or their to_config\(\) dicts\)\. "
            r"Received: schedules=StepDecay\(step_size=2, gamma=0\.1\) \(StepDecay\)$",
        ),
        (
            ([], []),
            ValueError,
            r"^Sequential: schedules must be a non-empty list of schedules .*Received: schedules=\[\] \(list\)$",
        ),
        (
            ([StepDecay(2), "cosine"], [3]),
            TypeError,
            r"^Sequential: schedules\[1\] must be a Schedule \(CosineAnnealing\(\.\.\.\), \.\.\.\) or its to_config\(\) "
            r"dict\. Received: schedules\[1\]='cosine' \(str\)$",
        ),
        (  # a config without a required field: named, not a bare TypeError from __init__
            ([{"name": "CosineAnnealing"}], []),
            ValueError,
            r"^Sequential: schedules\[0\] must be a CosineAnnealing config with its required fields \['T_max'\]\. ",
        ),
        (
            (TWO, []),
            ValueError,
            r"^Sequential: milestones must be a strictly increasing list of 1 ints >= 1 \(one fewer than the schedules\)\. "
            r"Received: milestones=\[\] \(list\)$",
        ),
        (
            ([*TWO, StepDecay(4)], [5, 5]),
            ValueError,
            r"^Sequential: milestones must be a strictly increasing list of 2 ints >= 1 .*Received: milestones=\[5, 5\] \(list\)$",
        ),
        ((TWO, [0]), ValueError, r"Received: milestones=\[0\] \(list\)$"),
        ((TWO, ["5"]), TypeError, r"Received: milestones=\['5'\] \(list\)$"),
        ((TWO, 5), TypeError, r"Received: milestones=5 \(int\)$"),
    ],
)
def test_sequential_errors(args: tuple[Any, Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        Sequential(*args)


def test_sequential_from_config_names_a_bad_child() -> None:
    with pytest.raises(
        ValueError,
        match=r"^Sequential: schedules\[0\]\['name'\] must be one of: .*Received: schedules\[0\]\['name'\]='Nope' \(str\)$",
    ):
        Schedule.from_config({"name": "Sequential", "schedules": [{"name": "Nope"}], "milestones": []})
    with pytest.raises(
        ValueError, match=r"^Sequential: config must be made of the fields \['schedules', 'milestones'\]"
    ):
        Schedule.from_config({"name": "Sequential", "schedules": [], "milestones": [], "extra": 1})

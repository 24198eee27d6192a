"""The family's pure schedules (golden values, config, repr) and the drivers' own state rules."""

from __future__ import annotations

import json
import math
import random
from typing import Any

import pytest

from conftest import PlainOptimizer, lrs_of
from paradox import scheduler as ps
from paradox.scheduler import (
    ConstantFactor,
    CosineWarmRestarts,
    ExponentialDecay,
    LambdaFactor,
    LinearFactor,
    MultiplicativeDecay,
    MultiStepDecay,
    PolynomialDecay,
    Schedule,
)

# -- layer 1: golden values at the boundaries, from the formulas -----------------------------


def test_golden_values() -> None:
    assert ExponentialDecay(0.5).simulate(4, 8.0) == [8.0, 4.0, 2.0, 1.0]
    assert [MultiStepDecay([2, 2, 5], 0.5)(t, 1.0) for t in (0, 1, 2, 4, 5, 100)] == [1, 1, 0.25, 0.25, 0.125, 0.125]
    assert ConstantFactor(0.5, 3).simulate(5, 2.0) == [1.0, 1.0, 1.0, 2.0, 2.0]
    assert ConstantFactor(0.5, 0).simulate(2, 2.0) == [2.0, 2.0]
    assert LinearFactor(0.5, 0.0, 2).simulate(4, 1.0) == [0.5, 0.25, 0.0, 0.0]
    assert PolynomialDecay(2, 1.0).simulate(4, 1.0) == [1.0, 0.5, 0.0, 0.0]
    assert PolynomialDecay(3, 0.0).simulate(5, 1.0) == [1.0] * 5
    sgdr = CosineWarmRestarts(T_0=3, T_mult=1, eta_min=0.1)
    assert [sgdr(t, 1.0) for t in (0, 3, 6, 300)] == [1.0, 1.0, 1.0, 1.0]
    assert sgdr(1.5, 1.0) == pytest.approx(0.1 + 0.9 * (1 + math.cos(math.pi / 2)) / 2)


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


def test_multiplicative_decay_products() -> None:
    decay = MultiplicativeDecay(lambda t: 1.0 / t)
    assert decay.simulate(5, 1.0) == [1.0, 1.0, 0.5, 1 / 6, 1 / 24]
    assert decay.products([0, 2], 4, 2) == [1.0 / 24, 1 / 12]
    assert decay.products([5], 3, 1) == [1.0]  # an empty range


# -- pure objects: repr, config, from_config ------------------------------------------------


def named(t: int) -> float:
    return 0.5


PURE = [
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


def test_reprs() -> None:
    assert repr(MultiStepDecay([30, 10], 0.5)) == "MultiStepDecay(milestones=(10, 30), gamma=0.5)"
    assert repr(ConstantFactor(0.25, 4)) == "ConstantFactor(scale=0.25, total_iters=4)"
    assert repr(LambdaFactor(named)) == "LambdaFactor(lr_lambda=named)"
    assert repr(MultiplicativeDecay([named, lambda t: 1.0])) == "MultiplicativeDecay(lr_lambda=[named, <lambda>])"
    assert LambdaFactor([named, named]).to_config() == {"name": "LambdaFactor", "lr_lambda": ["named", "named"]}


@pytest.mark.parametrize("cls", [LambdaFactor, MultiplicativeDecay])
def test_function_schedules_cannot_be_rebuilt_from_config(cls: type[Schedule]) -> None:
    config = cls(named).to_config()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=rf"^{cls.__name__}\.from_config: lr_lambda must be given as a function"):
        cls.from_config(config)
    with pytest.raises(TypeError, match=r"lr_lambda must be given as a function.*Received: lr_lambda='named'"):
        Schedule.from_config(config)


def test_constant_factor_config_uses_torch_name() -> None:
    schedule = ConstantFactor(scale=0.5, total_iters=2)
    assert schedule.to_config() == {"name": "ConstantFactor", "factor": 0.5, "total_iters": 2}
    assert ConstantFactor.parameters() == ("factor", "total_iters")
    assert schedule.replace(factor=0.25).scale == 0.25
    with pytest.raises(ValueError, match=r"^ConstantFactor: factor must be a finite number in \(0\.0, 1\.0\]"):
        schedule.replace(factor=2.0)


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


def test_lambda_lr_construction_failure_leaves_the_optimizer_alone() -> None:
    optimizer = PlainOptimizer(0.1)
    with pytest.raises(TypeError, match=r"at epoch=0$"):
        ps.LambdaLR(optimizer, lr_lambda=lambda t: "x")
    assert optimizer.param_groups == [{"lr": 0.1}]


@pytest.mark.parametrize("name", ["LambdaLR", "MultiplicativeLR"])
def test_added_group_needs_a_single_function(name: str) -> None:
    optimizer = PlainOptimizer(0.1)
    scheduler = getattr(ps, name)(optimizer, lr_lambda=[named])
    optimizer.param_groups.append({"lr": 0.3})
    with pytest.raises(ValueError, match=r"a param group was added, but lr_lambda holds one function per group"):
        scheduler.step()
    assert scheduler.base_lrs == [0.1] and scheduler.last_epoch == 0


def test_multiplicative_costs_one_call_per_step() -> None:
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


# -- exact resume through JSON, with the states only these classes have -----------------------


def run(name: str, config: dict[str, Any], steps: list[Any], optimizer: Any, scheduler: Any = None) -> Any:
    scheduler = scheduler or getattr(ps, name)(optimizer, **config)
    for action in steps:
        if isinstance(action, tuple):
            optimizer.param_groups[action[0]]["lr"] = action[1]
        elif action is None:
            scheduler.step()
        else:
            scheduler.step(action)
    return scheduler


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
    reference_opt = PlainOptimizer(*lrs)
    reference = run(name, config, steps, reference_opt)
    optimizer = PlainOptimizer(*lrs)
    scheduler = run(name, config, steps, optimizer)
    saved = json.loads(json.dumps({"optimizer": optimizer.param_groups, "scheduler": scheduler.state_dict()}))
    fresh_opt = PlainOptimizer(*lrs)
    fresh = getattr(ps, name)(fresh_opt, **config)
    fresh_opt.param_groups = saved["optimizer"]
    fresh.load_state_dict(saved["scheduler"])
    for _ in range(40):
        reference.step()
        fresh.step()
        assert lrs_of(fresh_opt) == lrs_of(reference_opt)  # bit-identical
    assert json.loads(json.dumps(fresh.state_dict())) == json.loads(json.dumps(reference.state_dict()))


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
    with pytest.raises(ValueError, match=r"state_dict\['offset'\] must be a finite number in \[0\.0, 1\.0\)"):
        scheduler.load_state_dict({**scheduler.state_dict(), "offset": 1.5})
    with pytest.raises(ValueError, match=r"^CosineAnnealingWarmRestarts\.step: epoch must be a finite number >= 0\.0"):
        scheduler.step(-0.5)
    assert scheduler.last_epoch == 0 and scheduler.T_cur == 0

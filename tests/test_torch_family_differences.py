"""Where the family differs from torch on purpose (each is a line of the README's "Differences")."""

from __future__ import annotations

import math
from typing import Any

import pytest

from conftest import PlainOptimizer, lrs_of
from paradox import scheduler as ours

torch = pytest.importorskip("torch")
from torch.optim import lr_scheduler as torch_sched  # noqa: E402

from conftest import torch_optimizer  # noqa: E402

pytestmark = pytest.mark.usefixtures("quiet_warnings")


def test_multiplicative_step_epoch_is_the_closed_form() -> None:
    """torch multiplies the current lr by ``lr_lambda(epoch)`` once; we give the product up to epoch."""
    reference_opt = torch_optimizer([1.0])
    reference = torch_sched.MultiplicativeLR(reference_opt, lr_lambda=lambda t: 0.5)
    reference.step(5)
    assert lrs_of(reference_opt) == [0.5]
    optimizer = PlainOptimizer(1.0)
    scheduler = ours.MultiplicativeLR(optimizer, lr_lambda=lambda t: 0.5)
    scheduler.step(5)
    assert lrs_of(optimizer) == [0.5**5]
    scheduler.step(2)
    assert lrs_of(optimizer) == [0.25]


def test_restarts_jump_to_a_restart_gives_base_lr() -> None:
    """torch finds the cycle with a float logarithm that can miss a restart (log(243, 3) < 5)."""
    reference_opt = torch_optimizer([1.0])
    reference = torch_sched.CosineAnnealingWarmRestarts(reference_opt, T_0=1, T_mult=3)
    reference.step(121)
    assert (reference.T_cur, reference.T_i, lrs_of(reference_opt)) == (81.0, 81, [0.0])
    optimizer = PlainOptimizer(1.0)
    scheduler = ours.CosineAnnealingWarmRestarts(optimizer, T_0=1, T_mult=3)
    scheduler.step(121)
    assert (scheduler.T_cur, scheduler.T_i, lrs_of(optimizer)) == (0, 243, [1.0])
    # torch's own step-by-step run agrees with us
    stepped_opt = torch_optimizer([1.0])
    stepped = torch_sched.CosineAnnealingWarmRestarts(stepped_opt, T_0=1, T_mult=3)
    for _ in range(121):
        stepped.step()
    assert (stepped.T_cur, stepped.T_i, lrs_of(stepped_opt)) == (0, 243, [1.0])


@pytest.mark.parametrize(
    ("name", "config"),
    [
        ("ExponentialLR", {"gamma": 0.5}),
        ("LinearLR", {"start_factor": 0.25, "total_iters": 8}),
        ("PolynomialLR", {"total_iters": 8, "power": 2.0}),
        ("MultiplicativeLR", {"lr_lambda": lambda t: 0.9}),
        ("CosineAnnealingWarmRestarts", {"T_0": 2, "T_mult": 2}),
    ],
)
def test_resume_with_last_epoch_follows_the_uninterrupted_run(name: str, config: dict[str, Any]) -> None:
    """``last_epoch=k`` gives the lr of step k + 1; torch's keeps the lr of step k (or, for the
    restarts with ``T_mult > 1``, restarts its cycle count)."""
    uninterrupted_opt = torch_optimizer([1.0])
    uninterrupted = getattr(torch_sched, name)(uninterrupted_opt, **config)
    for _ in range(4):
        uninterrupted.step()
    saved = uninterrupted_opt.state_dict()
    uninterrupted.step()
    expected = lrs_of(uninterrupted_opt)
    torch_opt = torch_optimizer([1.0])
    torch_opt.load_state_dict(saved)
    getattr(torch_sched, name)(torch_opt, last_epoch=4, **config)
    our_opt = torch_optimizer([1.0])
    our_opt.load_state_dict(saved)
    resumed = getattr(ours, name)(our_opt, last_epoch=4, **config)
    assert resumed.last_epoch == 5
    assert lrs_of(our_opt) == pytest.approx(expected, rel=1e-12)
    assert lrs_of(torch_opt) != pytest.approx(expected, rel=1e-6)


def test_restarts_resume_with_last_epoch_in_a_later_cycle() -> None:
    torch_opt = torch_optimizer([1.0])
    torch_opt.param_groups[0]["initial_lr"] = 1.0
    reference = torch_sched.CosineAnnealingWarmRestarts(torch_opt, T_0=10, T_mult=2, last_epoch=25)
    assert (reference.T_cur, reference.T_i) == (6, 20)  # epoch 26 is step 16 of the 20-long cycle
    optimizer = PlainOptimizer(1.0)
    optimizer.param_groups[0]["initial_lr"] = 1.0
    scheduler = ours.CosineAnnealingWarmRestarts(optimizer, T_0=10, T_mult=2, last_epoch=25)
    assert (scheduler.T_cur, scheduler.T_i) == (16, 20)
    assert lrs_of(optimizer) == [(1 + math.cos(math.pi * 16 / 20)) / 2]


def test_constant_lr_with_zero_total_iters_scales_nothing() -> None:
    """torch's recursive form scales by ``factor`` at step 0 and never undoes it; its closed form
    (and ours) scales no step."""
    reference_opt = torch_optimizer([1.0])
    reference = torch_sched.ConstantLR(reference_opt, factor=0.5, total_iters=0)
    reference.step()
    assert lrs_of(reference_opt) == [0.5]
    reference.step(3)
    assert lrs_of(reference_opt) == [1.0]  # torch's closed form
    optimizer = PlainOptimizer(1.0)
    scheduler = ours.ConstantLR(optimizer, factor=0.5, total_iters=0)
    assert lrs_of(optimizer) == [1.0]
    scheduler.step()
    assert lrs_of(optimizer) == [1.0]


def test_linear_lr_to_zero_reaches_exactly_zero() -> None:
    """torch's per-step ratio does not cancel exactly: it leaves a residue (even a negative one)."""
    reference_opt = torch_optimizer([1.0])
    reference = torch_sched.LinearLR(reference_opt, start_factor=1 / 3, end_factor=0.0, total_iters=44)
    for _ in range(44):
        reference.step()
    assert lrs_of(reference_opt)[0] != 0.0
    assert abs(lrs_of(reference_opt)[0]) < 1e-15
    optimizer = PlainOptimizer(1.0)
    scheduler = ours.LinearLR(optimizer, start_factor=1 / 3, end_factor=0.0, total_iters=44)
    for _ in range(44):
        scheduler.step()
    assert lrs_of(optimizer) == [0.0]


@pytest.mark.parametrize(
    ("name", "config", "pattern"),
    [
        ("ConstantLR", {"factor": 0.0}, r"factor must be a finite number in \(0\.0, 1\.0\]"),
        ("LinearLR", {"total_iters": 0}, r"total_iters must be an int >= 1"),
        ("PolynomialLR", {"total_iters": 0}, r"total_iters must be an int >= 1"),
        ("PolynomialLR", {"power": -1.0}, r"power must be a finite number >= 0\.0"),
        ("MultiStepLR", {"milestones": [-3, 5]}, r"milestones must be a list of ints >= 0"),
        ("MultiStepLR", {"milestones": [2.5]}, r"milestones must be a list of ints >= 0"),
        ("ExponentialLR", {"gamma": float("nan")}, r"gamma must be a finite number >= 0\.0"),
        ("ExponentialLR", {"gamma": -0.5}, r"gamma must be a finite number >= 0\.0"),
        ("LambdaLR", {"lr_lambda": lambda t: float("nan")}, r"lr_lambda must return a finite number >= 0\.0"),
    ],
)
def test_arguments_torch_lets_through_are_refused(name: str, config: dict[str, Any], pattern: str) -> None:
    getattr(torch_sched, name)(torch_optimizer([0.1]), **config)  # torch builds it
    with pytest.raises((TypeError, ValueError), match=pattern):
        getattr(ours, name)(torch_optimizer([0.1]), **config)


def test_step_epoch_after_an_outside_change_continues_from_it() -> None:
    """torch's ``step(epoch)`` uses its closed form from ``base_lrs``, dropping an lr set by hand
    (or by a second scheduler); ours keeps continuing from it, as its ``step()`` does."""
    reference_opt = torch_optimizer([1.0])
    reference = torch_sched.ExponentialLR(reference_opt, gamma=0.5)
    optimizer = PlainOptimizer(1.0)
    scheduler = ours.ExponentialLR(optimizer, gamma=0.5)
    for _ in range(2):
        reference.step()
        scheduler.step()
    reference_opt.param_groups[0]["lr"] = optimizer.param_groups[0]["lr"] = 0.8
    reference.step(4)
    scheduler.step(4)
    assert lrs_of(reference_opt) == [0.5**4]
    assert lrs_of(optimizer) == [0.8 * 0.5**2]


def test_drift_of_float_configs_warns_and_restores() -> None:
    """The generic drift test needs an int field; ExponentialLR and MultiStepLR have floats/lists."""
    for name, saved_config, live_config in [
        ("ExponentialLR", {"gamma": 0.5}, {"gamma": 0.9}),
        ("MultiStepLR", {"milestones": [2, 4]}, {"milestones": [3]}),
    ]:
        saved = getattr(ours, name)(PlainOptimizer(0.1), **saved_config)
        live = getattr(ours, name)(PlainOptimizer(0.1), **live_config)
        with pytest.warns(ours.ConfigDriftWarning, match=next(iter(saved_config))):
            live.load_state_dict(saved.state_dict())
        assert live.schedule == saved.schedule

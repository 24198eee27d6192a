"""step()'s fast paths against the general path: the same lrs, momenta and state, bit for bit.

Two twin optimizers get the same scheduler; one scheduler is held on the general path (its
instance's ``_fast`` flag is cleared, as for a subclass that overrides ``get_lr``). Random runs
then mix plain steps with what sends a fast step elsewhere mid-loop: an lr set by hand on some
group, a jump, a group added, a resume through ``state_dict``, groups with distinct lrs.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

import paradox.scheduler as ps
from paradox.scheduler.cyclic import momentum_anchors

#: name -> how to build that scheduler on an optimizer
BUILDERS: dict[str, Any] = {
    "StepLR": lambda opt: ps.StepLR(opt, step_size=3, gamma=0.5),
    "CosineAnnealingLR": lambda opt: ps.CosineAnnealingLR(opt, T_max=17, eta_min=0.001),
    "ExponentialLR": lambda opt: ps.ExponentialLR(opt, gamma=0.93),
    "MultiStepLR": lambda opt: ps.MultiStepLR(opt, milestones=[4, 9, 30], gamma=0.3),
    "LinearLR": lambda opt: ps.LinearLR(opt, start_factor=0.25, total_iters=8),
    "ConstantLR": lambda opt: ps.ConstantLR(opt, factor=0.5, total_iters=6),
    "PolynomialLR": lambda opt: ps.PolynomialLR(opt, total_iters=40, power=2.0),
    "OneCycleLR": lambda opt: ps.OneCycleLR(opt, max_lr=0.2, total_steps=200, three_phase=True),
    "OneCycleLR-linear": lambda opt: ps.OneCycleLR(opt, max_lr=0.2, total_steps=200, anneal_strategy="linear"),
    "CyclicLR": lambda opt: ps.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=5, mode="triangular2"),
    "CyclicLR-exp": lambda opt: ps.CyclicLR(
        opt, base_lr=0.01, max_lr=0.1, step_size_up=4, mode="exp_range", gamma=0.99
    ),
}


class Optimizer:
    """An optimizer with SGD-style (momentum) or Adam-style (betas) groups."""

    def __init__(self, lrs: list[float], adam: bool) -> None:
        self.defaults = {"betas": (0.9, 0.999)} if adam else {"momentum": 0.9}
        self.param_groups = [self.group(lr) for lr in lrs]

    def group(self, lr: float) -> dict[str, Any]:
        extra: dict[str, Any] = {"betas": (0.9, 0.999)} if "betas" in self.defaults else {"momentum": 0.9}
        return {"lr": lr, **extra}


def twins(name: str, lrs: list[float], adam: bool) -> tuple[Optimizer, Any, Optimizer, Any]:
    fast_opt, general_opt = Optimizer(lrs, adam), Optimizer(lrs, adam)
    fast, general = BUILDERS[name](fast_opt), BUILDERS[name](general_opt)
    general._fast = False
    return fast_opt, fast, general_opt, general


def snapshot(optimizer: Optimizer, scheduler: Any) -> Any:
    state = scheduler.state_dict()
    return [dict(group) for group in optimizer.param_groups], scheduler.get_last_lr(), json.dumps(state)


@pytest.mark.parametrize("adam", [False, True])
@pytest.mark.parametrize("name", sorted(BUILDERS))
@pytest.mark.parametrize("seed", range(6))
def test_fast_step_equals_the_general_path(name: str, seed: int, adam: bool) -> None:
    rng = random.Random(seed)
    count = rng.choice([1, 3, 10])
    lrs = [0.1] * count if rng.random() < 0.7 else [0.1 * 0.9**index for index in range(count)]
    fast_opt, fast, general_opt, general = twins(name, lrs, adam)
    cycled = name.startswith(("OneCycle", "Cyclic"))
    for _ in range(150):
        roll = rng.random()
        if roll < 0.06:
            index, lr = rng.randrange(len(fast_opt.param_groups)), rng.choice([0.05, 0.3, 0.0])
            fast_opt.param_groups[index]["lr"] = general_opt.param_groups[index]["lr"] = lr
        elif roll < 0.09 and not cycled:
            fast.step(epoch := rng.randrange(60))
            general.step(epoch)
            continue
        elif roll < 0.11 and len(fast_opt.param_groups) < 12:
            # A cycled scheduler takes an added group's lr as its peak: offer the shared peak
            # too, or after the first added group no later step would take the shared path.
            lr = rng.choice([0.1, 0.07, *([fast._bases[0]] if cycled else [])])
            fast_opt.param_groups.append(fast_opt.group(lr))
            general_opt.param_groups.append(general_opt.group(lr))
        elif roll < 0.13:
            state = json.loads(json.dumps(fast.state_dict()))
            fast.load_state_dict(state)
            general.load_state_dict(state)
        if cycled and fast.last_epoch >= getattr(fast.schedule, "total_steps", 10**9):
            break
        fast.step()
        general.step()
        assert snapshot(fast_opt, fast) == snapshot(general_opt, general)
        if name.startswith("OneCycle"):
            assert_one_cycle_list_path(fast_opt, fast, adam)


@pytest.mark.parametrize("adam", [False, True])
@pytest.mark.parametrize("count", [1, 3])
@pytest.mark.parametrize("strategy", ["cos", "linear"])
@pytest.mark.parametrize("three_phase", [False, True])
def test_one_cycle_shared_equals_the_list_path(three_phase: bool, strategy: str, count: int, adam: bool) -> None:
    # The whole cycle on the shared path (plain steps, one peak), every phase of both forms
    # checked against the list path; the random runs above leave the shared path once a group
    # with another peak is added, mostly before the last phase.
    optimizer = Optimizer([0.1] * count, adam)
    scheduler = ps.OneCycleLR(optimizer, max_lr=0.2, total_steps=60, anneal_strategy=strategy, three_phase=three_phase)
    assert_one_cycle_list_path(optimizer, scheduler, adam)
    for _ in range(60):
        scheduler.step()
        assert_one_cycle_list_path(optimizer, scheduler, adam)


def assert_one_cycle_list_path(optimizer: Optimizer, scheduler: Any, adam: bool) -> None:
    """The groups hold what OneCycle's per-group list path (``_lrs``, ``_momenta``) gives, bit for bit.

    The general twin cannot catch a wrong ``OneCycle.shared``: ``OneCycle.evaluate`` itself calls
    ``shared`` whenever the peaks are equal, so both twins go through it. The list path computes
    each group's values on its own.
    """
    schedule, groups = scheduler._schedule, optimizer.param_groups
    phase, pct = schedule.position(scheduler.last_epoch)
    lrs = schedule._lrs(phase, pct, scheduler._bases)
    assert [group["lr"].hex() for group in groups] == [lr.hex() for lr in lrs]
    low, high = momentum_anchors(schedule, len(groups))
    momenta = schedule._momenta(phase, pct, low, high)
    held = [group["betas"][0] if adam else group["momentum"] for group in groups]
    assert [m.hex() for m in held] == [m.hex() for m in momenta]


def test_the_fast_path_is_taken_for_shared_bases() -> None:
    # Guards the test above: with the general path wrapped, plain steps of the fast classes
    # never reach it.
    calls = []
    for name in ("StepLR", "CosineAnnealingLR", "OneCycleLR", "CyclicLR"):
        optimizer = Optimizer([0.1] * 4, adam=False)
        scheduler = BUILDERS[name](optimizer)
        general = scheduler.get_lr
        scheduler.get_lr = lambda general=general: calls.append(1) or general()
        for _ in range(20):
            scheduler.step()
    assert calls == []

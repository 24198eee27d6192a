"""Regression tests: one per bug found and fixed, named for what it pins."""

from __future__ import annotations

import math
from typing import Any

import pytest

from conftest import PlainOptimizer, assert_close, lrs_of, quiet, refused, shrink, torch_optimizer
from paradox import scheduler as paradox_scheduler
from paradox.scheduler import CosineAnnealingLR, StepLR

torch = pytest.importorskip("torch")


@pytest.mark.parametrize(
    ("cls", "kwargs"),
    [(CosineAnnealingLR, {"T_max": 10}), (StepLR, {"step_size": 2, "gamma": 0.5})],
)
def test_loaded_state_compares_tensor_lrs_like_float_lrs(cls: Any, kwargs: dict[str, Any]) -> None:
    # A state loaded into a fresh scheduler on a fresh optimizer (its state not loaded): the groups
    # hold what the fresh scheduler wrote, so the loaded lrs are written and the run goes on as if it
    # never stopped (torch's recursive form would continue from 0.1), tensor or not.
    def resumed(tensor: bool) -> tuple[list[float], list[float]]:
        scheduler = cls(torch_optimizer([0.1] * 3, tensor=tensor), **kwargs)
        for _ in range(5):
            scheduler.step()
        optimizer = torch_optimizer([0.1] * 3, tensor=tensor)
        fresh = cls(optimizer, **kwargs)
        fresh.load_state_dict(scheduler.state_dict())
        fresh.step()
        scheduler.step()
        return lrs_of(optimizer), lrs_of(scheduler.optimizer)

    (tensor, uninterrupted_tensor), (floats, uninterrupted) = resumed(True), resumed(False)
    assert floats == uninterrupted
    assert_close(tensor, floats, rel=1e-6)  # float32 tensors
    assert_close(uninterrupted_tensor, uninterrupted, rel=1e-6)


def test_a_rebase_that_overflows_writes_no_nan() -> None:
    # gamma=1e-310: the base that gives an lr of 1.0 set by hand after one step was 1e310 = inf (and
    # inf * 0.0 NaN at the next step); now no base is taken. torch gives 1e-310 at step 2 where we
    # give 0.0 (gamma**2 underflows): equal within the suite's absolute tolerance; at step 3 both 0.0.
    optimizer = PlainOptimizer(0.1)
    scheduler = StepLR(optimizer, step_size=1, gamma=1e-310)
    scheduler.step()
    optimizer.param_groups[0]["lr"] = 1.0
    with quiet():
        reference = torch_optimizer([0.1])
        theirs = torch.optim.lr_scheduler.StepLR(reference, step_size=1, gamma=1e-310)
        theirs.step()
        reference.param_groups[0]["lr"] = 1.0
        for _ in range(2):
            scheduler.step()
            theirs.step()
            assert all(math.isfinite(lr) for lr in lrs_of(optimizer))
            assert all(math.isfinite(base) for base in scheduler._bases)
            assert_close(lrs_of(optimizer), lrs_of(reference))
    assert lrs_of(optimizer) == lrs_of(reference) == [0.0]


def _restarts_after_constant(module: Any, optimizer: Any, first_steps: list[float]) -> list[tuple[float, float]]:
    warm = module.CosineAnnealingWarmRestarts(optimizer, T_0=4)
    for epoch in first_steps:
        warm.step(epoch)
    constant = module.ConstantLR(optimizer, factor=0.5, total_iters=2)
    sequential = module.SequentialLR(optimizer, [constant, warm], milestones=[2])
    seen = []
    for _ in range(6):
        sequential.step()
        seen.append((float(warm.T_cur), float(optimizer.param_groups[0]["lr"])))
    return seen


def test_warm_restarts_forget_a_fractional_epoch_when_restarted() -> None:
    # Stepped to epoch 0.5 before a SequentialLR takes it over at milestone 2, it starts there at its
    # step 0 (T_cur == 0, lr == base_lr) as every child does, not at T_cur == 0.5. Asserted against
    # torch's run of the same child never stepped fractionally (torch 2.13 would keep T_cur == 0.5).
    ours_run = _restarts_after_constant(paradox_scheduler, torch_optimizer([1.0]), [0.5])
    with quiet():
        torch_run = _restarts_after_constant(torch.optim.lr_scheduler, torch_optimizer([1.0]), [])
    assert ours_run[1] == (0.0, 1.0)
    assert [t_cur for t_cur, _ in ours_run[1:]] == [t_cur for t_cur, _ in torch_run[1:]]
    assert_close([lr for _, lr in ours_run], [lr for _, lr in torch_run])


CONFIGS: dict[str, dict[str, Any]] = {
    "OneCycleLR": {"max_lr": 1.0, "total_steps": 20},
    "CyclicLR": {"base_lr": 0.01, "max_lr": 0.1},
    "MultiplicativeLR": {"lr_lambda": shrink},
}


@pytest.mark.parametrize(
    ("name", "field", "value", "pattern"),
    [
        # Two groups, a saved per-group anchor list of three: it used to load, and fail at the next step().
        ("OneCycleLR", "base_momentum", [0.8] * 3, r"base_momentum must be a number or a list of 2 values"),
        ("OneCycleLR", "max_momentum", [0.8] * 3, r"max_momentum must be a number or a list of 2 values"),
        ("CyclicLR", "base_lr", [0.8] * 3, r"base_lr must be a number or a list of 2 values"),
        ("CyclicLR", "base_momentum", [0.8] * 3, r"base_momentum must be a number or a list of 2 values"),
        # Found by the garbage-state property test: an OverflowError from the phase table, not a ValueError.
        ("OneCycleLR", "total_steps", 10**400, r"total_steps must be an int in \[1, 2\*\*53\]"),
        # Products of step 1 under last_epoch=2**40 loaded, and the next step recomputed the product over
        # 2**40 steps: the quick suite hung when its property test drew such a state.
        (
            "MultiplicativeLR",
            "last_epoch",
            2**40,
            r"state_dict\['product_step'\] must be -1, state_dict\['last_epoch'\] \(1099511627776\) or the step after it",
        ),
    ],
)
def test_a_corrupt_state_is_refused_by_load_state_dict_itself(name: str, field: str, value: Any, pattern: str) -> None:
    scheduler = getattr(paradox_scheduler, name)(PlainOptimizer(0.1, 0.1, momentum=0.9), **CONFIGS[name])
    scheduler.step()
    state = scheduler.state_dict()
    (state if field == "last_epoch" else state["config"])[field] = value
    with refused(scheduler, ValueError, pattern):
        scheduler.load_state_dict(state)
    scheduler.step()  # still usable


def test_one_cycle_refuses_a_total_beyond_float_steps_when_built() -> None:
    with pytest.raises(ValueError, match=r"^OneCycleLR: total_steps must be an int in \[1, 2\*\*53\]"):
        paradox_scheduler.OneCycleLR(PlainOptimizer(0.1, momentum=0.9), max_lr=0.1, total_steps=2**53 + 1)


def test_an_outside_write_of_the_very_float_the_scheduler_writes_next_is_taken_up() -> None:
    # A chain whose first child writes each group's base float itself (CosineAnnealingWarmRestarts
    # with T_0=1) and whose second is a chainable cosine that writes that same object back at
    # step 2: the first child's write is an outside change for the cosine, as in torch (0.2 at
    # step 2), however the floats were made (it used to depend on object identity: a resumed
    # run, whose floats came from JSON, gave 0.2 and an uninterrupted one 0.1).
    ours = PlainOptimizer(0.1, 0.2)
    chain = paradox_scheduler.ChainedScheduler(
        [paradox_scheduler.CosineAnnealingWarmRestarts(ours, T_0=1), CosineAnnealingLR(ours, T_max=1)]
    )
    reference = torch_optimizer([0.1, 0.2])
    sched = torch.optim.lr_scheduler
    theirs = sched.ChainedScheduler(
        [sched.CosineAnnealingWarmRestarts(reference, T_0=1), sched.CosineAnnealingLR(reference, T_max=1)]
    )
    for _ in range(4):
        chain.step()
        theirs.step()
        assert_close(lrs_of(ours), [group["lr"] for group in reference.param_groups])
    assert lrs_of(ours) == [0.2, 0.4]


def test_step_lr_with_gamma_0_holds_an_lr_set_by_hand_until_its_next_decay() -> None:
    # torch's StepLR keeps the lr it finds between two decays: set to 0.3 at step 5 under
    # gamma=0 (every lr already 0), it stays 0.3 until step 6 multiplies it by 0. Ours wrote 0.
    ours, reference = torch_optimizer([0.1]), torch_optimizer([0.1])
    schedulers = [StepLR(ours, step_size=3, gamma=0.0), torch.optim.lr_scheduler.StepLR(reference, 3, gamma=0.0)]
    seen = []
    for step in range(1, 8):
        if step == 5:
            for optimizer in (ours, reference):
                optimizer.param_groups[0]["lr"] = 0.3
        reference.step()  # an optimizer step first, as torch expects
        for scheduler in schedulers:
            scheduler.step()
        seen.append(lrs_of(ours)[0])
        assert lrs_of(ours) == lrs_of(reference)
    assert seen == [0.1, 0.1, 0.0, 0.0, 0.3, 0.0, 0.0]


@pytest.mark.parametrize("name", ["OneCycleLR", "CyclicLR"])
def test_cycle_momentum_cannot_change_after_construction(name: str) -> None:
    # Turned on later (by attribute or by loading a state saved with it on), it wrote a
    # "momentum" key into Adam's groups instead of cycling betas[0]; torch raises a KeyError.
    args = (0.1, 10) if name == "OneCycleLR" else (0.01, 0.1)
    optimizer = torch_optimizer([0.1], kind="adam")
    scheduler = getattr(paradox_scheduler, name)(optimizer, *args, cycle_momentum=False)
    saved = getattr(paradox_scheduler, name)(torch_optimizer([0.1], kind="adam"), *args).state_dict()
    before = (scheduler.state_dict(), dict(optimizer.param_groups[0]))
    with pytest.raises(ValueError, match=rf"^{name}: cycle_momentum must be False, as built"):
        scheduler.cycle_momentum = True
    with pytest.raises(ValueError, match=r"state_dict\['config'\]\['cycle_momentum'\] must be False, the live value"):
        scheduler.load_state_dict(saved)
    assert (scheduler.state_dict(), dict(optimizer.param_groups[0])) == before
    scheduler.load_state_dict(saved, config="live")  # the saved step, under the live config
    scheduler.step()
    assert "momentum" not in optimizer.param_groups[0] and scheduler.cycle_momentum is False


def test_a_group_added_before_a_cycled_child_takes_over_follows_its_own_peak() -> None:
    # SequentialLR restarts OneCycleLR at its milestone; the restart went back to the peaks of the
    # groups the child was built with, so a group added since got no lr of its own (0.0016 one
    # step after the milestone instead of 0.0395, the one-cycle value for its peak 0.3).
    optimizer = PlainOptimizer(0.1, momentum=0.9)
    first = paradox_scheduler.ConstantLR(optimizer, factor=0.5, total_iters=3)
    cycle = paradox_scheduler.OneCycleLR(optimizer, max_lr=0.2, total_steps=20)
    sequential = paradox_scheduler.SequentialLR(optimizer, [first, cycle], milestones=[3])
    sequential.step()
    optimizer.param_groups.append({"lr": 0.3, "momentum": 0.9})
    seen = []
    for _ in range(4):
        sequential.step()
        seen.append(lrs_of(optimizer))
    expected = paradox_scheduler.OneCycle(total_steps=20)
    assert seen[1:] == [expected.values(step, [0.2, 0.3]) for step in (0, 1, 2)]


def test_multiplicative_decay_leaving_the_float_range_raises_like_its_scheduler() -> None:
    # The pure schedule returned inf where MultiplicativeLR raises, naming the step.
    schedule = paradox_scheduler.MultiplicativeDecay(lr_lambda=_huge)
    assert schedule.values(1, [1.0]) == [1e300]
    with pytest.raises(ValueError, match=r"^MultiplicativeDecay: the value at step 2 leaves the float range"):
        schedule.values(2, [1.0])
    with pytest.raises(ValueError, match=r"^MultiplicativeLR: the value at step 2 leaves the float range"):
        scheduler = paradox_scheduler.MultiplicativeLR(PlainOptimizer(1.0), lr_lambda=_huge)
        scheduler.step()
        scheduler.step()


def _huge(epoch: int) -> float:
    return 1e300


def test_sequential_reloads_its_state_before_a_multiplicative_child_takes_over() -> None:
    # Found while cutting tests (a property test drew it): a MultiplicativeLR waiting for its milestone
    # saves last_epoch=-1 with product_step=0, and the check added for the 2**40 bug refused that state.
    def sequential() -> Any:
        optimizer = PlainOptimizer(0.1)
        children = [StepLR(optimizer, 2), paradox_scheduler.MultiplicativeLR(optimizer, lr_lambda=shrink)]
        return paradox_scheduler.SequentialLR(optimizer, children, milestones=[1])

    saved, resumed = sequential(), sequential()
    resumed.load_state_dict(saved.state_dict())
    for _ in range(5):
        saved.step()
        resumed.step()
        assert resumed.optimizer.param_groups[0]["lr"] == saved.optimizer.param_groups[0]["lr"]
    assert saved.optimizer.param_groups[0]["lr"] == pytest.approx(0.1 * 0.97 * 0.97 * 0.9 * 0.97)

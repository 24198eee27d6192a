"""Regression tests: one per bug found and fixed, named for what it pins."""

from __future__ import annotations

import math
from typing import Any

import pytest

from cases import CASES
from conftest import PlainOptimizer, assert_close, lrs_of, quiet, refused, shrink, torch_optimizer
from paradox import scheduler as paradox_scheduler
from paradox.scheduler import CosineAnnealingLR, StepLR
from paradox.scheduler.validate import fail

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


# -- issue 12, section 3: atomic construction of the cycled schedulers --


def _zero_division_scale(cycle: float) -> float:
    return 1 / (cycle - 1)


@pytest.mark.parametrize("tensor", [False, True])
@pytest.mark.parametrize(
    ("build", "error", "pattern"),
    [
        (
            lambda o: paradox_scheduler.CyclicLR(o, 0.01, 0.1, scale_fn=_zero_division_scale),
            ZeroDivisionError,
            "division by zero",
        ),
        (
            lambda o: paradox_scheduler.OneCycleLR(o, 0.1, total_steps=100, div_factor=5e-324),
            ValueError,
            r"^OneCycleLR: div_factor must be a number with max_lr / div_factor finite \(max_lr=0.1\)\. "
            r"Received: div_factor=5e-324",
        ),
        (
            lambda o: paradox_scheduler.OneCycleLR(o, 1e300, total_steps=100, final_div_factor=1e-300),
            ValueError,
            r"^OneCycleLR: final_div_factor must be a number with max_lr / div_factor / final_div_factor finite",
        ),
    ],
)
def test_a_failed_cycled_construction_changes_no_group(
    build: Any, error: type[Exception], pattern: str, tensor: bool
) -> None:
    # CyclicLR set the lr to base_lr (0.5 -> 0.01) and added the momentum keys before its initial
    # step raised; OneCycleLR left initial_lr=inf (and min_lr, max_lr, the momentum keys) behind.
    optimizer = torch_optimizer([0.5, 0.2], tensor=tensor)
    before = [{key: value for key, value in group.items() if key != "lr"} for group in optimizer.param_groups]
    lrs = [group["lr"] for group in optimizer.param_groups]
    with pytest.raises(error, match=pattern):
        build(optimizer)
    assert [{key: value for key, value in group.items() if key != "lr"} for group in optimizer.param_groups] == before
    assert [group["lr"] for group in optimizer.param_groups] == lrs  # the same objects
    assert lrs_of(optimizer) == [0.5, 0.2]


# -- issue 12, section 3: a loaded config obeys the constructor's rules --

_STEP_COUNTS = [
    (paradox_scheduler.CosineAnnealingLR, {"T_max": 10}, "T_max", 1),
    (paradox_scheduler.CosineAnnealingWarmRestarts, {"T_0": 10}, "T_0", 1),
    (paradox_scheduler.CosineAnnealingWarmRestarts, {"T_0": 10}, "T_mult", 1),
    (paradox_scheduler.LinearLR, {"total_iters": 5}, "total_iters", 1),
    (paradox_scheduler.ConstantLR, {"total_iters": 5}, "total_iters", 0),
    (paradox_scheduler.PolynomialLR, {"total_iters": 5}, "total_iters", 1),
    (StepLR, {"step_size": 3}, "step_size", 1),
    (paradox_scheduler.CyclicLR, {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 5}, "step_size_up", 1),
    (paradox_scheduler.CyclicLR, {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 5}, "step_size_down", 1),
    (paradox_scheduler.OneCycleLR, {"max_lr": 0.1, "total_steps": 10}, "total_steps", 1),
]


@pytest.mark.parametrize(("cls", "kwargs", "field", "minimum"), _STEP_COUNTS)
def test_a_step_count_past_2_to_the_53_is_refused_by_name_when_built_and_when_loaded(
    cls: Any, kwargs: dict[str, Any], field: str, minimum: int
) -> None:
    # T_max, T_0, total_iters, step_size_up of 10**400 were loaded, and every later step failed;
    # T_max=10**400 at construction said "the value at step 0 leaves the float range" without
    # naming T_max, and OneCycleLR(total_steps=10**400) raised OverflowError.
    rule = rf"{field} must be an int in \[{minimum}, 2\*\*53\] \(steps are counted in floats\)\. Received: {field}=10"
    with pytest.raises(ValueError, match=rf"^{cls.__name__}: {rule}"):
        cls(PlainOptimizer(0.1, momentum=0.9), **{**kwargs, field: 10**400})
    scheduler = cls(PlainOptimizer(0.1, momentum=0.9), **kwargs)
    scheduler.step()
    saved = scheduler.state_dict()
    saved["config"][field] = 10**400
    with refused(scheduler, ValueError, rf"^{cls.__name__}.load_state_dict: {rule}"):
        scheduler.load_state_dict(saved)
    scheduler.step()  # still on its own schedule
    assert scheduler.last_epoch == 2


def test_pure_schedules_name_a_step_count_past_2_to_the_53() -> None:
    with pytest.raises(ValueError, match=r"^CosineAnnealing: T_max must be an int in \[1, 2\*\*53\]"):
        paradox_scheduler.CosineAnnealing(T_max=10**400)
    with pytest.raises(ValueError, match=r"^OneCycle: total_steps must be an int in \[1, 2\*\*53\]"):
        paradox_scheduler.OneCycle(total_steps=10**400)
    with pytest.raises(ValueError, match=r"^OneCycleLR: epochs must be an int in \[1, 2\*\*53\]"):
        paradox_scheduler.OneCycleLR(PlainOptimizer(0.1, momentum=0.9), 0.1, epochs=10**400, steps_per_epoch=2)
    assert paradox_scheduler.CosineAnnealing(T_max=2**53)(2**52, base=1.0) == pytest.approx(0.5)


def test_one_cycle_refuses_a_state_past_the_end_of_its_cycle() -> None:
    # last_epoch=11 with total_steps=10 was loaded, and every later step failed. A state at the end
    # of the cycle (last_epoch == total_steps, where the usual loop stops) still round-trips.
    scheduler = paradox_scheduler.OneCycleLR(PlainOptimizer(0.1, momentum=0.9), 0.1, total_steps=10)
    saved = scheduler.state_dict()
    for last_epoch, config in ((11, "saved"), (10**400, "saved"), (11, "live")):
        with refused(scheduler, ValueError, r"state_dict\['last_epoch'\] must be an int in \[-1, total_steps=10\]"):
            scheduler.load_state_dict({**saved, "last_epoch": last_epoch}, config=config)
    with refused(
        scheduler,
        ValueError,
        r"\[-1, total_steps=5\] \(a step of the cycle the state holds\)\. Received: state_dict\['last_epoch'\]=6",
    ):
        scheduler.load_state_dict({**saved, "last_epoch": 6, "config": {**saved["config"], "total_steps": 5}})
    for _ in range(10):
        scheduler.step()
    ended = scheduler.state_dict()
    fresh = paradox_scheduler.OneCycleLR(PlainOptimizer(0.1, momentum=0.9), 0.1, total_steps=10)
    fresh.load_state_dict(ended)
    assert fresh.state_dict() == ended


# -- issue 12, section 4: inputs torch takes --


@pytest.mark.parametrize("mode", ["min", "max"])
@pytest.mark.parametrize("threshold_mode", ["rel", "abs"])
def test_plateau_takes_what_float_takes_and_counts_nan_as_a_bad_epoch_as_torch(mode: str, threshold_mode: str) -> None:
    # np.array(1.0) and Decimal("1") raised TypeError, and a NaN metric raised ValueError; torch's
    # step calls float() on the metric, and a NaN improves on nothing: a bad epoch.
    from decimal import Decimal
    from fractions import Fraction

    import numpy as np

    nan = float("nan")
    metrics = [1.0, nan, nan, np.array(0.5), Decimal("0.5"), "0.4", nan, np.float32(0.3), torch.tensor(0.2)]
    metrics += [Fraction(1, 10), True, math.inf, nan, -math.inf, nan, nan]
    kwargs: dict[str, Any] = {"mode": mode, "threshold_mode": threshold_mode, "patience": 1, "factor": 0.5}
    theirs, ours = torch_optimizer([0.1, 0.2]), torch_optimizer([0.1, 0.2])
    reference = torch.optim.lr_scheduler.ReduceLROnPlateau(theirs, **kwargs)
    scheduler = paradox_scheduler.ReduceLROnPlateau(ours, **kwargs)
    for metric in metrics:
        reference.step(metric)
        scheduler.step(metric)
        assert lrs_of(ours) == lrs_of(theirs)
        assert (scheduler.num_bad_epochs, scheduler.best) == (reference.num_bad_epochs, reference.best)
    assert lrs_of(ours) != [0.1, 0.2]  # the run did reduce


@pytest.mark.parametrize("name", ["CyclicLR", "OneCycleLR"])
def test_cycled_schedulers_take_a_momentum_above_1_as_torch_sgd_does(name: str) -> None:
    # max_momentum=22, base_momentum=3 were refused ("in [0.0, 1.0]"); torch's SGD takes any
    # momentum >= 0, and torch's schedulers cycle it.
    kwargs: dict[str, Any] = {"base_momentum": 3, "max_momentum": 22}
    if name == "CyclicLR":
        kwargs.update(base_lr=0.01, max_lr=0.1, step_size_up=3)
    else:
        kwargs.update(max_lr=0.1, total_steps=10)
    theirs, ours = torch_optimizer([0.1]), torch_optimizer([0.1])
    reference = getattr(torch.optim.lr_scheduler, name)(theirs, **kwargs)
    scheduler = getattr(paradox_scheduler, name)(ours, **kwargs)
    seen = set()
    for _ in range(10):
        assert_close([ours.param_groups[0]["momentum"]], [theirs.param_groups[0]["momentum"]])
        assert_close(lrs_of(ours), lrs_of(theirs))
        seen.add(round(ours.param_groups[0]["momentum"], 9))
        with quiet():
            reference.step()
        scheduler.step()
    assert {3.0, 22.0} <= seen


@pytest.mark.parametrize(("T_0", "T_mult"), [(4, 2), (5, 1), (3, 3)])
def test_warm_restarts_t_cur_can_be_set_with_torchs_effect(T_0: int, T_mult: int) -> None:
    # `sch.T_cur = 7` raised AttributeError; torch users set it, and torch's next step() goes on
    # from T_cur + 1 (restarting past T_i), while step(epoch) puts the cycle back on the epoch.
    theirs, ours = torch_optimizer([1.0, 0.5]), torch_optimizer([1.0, 0.5])
    reference = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(theirs, T_0, T_mult, eta_min=0.01)
    scheduler = paradox_scheduler.CosineAnnealingWarmRestarts(ours, T_0, T_mult, eta_min=0.01)
    actions: list[Any] = [None, None, 2, None, None, None, 0, None, 2.5, None, None, None, None, "7.5", None, 1]
    actions += [None] * 8
    with quiet():
        for action in actions:
            if action is None:
                reference.step()
                scheduler.step()
            elif isinstance(action, str):
                reference.step(float(action))
                scheduler.step(float(action))
            else:
                value = min(action, reference.T_i - 1)
                reference.T_cur = scheduler.T_cur = value
            assert (scheduler.last_epoch, scheduler.T_cur, scheduler.T_i) == (
                reference.last_epoch,
                reference.T_cur,
                reference.T_i,
            )
            assert_close(lrs_of(ours), lrs_of(theirs))
        scheduler.T_cur = reference.T_cur = 1  # then saved: by us, and by torch, and loaded here
        ours_saved, torch_saved = scheduler.state_dict(), reference.state_dict()
        resumed = []
        for saved in (ours_saved, torch_saved):
            fresh = paradox_scheduler.CosineAnnealingWarmRestarts(
                torch_optimizer([1.0, 0.5]), T_0, T_mult, eta_min=0.01
            )
            fresh.load_state_dict(saved)
            resumed.append(fresh)
        for _ in range(12):
            reference.step()
            for fresh in resumed:
                fresh.step()
                assert (fresh.T_cur, fresh.T_i) == (reference.T_cur, reference.T_i)
                assert_close(fresh.get_last_lr(), reference.get_last_lr())


def test_warm_restarts_t_cur_outside_the_cycle_is_refused() -> None:
    scheduler = paradox_scheduler.CosineAnnealingWarmRestarts(PlainOptimizer(1.0), T_0=4)
    rule = r"^CosineAnnealingWarmRestarts: T_cur must be a finite number in \[0, T_i=4\) \(the epochs into the current cycle\)"
    for value, error in ((4, ValueError), (-1, ValueError), (math.nan, ValueError), ("1", TypeError)):
        with refused(scheduler, error, rf"{rule}\. Received: T_cur={value!r}"):
            scheduler.T_cur = value  # type: ignore[assignment]


# -- issue 12, section 3: atomic loads, O(1) jumps, bounded messages --


class _Warmup:
    """A callable object: torch's LambdaLR state holds its ``__dict__``, and loading restores it."""

    def __init__(self, scale: float) -> None:
        self.scale = scale

    def __call__(self, epoch: int) -> float:
        return self.scale * 0.5**epoch


def test_a_failed_sequential_load_rolls_back_a_lambda_objects_attributes() -> None:
    # torch's state of a SequentialLR whose first child is a LambdaLR over a callable object: the
    # first child loaded (the object's scale went 1.0 -> 2.0), the second child's state was bad,
    # and the children were put back from their state_dict(), which holds no __dict__: scale stayed 2.0.
    with quiet():
        reference = torch_optimizer([0.1])
        first = torch.optim.lr_scheduler.LambdaLR(reference, _Warmup(2.0))
        second = torch.optim.lr_scheduler.StepLR(reference, step_size=3)
        theirs = torch.optim.lr_scheduler.SequentialLR(reference, [first, second], milestones=[2])
        theirs.step()
    saved = theirs.state_dict()
    saved["_schedulers"][1]["step_size"] = 0
    optimizer = PlainOptimizer(0.1)
    function = _Warmup(1.0)
    children = [paradox_scheduler.LambdaLR(optimizer, function), StepLR(optimizer, step_size=3)]
    sequential = paradox_scheduler.SequentialLR(optimizer, children, milestones=[2])
    with refused(sequential, ValueError, r"in state_dict\['schedulers'\]\[1\].*step_size must be"):
        sequential.load_state_dict(saved)
    assert vars(function) == {"scale": 1.0}
    saved["_schedulers"][1]["step_size"] = 3  # and a good state still restores it
    sequential.load_state_dict(saved)
    assert vars(function) == {"scale": 2.0}


def test_a_torch_lambda_state_for_a_callable_without_attributes_is_refused_before_any_change() -> None:
    # A callable object with no __dict__ (a builtin): the load passed every check, changed the
    # scheduler, then raised AttributeError while restoring the attributes.
    optimizer = PlainOptimizer(0.1)
    scheduler = paradox_scheduler.LambdaLR(optimizer, abs)
    state = {"base_lrs": [0.1], "last_epoch": 3, "_step_count": 4, "_last_lr": [0.3], "lr_lambdas": [{"x": 1}]}
    with refused(scheduler, TypeError, r"state_dict\['lr_lambdas'\]\[0\] must be None \(the function"):
        scheduler.load_state_dict(state)


class _Counted:
    """A factor function that counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, epoch: int) -> float:
        self.calls += 1
        return shrink(epoch)


@pytest.mark.parametrize("epoch", [10**6 + 1, 10**7, 10**12])
def test_a_multiplicative_jump_too_long_to_compute_is_refused_before_any_call(epoch: int) -> None:
    # step(10**7) took 13-17 s, step(10**12) never returned: the product of every factor up to the epoch.
    function = _Counted()
    scheduler = paradox_scheduler.MultiplicativeLR(PlainOptimizer(0.1), lr_lambda=function)
    calls = function.calls
    pattern = rf"^MultiplicativeLR: step {epoch} is {epoch} steps after step 0, .* at most 1,000,000 steps"
    with refused(scheduler, ValueError, pattern):
        scheduler.step(epoch)
    with pytest.raises(ValueError, match=r"^MultiplicativeDecay: step .* at most 1,000,000 steps"):
        paradox_scheduler.MultiplicativeDecay(lr_lambda=function).values(epoch, [1.0])
    assert function.calls == calls


def test_a_multiplicative_jump_goes_on_from_the_product_known() -> None:
    # A forward jump multiplies the factors after the last step only, bit for bit the running product.
    function = _Counted()
    jumped = paradox_scheduler.MultiplicativeLR(PlainOptimizer(0.1), lr_lambda=function)
    walked = paradox_scheduler.MultiplicativeLR(PlainOptimizer(0.1), lr_lambda=shrink)
    jumped.step(600)
    calls = function.calls
    jumped.step(1500)
    assert function.calls - calls == 900
    for _ in range(1500):
        walked.step()
    assert lrs_of(jumped.optimizer) == lrs_of(walked.optimizer)


def test_a_multiplicative_state_far_on_resumes_at_once() -> None:
    # A torch state at last_epoch=10**12 hung at the next step (the products recomputed from step 0):
    # it goes on from torch's last lr, as torch does; a state of ours that would need that is refused.
    with quiet():
        reference = torch_optimizer([0.1, 0.2])
        theirs = torch.optim.lr_scheduler.MultiplicativeLR(reference, lr_lambda=shrink)
        for _ in range(5):
            theirs.step()
        state = theirs.state_dict()
        state["last_epoch"] = 10**12
        theirs.load_state_dict(state)
        optimizer = PlainOptimizer(*lrs_of(reference))
        scheduler = paradox_scheduler.MultiplicativeLR(optimizer, lr_lambda=shrink)
        scheduler.load_state_dict(state)
        for _ in range(3):
            theirs.step()
            scheduler.step()
            assert_close(lrs_of(optimizer), lrs_of(reference))
    ours = scheduler.state_dict()
    ours["product_step"], ours["anchors"] = -1, [0, 0]  # recompute from step 0 at the next step: 10**12 calls
    fresh = paradox_scheduler.MultiplicativeLR(PlainOptimizer(0.1, 0.2), lr_lambda=shrink)
    with refused(fresh, ValueError, r"state_dict\['product_step'\] must be .*at most 1,000,000 steps"):
        fresh.load_state_dict(ours)
    fresh.load_state_dict(scheduler.state_dict())  # ours as saved: the products of its last step
    fresh.optimizer.param_groups[:] = [dict(group) for group in optimizer.param_groups]
    fresh.step()
    scheduler.step()
    assert lrs_of(fresh.optimizer) == lrs_of(optimizer)


def _nested(depth: int) -> Any:
    deep: Any = []
    for _ in range(depth):
        deep = [deep]
    return deep


#: Built once: 50,000 nested lists take about 50 ms to build (the collector runs on the way).
DEEP = _nested(50_000)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_garbage_deep_or_long_in_a_state_gets_a_short_error_naming_the_key(case: Any) -> None:
    # Garbage nested 50,000 deep raised RecursionError (repr of the value received); a million-entry
    # base_lrs gave a 5,000,136-character message.
    make = case.factory or getattr(paradox_scheduler, case.name)
    scheduler = make(PlainOptimizer(0.1, 0.02), **{**case.functions, **case.config})
    for key, value in [("last_epoch", DEEP), ("config", DEEP), ("base_lrs", [0.1] * 10**6)]:
        state, before = scheduler.state_dict(), scheduler.state_dict()
        state[key] = value
        with pytest.raises((TypeError, ValueError), match=rf"state_dict\['{key}'\] must be") as error:
            scheduler.load_state_dict(state)
        assert len(str(error.value)) < 500
        assert scheduler.state_dict() == before


def test_a_deep_config_gets_a_short_error_naming_the_key() -> None:
    deep: dict[str, Any] = {"name": "StepDecay", "step_size": 2}
    for _ in range(50_000):
        deep = {"name": "Sequential", "schedules": [deep], "milestones": []}
    with pytest.raises(ValueError, match=r"^Sequential: schedules must be nested at most 32 lists and dicts deep"):
        paradox_scheduler.Schedule.from_config(deep)
    with pytest.raises(
        TypeError, match=r"^StepDecay: step_size must be an int >= 1. Received: step_size=\[\[\[\["
    ) as error:
        paradox_scheduler.Schedule.from_config({"name": "StepDecay", "step_size": DEEP})
    assert len(str(error.value)) < 300
    with pytest.raises(ValueError, match=r"Received: base_lrs=\[0.1, 0.1, .*\.\.\.\] \(list of length 1000000\)$"):
        fail("base_lrs", "short", [0.1] * 10**6)
    with pytest.raises(
        TypeError, match=r"Received: output=\[0.1, .*\] \(list of length 1000000\) at epoch=0$"
    ) as error:
        paradox_scheduler.LambdaLR(PlainOptimizer(0.1), lr_lambda=lambda epoch: [0.1] * 10**6)
    assert len(str(error.value)) < 300


def test_multiplicative_decay_simulates_with_one_call_per_step() -> None:
    # simulate() evaluated each step afresh: steps**2 / 2 calls (3,000 steps took 4 s, 10**5 hours).
    function = _Counted()
    schedule = paradox_scheduler.MultiplicativeDecay(lr_lambda=function)
    values = schedule.simulate(20_000, base=0.5)
    assert function.calls == 19_999
    assert values[:50] == [schedule(step, 0.5) for step in range(50)]
    assert values[-1] == schedule.values(19_999, [0.5])[0]


# -- issue 12, section 1: resume --


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda o: StepLR(o, step_size=4, gamma=0.5), [0.025, 0.025, 0.0125]),  # was 0.1, 0.1, 0.05
        (lambda o: CosineAnnealingLR(o, T_max=20), [0.05, 0.0421782767479885, 0.03454915028125263]),  # was 0.0865...
    ],
)
def test_a_state_loaded_on_a_fresh_optimizer_continues_the_run(build: Any, expected: list[float]) -> None:
    scheduler = build(torch_optimizer([0.1]))
    for _ in range(9):
        scheduler.step()
    optimizer = torch_optimizer([0.1])
    resumed = build(optimizer)
    resumed.load_state_dict(scheduler.state_dict())
    got = []
    for _ in range(3):
        resumed.step()
        got.append(optimizer.param_groups[0]["lr"])
    assert got == pytest.approx(expected, rel=1e-12)


def test_linear_lr_built_on_a_loaded_optimizer_gets_its_base_back_from_the_state() -> None:
    scheduler = paradox_scheduler.LinearLR(optimizer := torch_optimizer([0.1]), start_factor=0.5, total_iters=10)
    for _ in range(7):
        scheduler.step()  # lr 0.085
    saved, optimizer_state = scheduler.state_dict(), optimizer.state_dict()
    fresh = torch_optimizer([0.1])
    fresh.load_state_dict(optimizer_state)
    resumed = paradox_scheduler.LinearLR(fresh, start_factor=0.5, total_iters=10)  # writes 0.0425 (torch's)
    resumed.load_state_dict(saved)
    resumed.step()
    scheduler.step()
    assert fresh.param_groups[0]["lr"] == optimizer.param_groups[0]["lr"] == pytest.approx(0.09)


def test_a_torch_state_continues_from_the_lr_the_run_reached() -> None:
    with quiet():
        optimizer = torch_optimizer([0.1])
        theirs = torch.optim.lr_scheduler.ExponentialLR(optimizer, 0.9)
        for step in range(10):
            if step == 5:
                optimizer.param_groups[0]["lr"] /= 2  # a hand edit torch's state does not record
            theirs.step()
        saved = theirs.state_dict()
        theirs.step()
    resumed = paradox_scheduler.ExponentialLR(fresh := torch_optimizer([0.1]), 0.9)
    resumed.load_state_dict(saved)
    resumed.step()
    assert fresh.param_groups[0]["lr"] == pytest.approx(
        optimizer.param_groups[0]["lr"], rel=1e-12
    )  # 0.01569, was 0.03138

    with quiet():
        optimizer = torch_optimizer([0.1])
        lrs = torch.optim.lr_scheduler
        chain = lrs.ChainedScheduler([lrs.StepLR(optimizer, 3, 0.5), lrs.ExponentialLR(optimizer, 0.95)])
        for _ in range(3):
            chain.step()
        saved = chain.state_dict()
        chain.step()
    fresh = torch_optimizer([0.1])
    ours = paradox_scheduler.ChainedScheduler([StepLR(fresh, 3, 0.5), paradox_scheduler.ExponentialLR(fresh, 0.95)])
    ours.load_state_dict(saved)
    ours.step()
    assert fresh.param_groups[0]["lr"] == pytest.approx(
        optimizer.param_groups[0]["lr"], rel=1e-12
    )  # 0.0407, was 0.0815


def test_the_seeds_base_class_is_the_base_of_every_class() -> None:
    assert paradox_scheduler._LRScheduler is paradox_scheduler.LRScheduler
    assert issubclass(StepLR, paradox_scheduler._LRScheduler)
    assert issubclass(CosineAnnealingLR, paradox_scheduler._LRScheduler)


# -- issue 12, section 2: groups added mid-run --

ADDED_LATER = {
    "StepLR": {"step_size": 3, "gamma": 0.5},
    "MultiStepLR": {"milestones": [5, 52], "gamma": 0.5},
    "ConstantLR": {"factor": 0.5, "total_iters": 53},
    "LinearLR": {"start_factor": 0.2, "total_iters": 60},
    "ExponentialLR": {"gamma": 0.5},  # gave 8.9e-18 where torch gives 0.01
    "PolynomialLR": {"total_iters": 80, "power": 2.0},
    "CosineAnnealingLR": {"T_max": 200},
}


@pytest.mark.parametrize("name", ADDED_LATER)
def test_a_group_added_mid_run_continues_from_its_lr_as_torchs(name: str) -> None:
    runs = []
    for module in (torch.optim.lr_scheduler, paradox_scheduler):
        optimizer = torch_optimizer([0.1])
        with quiet():
            scheduler = getattr(module, name)(optimizer, **ADDED_LATER[name])
            for _ in range(50):
                scheduler.step()
            optimizer.add_param_group({"params": [torch.nn.Parameter(torch.zeros(1))], "lr": 0.02})
            lrs = []
            for _ in range(5):
                scheduler.step()
                lrs.append(optimizer.param_groups[1]["lr"])
        runs.append(lrs)
    assert runs[1] == pytest.approx(runs[0], rel=1e-12)
    assert runs[1] != [0.02] * 5 or name in ("MultiStepLR", "ConstantLR")  # it is scheduled


def test_a_group_added_mid_run_where_torch_breaks_continues_along_the_shape() -> None:
    optimizer = torch_optimizer([0.1])
    scheduler = paradox_scheduler.MultiplicativeLR(optimizer, lr_lambda=shrink)
    for _ in range(50):
        scheduler.step()
    optimizer.add_param_group({"params": [torch.nn.Parameter(torch.zeros(1))], "lr": 0.02})
    scheduler.step()
    assert optimizer.param_groups[1]["lr"] == 0.02 * shrink(51)
    lambda_lr = paradox_scheduler.LambdaLR(optimizer := torch_optimizer([0.1]), lr_lambda=lambda epoch: 1 / (epoch + 1))
    for _ in range(9):
        lambda_lr.step()
    optimizer.add_param_group({"params": [torch.nn.Parameter(torch.zeros(1))], "lr": 0.02})
    lambda_lr.step()  # 0.02 at step 9, then on along 1 / (t + 1): 0.02 * 10 / 11
    assert optimizer.param_groups[1]["lr"] == pytest.approx(0.02 * 10 / 11, rel=1e-12)


# -- issue 12, sections 3, 4 and 6: the write loop --


@pytest.mark.parametrize("bad", [None, "x", "missing"])
def test_a_step_that_finds_a_bad_lr_changes_nothing(bad: Any) -> None:
    optimizer = PlainOptimizer(0.1, 0.2, 0.3)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.5)
    scheduler.step()
    if bad == "missing":
        del optimizer.param_groups[1]["lr"]
    else:
        optimizer.param_groups[1]["lr"] = bad
    before = (scheduler.state_dict(), [dict(group) for group in optimizer.param_groups])
    with pytest.raises(TypeError, match=r"^StepLR\.step: optimizer\.param_groups\[1\]\['lr'\] must be a number"):
        scheduler.step()
    assert (scheduler.state_dict(), optimizer.param_groups) == before  # last_epoch advanced before


def test_a_fraction_lr_is_its_value_not_a_hand_edit() -> None:
    from fractions import Fraction

    optimizer = PlainOptimizer(Fraction(1, 10))  # type: ignore[arg-type]
    paradox_scheduler.LinearLR(optimizer, start_factor=0.1)
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.01)  # was 1.0


def test_a_tensor_lr_edited_through_data_is_taken_up_as_torch() -> None:
    runs = []
    for module in (torch.optim.lr_scheduler, paradox_scheduler):
        optimizer = torch_optimizer([0.1], tensor=True)
        with quiet():
            scheduler = module.ExponentialLR(optimizer, 0.9)
            scheduler.step()
            optimizer.param_groups[0]["lr"].data.mul_(0.5)  # moves no version counter
            scheduler.step()
        runs.append(float(optimizer.param_groups[0]["lr"]))
    assert runs[1] == pytest.approx(runs[0], rel=1e-12)  # 0.0405; was 0.081


def test_two_threads_stepping_one_scheduler_lose_no_step() -> None:
    import sys
    import threading

    optimizer = PlainOptimizer(0.1)
    scheduler = paradox_scheduler.ExponentialLR(optimizer, 0.9999)
    optimizer.param_groups[0]["lr"] = 0.05  # a hand edit: the chainable rule runs on every step

    def run() -> None:
        for _ in range(5000):
            scheduler.step()

    threads = [threading.Thread(target=run) for _ in range(2)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often: without the lock, steps were lost
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert scheduler.last_epoch == 10_000
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.05 * 0.9999**10_000, rel=1e-9)


# -- issue 13 review: schedules that are not floor + (base - floor) * factor(step) ------------

ps = paradox_scheduler
ABSOLUTE_START = ps.Warmup(ps.CosineAnnealing(4), steps=4, start_value=0.1)


def test_product_and_an_eta_min_restart_refuse_a_schedule_with_an_absolute_value() -> None:
    # Product multiplied factors, and a Warmup's "factor" is its value at base 1: at base 2 the
    # product gave 0.2 where the warmup alone gives 0.1
    assert not ABSOLUTE_START.affine and ps.Warmup(ps.CosineAnnealing(4), steps=4, start_factor=0.1).affine
    with pytest.raises(ValueError, match=r"^Product: schedules\[0\] must be a schedule whose values are base \*"):
        ps.Product([ABSOLUTE_START])
    with pytest.raises(ValueError, match=r"^Cycles: schedule must be a schedule whose values are floor \+"):
        ps.Cycles(ABSOLUTE_START, eta_min=0.0)
    relative = ps.Warmup(ps.CosineAnnealing(4), steps=4, start_factor=0.1)
    product = ps.Product([relative, ps.StepDecay(2, 0.5)])
    assert [product(t, 2.0) for t in range(4)] == [relative(t, 2.0) * ps.StepDecay(2, 0.5)(t) for t in range(4)]
    for wrapper in (ps.Scaled(ABSOLUTE_START, 0.5), ps.Noisy(ABSOLUTE_START), ps.KDecay(ABSOLUTE_START, 2.0)):
        assert not wrapper.affine
    assert not ps.WarmupStableDecay(2, 2, 10, min_lr=0.01).affine and ps.WarmupStableDecay(2, 2, 10).affine


def test_a_group_added_to_restarts_of_a_warmup_follows_the_first_group() -> None:
    # Cycles.rebase used the inner factor: the added group got base 1.909 instead of 2.0 and drifted
    optimizer = torch_optimizer([2.0])
    scheduler = ps.RestartsLR(optimizer, ABSOLUTE_START, cycle_decay=0.5)
    for _ in range(9):
        scheduler.step()
    optimizer.add_param_group({"params": [torch.nn.Parameter(torch.zeros(1))], "lr": optimizer.param_groups[0]["lr"]})
    for _ in range(12):
        scheduler.step()
        first, added = lrs_of(optimizer)
        assert added == first

"""Where we differ from torch on purpose: each test pins our value and, where it runs, torch's."""

from __future__ import annotations

import copy
import json
import math
from typing import Any

import pytest

from conftest import PlainOptimizer, lrs_of, refused, torch_optimizer
from paradox import scheduler as ours

torch = pytest.importorskip("torch")
from torch.optim import lr_scheduler as torch_sched  # noqa: E402

pytestmark = pytest.mark.usefixtures("quiet_warnings")


def pair(name: str, **config: Any) -> tuple[Any, Any, Any, Any]:
    """torch's scheduler ``name`` and ours, each on an optimizer of one group at lr 1.0."""
    reference_opt, optimizer = torch_optimizer([1.0]), PlainOptimizer(1.0)
    return (
        reference_opt,
        getattr(torch_sched, name)(reference_opt, **config),
        optimizer,
        getattr(ours, name)(optimizer, **config),
    )


# -- torch's family ----------------------------------------------------------------------------


def test_multiplicative_step_epoch_is_the_closed_form() -> None:
    """torch multiplies the current lr by ``lr_lambda(epoch)`` once; we give the product up to epoch."""
    reference_opt, reference, optimizer, scheduler = pair("MultiplicativeLR", lr_lambda=lambda t: 0.5)
    reference.step(5)
    assert lrs_of(reference_opt) == [0.5]
    scheduler.step(5)
    assert lrs_of(optimizer) == [0.5**5]
    scheduler.step(2)
    assert lrs_of(optimizer) == [0.25]


def test_restarts_jump_to_a_restart_gives_base_lr() -> None:
    """torch finds the cycle with a float logarithm that can miss a restart (log(243, 3) < 5)."""
    reference_opt, reference, optimizer, scheduler = pair("CosineAnnealingWarmRestarts", T_0=1, T_mult=3)
    reference.step(121)
    assert (reference.T_cur, reference.T_i, lrs_of(reference_opt)) == (81.0, 81, [0.0])
    scheduler.step(121)
    assert (scheduler.T_cur, scheduler.T_i, lrs_of(optimizer)) == (0, 243, [1.0])
    # torch's own step-by-step run agrees with us
    stepped_opt, stepped, _, _ = pair("CosineAnnealingWarmRestarts", T_0=1, T_mult=3)
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
    reference_opt, reference, optimizer, scheduler = pair("ConstantLR", factor=0.5, total_iters=0)
    reference.step()
    assert lrs_of(reference_opt) == [0.5]
    reference.step(3)
    assert lrs_of(reference_opt) == [1.0]  # torch's closed form
    assert lrs_of(optimizer) == [1.0]
    scheduler.step()
    assert lrs_of(optimizer) == [1.0]


def test_linear_lr_to_zero_reaches_exactly_zero() -> None:
    """torch's per-step ratio does not cancel exactly: it leaves a residue (even a negative one)."""
    reference_opt, reference, optimizer, scheduler = pair(
        "LinearLR", start_factor=1 / 3, end_factor=0.0, total_iters=44
    )
    for _ in range(44):
        reference.step()
        scheduler.step()
    assert lrs_of(reference_opt)[0] != 0.0
    assert abs(lrs_of(reference_opt)[0]) < 1e-15
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
    reference_opt, reference, optimizer, scheduler = pair("ExponentialLR", gamma=0.5)
    for _ in range(2):
        reference.step()
        scheduler.step()
    reference_opt.param_groups[0]["lr"] = optimizer.param_groups[0]["lr"] = 0.8
    reference.step(4)
    scheduler.step(4)
    assert lrs_of(reference_opt) == [0.5**4]
    assert lrs_of(optimizer) == [0.8 * 0.5**2]


# -- ReduceLROnPlateau and the composites ------------------------------------------------------


def test_plateau_inside_sequential_after_warmup() -> None:
    optimizer = PlainOptimizer(1.0, 0.5)
    warmup = ours.LinearLR(optimizer, start_factor=0.25, end_factor=1.0, total_iters=2)
    plateau = ours.ReduceLROnPlateau(optimizer, patience=1, factor=0.5)
    scheduler = ours.SequentialLR(optimizer, [warmup, plateau], milestones=[3])
    seen = [lrs_of(optimizer)[0]]
    for loss in [9.0, 9.0, 9.0, 5.0, 5.0, 5.0, 4.0, 4.0, 4.0]:
        scheduler.step(loss)
        seen.append(lrs_of(optimizer)[0])
    # warmup 0.25, 0.625, 1.0; at the milestone (step 3) the plateau starts from the base lr and
    # does not judge the loss measured under the warmup; then 5.0 is its first metric.
    assert seen == [0.25, 0.625, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25]
    assert lrs_of(optimizer)[1] == 0.125
    assert plateau.best == 4.0
    state = json.loads(json.dumps(scheduler.state_dict(), allow_nan=False))
    assert state["schedulers"][1]["best"] == 4.0


def test_plateau_inside_chained_multiplies_the_others() -> None:
    with pytest.raises(ValueError, match="ReduceLROnPlateau"):  # torch refuses it
        torch_sched.ChainedScheduler([torch_sched.ReduceLROnPlateau(torch_optimizer([0.1]))])
    optimizer = PlainOptimizer(1.0)
    decay = ours.StepLR(optimizer, step_size=2, gamma=0.5)
    plateau = ours.ReduceLROnPlateau(optimizer, patience=0, factor=0.1)
    scheduler = ours.ChainedScheduler([decay, plateau])
    lrs = []
    for loss in [3.0, 2.0, 2.0, 1.0, 1.0]:
        scheduler.step(loss)
        lrs.append(round(lrs_of(optimizer)[0], 12))
    # step 2: StepLR halves (2.0 improves); step 3: 2.0 again, the plateau cuts to 0.05; step 4:
    # StepLR halves the cut lr (0.025), 1.0 improves; step 5: 1.0 again, cut to 0.0025
    assert lrs == [1.0, 0.5, 0.05, 0.025, 0.0025]


@pytest.mark.parametrize("name", ["SequentialLR", "ChainedScheduler"])
def test_composites_take_a_metric_exactly_when_a_child_is_a_plateau(name: str) -> None:
    def composite(second: Any) -> Any:
        first = ours.StepLR(optimizer, 3)
        if name == "SequentialLR":
            return ours.SequentialLR(optimizer, [first, second], [2])
        return ours.ChainedScheduler([first, second])

    optimizer = PlainOptimizer(0.1)
    scheduler = composite(ours.ReduceLROnPlateau(optimizer))
    with refused(
        scheduler,
        TypeError,
        rf"^{name}\.step: metrics must be given: a child is a ReduceLROnPlateau, so every step needs the "
        r"monitored metric, as in step\(val_loss\)\. Received: metrics=None \(NoneType\)$",
    ):
        scheduler.step()
    with refused(scheduler, ValueError, rf"^{name}\.step: metrics must be a number \(anything float\(\) takes\).*='x'"):
        scheduler.step("x")
    with pytest.raises(
        TypeError,
        match=rf"^{name}\.step: metrics must be None: no child takes a metric \(only ReduceLROnPlateau does\); "
        r"call step\(\)\. Received: metrics=0\.5 \(float\)$",
    ):
        composite(ours.StepLR(optimizer, 2)).step(0.5)


# -- negative metrics in rel mode -----------------------------------------------------------------


@pytest.mark.parametrize(("mode", "best", "worse"), [("min", -1.0, -0.95), ("max", -1.0, -1.05)])
def test_negative_metric_in_rel_mode_is_judged_correctly(mode: str, best: float, worse: float) -> None:
    config = {"mode": mode, "patience": 0, "threshold": 0.1, "threshold_mode": "rel", "factor": 0.5}
    _, reference, _, scheduler = pair("ReduceLROnPlateau", **config)
    for plateau in (reference, scheduler):
        plateau.step(best)
        plateau.step(worse)
    assert reference.best == worse  # torch: a worse value counted as an improvement
    assert scheduler.best == best and scheduler.get_last_lr() == [0.5]  # ours: a bad epoch, cut
    assert scheduler.is_better(best - 0.2 if mode == "min" else best + 0.2, best)
    assert not scheduler.is_better(best - 0.05 if mode == "min" else best + 0.05, best)


# -- MultiplicativeLR after a warmup in SequentialLR ---------------------------------------------


def test_multiplicative_after_warmup_starts_from_the_base_lr() -> None:
    reference_opt = torch_optimizer([1.0])
    warm = torch_sched.LinearLR(reference_opt, start_factor=0.1, total_iters=5)
    mult = torch_sched.MultiplicativeLR(reference_opt, lr_lambda=lambda epoch: 0.9)
    reference = torch_sched.SequentialLR(reference_opt, [warm, mult], milestones=[3])
    optimizer = PlainOptimizer(1.0)
    scheduler = ours.SequentialLR(
        optimizer,
        [ours.LinearLR(optimizer, 0.1, 1.0, 5), ours.MultiplicativeLR(optimizer, lambda t: 0.9)],
        milestones=[3],
    )
    for _ in range(3):
        reference.step()
        scheduler.step()
    # torch multiplies the warmup's last lr (0.46) by lambda(0): the base lr is lost
    assert lrs_of(reference_opt) == pytest.approx([0.46 * 0.9])
    assert lrs_of(optimizer) == [1.0]  # ours: the child's step 0, the base lr
    scheduler.step()
    scheduler.step()
    assert lrs_of(optimizer) == pytest.approx([0.81])


# -- SequentialLR(last_epoch=N) (torch issue 162591) ---------------------------------------------


@pytest.mark.parametrize("resume_at", [0, 2, 3, 4, 9, 20])
def test_sequential_last_epoch_resumes_like_an_uninterrupted_run(resume_at: int) -> None:
    def children(o: Any) -> list[Any]:
        return [ours.LinearLR(o, 0.1, 1.0, 3), ours.CosineAnnealingLR(o, 10, 1e-3), ours.ExponentialLR(o, 0.9)]

    run_opt = PlainOptimizer(1.0, 0.3)
    run = ours.SequentialLR(run_opt, children(run_opt), [4, 12])
    for _ in range(resume_at):
        run.step()
    saved_groups = copy.deepcopy(run_opt.param_groups)
    run.step()
    optimizer = PlainOptimizer(1.0, 0.3)
    optimizer.param_groups = copy.deepcopy(saved_groups)  # the optimizer's checkpoint at step N
    resumed = ours.SequentialLR(optimizer, children(optimizer), [4, 12], last_epoch=resume_at)
    assert resumed.last_epoch == run.last_epoch == resume_at + 1
    for _ in range(30):
        assert lrs_of(optimizer) == pytest.approx(lrs_of(run_opt), rel=1e-12)
        run.step()
        resumed.step()


def test_torch_sequential_last_epoch_restarts_the_first_child() -> None:
    optimizer = torch_optimizer([1.0])
    for group in optimizer.param_groups:
        group["initial_lr"] = 1.0
    children = [
        torch_sched.ConstantLR(optimizer, factor=0.1, total_iters=20),
        torch_sched.ExponentialLR(optimizer, 0.9),
    ]
    torch_sched.SequentialLR(optimizer, children, milestones=[3], last_epoch=4)
    assert lrs_of(optimizer) == pytest.approx([0.1])  # torch: the warmup's step 0, not step 5
    ours_opt = PlainOptimizer(1.0)
    ours.SequentialLR(
        ours_opt,
        [ours.LinearLR(ours_opt, 0.1, 0.1, 20), ours.ExponentialLR(ours_opt, 0.9)],
        milestones=[3],
        last_epoch=4,
    )
    assert lrs_of(ours_opt) == pytest.approx([0.81])  # ours: step 5 = the second child's step 2


# -- errors --------------------------------------------------------------------------------------


def test_children_on_another_optimizer_are_refused() -> None:
    mine, other = PlainOptimizer(0.1), PlainOptimizer(0.1)
    stranger = ours.StepLR(other, 2)
    with pytest.raises(
        ValueError,
        match=r"^SequentialLR: schedulers\[1\]\.optimizer must be the optimizer SequentialLR schedules \(every child "
        r"must be built on the same optimizer, <PlainOptimizer object at 0x[0-9a-f]+>\)\. Received: "
        r"schedulers\[1\]\.optimizer=<PlainOptimizer object at 0x[0-9a-f]+> \(PlainOptimizer\)$",
    ):
        ours.SequentialLR(mine, [ours.StepLR(mine, 2), stranger], [2])
    with pytest.raises(
        ValueError, match=r"^ChainedScheduler: schedulers\[1\]\.optimizer must be the optimizer ChainedScheduler"
    ):
        ours.ChainedScheduler([ours.StepLR(mine, 2), stranger])
    with pytest.raises(ValueError, match=r"^ChainedScheduler: schedulers\[0\]\.optimizer must be the optimizer"):
        ours.ChainedScheduler([stranger], optimizer=mine)
    # a composite child bound elsewhere is refused too
    with pytest.raises(ValueError, match=r"^SequentialLR: schedulers\[0\]\.optimizer must be"):
        ours.SequentialLR(mine, [ours.ChainedScheduler([stranger])], [])


NON_EMPTY = r"schedulers must be a non-empty list of paradox\.scheduler schedulers\. Received: schedulers="


@pytest.mark.parametrize(
    ("make", "error", "pattern"),
    [
        (lambda o: ours.SequentialLR(o, [], []), ValueError, rf"^SequentialLR: {NON_EMPTY}\[\] \(list\)$"),
        (lambda o: ours.ChainedScheduler([]), ValueError, rf"^ChainedScheduler: {NON_EMPTY}\[\]"),
        (lambda o: ours.ChainedScheduler(ours.StepLR(o, 2)), TypeError, rf"^ChainedScheduler: {NON_EMPTY}<"),
        (
            lambda o: ours.SequentialLR(o, [ours.StepLR(o, 2), "StepLR"], [2]),
            TypeError,
            r"^SequentialLR: schedulers\[1\] must be a paradox\.scheduler scheduler \(build it from paradox\.scheduler, not "
            r"torch\.optim\.lr_scheduler\)\. Received: schedulers\[1\]='StepLR' \(str\)$",
        ),
        (
            lambda o: ours.SequentialLR(o, [ours.StepLR(o, 2), ours.StepLR(o, 3)], [5, 3]),
            ValueError,
            r"^SequentialLR: milestones must be a strictly increasing list of 1 ints >= 1.*Received: milestones=\[5, 3\]",
        ),
        (
            lambda o: ours.SequentialLR(o, [ours.StepLR(o, 2), ours.StepLR(o, 3), ours.StepLR(o, 4)], [3, 3]),
            ValueError,
            r"^SequentialLR: milestones must be a strictly increasing list of 2 ints >= 1.*Received: milestones=\[3, 3\]",
        ),
        (
            lambda o: ours.SequentialLR(o, [ours.StepLR(o, 2)], [], last_epoch=-3),
            ValueError,
            r"^SequentialLR: last_epoch must be an int >= -1\. Received: last_epoch=-3 \(int\)$",
        ),
    ],
)
def test_composite_arguments_are_validated(make: Any, error: type[Exception], pattern: str) -> None:
    optimizer = PlainOptimizer(0.1)
    with pytest.raises(error, match=pattern):
        make(optimizer)


def test_refused_composite_leaves_lrs_as_the_children_left_them() -> None:
    optimizer = PlainOptimizer(0.1)
    children = [ours.LinearLR(optimizer, 0.5, 1.0, 4), ours.StepLR(optimizer, 2)]
    before = copy.deepcopy(optimizer.param_groups)
    with pytest.raises(ValueError):
        ours.SequentialLR(optimizer, children, [0])
    assert optimizer.param_groups == before


METRIC_RULE = (
    r"^ReduceLROnPlateau\.step: metrics must be a number \(anything float\(\) takes\), such as the validation loss\. "
)


@pytest.mark.parametrize(
    ("metric", "error", "received"),
    [
        (None, TypeError, r"Received: metrics=None \(NoneType\)$"),
        ("half", ValueError, r"Received: metrics='half' \(str\)$"),
        (object, TypeError, r"Received: metrics=<class 'object'> \(type\)$"),
        (torch.tensor([1.0, 2.0]), ValueError, r"Received: metrics=tensor\(\[1\., 2\.\]\) \(Tensor\)$"),
    ],
)
def test_plateau_metrics_are_validated(metric: Any, error: type[Exception], received: str) -> None:
    scheduler = ours.ReduceLROnPlateau(PlainOptimizer(0.1))
    with refused(scheduler, error, METRIC_RULE + received):
        scheduler.step(metric)


def test_plateau_accepts_tensors_and_infinities() -> None:
    scheduler = ours.ReduceLROnPlateau(PlainOptimizer(0.1), patience=0)
    scheduler.step(torch.tensor(2.0))
    assert scheduler.best == 2.0
    scheduler.step(math.inf)  # a diverged loss is just worse
    assert scheduler.get_last_lr() == [pytest.approx(0.01)]


def test_plateau_new_param_groups() -> None:
    optimizer = PlainOptimizer(0.1)
    scheduler = ours.ReduceLROnPlateau(optimizer, patience=0, min_lr=0.001)
    optimizer.param_groups.append({"lr": 0.5})
    scheduler.step(1.0)
    scheduler.step(2.0)
    assert lrs_of(optimizer) == pytest.approx([0.01, 0.05])
    assert scheduler.min_lrs == [0.001, 0.001]
    per_group = ours.ReduceLROnPlateau(optimizer, min_lr=[0.0, 0.0])
    optimizer.param_groups.append({"lr": 0.5})
    with pytest.raises(
        ValueError,
        match=r"^ReduceLROnPlateau: min_lr must be a list of 3 values, one per param group \(the optimizer now has 3 "
        r"groups: set scheduler\.min_lrs to a list of 3 values\)\. Received: min_lr=\[0\.0, 0\.0\] \(list\)$",
    ):
        per_group.step(1.0)
    per_group.min_lrs = [0.0, 0.0, 0.1]
    per_group.step(1.0)
    assert per_group.default_min_lr is None


def test_plateau_attributes_are_validated() -> None:
    scheduler = ours.ReduceLROnPlateau(PlainOptimizer(0.1))
    scheduler.factor = 0.5
    assert scheduler.factor == 0.5
    with pytest.raises(
        ValueError, match=r"^ReduceLROnPlateau: factor must be a finite number in \[0\.0, 1\.0\)\. Received: factor=2"
    ):
        scheduler.factor = 2
    with pytest.raises(ValueError, match=r"^ReduceLROnPlateau: mode must be 'min' or 'max'"):
        scheduler.mode = "up"
    assert (scheduler.factor, scheduler.mode, scheduler.mode_worse) == (0.5, "min", math.inf)


@pytest.mark.parametrize(
    ("change", "error", "pattern"),
    [
        ({"best": float("nan")}, ValueError, r"state_dict\['best'\] must be a number \(not NaN\), or 'inf' / '-inf'"),
        ({"best": "big"}, TypeError, r"state_dict\['best'\] must be a number \(not NaN\), or 'inf' / '-inf'"),
        ({"num_bad_epochs": -1}, ValueError, r"state_dict\['num_bad_epochs'\] must be an int >= 0"),
        ({"cooldown_counter": 1.5}, ValueError, r"state_dict\['cooldown_counter'\] must be an int >= 0"),
    ],
)
def test_plateau_bad_state_changes_nothing(change: dict[str, Any], error: type[Exception], pattern: str) -> None:
    scheduler = ours.ReduceLROnPlateau(PlainOptimizer(0.1))
    scheduler.step(1.0)
    with refused(scheduler, error, pattern):
        scheduler.load_state_dict({**scheduler.state_dict(), **change, "last_epoch": 9})


def test_composite_bad_child_state_rolls_everything_back() -> None:
    optimizer = PlainOptimizer(0.1, 0.2)
    scheduler = ours.SequentialLR(optimizer, [ours.StepLR(optimizer, 2), ours.ReduceLROnPlateau(optimizer)], [3])
    for loss in (3.0, 2.0, 2.5, 2.5):
        scheduler.step(loss)
    other = ours.SequentialLR(optimizer, [ours.StepLR(optimizer, 2), ours.ReduceLROnPlateau(optimizer)], [3])
    state = other.state_dict()
    state["schedulers"][1]["best"] = float("nan")
    with refused(
        scheduler,
        ValueError,
        r"\.load_state_dict: in state_dict\['schedulers'\]\[\d\]: ReduceLROnPlateau\.load_state_dict: state_dict\['best'\] must be",
    ):
        scheduler.load_state_dict(state)
    state["schedulers"] = state["schedulers"][:1]
    with pytest.raises(
        ValueError, match=r"^SequentialLR\.load_state_dict: state_dict\['schedulers'\] must be a list of 2 states"
    ):
        scheduler.load_state_dict(state)
    state = other.state_dict()
    state["config"] = {"milestones": [5]}
    with pytest.raises(
        ValueError, match=r"^SequentialLR\.load_state_dict: state_dict\['config'\]\['milestones'\] must be the live"
    ):
        scheduler.load_state_dict(state)


def test_chain_as_a_later_child_of_sequential_works() -> None:
    reference_opt = torch_optimizer([1.0])
    chain = torch_sched.ChainedScheduler([torch_sched.StepLR(reference_opt, 2)], optimizer=reference_opt)
    reference = torch_sched.SequentialLR(reference_opt, [torch_sched.StepLR(reference_opt, 5), chain], [2])
    reference.step()
    with pytest.raises(NotImplementedError):
        reference.step()  # torch: the chain cannot take over
    optimizer = PlainOptimizer(1.0)
    inner = ours.ChainedScheduler([ours.StepLR(optimizer, 2, 0.5), ours.ExponentialLR(optimizer, 0.9)])
    scheduler = ours.SequentialLR(optimizer, [ours.StepLR(optimizer, 5), inner], [2])
    lrs = []
    for _ in range(5):
        scheduler.step()
        lrs.append(lrs_of(optimizer)[0])
    # the chain starts at its step 0 from the base lr at the milestone (step 2), then both decay
    assert lrs == pytest.approx([1.0, 1.0, 0.9, 0.5 * 0.81, 0.5 * 0.729])

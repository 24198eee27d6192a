"""transformers' named schedules: ours against transformers 5.25, live, over whole runs.

Every name of ``get_scheduler`` runs on a real ``torch.optim.SGD`` with 1-3 param groups of different
lrs, next to transformers' own scheduler on a twin optimizer, for >= 50 seeded random configs each,
to 1e-12 relative (with a floor of 1e-15 absolute: at a zero of a cosine both sides round to ~1e-17).
"""

from __future__ import annotations

import contextlib
import json
import math
import random
import warnings
from typing import Any

import pytest
import torch
from transformers import optimization as hf
from transformers.trainer_utils import SchedulerType

import paradox.scheduler as ps
from conftest import PlainOptimizer, lrs_of

NAMES = [
    "linear",
    "cosine",
    "cosine_with_restarts",
    "polynomial",
    "constant",
    "constant_with_warmup",
    "inverse_sqrt",
    "reduce_lr_on_plateau",
    "cosine_with_min_lr",
    "cosine_warmup_with_min_lr",
    "warmup_stable_decay",
]
CONFIGS = 50


def twin_optimizers(lrs: list[float]) -> tuple[torch.optim.SGD, torch.optim.SGD]:
    """Two SGD optimizers with one group per lr; the default lr (transformers' ``lr_init``) is the first."""

    def build() -> torch.optim.SGD:
        groups = [{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in lrs]
        return torch.optim.SGD(groups, lr=lrs[0])

    return build(), build()


def random_config(name: str, rng: random.Random, lr_init: float) -> tuple[int | None, int | None, dict[str, Any]]:
    """``(num_warmup_steps, num_training_steps, scheduler_specific_kwargs)`` for ``name``."""
    warmup = rng.choice([0, 1, 2, rng.randint(0, 60)])
    training = rng.choice([rng.randint(1, 300), rng.randint(warmup + 1, warmup + 300), warmup + 1])
    cycles = rng.choice([0.5, 1, rng.uniform(0.05, 3.0), rng.randint(1, 4)])
    kwargs: dict[str, Any] = {}
    if name in ("cosine", "cosine_with_min_lr", "cosine_warmup_with_min_lr") and rng.random() < 0.8:
        kwargs["num_cycles"] = cycles
    if name == "cosine_with_restarts" and rng.random() < 0.8:
        kwargs["num_cycles"] = rng.randint(0, 5)
    if name == "polynomial":
        if training == warmup:  # transformers divides by zero at the warmup's end there
            training += 1
        kwargs.update(lr_end=rng.choice([0.0, 1e-7, lr_init * rng.uniform(0.0, 0.99)]), power=rng.uniform(0.1, 4.0))
    if name == "inverse_sqrt":
        kwargs["timescale"] = rng.choice([None, rng.randint(1, 500)])
    if name in ("cosine_with_min_lr", "cosine_warmup_with_min_lr"):
        if rng.random() < 0.5:
            kwargs["min_lr_rate"] = rng.choice([0.0, rng.uniform(0.0, 1.0)])
        else:
            kwargs["min_lr"] = lr_init * rng.uniform(0.0, 1.0)
    if name == "cosine_warmup_with_min_lr" and rng.random() < 0.5:
        kwargs["warmup_lr_rate"] = rng.uniform(0.0, 1.0)
    if name == "warmup_stable_decay":
        decay = rng.choice([0, 1, rng.randint(0, 150)])
        kwargs.update(
            num_decay_steps=decay,
            warmup_type=rng.choice(["linear", "cosine"]),
            decay_type=rng.choice(["linear", "cosine", "1-sqrt"]),
            min_lr_ratio=rng.choice([0.0, rng.uniform(0.0, 1.0)]),
            num_cycles=cycles,
        )
        if rng.random() < 0.5:
            kwargs["num_stable_steps"] = rng.randint(0, 150)
            return warmup, None, kwargs
        return warmup, warmup + decay + rng.randint(0, 150), kwargs
    return warmup, training, kwargs


def close(ours: list[float], reference: list[float]) -> bool:
    return len(ours) == len(reference) and all(
        math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15) for a, b in zip(ours, reference)
    )


def build_both(
    name: str, lrs: list[float], warmup: int | None, training: int | None, kwargs: dict[str, Any]
) -> tuple[Any, Any, torch.optim.SGD, torch.optim.SGD]:
    ref_opt, our_opt = twin_optimizers(lrs)
    reference = hf.get_scheduler(name, ref_opt, warmup, training, dict(kwargs))
    ours = ps.get_scheduler(name, our_opt, warmup, training, dict(kwargs))
    return reference, ours, ref_opt, our_opt


@pytest.mark.parametrize("name", [name for name in NAMES if name != "reduce_lr_on_plateau"])
def test_every_name_matches_transformers_over_whole_runs(name: str) -> None:
    rng = random.Random(f"hf-{name}")
    for _ in range(CONFIGS):
        lrs = [rng.uniform(1e-5, 1.0) for _ in range(rng.randint(1, 3))]
        warmup, training, kwargs = random_config(name, rng, lrs[0])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch's call-order warning: no optimizer.step() here
            reference, ours, ref_opt, our_opt = build_both(name, lrs, warmup, training, kwargs)
            end = (training or (warmup or 0) + kwargs.get("num_decay_steps", 0) + kwargs.get("num_stable_steps", 0)) + 5
            for step in range(end):
                assert close(lrs_of(our_opt), lrs_of(ref_opt)), (name, lrs, warmup, training, kwargs, step)
                reference.step()
                ours.step()


def test_reduce_lr_on_plateau_is_ours_and_matches_transformers() -> None:
    rng = random.Random("hf-plateau")
    for _ in range(CONFIGS):
        lrs = [rng.uniform(1e-5, 1.0) for _ in range(rng.randint(1, 3))]
        kwargs = {"mode": rng.choice(["min", "max"]), "factor": rng.uniform(0.1, 0.9), "patience": rng.randint(0, 4)}
        kwargs.update(threshold=rng.uniform(0.0, 0.05), cooldown=rng.randint(0, 3), min_lr=rng.uniform(0.0, 1e-4))
        reference, ours, ref_opt, our_opt = build_both("reduce_lr_on_plateau", lrs, None, None, kwargs)
        assert type(ours) is ps.ReduceLROnPlateau
        for _ in range(60):
            metric = rng.uniform(0.0, 1.0)
            reference.step(metric)
            ours.step(metric)
            assert close(lrs_of(our_opt), lrs_of(ref_opt))


@pytest.mark.parametrize("name", [name for name in NAMES if name != "reduce_lr_on_plateau"])
def test_resume_through_json_mid_run_is_bit_identical(name: str) -> None:
    rng = random.Random(f"hf-resume-{name}")
    for _ in range(10):
        lrs = [rng.uniform(1e-5, 1.0) for _ in range(rng.randint(1, 3))]
        warmup, training, kwargs = random_config(name, rng, lrs[0])
        _, whole, _, whole_opt = build_both(name, lrs, warmup, training, kwargs)
        first, fresh_opt = twin_optimizers(lrs)
        resumed = ps.get_scheduler(name, first, warmup, training, dict(kwargs))
        stop, more = rng.randint(0, 80), rng.randint(1, 80)
        for _ in range(stop):
            whole.step()
            resumed.step()
        saved = json.loads(json.dumps({"optimizer": first.state_dict(), "scheduler": resumed.state_dict()}))
        fresh = ps.get_scheduler(name, fresh_opt, warmup, training, dict(kwargs))
        fresh_opt.load_state_dict(saved["optimizer"])
        fresh.load_state_dict(saved["scheduler"])
        for _ in range(more):
            whole.step()
            fresh.step()
            assert lrs_of(fresh_opt) == lrs_of(whole_opt)


@pytest.mark.parametrize("name", [name for name in NAMES if name not in ("reduce_lr_on_plateau", "inverse_sqrt")])
def test_the_state_holds_the_parameters_not_a_function(name: str) -> None:
    """A state names the schedule and its parameters: any scheduler of the same kind loads it and
    continues the saved run (here one built with other step counts)."""
    rng = random.Random(f"hf-state-{name}")
    lrs = [0.3, 0.05]
    warmup, training, kwargs = random_config(name, rng, lrs[0])
    _, ours, _, our_opt = build_both(name, lrs, warmup, training, kwargs)
    for _ in range(7):
        ours.step()
    state = json.loads(json.dumps(ours.state_dict()))
    assert state["class"] == "ScheduledLR"
    assert state["config"]["steps"] == (0 if name == "constant" else warmup)
    assert ps.Schedule.from_config({"name": "Warmup", **state["config"]}) == ours.schedule
    other_opt = twin_optimizers(lrs)[1]
    other = ps.get_constant_schedule(other_opt)
    with pytest.warns(ps.ConfigDriftWarning) if name != "constant" else contextlib.nullcontext():
        other.load_state_dict(state)
    assert other.schedule == ours.schedule
    for _ in range(40):
        ours.step()
        other.step()
        assert lrs_of(other_opt) == lrs_of(our_opt)


def test_inverse_sqrt_returns_our_driver_with_its_parameters() -> None:
    optimizer = PlainOptimizer(0.1)
    scheduler = ps.get_scheduler("inverse_sqrt", optimizer, 10, scheduler_specific_kwargs={"timescale": 30})
    assert type(scheduler) is ps.InverseSqrtLR
    assert scheduler.state_dict()["config"] == {"warmup_steps": 10, "timescale": 30.0, "start_factor": 0.0}


def test_scheduler_type_members_and_their_values_are_names() -> None:
    for member in SchedulerType:
        if member.value not in NAMES:
            continue  # "greedy": transformers' GreedyLR is not part of this drop-in
        optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        kwargs = {"min_lr_rate": 0.1} if "min_lr" in member.value else {}
        kwargs = {"num_decay_steps": 3} if member.value == "warmup_stable_decay" else kwargs
        by_member = ps.get_scheduler(member, optimizer, 2, 10, kwargs)
        by_value = ps.get_scheduler(member.value, optimizer, 2, 10, kwargs)
        assert type(by_member) is type(by_value)
        assert by_member.state_dict()["config"] == by_value.state_dict()["config"]


def test_the_functions_have_transformers_signatures() -> None:
    import inspect

    for name in NAMES:
        ours, theirs = ps.hf.TYPE_TO_SCHEDULER_FUNCTION[name], hf.TYPE_TO_SCHEDULER_FUNCTION[SchedulerType(name)]
        assert ours.__name__ == theirs.__name__
        assert list(inspect.signature(ours).parameters) == list(inspect.signature(theirs).parameters)
        defaults = [param.default for param in inspect.signature(ours).parameters.values()]
        assert defaults == [param.default for param in inspect.signature(theirs).parameters.values()]
        assert getattr(ps, ours.__name__) is ours
    params = inspect.signature(ps.get_scheduler).parameters
    assert list(params) == list(inspect.signature(hf.get_scheduler).parameters)


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (
            lambda opt: ps.get_scheduler("cosine", opt),
            ValueError,
            r"^get_scheduler: num_warmup_steps must be an int >= 0: the 'cosine' schedule needs it\. "
            r"Received: num_warmup_steps=None \(NoneType\)$",
        ),
        (
            lambda opt: ps.get_scheduler("linear", opt, 10),
            ValueError,
            r"^get_scheduler: num_training_steps must be an int >= 0: the 'linear' schedule needs it\. "
            r"Received: num_training_steps=None \(NoneType\)$",
        ),
        (
            lambda opt: ps.get_scheduler("cosine_annealing", opt, 1, 10),
            ValueError,
            r"^get_scheduler: name must be one of 'linear', 'cosine', .*'warmup_stable_decay'\. "
            r"Received: name='cosine_annealing' \(str\)$",
        ),
        (lambda opt: ps.get_scheduler(3, opt, 1, 10), TypeError, r"^get_scheduler: name must be one of 'linear'"),
        (
            lambda opt: ps.get_scheduler("cosine", opt, 1, 10, {"power": 2.0}),
            TypeError,
            r"get_cosine_schedule_with_warmup\(\) got an unexpected keyword argument 'power'",
        ),
        (
            lambda opt: ps.get_cosine_schedule_with_warmup(opt, -1, 10),
            ValueError,
            r"^get_cosine_schedule_with_warmup: num_warmup_steps must be an int >= 0\. Received: num_warmup_steps=-1",
        ),
        (
            lambda opt: ps.get_cosine_schedule_with_warmup(opt, 1, 10, num_cycles=-0.5),
            ValueError,
            r"^get_cosine_schedule_with_warmup: num_cycles must be a finite number >= 0\.0\. Received: num_cycles=-0\.5",
        ),
        (
            lambda opt: ps.get_polynomial_decay_schedule_with_warmup(opt, 1, 10, lr_end=0.5),
            ValueError,
            r"^get_polynomial_decay_schedule_with_warmup: lr_end must be a number < the optimizer's default lr, "
            r"optimizer\.defaults\['lr'\] = 0\.1\. Received: lr_end=0\.5 \(float\)$",
        ),
        (
            lambda opt: ps.get_polynomial_decay_schedule_with_warmup(opt, 1, 10, power=0.0),
            ValueError,
            r"^get_polynomial_decay_schedule_with_warmup: power must be a finite number > 0\.0\. Received: power=0\.0",
        ),
        (
            lambda opt: ps.get_cosine_with_min_lr_schedule_with_warmup(opt, 1, 10),
            ValueError,
            r"^get_cosine_with_min_lr_schedule_with_warmup: min_lr_rate must be given, or min_lr \(one of the two "
            r"sets the end of the cosine\)\. Received: min_lr_rate=None \(NoneType\)$",
        ),
        (
            lambda opt: ps.get_cosine_with_min_lr_schedule_with_warmup(opt, 1, 10, min_lr=0.01, min_lr_rate=0.1),
            ValueError,
            r"^get_cosine_with_min_lr_schedule_with_warmup: min_lr_rate must be None when min_lr is given",
        ),
        (
            lambda opt: ps.get_cosine_with_min_lr_schedule_with_warmup_lr_rate(opt, 1, 10, min_lr_rate=1.5),
            ValueError,
            r"^get_cosine_with_min_lr_schedule_with_warmup_lr_rate: min_lr_rate must be a finite number in "
            r"\[0\.0, 1\.0\]\. Received: min_lr_rate=1\.5 \(float\)$",
        ),
        (
            lambda opt: ps.get_wsd_schedule(opt, 1, 5),
            ValueError,
            r"^get_wsd_schedule: num_training_steps must be given when num_stable_steps is not",
        ),
        (
            lambda opt: ps.get_wsd_schedule(opt, 1, 5, num_training_steps=3),
            ValueError,
            r"^get_wsd_schedule: num_training_steps must be >= num_warmup_steps \+ num_decay_steps = 6",
        ),
        (
            lambda opt: ps.get_wsd_schedule(opt, 1, 5, 10, decay_type="square"),
            ValueError,
            r"^get_wsd_schedule: decay_type must be one of 'linear', 'cosine', '1-sqrt'\. Received: decay_type='square'",
        ),
        (
            lambda opt: ps.get_wsd_schedule(opt, 1, 5, 10, warmup_type="1-sqrt"),
            ValueError,
            r"^get_wsd_schedule: warmup_type must be one of 'linear', 'cosine'\. Received: warmup_type='1-sqrt'",
        ),
    ],
)
def test_bad_arguments_are_refused_with_the_rule(call: Any, error: type[Exception], pattern: str) -> None:
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    before = [dict(group) for group in optimizer.param_groups]
    with pytest.raises(error, match=pattern):
        call(optimizer)
    assert [dict(group) for group in optimizer.param_groups] == before


def test_an_absolute_end_needs_the_optimizers_default_lr() -> None:
    pattern = (
        r"^get_polynomial_decay_schedule_with_warmup: optimizer\.defaults\['lr'\] must be an optimizer with "
        r"defaults\['lr'\] > 0 .*Received: optimizer\.defaults\['lr'\]=None \(NoneType\)$"
    )
    with pytest.raises(TypeError, match=pattern):
        ps.get_polynomial_decay_schedule_with_warmup(PlainOptimizer(0.1), 1, 10)


def test_hf_decay_far_out_is_the_closed_form() -> None:
    decay = ps.HFDecay("cosine", steps=999_983, num_cycles=1.7, end_ratio=0.1)
    step = 10**7 + 3
    expected = 0.1 + 0.9 * (1 + math.cos(math.pi * 2 * 1.7 * step / 999_983)) / 2
    assert math.isclose(decay(step, 2.0), 2.0 * expected, rel_tol=1e-9)
    assert decay.simulate(10, 2.0) == [decay(step, 2.0) for step in range(10)]

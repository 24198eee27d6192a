"""Warmup-stable-decay: live against transformers' get_wsd_schedule and timm's WSDLRScheduler, the
cooldown from a checkpoint, JSON resume, lengths as fractions, and far steps."""

from __future__ import annotations

import json
import math
import random
import warnings
from typing import Any

import pytest

import paradox.scheduler as ps
from conftest import PlainOptimizer, assert_close, load_timm_scheduler, lrs_of, quiet, refused, torch_optimizer

HF_TYPES = ("linear", "cosine", "1-sqrt")
CONFIGS = 50  # seeded random configs per warmup_type x decay_type pair (150 per type)


def run(scheduler: Any, steps: int) -> list[list[float]]:
    """The lrs at steps 0 .. steps - 1 (the scheduler's initial step, then one step() each)."""
    out = []
    for _ in range(steps):
        out.append(lrs_of(scheduler.optimizer))
        scheduler.step()
    return out


def hf_config(rng: random.Random) -> dict[str, Any]:
    warmup, decay, stable = rng.randint(0, 40), rng.randint(0, 60), rng.randint(0, 80)
    config: dict[str, Any] = {"num_warmup_steps": warmup, "num_decay_steps": decay}
    if rng.random() < 0.5:
        config["num_training_steps"] = warmup + stable + decay
    else:
        config["num_stable_steps"] = stable
    config["min_lr_ratio"] = rng.choice([0.0, rng.uniform(0.0, 1.0), 1.0 if rng.random() < 0.1 else 0.05])
    return config


@pytest.mark.parametrize("warmup_type", HF_TYPES)
@pytest.mark.parametrize("decay_type", HF_TYPES)
def test_matches_transformers_get_wsd_schedule(warmup_type: str, decay_type: str) -> None:
    from transformers.optimization import get_wsd_schedule

    rng = random.Random(f"wsd-hf-{warmup_type}-{decay_type}")
    for _ in range(CONFIGS):
        config, lrs = hf_config(rng), [rng.uniform(1e-5, 1.0) for _ in range(rng.randint(1, 3))]
        types = {"warmup_type": warmup_type, "decay_type": decay_type}
        length = config["num_warmup_steps"] + config["num_decay_steps"] + config.get("num_stable_steps", 0)
        length = max(length, config.get("num_training_steps", 0)) + 5
        with quiet():
            reference = get_wsd_schedule(torch_optimizer(lrs), **config, **types)
            expected = run(reference, length)
        ours = ps.WarmupStableDecayLR(torch_optimizer(lrs), **config, **types)
        got = run(ours, length)
        for step, (a, b) in enumerate(zip(got, expected)):
            assert_close(a, b, rel=1e-12), (config, types, step)
        assert ours.schedule.simulate(length, lrs[0]) == pytest.approx(
            [row[0] for row in expected], rel=1e-12, abs=1e-15
        )


TIMM_DECAYS = ("linear", "1-sqrt", "cosine", "power", "exp")


def timm_decay(name: str, power: float, ratio: float) -> tuple[Any, dict[str, Any]]:
    """timm's decay_fn and the WarmupStableDecay arguments that give it: a named shape where one is
    the same function, else the same function of the progress."""
    if name in ("linear", "1-sqrt", "cosine"):
        return name, {"decay_type": name}
    if name == "power":
        named = {0.5: "1-sqrt", 1.0: "linear", 2.0: "square"}.get(power)
        if named is not None:
            return "power", {"decay_type": named}

        def left(frac: float) -> float:  # timm's 'power': 1 - frac ** decay_power
            return 1.0 - frac**power

        return "power", {"decay_type": left}

    def exp_left(frac: float) -> float:  # timm's 'exp', normalised to reach lr_min
        return (ratio**frac - ratio) / (1.0 - ratio)

    return "exp", {"decay_type": exp_left}


@pytest.mark.parametrize("decay_fn", TIMM_DECAYS)
def test_matches_timm_wsd_scheduler(decay_fn: str) -> None:
    """timm's WSDLRScheduler with stable_fn="constant" (its rsqrt/power stable phases are not a WSD's
    constant one): warmup_lr_init -> warmup_start_lr, lr_min -> min_lr, t_initial - decay_t -> stable."""
    WSDLRScheduler = load_timm_scheduler("wsd_lr").WSDLRScheduler
    rng = random.Random(f"wsd-timm-{decay_fn}")
    for index in range(CONFIGS * 2):
        lrs = [rng.uniform(0.01, 1.0) for _ in range(rng.randint(1, 3))]
        warmup, decay = rng.randint(0, 30), rng.randint(1, 50)
        t_initial = decay + rng.randint(0, 60)
        lr_min = rng.choice([0.0, rng.uniform(0.0, min(lrs))])
        init = rng.choice([0.0, rng.uniform(0.0, min(lrs))])
        power = rng.choice([0.5, 1.0, 2.0, rng.uniform(0.2, 4.0)])
        ratio = rng.uniform(0.01, 0.5)
        fn, arguments = timm_decay(decay_fn, power, ratio)
        reference = WSDLRScheduler(
            torch_optimizer(lrs),
            t_initial=t_initial,
            decay_t=decay,
            lr_min=lr_min,
            decay_fn=fn,
            decay_power=power,
            decay_ratio=ratio,
            warmup_t=warmup,
            warmup_lr_init=init,
        )
        ours = ps.WarmupStableDecayLR(
            torch_optimizer(lrs),
            num_warmup_steps=warmup,
            num_stable_steps=t_initial - decay,
            num_decay_steps=decay,
            min_lr=lr_min,
            warmup_start_lr=init,
            **arguments,
        )
        for step in range(warmup + t_initial + 5):
            reference.step(step)
            assert_close(lrs_of(ours.optimizer), lrs_of(reference.optimizer), rel=1e-12), (index, step)
            ours.step()


# -- the cooldown from a checkpoint ---------------------------------------------------------------


def json_state(scheduler: Any) -> dict[str, Any]:
    state: dict[str, Any] = json.loads(json.dumps(scheduler.state_dict(), allow_nan=False))
    return state


@pytest.mark.parametrize("decay_type", ["1-sqrt", "linear", "cosine", "square", "power", "exponential"])
@pytest.mark.parametrize("planned", [False, True])
def test_cooldown_from_a_checkpoint_is_a_planned_decay_from_there(decay_type: str, planned: bool) -> None:
    """Train into the stable phase, save, resume in a fresh process (JSON), cool down for n steps: the
    lrs are bit for bit those of a run planned with that decay from the start."""
    arguments: dict[str, Any] = {"num_warmup_steps": 10, "decay_type": decay_type, "decay_power": 1.7}
    arguments["min_lr_ratio"] = 0.05
    plan = {"num_decay_steps": 30, "num_training_steps": 200} if planned else {}
    lrs = [0.3, 0.01, 1.0]
    first = ps.WarmupStableDecayLR(PlainOptimizer(*lrs), **arguments, **plan)
    run(first, 57)
    saved = json_state(first)
    resumed = ps.WarmupStableDecayLR(PlainOptimizer(*lrs), **arguments, **plan)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        resumed.load_state_dict(saved)
    resumed.cooldown(25)
    assert resumed.cooldown_start == 57 and resumed.schedule.length == 82
    reference = ps.WarmupStableDecayLR(PlainOptimizer(*lrs), **arguments, num_stable_steps=47, num_decay_steps=25)
    reference.step(57)
    assert run(resumed, 40) == run(reference, 40)
    assert lrs_of(resumed.optimizer) == [lr * 0.05 for lr in lrs]


def test_a_cooldown_resumes_bit_for_bit_through_json_without_a_drift_warning() -> None:
    lrs = [0.2, 0.7]
    uninterrupted = ps.WarmupStableDecayLR(PlainOptimizer(*lrs), num_warmup_steps=5, min_lr=0.001)
    run(uninterrupted, 20)
    uninterrupted.cooldown(30)
    run(uninterrupted, 12)
    saved = json_state(uninterrupted)
    assert saved["config"]["cooldown_start"] == 20 and saved["config"]["cooldown_steps"] == 30
    for mode in ("saved", "live"):
        resumed = ps.WarmupStableDecayLR(PlainOptimizer(*lrs), num_warmup_steps=5, min_lr=0.001)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            resumed.load_state_dict(saved, config=mode)  # type: ignore[arg-type]
        assert resumed.schedule == uninterrupted.schedule
        assert run(resumed, 30) == run(uninterrupted, 60)[:30]
        uninterrupted.step(32)
    with pytest.warns(ps.ConfigDriftWarning, match="min_lr: 0.002 -> 0.001"):  # other fields still warn
        ps.WarmupStableDecayLR(PlainOptimizer(*lrs), num_warmup_steps=5, min_lr=0.002).load_state_dict(saved)


def test_cooldown_is_refused_in_warmup_twice_or_after_the_planned_decay_started() -> None:
    scheduler = ps.WarmupStableDecayLR(PlainOptimizer(1.0), num_warmup_steps=4, num_decay_steps=5, num_stable_steps=6)
    run(scheduler, 3)  # last_epoch 2
    with refused(scheduler, ValueError, r"^WarmupStableDecayLR\.cooldown: a cooldown starts after warmup, at "):
        scheduler.cooldown(3)
    scheduler.step(11)  # the planned decay starts at step 10
    rule = r"^WarmupStableDecayLR\.cooldown: the planned decay already started at step 10; .* last_epoch=11 \(int\)$"
    with refused(scheduler, ValueError, rule):
        scheduler.cooldown(3)
    scheduler.step(10)  # the planned decay's first step: the lr is still the base
    scheduler.cooldown(2)
    with refused(scheduler, ValueError, r"^WarmupStableDecayLR\.cooldown: a cooldown already started at step 10 "):
        scheduler.cooldown(2)
    for steps, error in ((0, ValueError), (2.5, ValueError), ("3", TypeError), (None, TypeError)):
        with refused(scheduler, error, r"^WarmupStableDecayLR\.cooldown: steps must be an int"):
            scheduler.cooldown(steps)  # type: ignore[arg-type]


def test_step_epoch_back_before_a_cooldown_keeps_it() -> None:
    scheduler = ps.WarmupStableDecayLR(PlainOptimizer(1.0), num_warmup_steps=2, decay_type="linear")
    scheduler.step(6)
    scheduler.cooldown(4)
    scheduler.step(8)
    assert lrs_of(scheduler.optimizer) == [0.5]
    scheduler.step(3)  # back into the stable phase: the base; the cooldown stays recorded
    assert lrs_of(scheduler.optimizer) == [1.0] and scheduler.cooldown_start == 6
    assert run(scheduler, 9)[3:] == [[1.0], [0.75], [0.5], [0.25], [0.0], [0.0]]


# -- lengths, floors, functions ---------------------------------------------------------------------


def test_fractions_of_the_training_steps_round_to_the_nearest_step() -> None:
    schedule = ps.WarmupStableDecay(num_warmup_steps=0.07, num_decay_steps=0.125, num_training_steps=100)
    assert (schedule._warmup, schedule._stable_end, schedule.length) == (7, 87, 100)  # 7.000000000000001, 12.5 -> 13
    same = ps.WarmupStableDecay(num_warmup_steps=7, num_decay_steps=13, num_training_steps=100)
    assert schedule.simulate(105) == same.simulate(105)
    assert ps.WarmupStableDecay(0.1, 0.2, 10, num_stable_steps=0.7).length == 10
    assert ps.WarmupStableDecay(1.0, 0.0, 10).simulate(12)[-3:] == [0.9, 0.0, 0.0]  # all warmup, then the floor


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        (
            {"num_warmup_steps": 0.5, "num_decay_steps": 0.5, "num_training_steps": 5},
            ValueError,
            r"num_training_steps must be >= num_warmup_steps \+ num_decay_steps = 6 \(the stable phase is the rest\)\. "
            r"Received: num_training_steps=5 \(int\)$",
        ),
        (
            {"num_warmup_steps": 0.1, "num_stable_steps": 10},
            ValueError,
            r"num_warmup_steps must be an int \(steps\) when num_training_steps is None",
        ),
        (
            {"num_warmup_steps": 2, "num_decay_steps": 3, "num_stable_steps": 4, "num_training_steps": 10},
            ValueError,
            r"num_stable_steps must be num_training_steps - num_warmup_steps - num_decay_steps = 5 \(or None: the "
            r"rest\)\. Received: num_stable_steps=4 \(int\)$",
        ),
        ({"num_decay_steps": 5}, ValueError, r"num_decay_steps must be 0 when neither num_training_steps nor"),
        (
            {"num_decay_steps": 1.5, "num_training_steps": 9},
            ValueError,
            r"num_decay_steps must be an int in \[0, 2\*\*53\] \(steps\) or a float in \[0\.0, 1\.0\]",
        ),
        ({"min_lr": 0.1, "min_lr_ratio": 0.1}, ValueError, r"min_lr_ratio must be None when min_lr is given"),
        ({"decay_type": "exponential"}, ValueError, r'min_lr_ratio must be a number > 0 for decay_type="exponential"'),
        ({"decay_type": "1-square"}, ValueError, r"decay_type must be one of 'linear', 'cosine', '1-sqrt', 'square'"),
        ({"decay_type": 3}, TypeError, r"decay_type must be one of"),
        ({"warmup_type": "square"}, ValueError, r"warmup_type must be one of 'linear', 'cosine', '1-sqrt', 'exp"),
        ({"num_warmup_steps": 3, "warmup_type": "exponential"}, ValueError, r"min_lr_ratio must be a number > 0"),
        ({"cooldown_start": 4}, ValueError, r"cooldown_steps must be an int >= 1 when cooldown_start is given"),
        ({"num_warmup_steps": 5, "cooldown_start": 4, "cooldown_steps": 2}, ValueError, r"cooldown_start must be"),
        (
            {"num_stable_steps": 5, "num_decay_steps": 2, "cooldown_start": 6, "cooldown_steps": 2},
            ValueError,
            r"cooldown_start must be an int in \[0, 5\] \(from the end of warmup to the start of the planned decay\)",
        ),
    ],
)
def test_inconsistent_arguments_are_refused(arguments: dict[str, Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=r"^WarmupStableDecay: " + message):
        ps.WarmupStableDecay(**arguments)


def test_a_function_cooldown_is_saved_by_name() -> None:
    def half_cosine_left(x: float) -> float:
        return (1.0 + math.cos(math.pi * x)) / 2.0

    arguments = {"num_warmup_steps": 3, "num_decay_steps": 8, "num_training_steps": 20, "min_lr_ratio": 0.1}
    function = ps.WarmupStableDecay(**arguments, decay_type=half_cosine_left)
    named = ps.WarmupStableDecay(**arguments, decay_type="cosine")
    assert function.simulate(25) == pytest.approx(named.simulate(25), rel=1e-15)
    config = function.to_config()
    assert config["decay_type"] == {"function": "half_cosine_left"} and "half_cosine_left" in repr(function)
    with pytest.raises(TypeError, match=r"^WarmupStableDecay: decay_type must be a name from a config"):
        ps.Schedule.from_config(config)
    scheduler = ps.WarmupStableDecayLR(PlainOptimizer(0.5), **arguments, decay_type=half_cosine_left)
    run(scheduler, 14)
    resumed = ps.WarmupStableDecayLR(PlainOptimizer(0.5), **arguments, decay_type=half_cosine_left)
    resumed.load_state_dict(json_state(scheduler))
    assert run(resumed, 10) == run(scheduler, 10)
    other = ps.WarmupStableDecayLR(PlainOptimizer(0.5), **arguments, decay_type=lambda x: 1.0 - x)
    with refused(other, ValueError, r"state_dict\['config'\]\['decay_type'\] must be the name of the live"):
        other.load_state_dict(json_state(scheduler))
    bad = ps.WarmupStableDecay(**arguments, decay_type=lambda x: math.nan)
    with pytest.raises(ValueError, match=r"decay_type must return a finite number .* at progress=0\.125 \(step 13\)"):
        bad(13)


def test_absolute_floor_and_start() -> None:
    """min_lr and warmup_start_lr are the same for every group (timm's lr_min, warmup_lr_init)."""
    schedule = ps.WarmupStableDecay(2, 2, num_stable_steps=1, decay_type="linear", min_lr=0.1, warmup_start_lr=0.0)
    assert schedule.values(0, [1.0, 0.5]) == [0.0, 0.0]
    assert schedule.values(1, [1.0, 0.5]) == [0.5, 0.25]
    assert schedule.values(4, [1.0, 0.5]) == [0.55, 0.3]
    assert schedule.values(5, [1.0, 0.5]) == [0.1, 0.1]


# -- far steps ------------------------------------------------------------------------------------


def test_far_steps_are_the_closed_form() -> None:
    """No drift: at 10**7 steps and beyond, a jump, a step and the array simulation give the formula."""
    total, decay = 3 * 10**7, 10**7
    lrs = [0.3, 1e-4]
    scheduler = ps.WarmupStableDecayLR(
        PlainOptimizer(*lrs), num_warmup_steps=1000, num_decay_steps=decay, num_training_steps=total, min_lr_ratio=0.01
    )
    scheduler.step(10**7)
    assert lrs_of(scheduler.optimizer) == lrs
    for step in (2 * 10**7 + 1, 25 * 10**6, total - 1):
        scheduler.step(step - 1)
        scheduler.step()
        x = (step - 2 * 10**7) / decay
        assert_close(lrs_of(scheduler.optimizer), [lr * (0.01 + 0.99 * (1 - math.sqrt(x))) for lr in lrs], rel=1e-14)
    scheduler.step(10**9)
    assert lrs_of(scheduler.optimizer) == [lr * 0.01 for lr in lrs]
    pytest.importorskip("numpy")
    schedule = ps.WarmupStableDecay(10, 0.5, 2 * 10**7, min_lr=1e-5)
    values = schedule.arrays(10**7 - 3, 10, [0.1])
    assert values is not None
    assert_close(values[0][0].tolist(), [schedule(10**7 - 3 + i, 0.1) for i in range(10)], rel=1e-15)


@pytest.mark.slow
def test_ten_million_steps_end_on_the_closed_form() -> None:
    scheduler = ps.WarmupStableDecayLR(
        PlainOptimizer(0.5), num_warmup_steps=1000, num_decay_steps=0.2, num_training_steps=10**7
    )
    for _ in range(10**7 - 1):
        scheduler.step()
    x = (10**7 - 1 - 8 * 10**6) / (2 * 10**6)
    assert lrs_of(scheduler.optimizer) == [scheduler.schedule(10**7 - 1, 0.5)]
    assert_close(lrs_of(scheduler.optimizer), [0.5 * (1 - math.sqrt(x))], rel=1e-12)


@pytest.mark.parametrize("decay_type", ["linear", "cosine", "1-sqrt", "square", "power", "exponential"])
@pytest.mark.parametrize("warmup_type", ["linear", "cosine", "1-sqrt", "exponential"])
def test_the_array_path_is_the_scalar_formula_to_2_ulp(warmup_type: str, decay_type: str) -> None:
    pytest.importorskip("numpy")
    for floor in ({"min_lr_ratio": 0.02}, {"min_lr": 0.003, "warmup_start_lr": 0.001}):
        schedule = ps.WarmupStableDecay(
            37, 0.4, 300, warmup_type=warmup_type, decay_type=decay_type, decay_power=2.5, **floor
        )
        arrays = schedule.arrays(0, 320, [0.3, 2.0])
        assert arrays is not None
        for base, values in zip([0.3, 2.0], arrays[0]):
            scalars = [schedule(t, base) for t in range(320)]
            assert all(abs(a - b) <= 2 * math.ulp(b) for a, b in zip(values.tolist(), scalars))
    steps = ps.WarmupStableDecay(5, 10, 40, decay_type=lambda x: 1.0 - x)  # a function: one step at a time
    assert steps.arrays(0, 50, [1.0]) is None
    assert steps.simulate(50) == [steps(t) for t in range(50)]


def test_paradox_lr_previews_a_wsd_spec(capsys: pytest.CaptureFixture[str]) -> None:
    from paradox.scheduler.preview.cli import main

    spec = "WarmupStableDecayLR(num_warmup_steps=2, num_decay_steps=0.3, num_training_steps=10, min_lr_ratio=0.1)"
    assert main(["table", spec, "--lr", "1"]) == 0
    rows = capsys.readouterr().out.split()[1:]
    expected = ps.WarmupStableDecay(2, 0.3, 10, min_lr_ratio=0.1).simulate(11)
    assert [float(row.split(",")[1]) for row in rows] == expected
    assert main(["list"]) == 0
    assert "WarmupStableDecayLR(num_warmup_steps=0, num_decay_steps=0" in capsys.readouterr().out


def test_a_group_added_mid_run_continues_along_the_shape() -> None:
    optimizer = PlainOptimizer(1.0)
    arguments = {"num_warmup_steps": 4, "num_decay_steps": 4, "num_training_steps": 12, "min_lr_ratio": 0.1}
    scheduler = ps.WarmupStableDecayLR(optimizer, **arguments)
    run(scheduler, 2)
    optimizer.param_groups.append({"lr": 0.25})  # half way up the warmup: its base is 0.25 / 0.55
    run(scheduler, 12)
    assert_close(lrs_of(optimizer), [0.1, 0.1 * 0.25 / 0.55], rel=1e-15)
    absolute = ps.WarmupStableDecayLR(PlainOptimizer(1.0), 2, warmup_type="exponential", warmup_start_lr=0.01)
    absolute.optimizer.param_groups.append({"lr": 0.5})  # not affine in the base: it keeps its lr as base
    run(absolute, 4)
    assert lrs_of(absolute.optimizer) == [1.0, 0.5]


def test_an_exponential_shape_to_or_from_an_absolute_value_needs_bases_above_zero() -> None:
    # between() blamed its own 'end' (or 'start'): the base is what the user gave
    with pytest.raises(
        ValueError,
        match=r'^WarmupStableDecayLR: base must be a number > 0 for shape="exponential" \(a geometric ramp\)\. '
        r"Received: base=0\.0 \(float\)$",
    ):
        ps.WarmupStableDecayLR(PlainOptimizer(0.0), 2, 2, 10, warmup_type="exponential", warmup_start_lr=0.01)
    schedule = ps.WarmupStableDecay(2, 2, 10, decay_type="exponential", min_lr=0.01)
    with pytest.raises(ValueError, match=r"base must be a number > 0 .*Received: base=0\.0 \(float\)$"):
        schedule(9, base=0.0)

"""Warmup: the ramp shapes (shapes.between), the pure Warmup around any schedule and its driver WarmupLR."""

from __future__ import annotations

import json
import math
import random
from typing import Any

import numpy as np
import pytest

import paradox.scheduler as ps
from conftest import PlainOptimizer, lrs_of
from paradox.scheduler import (
    CosineAnnealing,
    ExponentialDecay,
    LinearFactor,
    MultiStepDecay,
    OneCycle,
    Schedule,
    ScheduledLR,
    Sequential,
    StepDecay,
    StepLR,
    Warmup,
    WarmupLR,
)
from paradox.scheduler.schedule import SCALAR, Math
from paradox.scheduler.shapes import SHAPES, between, check_shape

NUMPY = Math(np)


def ulps(a: float, b: float, scale: float) -> float:
    """``|a - b|`` in ulps of ``scale``."""
    return abs(a - b) / math.ulp(scale)


# -- shapes.between --------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
def test_between_ends_are_exact(shape: str) -> None:
    rng = random.Random(13)
    for _ in range(200):
        start, end = rng.uniform(1e-6, 3.0), rng.uniform(1e-6, 3.0)
        power = rng.uniform(0.1, 4.0)
        assert between(shape, 0.0, start, end, power=power) == start
        assert between(shape, 1.0, start, end, power=power) == end
        assert between(shape, 0, start, end, power=power) == start
        assert between(shape, 1, start, end, power=power) == end
        array = between(shape, np.array([0.0, 0.5, 1.0]), start, end, NUMPY, power)
        assert array[0] == start and array[2] == end


@pytest.mark.parametrize("shape", SHAPES)
def test_between_number_and_array_agree_within_2_ulp(shape: str) -> None:
    rng = random.Random(7)
    for _ in range(200):
        start, end, power = rng.uniform(1e-3, 2.0), rng.uniform(1e-3, 2.0), rng.uniform(0.2, 3.0)
        xs = np.array(sorted(rng.random() for _ in range(100)))
        array = between(shape, xs, start, end, NUMPY, power)
        for x, value in zip(xs.tolist(), array.tolist()):
            # numpy's pow and libm's differ by an ulp, which a rising ramp's end - d * w scales by d
            assert ulps(between(shape, x, start, end, SCALAR, power), value, max(start, end)) <= 2


@pytest.mark.parametrize(
    ("shape", "x", "expected"),
    [
        ("linear", 0.25, 0.8 - 0.6 * 0.25),
        ("cosine", 0.5, 0.5),
        ("cosine", 0.25, 0.2 + 0.6 * (1 + math.cos(math.pi / 4)) / 2),  # falling from 0.8 to 0.2
        ("1-sqrt", 0.25, 0.2 + 0.6 * 0.5),
        ("square", 0.5, 0.2 + 0.6 * 0.75),
        ("power", 0.5, 0.2 + 0.6 * 0.125),
        ("exponential", 0.5, 0.4),
    ],
)
def test_between_values(shape: str, x: float, expected: float) -> None:
    assert math.isclose(between(shape, x, 0.8, 0.2, power=3.0), expected, rel_tol=1e-15)


def test_between_rising_and_falling_are_mirrors() -> None:
    for shape in ("linear", "cosine"):
        for x in (0.1, 0.3, 0.7):
            assert math.isclose(between(shape, x, 0.0, 1.0), 1.0 - between(shape, x, 1.0, 0.0), rel_tol=1e-15)


def test_between_errors() -> None:
    with pytest.raises(
        ValueError,
        match=r"shape must be one of 'linear', 'cosine', '1-sqrt', 'square', 'power', "
        r"'exponential'. Received: shape='cos' \(str\)",
    ):
        between("cos", 0.5, 1.0, 0.0)
    message = r"start must be a number > 0 for shape=\"exponential\" \(a geometric ramp\). Received: start=0.0"
    with pytest.raises(ValueError, match=message):
        between("exponential", 0.5, 0.0, 1.0)
    with pytest.raises(ValueError, match=r"end must be a number > 0 .* Received: end=-1"):
        between("exponential", 0.5, 1.0, -1)


def test_check_shape() -> None:
    assert check_shape("cooldown", "square", ("square",)) == "square"
    with pytest.raises(TypeError, match=r"cooldown must be one of 'linear'. Received: cooldown=None \(NoneType\)"):
        check_shape("cooldown", None, ("linear",))
    with pytest.raises(ValueError, match=r"cooldown must be one of 'linear'. Received: cooldown='log' \(str\)"):
        check_shape("cooldown", "log", ("linear",))


# -- the pure Warmup ---------------------------------------------------------------------------------


def test_warmup_values_at_the_boundaries() -> None:
    cosine = CosineAnnealing(T_max=4, eta_min=0.1)
    after = Warmup(cosine, steps=4)
    assert after.simulate(9, base=2.0, exact=True) == [
        0.0,
        0.5,
        1.0,
        1.5,
        2.0,
        cosine(1, 2.0),
        cosine(2, 2.0),
        cosine(3, 2.0),
        0.1,
    ]
    last = Warmup(cosine, steps=4, peak="last")
    assert last.simulate(5, base=3.0, exact=True) == [0.0, 1.0, 2.0, 3.0, 3.0]
    absolute = Warmup(cosine, steps=4, start_value=0.2, prefix=False)  # timm's default: a jump at step 4
    assert absolute.simulate(6, base=1.0, exact=True) == [
        0.2,
        0.4,
        0.6000000000000001,
        0.8,
        cosine(4, 1.0),
        cosine(5, 1.0),
    ]
    assert Warmup(None, steps=0)(7, base=0.3) == 0.3
    assert Warmup(cosine, steps=0).simulate(5, 1.0) == cosine.simulate(5, 1.0)
    assert Warmup(None, steps=3, start_factor=0.5).simulate(5, 4.0) == [2.0, 2.0 + 2.0 / 3.0, 2.0 + 4.0 / 3.0, 4.0, 4.0]


@pytest.mark.parametrize("shape", ["linear", "cosine", "exponential", "1-sqrt", "log"])
@pytest.mark.parametrize("peak", ["after", "last"])
def test_every_shape_starts_at_the_start_and_peaks_where_it_says(shape: str, peak: str) -> None:
    for start in ({"start_factor": 0.25}, {"start_value": 0.05}):
        warmup = Warmup(StepDecay(2, 0.5), steps=6, shape=shape, peak=peak, **start)
        values = warmup.simulate(9, base=0.4, exact=True)
        assert values[0] == (0.1 if "start_factor" in start else 0.05)
        assert values[6] == 0.4  # the wrapped schedule's step 0
        assert values[5] == 0.4 if peak == "last" else values[5] < 0.4
        assert values[:7] == sorted(values[:7])  # rising


def test_shapes_formulas() -> None:
    base, start, steps = 2.0, 0.5, 4
    for t in range(steps):
        x = t / steps
        cases = {
            "linear": start + (base - start) * x,
            "cosine": base + (start - base) * (1 + math.cos(math.pi * x)) / 2,
            "exponential": start * (base / start) ** x,
            "1-sqrt": base + (start - base) * math.sqrt(1 - x),  # transformers' WSD warmup
            "log": start + (base - start) * math.log(t + 1) / math.log(steps + 1),
        }
        for shape, expected in cases.items():
            assert math.isclose(Warmup(steps=steps, start_value=start, shape=shape)(t, base), expected, rel_tol=1e-14)


@pytest.mark.parametrize("shape", ["linear", "cosine", "1-sqrt", "exponential"])
def test_a_shape_name_is_one_curve_in_warmup_and_wsd(shape: str) -> None:
    for start in ({"start_factor": 0.1}, {"start_value": 0.02}):
        warmup = Warmup(steps=8, shape=shape, **start)
        wsd_start = {"warmup_start_ratio": 0.1} if "start_factor" in start else {"warmup_start_lr": 0.02}
        wsd = ps.WarmupStableDecay(8, 4, 20, warmup_type=shape, **wsd_start)
        assert [warmup(t, 0.5) for t in range(9)] == [wsd(t, 0.5) for t in range(9)]


def test_hf_convention_is_exact() -> None:
    """HF's warmup: base * step / max(1, num_warmup_steps), bit for bit."""
    for steps in (1, 3, 10, 77):
        warmup = Warmup(CosineAnnealing(50), steps=steps)
        for t in range(steps):
            assert warmup(t, 0.3) == 0.3 * (float(t) / float(max(1, steps)))


def test_deepspeed_log_warmup() -> None:
    """DeepSpeed's WarmupLR(warmup_type="log"): min + (max - min) * log(step + 1) / log(warmup_num_steps),
    peaking on the last warmup step; its "linear" peaks after (step / warmup_num_steps)."""
    rng = random.Random(5)
    for _ in range(50):
        steps, low, high = rng.randint(2, 200), rng.uniform(0.0, 1e-3), rng.uniform(1e-3, 1.0)
        inverse_log = 1.0 / math.log(steps)
        log = Warmup(steps=steps, start_value=low, shape="log", peak="last")
        linear = Warmup(steps=steps, start_value=low)
        for t in range(steps + 3):
            gamma = inverse_log * math.log(t + 1) if t < steps else 1.0
            assert math.isclose(log(t, high), low + (high - low) * gamma, rel_tol=1e-12)
            gamma = t / steps if t < steps else 1.0
            assert math.isclose(linear(t, high), low + (high - low) * gamma, rel_tol=1e-12)


def test_length_last_change_floor() -> None:
    cosine = CosineAnnealing(T_max=10, eta_min=0.01)
    assert Warmup(cosine, steps=5).length == 15
    assert Warmup(cosine, steps=5, prefix=False).length == 10
    assert Warmup(cosine, steps=50, prefix=False).length == 50
    assert Warmup(None, steps=5).length is None and Warmup(None, steps=5).last_change == 5
    assert Warmup(None, steps=0).last_change is None
    assert Warmup(ExponentialDecay(0.9), steps=5).last_change is None
    assert Warmup(StepDecay(3), steps=5).last_change == 8
    assert Warmup(MultiStepDecay([4, 9]), steps=5).last_change == 14
    assert Warmup(cosine, steps=5).floor == 0.0
    assert Warmup(cosine, steps=5, start_value=0.1).floor == 0.01
    assert Warmup(cosine, steps=5, start_value=0.001).floor == 0.001
    assert Warmup(cosine, steps=0).floor == 0.01
    assert Warmup(cosine, steps=3).peak_step == 3 and Warmup(cosine, steps=3, peak="last").peak_step == 2


def test_arrays_agree_with_numbers() -> None:
    rng = random.Random(11)
    inners = [
        None,
        CosineAnnealing(30, 0.001),
        StepDecay(4, 0.5),
        Sequential([LinearFactor(0.5, 1.0, 5), CosineAnnealing(9)], [5]),
    ]
    for _ in range(60):
        shape = rng.choice(["linear", "cosine", "exponential", "1-sqrt", "log"])
        start = (
            {"start_factor": rng.uniform(0.01, 1.0)} if rng.random() < 0.5 else {"start_value": rng.uniform(1e-4, 0.01)}
        )
        warmup = Warmup(
            rng.choice(inners),
            rng.randint(2, 40),
            shape=shape,
            prefix=rng.random() < 0.5,
            peak=rng.choice(["after", "last"]),
            **start,
        )
        bases = [rng.uniform(0.01, 1.0) for _ in range(2)]
        steps = np.arange(0, 100, dtype=np.float64)
        arrays = warmup.values(steps, bases, NUMPY)
        for base, array in zip(bases, arrays):
            for t, value in zip(range(100), array.tolist()):
                assert ulps(warmup(t, base), value, base) <= 2
        assert warmup.simulate(100, bases[0]) == pytest.approx(
            warmup.simulate(100, bases[0], exact=True), rel=1e-15, abs=1e-300
        )


def test_momenta_of_a_wrapped_one_cycle_are_held_during_warmup() -> None:
    one_cycle = OneCycle(total_steps=20, cycle_momentum=True)
    warmup = Warmup(one_cycle, steps=3, start_factor=0.0)
    lrs, momenta = warmup.evaluate(1, [0.6])
    first = one_cycle.evaluate(0, [0.6])[1]
    assert first is not None and momenta == first and lrs == [0.6 * (1 / 3)]
    steps = np.arange(0, 10, dtype=np.float64)
    _, array = warmup.evaluate(steps, [0.6], NUMPY)
    assert array is not None
    cycled = [one_cycle.evaluate(t, [0.6])[1] for t in range(7)]
    assert array[0].tolist() == first * 3 + [momentum[0] for momentum in cycled if momentum is not None]


def test_rebase_inverts_the_ramp() -> None:
    for start in ({"start_factor": 0.1}, {"start_value": 0.01}):
        for shape in ("linear", "cosine", "1-sqrt", "log", "exponential"):
            warmup = Warmup(CosineAnnealing(10, 0.001), steps=5, shape=shape, **start)
            for t in (1, 3, 4, 7, 12):
                value = warmup(t, 0.4)
                base = warmup.rebase(t, value)
                if shape == "exponential" and "start_value" in start and t < 5:
                    assert base is None
                else:
                    assert base == pytest.approx(0.4, rel=1e-12)
    assert Warmup(None, steps=5).rebase(0, 0.3) is None  # a ramp from 0: every base gives 0 there
    assert Warmup(None, steps=5).rebase(9, 0.3) == 0.3


def test_config_round_trip_and_replace() -> None:
    warmup = Warmup(Sequential([StepDecay(3), CosineAnnealing(9, 0.01)], [6]), 7, 0.0, 0.001, "cosine", False, "last")
    config = json.loads(json.dumps(warmup.to_config()))
    assert config["schedule"]["name"] == "Sequential" and config["steps"] == 7
    assert Schedule.from_config(config) == warmup
    assert Warmup.from_config({"name": "Warmup", "steps": 3}) == Warmup(None, 3)
    assert Warmup(None, 3).to_config() == {
        "name": "Warmup",
        "schedule": None,
        "steps": 3,
        "start_factor": 0.0,
        "start_value": None,
        "shape": "linear",
        "prefix": True,
        "peak": "after",
    }
    assert warmup.replace(steps=2).steps == 2
    assert repr(Warmup(StepDecay(3), 2)) == (
        "Warmup(schedule=StepDecay(step_size=3, gamma=0.1), steps=2, start_factor=0.0, start_value=None, "
        "shape='linear', prefix=True, peak='after')"
    )
    assert hash(warmup) == hash(Schedule.from_config(config))


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        (
            {"schedule": 3},
            TypeError,
            r"^Warmup: schedule must be None \(constant after warmup\), a Schedule .*Received: schedule=3 \(int\)$",
        ),
        (
            {"schedule": {"name": "Nope"}},
            ValueError,
            r"^Warmup: schedule\['name'\] must be one of: .*Warmup.*Received: schedule\['name'\]='Nope' \(str\)$",
        ),
        ({"steps": -1}, ValueError, r"^Warmup: steps must be an int >= 0\. Received: steps=-1 \(int\)$"),
        (
            {"steps": 2, "start_factor": 2.0},
            ValueError,
            r"^Warmup: start_factor must be a finite number in \[0\.0, 1\.0\]\. Received: start_factor=2\.0",
        ),
        (
            {"steps": 2, "start_value": -0.1},
            ValueError,
            r"^Warmup: start_value must be a finite number >= 0\.0\. Received: start_value=-0\.1",
        ),
        (
            {"steps": 2, "start_value": 0.1, "start_factor": 0.5},
            ValueError,
            r"^Warmup: start_factor must be 0\.0 \(the default\) when start_value is given",
        ),
        (
            {"steps": 2, "shape": "exponential"},
            ValueError,
            r'^Warmup: start_factor must be a finite number > 0 for shape="exponential" \(a geometric ramp cannot start at 0\)\. Received: start_factor=0\.0 \(float\)$',
        ),
        (
            {"steps": 2, "shape": "exponential", "start_value": 0},
            ValueError,
            r'^Warmup: start_value must be a finite number > 0 for shape="exponential".*Received: start_value=0 \(int\)$',
        ),
        (
            {"steps": 2, "shape": "square"},
            ValueError,
            r"^Warmup: shape must be one of 'linear', 'cosine', 'exponential', '1-sqrt', 'log'\. Received: shape='square' \(str\)$",
        ),
        ({"steps": 2, "prefix": 1}, TypeError, r"^Warmup: prefix must be a bool\. Received: prefix=1 \(int\)$"),
        (
            {"steps": 2, "peak": "before"},
            ValueError,
            r"^Warmup: peak must be one of 'after', 'last'\. Received: peak='before' \(str\)$",
        ),
        ({"steps": 1, "peak": "last"}, ValueError, r'^Warmup: steps must be an int != 1 with peak="last"'),
    ],
)
def test_warmup_errors(kwargs: dict[str, Any], error: type[Exception], pattern: str) -> None:
    with pytest.raises(error, match=pattern):
        Warmup(**kwargs)


def test_exponential_with_a_start_value_needs_positive_bases() -> None:
    warmup = Warmup(steps=4, start_value=0.01, shape="exponential")
    assert math.isclose(warmup(2, 1.0), 0.1, rel_tol=1e-15)
    with pytest.raises(ValueError, match=r'base must be a number > 0 for shape="exponential" with a start_value'):
        warmup(2, 0.0)
    with pytest.raises(
        ValueError, match=r"^WarmupLR: optimizer\.param_groups\[1\]\['initial_lr'\] must be a number > 0"
    ):
        WarmupLR(StepLR(PlainOptimizer(0.1, 0.0), step_size=3), steps=4, start_value=0.01, shape="exponential")


def test_far_steps_do_not_drift() -> None:
    far = 10**7
    cosine = CosineAnnealing(T_max=999_983, eta_min=1e-4)
    assert Warmup(cosine, 1000)(far, 0.1) == cosine(far - 1000, 0.1)
    assert Warmup(cosine, 1000, prefix=False)(far, 0.1) == cosine(far, 0.1)
    scheduler = ScheduledLR(PlainOptimizer(0.1), Warmup(cosine, 1000, start_value=1e-5, prefix=False))
    scheduler.step(far)
    assert scheduler.get_last_lr() == [cosine(far, 0.1)]


# -- against the libraries: timm, HF, torch ------------------------------------------------------------


def _timm_config(rng: random.Random, prefix: bool) -> dict[str, Any]:
    warmup_t = rng.randint(1, 30)
    return {
        "t_initial": rng.randint(warmup_t + 1 if not prefix else 1, 150),
        "lr_min": rng.choice([0.0, rng.uniform(0.0, 1e-3)]),
        "warmup_t": warmup_t,
        "warmup_lr_init": rng.choice([0.0, rng.uniform(0.0, 1e-2)]),
        "warmup_prefix": prefix,
    }


@pytest.mark.parametrize("prefix", [True, False], ids=["warmup_prefix", "no_prefix"])
def test_matches_timm_cosine_with_warmup(prefix: bool) -> None:
    """timm's CosineLRScheduler with warmup, over its first cycle (after it timm holds lr_min where
    torch's cosine carries on: timm's cycles are the ``cycles`` part's)."""
    from conftest import assert_close, load_timm_scheduler, torch_optimizer

    cosine_lr = load_timm_scheduler("cosine_lr")
    rng = random.Random(1300 + prefix)
    for _ in range(60):
        config = _timm_config(rng, prefix)
        bases = [rng.uniform(1e-4, 1.0) for _ in range(3)]
        theirs_opt, ours_opt = torch_optimizer(bases), torch_optimizer(bases)
        theirs = cosine_lr.CosineLRScheduler(theirs_opt, **config)
        cosine = CosineAnnealing(config["t_initial"], config["lr_min"])
        schedule = Warmup(cosine, config["warmup_t"], start_value=config["warmup_lr_init"], prefix=prefix)
        ours = ScheduledLR(ours_opt, schedule)
        end = config["t_initial"] + (config["warmup_t"] if prefix else 0)
        for t in range(end + 1):
            theirs.step(t)
            if t:
                ours.step()
            assert_close(lrs_of(ours_opt), lrs_of(theirs_opt), rel=1e-12, abs_=0.0)
        if prefix:  # and WarmupLR around torch's CosineAnnealingLR, the same values
            driven_opt = torch_optimizer(bases)
            child = ps.CosineAnnealingLR(driven_opt, T_max=config["t_initial"], eta_min=config["lr_min"])
            driven = WarmupLR(child, config["warmup_t"], start_value=config["warmup_lr_init"])
            for t in range(end + 1):
                theirs.step(t)
                if t:
                    driven.step()
                assert_close(lrs_of(driven_opt), lrs_of(theirs_opt), rel=1e-12, abs_=0.0)


def test_matches_hf_cosine_and_linear_with_warmup() -> None:
    """transformers' get_cosine_schedule_with_warmup / get_linear_schedule_with_warmup: HF's warmup
    is this one with start_factor=0 and peak="after" (the base at num_warmup_steps)."""
    from transformers.optimization import get_cosine_schedule_with_warmup, get_linear_schedule_with_warmup

    from conftest import assert_close, quiet, torch_optimizer

    rng = random.Random(1313)
    for index in range(60):
        warmup, total = rng.randint(0, 40), rng.randint(41, 200)
        bases = [rng.uniform(1e-4, 1.0) for _ in range(2)]
        theirs_opt, ours_opt = torch_optimizer(bases), torch_optimizer(bases)
        cosine = index % 2 == 0
        make = get_cosine_schedule_with_warmup if cosine else get_linear_schedule_with_warmup
        with quiet():
            theirs = make(theirs_opt, warmup, total)
        after = CosineAnnealing(total - warmup) if cosine else LinearFactor(1.0, 0.0, total - warmup)
        child = ScheduledLR(ours_opt, after)
        ours = WarmupLR(child, warmup)
        for _ in range(total):
            assert_close(lrs_of(ours_opt), lrs_of(theirs_opt), rel=1e-12, abs_=1e-300)
            with quiet():
                theirs.step()
            ours.step()


@pytest.mark.parametrize("child", ["StepLR", "CosineAnnealingLR", "ExponentialLR", "MultiStepLR"])
def test_matches_torch_sequential_lr_with_linear_lr(child: str) -> None:
    """torch's SequentialLR([LinearLR(start_factor, total_iters=steps), child], milestones=[steps]):
    our linear warmup with start_factor > 0, peak after, prefix."""
    import torch

    from conftest import assert_close, quiet, torch_optimizer

    configs = {
        "StepLR": {"step_size": 7, "gamma": 0.5},
        "CosineAnnealingLR": {"T_max": 40, "eta_min": 1e-4},
        "ExponentialLR": {"gamma": 0.97},
        "MultiStepLR": {"milestones": [5, 15], "gamma": 0.3},
    }
    rng = random.Random(len(child))
    for _ in range(50):
        steps, factor = rng.randint(1, 25), rng.uniform(0.001, 1.0)
        bases = [rng.uniform(1e-4, 1.0) for _ in range(2)]
        theirs_opt, ours_opt = torch_optimizer(bases), torch_optimizer(bases)
        with quiet():
            ramp = torch.optim.lr_scheduler.LinearLR(theirs_opt, start_factor=factor, total_iters=steps)
            after = getattr(torch.optim.lr_scheduler, child)(theirs_opt, **configs[child])
            theirs = torch.optim.lr_scheduler.SequentialLR(theirs_opt, [ramp, after], milestones=[steps])
        ours = WarmupLR(getattr(ps, child)(ours_opt, **configs[child]), steps, start_factor=factor)
        assert ours.schedule is not None
        for t in range(80):
            assert_close(lrs_of(ours_opt), lrs_of(theirs_opt), rel=1e-12, abs_=1e-300)
            assert_close(lrs_of(ours_opt), ours.schedule.values(t, bases), rel=0.0, abs_=0.0)
            with quiet():
                theirs.step()
            ours.step()


def test_plateau_child_takes_the_metric_after_warmup() -> None:
    """During warmup the metric is checked and ignored; from the hand-over on, ReduceLROnPlateau gets
    it, and its lrs are torch's plateau started at the base at the hand-over."""
    import torch

    from conftest import assert_close, torch_optimizer

    rng = random.Random(17)
    for _ in range(50):
        steps, bases = rng.randint(1, 10), [rng.uniform(1e-3, 1.0) for _ in range(2)]
        config = {"patience": rng.randint(0, 3), "factor": rng.uniform(0.1, 0.9), "cooldown": rng.randint(0, 2)}
        metrics = [rng.choice([1.0, 2.0, 0.5, 3.0]) for _ in range(60)]
        ours_opt, theirs_opt = torch_optimizer(bases), torch_optimizer(bases)
        ours = WarmupLR(ps.ReduceLROnPlateau(ours_opt, **config), steps, start_factor=0.1)
        assert ours.schedule is None
        theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(theirs_opt, **config)
        for t, metric in enumerate(metrics, start=1):
            ours.step(metric)
            if t < steps:
                assert_close(lrs_of(ours_opt), [base * (0.1 + 0.9 * t / steps) for base in bases], rel=1e-15)
            elif t > steps:
                theirs.step(metric)
            if t >= steps:
                assert lrs_of(ours_opt) == lrs_of(theirs_opt)
    with pytest.raises(TypeError, match=r"^WarmupLR\.step: metrics must be given: a child is a ReduceLROnPlateau"):
        ours.step()


class Halving(ps.LRScheduler):
    """A user's torch-style scheduler: get_lr from base_lrs and last_epoch."""

    def get_lr(self) -> list[float]:
        return [base * 0.5 ** (self.last_epoch // 3) for base in self.base_lrs]


def test_user_scheduler_and_sequential_children() -> None:
    optimizer = PlainOptimizer(0.8, 0.4)
    warm = WarmupLR(Halving(optimizer), steps=4, start_value=0.01, shape="cosine")
    assert warm.schedule is None and warm.scheduler.__class__ is Halving
    lrs = [lrs_of(optimizer)]
    for _ in range(12):
        warm.step()
        lrs.append(lrs_of(optimizer))
    ramp = Warmup(None, 4, start_value=0.01, shape="cosine")
    assert lrs[:4] == [ramp.values(t, [0.8, 0.4]) for t in range(4)]
    assert lrs[4:] == [[0.8 * 0.5 ** ((t - 4) // 3), 0.4 * 0.5 ** ((t - 4) // 3)] for t in range(4, 13)]

    optimizer = PlainOptimizer(0.8, 0.4)
    sequential = ps.SequentialLR(
        optimizer, [ps.ConstantLR(optimizer, factor=0.5, total_iters=3), ps.CosineAnnealingLR(optimizer, T_max=10)], [5]
    )
    warm = WarmupLR(sequential, steps=6, start_factor=0.2, shape="exponential", peak="last")
    assert isinstance(warm.schedule, Warmup) and isinstance(warm.schedule.schedule, Sequential)
    for t in range(30):
        assert lrs_of(optimizer) == warm.schedule.values(t, [0.8, 0.4]), t
        warm.step()
    assert warm.schedule.values(5, [0.8, 0.4]) == [0.8, 0.4]  # the peak on the last warmup step


def _run(scheduler: Any, optimizer: Any, count: int, metrics: list[float] | None) -> list[list[float]]:
    out = []
    for index in range(count):
        if metrics is None:
            scheduler.step()
        else:
            scheduler.step(metrics[index])
        out.append(lrs_of(optimizer))
    return out


CHILDREN: dict[str, Any] = {
    "StepLR": lambda optimizer: ps.StepLR(optimizer, step_size=3, gamma=0.5),
    "CosineAnnealingLR": lambda optimizer: ps.CosineAnnealingLR(optimizer, T_max=9, eta_min=0.001),
    "ReduceLROnPlateau": lambda optimizer: ps.ReduceLROnPlateau(optimizer, patience=1, factor=0.5),
    "SequentialLR": lambda optimizer: ps.SequentialLR(
        optimizer, [ps.LinearLR(optimizer, 0.5, total_iters=2), ps.ExponentialLR(optimizer, 0.9)], [2]
    ),
    "Halving": Halving,
}


@pytest.mark.parametrize("child", list(CHILDREN))
@pytest.mark.parametrize("stop", [0, 2, 5, 6, 11])
def test_resume_through_json_mid_warmup_and_after(child: str, stop: int) -> None:
    metrics = [float(value) for value in (5, 4, 4, 4, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1)]
    feed = metrics if child == "ReduceLROnPlateau" else None
    reference_opt = PlainOptimizer(0.3, 0.1)
    reference = WarmupLR(CHILDREN[child](reference_opt), 6, start_value=0.001, shape="1-sqrt")
    expected = _run(reference, reference_opt, 20, feed)
    optimizer = PlainOptimizer(0.3, 0.1)
    first = WarmupLR(CHILDREN[child](optimizer), 6, start_value=0.001, shape="1-sqrt")
    assert _run(first, optimizer, stop, feed) == expected[:stop]
    state = json.loads(json.dumps(first.state_dict(), allow_nan=False))
    fresh_opt = PlainOptimizer(0.3, 0.1)
    resumed = WarmupLR(CHILDREN[child](fresh_opt), 6, start_value=0.001, shape="1-sqrt")
    resumed.load_state_dict(state)
    assert resumed.state_dict() == first.state_dict()
    rest = None if feed is None else feed[stop:]
    assert _run(resumed, fresh_opt, 20 - stop, rest) == expected[stop:]


def test_step_epoch_jumps_and_metric_taking_children_refuse_it() -> None:
    optimizer = PlainOptimizer(0.5)
    scheduler = WarmupLR(ps.CosineAnnealingLR(optimizer, T_max=10), 4, start_factor=0.5)
    schedule = scheduler.schedule
    assert schedule is not None
    for epoch in (9, 2, 4, 0, 30, 3):
        scheduler.step(epoch)
        assert scheduler.last_epoch == epoch
        assert lrs_of(optimizer) == schedule.values(epoch, [0.5])
    plateau = WarmupLR(ps.ReduceLROnPlateau(PlainOptimizer(0.5)), 4)
    plateau.step(7)  # a metric, not an epoch
    assert plateau.last_epoch == 1


def test_errors_of_the_driver() -> None:
    import torch

    from conftest import refused, torch_optimizer

    with pytest.raises(TypeError, match=r"^WarmupLR: scheduler must be a paradox\.scheduler scheduler .*Received: "):
        WarmupLR(torch.optim.lr_scheduler.StepLR(torch_optimizer([0.1]), 3), 4)  # type: ignore[arg-type]
    scheduler = WarmupLR(ps.StepLR(PlainOptimizer(0.1), 3), 4)
    scheduler.step()
    with refused(scheduler, ValueError, r"^WarmupLR\.step: epoch must be an int >= 0\. Received: epoch=-1 \(int\)$"):
        scheduler.step(-1)
    scheduler.optimizer.param_groups[0]["lr"] = "fast"
    with refused(scheduler, TypeError, r"^WarmupLR\.step: optimizer\.param_groups\[0\]\['lr'\] must be a number"):
        scheduler.step()


def test_config_attributes_and_drift() -> None:
    optimizer = PlainOptimizer(0.1)
    scheduler = WarmupLR(ps.StepLR(optimizer, 3), 4, shape="cosine")
    assert (scheduler.steps, scheduler.shape, scheduler.peak, scheduler.start_value) == (4, "cosine", "after", None)
    scheduler.steps = 6
    assert scheduler.schedule == Warmup(StepDecay(3), 6, shape="cosine")
    with pytest.raises(ValueError, match=r"^WarmupLR: peak must be one of 'after', 'last'"):
        scheduler.peak = "first"
    state = json.loads(json.dumps(scheduler.state_dict()))
    other = WarmupLR(ps.StepLR(PlainOptimizer(0.1), 3), 4, shape="cosine")
    with pytest.warns(ps.ConfigDriftWarning, match=r"replacing the live values \(steps: 4 -> 6\)"):
        other.load_state_dict(state)
    assert other.steps == 6
    kept = WarmupLR(ps.StepLR(PlainOptimizer(0.1), 3), 4, shape="cosine")
    kept.load_state_dict(state, config="live")
    assert kept.steps == 4


def test_groups_added_during_warmup_follow_the_ramp() -> None:
    optimizer = PlainOptimizer(0.4)
    scheduler = WarmupLR(ps.StepLR(optimizer, 3), 4, start_factor=0.0)
    scheduler.step()
    scheduler.step()  # step 2: lr 0.2
    optimizer.param_groups.append({"lr": 0.1})  # half way up a ramp to 0.2
    scheduler.step()
    assert lrs_of(optimizer) == [0.30000000000000004, 0.15000000000000002]
    assert scheduler.state_dict()["bases"] == [0.4, 0.2]


def test_no_warmup_is_the_child_alone_and_simulate_previews_it() -> None:
    optimizer, alone_opt = PlainOptimizer(0.3), PlainOptimizer(0.3)
    scheduler, alone = WarmupLR(ps.CosineAnnealingLR(optimizer, T_max=5), 0), ps.CosineAnnealingLR(alone_opt, T_max=5)
    for _ in range(8):
        assert lrs_of(optimizer) == lrs_of(alone_opt)
        scheduler.step()
        alone.step()
    preview = ps.simulate(WarmupLR(ps.CosineAnnealingLR(PlainOptimizer(0.3), T_max=5), 3), steps=9)
    assert list(preview.lr[0]) == pytest.approx(Warmup(CosineAnnealing(5), 3).simulate(9, 0.3), rel=1e-15)
    assert list(ps.simulate("WarmupLR(CosineAnnealingLR(T_max=5), steps=3)", steps=9, lr=0.3).lr[0]) == list(
        preview.lr[0]
    )


def test_warmup_lr_as_a_child_of_the_composites() -> None:
    def build() -> tuple[Any, Any]:
        optimizer = PlainOptimizer(0.1, 0.2)
        warm = WarmupLR(ps.CosineAnnealingLR(optimizer, T_max=6), 3, start_factor=0.2)
        return optimizer, ps.SequentialLR(optimizer, [ps.ConstantLR(optimizer, factor=0.5, total_iters=9), warm], [4])

    optimizer, scheduler = build()
    schedule = scheduler.schedule
    assert schedule == Sequential([ps.ConstantFactor(0.5, 9), Warmup(CosineAnnealing(6), 3, start_factor=0.2)], [4])
    for t in range(14):
        assert lrs_of(optimizer) == schedule.values(t, [0.1, 0.2])
        scheduler.step()
        if t == 5:
            state = json.loads(json.dumps(scheduler.state_dict()))
    resumed_opt, resumed = build()
    resumed.load_state_dict(state)
    for t in range(7, 14):
        resumed.step()
        assert lrs_of(resumed_opt) == schedule.values(t, [0.1, 0.2])


# -- ignite: create_lr_scheduler_with_warmup and PiecewiseLinear, live ----------------------


@pytest.mark.filterwarnings("ignore:`torch.jit:DeprecationWarning")  # ignite's import
def test_matches_ignite_create_lr_scheduler_with_warmup() -> None:
    """ignite's ``warmup_duration=W`` ramps over events 0 .. W - 1 and hands over on event W - 1,
    the wrapped scheduler's step 0 (its peak is "one event early"): our ``WarmupLR`` of ``W - 1``
    steps, ``peak="after"``, around the same torch-named scheduler. 50 seeded configs, 1-3 groups."""
    import torch
    from ignite.handlers.param_scheduler import create_lr_scheduler_with_warmup

    from conftest import assert_close, torch_optimizer

    rng = random.Random(1313)
    children = {
        "CosineAnnealingLR": lambda: {"T_max": rng.randint(1, 30), "eta_min": rng.choice([0.0, 1e-4])},
        "StepLR": lambda: {"step_size": rng.randint(1, 10), "gamma": rng.uniform(0.1, 0.9)},
        "ExponentialLR": lambda: {"gamma": rng.uniform(0.8, 0.99)},
    }
    for _ in range(50):
        name = rng.choice(sorted(children))
        config, duration = children[name](), rng.randint(2, 20)
        start = rng.choice([0.0, rng.uniform(0.0, 1e-3)])
        bases = [rng.uniform(1e-3, 1.0) for _ in range(rng.randint(1, 3))]
        theirs_opt, ours_opt = torch_optimizer(bases), torch_optimizer(bases)
        theirs = create_lr_scheduler_with_warmup(
            getattr(torch.optim.lr_scheduler, name)(theirs_opt, **config),
            warmup_start_value=start,
            warmup_duration=duration,
        )
        ours = WarmupLR(getattr(ps, name)(ours_opt, **config), duration - 1, start_value=start)
        for event in range(duration + 40):
            theirs(None)  # ignite sets the lr of each event as it starts
            if event:
                ours.step()
            assert_close(lrs_of(ours_opt), lrs_of(theirs_opt), rel=1e-12, abs_=1e-300)


@pytest.mark.filterwarnings("ignore:`torch.jit:DeprecationWarning")  # ignite's import
def test_matches_ignite_piecewise_linear() -> None:
    """ignite's ``PiecewiseLinear`` (absolute values, strictly increasing milestones) is our
    ``PiecewiseLinear`` on a base of 1. 50 seeded configs over their whole run and past it."""
    from ignite.handlers.param_scheduler import PiecewiseLinear as IgnitePiecewiseLinear

    rng = random.Random(1314)
    for _ in range(50):
        milestones = sorted(rng.sample(range(0, 80), rng.randint(2, 6)))
        pairs = [(milestone, rng.uniform(0.0, 1.0)) for milestone in milestones]
        events = milestones[-1] + 10
        theirs = [
            value
            for _, value in IgnitePiecewiseLinear.simulate_values(events, param_name="lr", milestones_values=pairs)
        ]
        ours = ps.PiecewiseLinear(pairs).simulate(events, base=1.0, exact=True)
        assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-300)


def test_steps_changes_only_while_the_hand_over_is_ahead() -> None:
    # setting steps below last_epoch during warmup skipped the hand-over: the child never restarted
    optimizer = PlainOptimizer(1.0)
    scheduler = WarmupLR(ps.CosineAnnealingLR(optimizer, T_max=4), steps=5)
    for _ in range(3):
        scheduler.step()
    with pytest.raises(
        ValueError,
        match=r"^WarmupLR: steps must be an int > last_epoch=3 during warmup, and unchanged after the hand-over "
        r"\(steps=5\)\. Received: steps=2 \(int\)$",
    ):
        scheduler.steps = 2
    assert scheduler.steps == 5 and lrs_of(optimizer) == [0.6]  # nothing changed
    scheduler.steps = 6  # still ahead: the ramp is now 6 steps long
    seen = []
    for _ in range(5):
        scheduler.step()
        seen.append(lrs_of(optimizer)[0])
    assert seen == pytest.approx([4 / 6, 5 / 6, 1.0, 0.5 + 0.5 * math.cos(math.pi / 4), 0.5], rel=1e-12)
    with pytest.raises(ValueError, match=r"^WarmupLR: steps must be an int > last_epoch=8 "):
        scheduler.steps = 12

"""Properties (hypothesis): invariants of every schedule over random configs."""

from __future__ import annotations

import itertools
import json
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import paradox.scheduler as ps
from conftest import PlainOptimizer, lrs_of, shrink

lr = st.floats(min_value=1e-8, max_value=10.0, allow_nan=False, allow_infinity=False)
lrs = st.lists(lr, min_size=1, max_size=4)
unit = st.floats(0.0, 1.0, allow_nan=False)
positive_unit = st.floats(0.01, 1.0, allow_nan=False)
step_arguments = {"step_size": st.integers(1, 50), "gamma": unit}
polynomial_arguments = {"total_iters": st.integers(1, 100), "power": st.floats(0.0, 4.0)}
cosine_configs = st.fixed_dictionaries({"T_max": st.integers(1, 500), "eta_min": st.floats(0.0, 1e-3, allow_nan=False)})


def named(name: str, configs: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
    return st.tuples(st.just(name), configs)


#: torch's family but the composites, ReduceLROnPlateau and the cyclic classes.
family = st.one_of(
    named("StepLR", st.fixed_dictionaries(step_arguments)),
    named("CosineAnnealingLR", cosine_configs),
    named("ExponentialLR", st.fixed_dictionaries({"gamma": unit})),
    named(
        "MultiStepLR", st.fixed_dictionaries({"milestones": st.lists(st.integers(0, 300), max_size=6), "gamma": unit})
    ),
    named("ConstantLR", st.fixed_dictionaries({"factor": positive_unit, "total_iters": st.integers(0, 100)})),
    named(
        "LinearLR",
        st.fixed_dictionaries({"start_factor": positive_unit, "end_factor": unit, "total_iters": st.integers(1, 100)}),
    ),
    named("PolynomialLR", st.fixed_dictionaries(polynomial_arguments)),
    named(
        "CosineAnnealingWarmRestarts",
        st.fixed_dictionaries(
            {"T_0": st.integers(1, 40), "T_mult": st.integers(1, 4), "eta_min": st.floats(0.0, 1e-6)}
        ),
    ),
    named("MultiplicativeLR", st.just({"lr_lambda": shrink})),
    named("LambdaLR", st.just({"lr_lambda": shrink})),
)


@settings(max_examples=200, deadline=None)
@given(config=cosine_configs, bases=lrs, step=st.integers(0, 10_000))
def test_cosine_stays_within_eta_min_and_base(config: dict[str, Any], bases: list[float], step: int) -> None:
    cosine = ps.CosineAnnealing(**config)
    for base, value in zip(bases, cosine.values(step, bases)):
        low, high = sorted((config["eta_min"], base))
        assert low <= value <= high


@settings(max_examples=300, deadline=None)
@given(
    case=st.one_of(
        st.tuples(st.builds(ps.StepDecay, **step_arguments), st.integers(0, 2_000)),
        st.tuples(st.builds(ps.PolynomialDecay, **polynomial_arguments), st.integers(0, 200)),
    ),
    base=lr,
)
def test_decays_are_monotone_and_bounded(case: tuple[Any, int], base: float) -> None:
    decay, step = case
    assert 0.0 <= decay(step + 1, base) <= decay(step, base) <= base


@settings(max_examples=100, deadline=None)
@given(case=family, base=lr, step=st.integers(0, 300))
def test_values_stay_between_zero_and_base(case: tuple[str, dict[str, Any]], base: float, step: int) -> None:
    name, config = case
    optimizer = PlainOptimizer(base)
    getattr(ps, name)(optimizer, **config).step(step)
    if name == "CosineAnnealingLR":
        assert min(base, config["eta_min"]) <= lrs_of(optimizer)[0] <= max(base, config["eta_min"]) * (1 + 1e-12)
    else:
        assert 0.0 <= lrs_of(optimizer)[0] <= base * (1 + 1e-12)


@settings(max_examples=160, deadline=None)
@given(case=family, bases=lrs, cut=st.integers(0, 300), more=st.integers(1, 100))
def test_resume_at_a_random_step_is_bit_exact(
    case: tuple[str, dict[str, Any]], bases: list[float], cut: int, more: int
) -> None:
    name, config = case
    reference_opt, optimizer, fresh_opt = PlainOptimizer(*bases), PlainOptimizer(*bases), PlainOptimizer(*bases)
    reference, scheduler, fresh = (getattr(ps, name)(o, **config) for o in (reference_opt, optimizer, fresh_opt))
    for _ in range(cut):
        reference.step()
        scheduler.step()
    saved = json.loads(json.dumps({"groups": optimizer.param_groups, "state": scheduler.state_dict()}))
    fresh_opt.param_groups = saved["groups"]
    fresh.load_state_dict(saved["state"])
    for _ in range(more):
        reference.step()
        fresh.step()
        assert lrs_of(fresh_opt) == lrs_of(reference_opt)


@settings(max_examples=160, deadline=None)
@given(case=family, bases=lrs, epoch=st.integers(0, 2_000))
def test_step_epoch_equals_stepping(case: tuple[str, dict[str, Any]], bases: list[float], epoch: int) -> None:
    name, config = case
    stepped_opt, jumped_opt = PlainOptimizer(*bases), PlainOptimizer(*bases)
    stepped, jumped = getattr(ps, name)(stepped_opt, **config), getattr(ps, name)(jumped_opt, **config)
    for _ in range(epoch):
        stepped.step()
    jumped.step(epoch)
    assert lrs_of(jumped_opt) == lrs_of(stepped_opt)
    assert jumped.last_epoch == stepped.last_epoch == epoch


@settings(max_examples=100, deadline=None)
@given(case=family.filter(lambda case: "lr_lambda" not in case[1]), bases=lrs)  # functions are never saved
def test_config_round_trips_through_json(case: tuple[str, dict[str, Any]], bases: list[float]) -> None:
    name, config = case
    scheduler = getattr(ps, name)(PlainOptimizer(*bases), **config)
    schedule = scheduler.schedule
    assert ps.Schedule.from_config(json.loads(json.dumps(schedule.to_config()))) == schedule
    assert all(math.isfinite(value) for value in lrs_of(scheduler.optimizer))


# -- issue 13, hf --
pairs = st.lists(st.tuples(st.integers(0, 200), st.floats(0.0, 3.0)), min_size=1, max_size=6).map(
    lambda items: sorted(items, key=lambda pair: pair[0])
)


@settings(max_examples=200, deadline=None)
@given(milestones_values=pairs, step=st.integers(0, 400), base=lr, shape=st.sampled_from(["linear", "cosine"]))
def test_piecewise_linear_stays_between_its_neighbours(
    milestones_values: Any, step: int, base: float, shape: str
) -> None:
    schedule = ps.PiecewiseLinear(milestones_values, shape)
    value = schedule(step, base)
    milestones = [milestone for milestone, _ in milestones_values]
    before = [factor for milestone, factor in milestones_values if milestone <= step]
    after = [factor for milestone, factor in milestones_values if milestone > step]
    left = before[-1] if before else after[0]
    right = after[0] if after else before[-1]
    low, high = sorted((left * base, right * base))
    assert low * (1 - 1e-15) <= value <= high * (1 + 1e-15)
    if step in milestones:  # a milestone's value, exactly (the last one listed there)
        assert value == base * before[-1]


@settings(max_examples=200, deadline=None)
@given(
    warmup=st.integers(0, 300),
    timescale=st.none() | st.floats(0.5, 1e5),
    start=unit,
    step=st.integers(0, 10_000),
    base=lr,
)
def test_inverse_sqrt_rises_to_the_peak_then_falls(
    warmup: int, timescale: float | None, start: float, step: int, base: float
) -> None:
    schedule = ps.InverseSqrt(warmup, timescale, start)
    value, following = schedule(step, base), schedule(step + 1, base)
    assert 0.0 <= value <= base
    assert schedule(warmup, base) == base  # the peak: the first step after the warmup
    if step < warmup:
        assert following >= value
    else:
        assert following <= value


@settings(max_examples=200, deadline=None)
@given(
    pairs=st.lists(st.tuples(st.integers(0, 300), st.floats(0.0, 2.0)), max_size=6, unique_by=lambda pair: pair[0]),
    step=st.integers(0, 400),
)
def test_piecewise_constant_is_the_product_of_the_scales_passed(pairs: Any, step: int) -> None:
    pairs = sorted(pairs)
    schedule = ps.PiecewiseConstant([boundary for boundary, _ in pairs], [scale for _, scale in pairs])
    assert schedule(step) == math.prod(scale for boundary, scale in pairs if boundary <= step)


@settings(max_examples=200, deadline=None)
@given(
    shape=st.sampled_from(["cosine", "restarts", "power", "1-sqrt"]),
    steps=st.integers(1, 500),
    end=unit,
    power=st.floats(0.1, 5.0),
    cycles=st.floats(0.0, 4.0),
    step=st.integers(0, 2_000),
    base=lr,
)
def test_hf_decay_stays_between_its_end_and_the_base(
    shape: str, steps: int, end: float, power: float, cycles: float, step: int, base: float
) -> None:
    end = 0.0 if shape == "restarts" else end
    decay = ps.HFDecay(shape, steps, end, power, cycles)
    value = decay(step, base)
    assert end * base * (1 - 1e-15) <= value <= base * (1 + 1e-15)
    if shape in ("power", "1-sqrt") and step >= steps:
        assert value == end * base  # held at the end


# -- issue 13, warmup --
warmup_ramps = st.fixed_dictionaries(
    {
        "steps": st.integers(2, 500),
        "shape": st.sampled_from(["linear", "cosine", "exponential", "1-sqrt", "log"]),
        "peak": st.sampled_from(["after", "last"]),
        "prefix": st.booleans(),
    }
)


@settings(max_examples=200, deadline=None)
@given(
    ramp=warmup_ramps,
    start=st.one_of(st.tuples(st.just("start_factor"), st.floats(0.0, 1.0)), st.tuples(st.just("start_value"), lr)),
    base=lr,
    data=st.data(),
)
def test_warmup_values_lie_between_the_start_and_the_base(
    ramp: dict[str, Any], start: tuple[str, float], base: float, data: st.DataObject
) -> None:
    """Every warmup shape rises: from its start (no higher than the base) it never falls and never
    passes the base, and it reaches the base at its peak step."""
    key, value = start
    if ramp["shape"] == "exponential" and value == 0.0:
        value = 0.5
    if key == "start_value":
        value = min(value, base)
    warmup = ps.Warmup(ps.CosineAnnealing(T_max=10), **ramp, **{key: value})
    first = value if key == "start_value" else value * base
    steps = sorted(data.draw(st.lists(st.integers(0, ramp["steps"] - 1), min_size=2, max_size=8), label="steps"))
    values = [warmup(t, base) for t in steps]
    low, high = min(first, base), base
    for got in values:
        assert low * (1 - 1e-12) <= got <= high * (1 + 1e-12)
    assert all(values[i] <= values[i + 1] * (1 + 1e-12) for i in range(len(values) - 1))
    assert math.isclose(warmup(0, base), first, rel_tol=1e-12, abs_tol=1e-300)
    if ramp["peak"] == "last":
        assert warmup(ramp["steps"] - 1, base) == base
    assert warmup(ramp["steps"], base) == (base if ramp["prefix"] else ps.CosineAnnealing(10)(ramp["steps"], base))


@settings(max_examples=100, deadline=None)
@given(ramp=warmup_ramps, bases=lrs, epoch=st.integers(0, 600))
def test_warmup_lr_step_epoch_equals_stepping(ramp: dict[str, Any], bases: list[float], epoch: int) -> None:
    del ramp["prefix"]
    if ramp["shape"] == "exponential":
        ramp["start_factor"] = 0.01
    stepped_opt, jumped_opt = PlainOptimizer(*bases), PlainOptimizer(*bases)
    stepped = ps.WarmupLR(ps.CosineAnnealingLR(stepped_opt, T_max=50), **ramp)
    jumped = ps.WarmupLR(ps.CosineAnnealingLR(jumped_opt, T_max=50), **ramp)
    for _ in range(epoch):
        stepped.step()
    jumped.step(epoch)
    assert lrs_of(jumped_opt) == lrs_of(stepped_opt)
    assert json.loads(json.dumps(jumped.state_dict()))["last_epoch"] == epoch


# -- issue 13, wsd --
@settings(max_examples=200, deadline=None)
@given(
    lengths=st.tuples(st.integers(0, 40), st.integers(0, 40), st.integers(0, 60)),
    warmup_type=st.sampled_from(["linear", "cosine", "1-sqrt", "exponential"]),
    decay_type=st.sampled_from(["linear", "cosine", "1-sqrt", "square", "power", "exponential"]),
    power=st.floats(0.05, 8.0),
    ratio=st.floats(1e-6, 1.0),
    absolute=st.booleans(),
    cooldown=st.none() | st.tuples(st.floats(0.0, 1.0), st.integers(1, 50)),
    base=lr,
)
def test_wsd_never_exceeds_the_base_and_never_rises_after_warmup(
    lengths: tuple[int, int, int],
    warmup_type: str,
    decay_type: str,
    power: float,
    ratio: float,
    absolute: bool,
    cooldown: tuple[float, int] | None,
    base: float,
) -> None:
    warmup, stable, decay = lengths
    floor = {"min_lr": ratio * base} if absolute else {"min_lr_ratio": ratio}
    config: dict[str, Any] = {"warmup_type": warmup_type, "decay_type": decay_type, "decay_power": power, **floor}
    if cooldown is not None:  # started somewhere in the stable phase
        config.update(cooldown_start=warmup + round(cooldown[0] * stable), cooldown_steps=cooldown[1])
    schedule = ps.WarmupStableDecay(warmup, decay, num_stable_steps=stable, **config)
    values = [schedule(step, base) for step in range(warmup + stable + decay + 60)]
    assert all(0.0 <= value <= base for value in values)
    peaked = bool(stable or decay or cooldown)  # else the floor follows the warmup at once
    assert values[warmup] == base or not peaked  # the peak: the first step after warmup
    rising, falling = values[: warmup + peaked], values[warmup:]
    assert all(a <= b * (1 + 1e-15) for a, b in itertools.pairwise(rising))
    assert all(b <= a * (1 + 1e-15) for a, b in itertools.pairwise(falling))
    assert values[-1] == (ratio * base if absolute else base * ratio)  # the floor, held


# -- issue 13, cycles --
timed = st.one_of(
    st.builds(ps.CosineAnnealing, st.integers(1, 300), st.floats(0.0, 1e-3)),
    st.builds(ps.TanhDecay, st.integers(1, 300), st.floats(-10.0, -0.5), st.floats(0.5, 10.0), st.floats(0.0, 1e-3)),
    st.builds(ps.PolynomialDecay, st.integers(1, 300), st.floats(0.0, 4.0)),
)


@settings(max_examples=300, deadline=None)
@given(
    inner=timed,
    k=st.none() | st.floats(0.05, 8.0),
    cycle_mul=st.sampled_from([1.0, 2.0, 3.0]) | st.floats(1.0, 4.0),
    cycle_decay=unit,
    cycle_limit=st.none() | st.integers(1, 20),
    timm_rounding=st.booleans(),
    step=st.integers(0, 10**6) | st.floats(0.0, 1e6),
    base=lr,
)
def test_cycles_stay_between_the_floor_and_the_cycles_peak(
    inner: ps.Schedule,
    k: float | None,
    cycle_mul: float,
    cycle_decay: float,
    cycle_limit: int | None,
    timm_rounding: bool,
    step: float,
    base: float,
) -> None:
    schedule = inner if k is None else ps.KDecay(inner, k)
    cycles = ps.Cycles(schedule, cycle_mul, cycle_decay, cycle_limit, timm_rounding=timm_rounding)
    value, floor = cycles(step, base), cycles.floor
    index, current, length = cycles.cycle(step)
    assert 0.0 <= current <= length * (1 + 1e-12) and (timm_rounding or current < length)
    peak = base * cycle_decay**index
    low, high = min(floor, peak), max(floor, peak)
    assert low * (1 - 1e-12) <= value <= high * (1 + 1e-12)  # within [floor, base] when the peak is above the floor
    assert value <= max(base, floor) * (1 + 1e-12)
    if cycle_limit is not None and index >= cycle_limit:
        assert value == floor
    if current == 0 and not isinstance(inner, ps.TanhDecay) and index < (cycle_limit or math.inf):
        assert math.isclose(value, peak, rel_tol=1e-12)  # a restart: the cycle's peak


# -- issue 13, timm --
@settings(max_examples=80, deadline=None)
@given(
    pct=st.floats(0.001, 1.0),
    std=st.floats(0.0, 1.0),
    kind=st.sampled_from(["normal", "uniform"]),
    seed=st.integers(-(2**63), 2**63 - 1),
    step=st.integers(0, 10**9),
)
def test_noise_stays_within_pct(pct: float, std: float, kind: str, seed: int, step: int) -> None:
    noisy = ps.Noisy(ps.StepDecay(step_size=10, gamma=0.5), pct=pct, std=std, distribution=kind, seed=seed)
    clean = noisy.schedule(step, base=0.3)
    value = noisy(step, base=0.3)
    assert value == clean + clean * noisy.noise(step)
    assert -pct <= noisy.noise(step) < pct if kind == "uniform" else abs(noisy.noise(step)) < pct
    assert value >= 0.0


# -- issue 13, Scaled --
SCALABLE = [
    ps.CosineAnnealing(T_max=50, eta_min=0.001),
    ps.Warmup(ps.StepDecay(7, 0.5), steps=5, start_value=0.002),
    ps.WarmupStableDecay(5, 10, 40),
    ps.OneCycle(200),
]


@settings(max_examples=200, deadline=None)
@given(index=st.integers(0, len(SCALABLE) - 1), scale=st.floats(0.0, 10.0), step=st.integers(0, 100), base=lr)
def test_scaled_runs_the_schedule_on_a_multiple_of_the_base(index: int, scale: float, step: int, base: float) -> None:
    inner = SCALABLE[index]
    scaled = ps.Scaled(inner, scale)
    assert scaled(step, base) == inner(step, scale * base)
    assert (scaled.length, scaled.last_change, scaled.floor) == (inner.length, inner.last_change, inner.floor)
    config = json.loads(json.dumps(scaled.to_config()))
    assert ps.Schedule.from_config(config) == scaled and config["schedule"] == inner.to_config()


def test_scaled_refuses_bad_arguments_by_name() -> None:
    import pytest

    rule = r"Received: scale=-1\.0 \(float\)$"
    with pytest.raises(ValueError, match=r"^Scaled: scale must be a finite number >= 0\.0\. " + rule):
        ps.Scaled(ps.StepDecay(2), -1.0)
    with pytest.raises(
        TypeError, match=r"^Scaled: schedule must be a Schedule \(CosineAnnealing\(\.\.\.\), \.\.\.\) or"
    ):
        ps.Scaled(3, 0.5)  # type: ignore[arg-type]

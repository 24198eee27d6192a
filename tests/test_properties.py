"""Properties (hypothesis): invariants of every schedule over random configs."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import paradox.scheduler as ps
from conftest import PlainOptimizer, lrs_of, shrink

# -- StepLR and CosineAnnealingLR --------------------------------------------------------------


lr = st.floats(min_value=1e-8, max_value=10.0, allow_nan=False, allow_infinity=False)
lrs = st.lists(lr, min_size=1, max_size=4)
step_configs = st.fixed_dictionaries({"step_size": st.integers(1, 50), "gamma": st.floats(0.0, 1.0, allow_nan=False)})
cosine_configs = st.fixed_dictionaries({"T_max": st.integers(1, 500), "eta_min": st.floats(0.0, 1e-3, allow_nan=False)})
schedulers = st.one_of(
    st.tuples(st.just("StepLR"), step_configs), st.tuples(st.just("CosineAnnealingLR"), cosine_configs)
)


@settings(max_examples=200, deadline=None)
@given(config=cosine_configs, bases=lrs, step=st.integers(0, 10_000))
def test_cosine_stays_within_eta_min_and_base(config: dict[str, Any], bases: list[float], step: int) -> None:
    cosine = ps.CosineAnnealing(**config)
    for base, value in zip(bases, cosine.values(step, bases)):
        low, high = sorted((config["eta_min"], base))
        assert low <= value <= high


@settings(max_examples=200, deadline=None)
@given(config=step_configs, base=lr, step=st.integers(0, 2_000))
def test_step_decay_is_monotone_and_bounded(config: dict[str, Any], base: float, step: int) -> None:
    decay = ps.StepDecay(**config)
    assert 0.0 <= decay(step + 1, base) <= decay(step, base) <= base


@settings(max_examples=100, deadline=None)
@given(spec=schedulers, bases=lrs, stop=st.integers(0, 300), more=st.integers(1, 100))
def test_resume_at_a_random_step_is_exact(
    spec: tuple[str, dict[str, Any]], bases: list[float], stop: int, more: int
) -> None:
    name, config = spec
    cls = getattr(ps, name)
    reference_opt = PlainOptimizer(*bases)
    reference = cls(reference_opt, **config)
    optimizer = PlainOptimizer(*bases)
    scheduler = cls(optimizer, **config)
    for _ in range(stop):
        reference.step()
        scheduler.step()
    saved = json.dumps({"optimizer": optimizer.param_groups, "scheduler": scheduler.state_dict()})
    restored = json.loads(saved)
    fresh_opt = PlainOptimizer(*bases)
    fresh = cls(fresh_opt, **config)
    fresh_opt.param_groups = restored["optimizer"]
    fresh.load_state_dict(restored["scheduler"])
    for _ in range(more):
        reference.step()
        fresh.step()
        assert lrs_of(fresh_opt) == lrs_of(reference_opt)


@settings(max_examples=100, deadline=None)
@given(spec=schedulers, bases=lrs, epoch=st.integers(0, 2_000))
def test_step_epoch_equals_stepping(spec: tuple[str, dict[str, Any]], bases: list[float], epoch: int) -> None:
    name, config = spec
    cls = getattr(ps, name)
    stepped_opt, jumped_opt = PlainOptimizer(*bases), PlainOptimizer(*bases)
    stepped, jumped = cls(stepped_opt, **config), cls(jumped_opt, **config)
    for _ in range(epoch):
        stepped.step()
    jumped.step(epoch)
    assert lrs_of(jumped_opt) == lrs_of(stepped_opt)
    assert jumped.last_epoch == stepped.last_epoch == epoch


@settings(max_examples=100, deadline=None)
@given(spec=schedulers, bases=lrs)
def test_config_round_trips_through_json(spec: tuple[str, dict[str, Any]], bases: list[float]) -> None:
    name, config = spec
    scheduler = getattr(ps, name)(PlainOptimizer(*bases), **config)
    schedule = scheduler.schedule
    assert ps.Schedule.from_config(json.loads(json.dumps(schedule.to_config()))) == schedule
    assert all(math.isfinite(value) for value in lrs_of(scheduler.optimizer))


# -- torch's family ----------------------------------------------------------------------------


unit = st.floats(0.0, 1.0, allow_nan=False)
positive_unit = st.floats(0.01, 1.0, allow_nan=False)
family_lr = st.floats(min_value=1e-6, max_value=10.0, allow_nan=False, allow_infinity=False)


configs = st.one_of(
    st.tuples(st.just("ExponentialLR"), st.fixed_dictionaries({"gamma": unit})),
    st.tuples(
        st.just("MultiStepLR"),
        st.fixed_dictionaries({"milestones": st.lists(st.integers(0, 300), max_size=6), "gamma": unit}),
    ),
    st.tuples(
        st.just("ConstantLR"), st.fixed_dictionaries({"factor": positive_unit, "total_iters": st.integers(0, 100)})
    ),
    st.tuples(
        st.just("LinearLR"),
        st.fixed_dictionaries({"start_factor": positive_unit, "end_factor": unit, "total_iters": st.integers(1, 100)}),
    ),
    st.tuples(
        st.just("PolynomialLR"),
        st.fixed_dictionaries({"total_iters": st.integers(1, 100), "power": st.floats(0.0, 4.0)}),
    ),
    st.tuples(
        st.just("CosineAnnealingWarmRestarts"),
        st.fixed_dictionaries(
            {"T_0": st.integers(1, 40), "T_mult": st.integers(1, 4), "eta_min": st.floats(0.0, 1e-6)}
        ),
    ),
    st.tuples(st.just("MultiplicativeLR"), st.just({"lr_lambda": shrink})),
    st.tuples(st.just("LambdaLR"), st.just({"lr_lambda": shrink})),
)


@settings(max_examples=100, deadline=None)
@given(case=configs, base=family_lr, step=st.integers(0, 300))
def test_values_stay_between_zero_and_base(case: tuple[str, dict[str, Any]], base: float, step: int) -> None:
    name, config = case
    optimizer = PlainOptimizer(base)
    scheduler = getattr(ps, name)(optimizer, **config)
    scheduler.step(step)
    assert 0.0 <= lrs_of(optimizer)[0] <= base * (1 + 1e-12)


@settings(max_examples=60, deadline=None)
@given(case=configs, bases=st.lists(family_lr, min_size=1, max_size=3), cut=st.integers(0, 120))
def test_resume_at_a_random_step_is_bit_exact(case: tuple[str, dict[str, Any]], bases: list[float], cut: int) -> None:
    name, config = case
    reference_opt = PlainOptimizer(*bases)
    reference = getattr(ps, name)(reference_opt, **config)
    optimizer = PlainOptimizer(*bases)
    scheduler = getattr(ps, name)(optimizer, **config)
    for _ in range(cut):
        reference.step()
        scheduler.step()
    saved = json.loads(json.dumps({"groups": optimizer.param_groups, "state": scheduler.state_dict()}))
    fresh_opt = PlainOptimizer(*bases)
    fresh = getattr(ps, name)(fresh_opt, **config)
    fresh_opt.param_groups = saved["groups"]
    fresh.load_state_dict(saved["state"])
    for _ in range(30):
        reference.step()
        fresh.step()
        assert lrs_of(fresh_opt) == lrs_of(reference_opt)


@settings(max_examples=60, deadline=None)
@given(case=configs, base=family_lr, target=st.integers(0, 200))
def test_jump_equals_stepping(case: tuple[str, dict[str, Any]], base: float, target: int) -> None:
    name, config = case
    stepped_opt, jumped_opt = PlainOptimizer(base), PlainOptimizer(base)
    stepped = getattr(ps, name)(stepped_opt, **config)
    jumped = getattr(ps, name)(jumped_opt, **config)
    for _ in range(target):
        stepped.step()
    jumped.step(target)
    assert lrs_of(jumped_opt) == lrs_of(stepped_opt)


@settings(max_examples=100, deadline=None)
@given(
    config=st.fixed_dictionaries({"total_iters": st.integers(1, 100), "power": st.floats(0.0, 4.0)}),
    step=st.integers(0, 200),
)
def test_polynomial_is_monotone(config: dict[str, Any], step: int) -> None:
    decay = ps.PolynomialDecay(**config)
    assert 0.0 <= decay(step + 1, 1.0) <= decay(step, 1.0) <= 1.0

"""Layer 3: hypothesis properties: bounds, exact resume at a random step, step(epoch) == stepping."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import paradox.scheduler as ps
from conftest import PlainOptimizer, lrs_of

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

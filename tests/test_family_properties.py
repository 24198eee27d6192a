"""Layer 3 for the family: bounds, monotonicity, exact resume at a random step, jump == stepping."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import paradox.scheduler as ps
from conftest import PlainOptimizer, lrs_of

unit = st.floats(0.0, 1.0, allow_nan=False)
positive_unit = st.floats(0.01, 1.0, allow_nan=False)
lr = st.floats(min_value=1e-6, max_value=10.0, allow_nan=False, allow_infinity=False)


def shrink(epoch: int) -> float:
    return 0.97 if epoch % 3 else 0.9


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
@given(case=configs, base=lr, step=st.integers(0, 300))
def test_values_stay_between_zero_and_base(case: tuple[str, dict[str, Any]], base: float, step: int) -> None:
    name, config = case
    optimizer = PlainOptimizer(base)
    scheduler = getattr(ps, name)(optimizer, **config)
    scheduler.step(step)
    assert 0.0 <= lrs_of(optimizer)[0] <= base * (1 + 1e-12)


@settings(max_examples=60, deadline=None)
@given(case=configs, bases=st.lists(lr, min_size=1, max_size=3), cut=st.integers(0, 120))
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
@given(case=configs, base=lr, target=st.integers(0, 200))
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

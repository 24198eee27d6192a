"""Reliability and state: state dicts, resume, bad input, and every public class built from random configs."""

from __future__ import annotations

import functools
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import paradox.scheduler as ps
from cases import CASES
from conftest import PlainOptimizer, lrs_of, quiet, refused, shrink, snapshot
from paradox.scheduler.lambdas import MAX_PRODUCT_STEPS

# -- builders for every public class -----------------------------------------------------------


#: Every public scheduler class, by name (test_contract checks the registry is complete).
NAMES = [case.name for case in CASES]

METRIC = st.floats(-10.0, 10.0, allow_nan=False)


def warm(epoch: int) -> float:
    return min(1.0, (epoch + 1) / 10)


unit = st.floats(0.0, 1.0)
positive_unit = st.floats(0.01, 1.0)

SIMPLE = {
    "StepLR": st.fixed_dictionaries({"step_size": st.integers(1, 20), "gamma": st.floats(0.0, 1.2)}),
    "MultiStepLR": st.fixed_dictionaries(
        {"milestones": st.lists(st.integers(0, 80), max_size=5), "gamma": st.floats(0.0, 1.2)}
    ),
    "ConstantLR": st.fixed_dictionaries({"factor": positive_unit, "total_iters": st.integers(0, 30)}),
    "LinearLR": st.fixed_dictionaries(
        {"start_factor": positive_unit, "end_factor": unit, "total_iters": st.integers(1, 30)}
    ),
    "ExponentialLR": st.fixed_dictionaries({"gamma": st.floats(0.0, 1.05)}),
    "PolynomialLR": st.fixed_dictionaries({"total_iters": st.integers(1, 40), "power": st.floats(0.0, 3.0)}),
    "CosineAnnealingLR": st.fixed_dictionaries({"T_max": st.integers(1, 40), "eta_min": st.floats(0.0, 1e-3)}),
    "CosineAnnealingWarmRestarts": st.fixed_dictionaries(
        {"T_0": st.integers(1, 20), "T_mult": st.integers(1, 3), "eta_min": st.floats(0.0, 1e-3)}
    ),
    "LambdaLR": st.fixed_dictionaries({"lr_lambda": st.sampled_from([shrink, warm])}),
    "MultiplicativeLR": st.fixed_dictionaries({"lr_lambda": st.sampled_from([shrink, warm])}),
    "CyclicLR": st.fixed_dictionaries(
        {
            "base_lr": st.floats(0.0, 0.1),
            "max_lr": st.floats(0.0, 1.0),
            "step_size_up": st.integers(1, 15),
            "step_size_down": st.none() | st.integers(1, 15),
            "mode": st.sampled_from(["triangular", "triangular2", "exp_range"]),
            "gamma": st.floats(0.9, 1.0),
            "cycle_momentum": st.booleans(),
        }
    ),
    "OneCycleLR": st.fixed_dictionaries(
        {
            "max_lr": st.floats(0.0, 1.0),
            "total_steps": st.integers(130, 300),
            "pct_start": st.floats(0.05, 0.95),
            "anneal_strategy": st.sampled_from(["cos", "linear"]),
            "three_phase": st.booleans(),
            "cycle_momentum": st.booleans(),
            "div_factor": st.floats(1.0, 100.0),
            "final_div_factor": st.floats(1.0, 1e4),
        }
    ),
    "ReduceLROnPlateau": st.fixed_dictionaries(
        {
            "mode": st.sampled_from(["min", "max"]),
            "factor": st.floats(0.0, 0.9),
            "patience": st.integers(0, 4),
            "threshold": st.floats(0.0, 0.1),
            "threshold_mode": st.sampled_from(["rel", "abs"]),
            "cooldown": st.integers(0, 3),
            "min_lr": st.floats(0.0, 1e-3),
        }
    ),
    # -- issue 13, hf --
    "InverseSqrtLR": st.fixed_dictionaries(
        {
            "warmup_steps": st.integers(0, 30),
            "timescale": st.none() | st.floats(0.5, 1e4),
            "start_factor": unit,
        }
    )
    | st.fixed_dictionaries({"warmup_steps": st.integers(1, 30), "start_value": st.floats(0.0, 1.0)}),
    "PiecewiseLinearLR": st.builds(
        lambda pairs, shape: {"milestones_values": sorted(pairs, key=lambda pair: pair[0]), "shape": shape},
        st.lists(st.tuples(st.integers(0, 60), st.floats(0.0, 2.0)), min_size=1, max_size=6),
        st.sampled_from(["linear", "cosine"]),
    ),
    "PiecewiseConstantLR": st.lists(
        st.tuples(st.integers(0, 60), st.floats(0.0, 2.0)), max_size=5, unique_by=lambda pair: pair[0]
    ).map(lambda pairs: {"boundaries": sorted(b for b, _ in pairs), "scales": [s for _, s in sorted(pairs)]}),
    # -- issue 13, wsd --
    "WarmupStableDecayLR": st.fixed_dictionaries(
        {
            "num_warmup_steps": st.integers(0, 20),
            "num_decay_steps": st.integers(0, 30),
            "num_stable_steps": st.integers(0, 30),
            "warmup_type": st.sampled_from(["linear", "cosine", "1-sqrt", "exponential"]),
            "decay_type": st.sampled_from(["linear", "cosine", "1-sqrt", "square", "power", "exponential"]),
            "decay_power": st.floats(0.1, 4.0),
            "min_lr_ratio": st.floats(0.01, 1.0),
        }
    ),
    # -- issue 13, cycles --
    "RestartsLR": st.fixed_dictionaries(
        {
            "schedule": st.one_of(
                st.builds(
                    lambda t, e: {"name": "CosineAnnealing", "T_max": t, "eta_min": e},
                    st.integers(1, 20),
                    st.floats(0.0, 1e-3),
                ),
                st.builds(
                    lambda t, p: {"name": "PolynomialDecay", "total_iters": t, "power": p},
                    st.integers(1, 20),
                    st.floats(0.0, 3.0),
                ),
            ),
            "cycle_mul": st.sampled_from([1.0, 2.0]) | st.floats(1.0, 3.0),
            "cycle_decay": unit,
            "cycle_limit": st.none() | st.integers(1, 6),
            "eta_min": st.none() | st.floats(0.0, 1e-3),
            "timm_rounding": st.booleans(),
        }
    ),
    "KDecayLR": st.fixed_dictionaries(
        {
            "schedule": st.builds(
                lambda t: {"name": "CosineAnnealing", "T_max": t, "eta_min": 0.0}, st.integers(1, 40)
            ),
            "k": st.floats(0.1, 5.0),
        }
    ),
    "TanhDecayLR": st.fixed_dictionaries(
        {
            "T_max": st.integers(1, 40),
            "lb": st.floats(-10.0, 0.0),
            "ub": st.floats(0.5, 10.0),
            "eta_min": st.floats(0.0, 1e-3),
        }
    ),
}


#: Children of the composites: (class name, config) pairs.
CHILD = st.sampled_from([n for n in SIMPLE if n not in ("OneCycleLR", "CyclicLR")]).flatmap(
    lambda name: SIMPLE[name].map(lambda config: (name, config))
)


def spec(name: str) -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
    """A random (name, config) for class ``name``; composites hold random children."""
    if name == "SequentialLR":
        return st.lists(CHILD, min_size=1, max_size=3).flatmap(
            lambda children: st.lists(
                st.integers(1, 40), min_size=len(children) - 1, max_size=len(children) - 1, unique=True
            ).map(lambda ms: (name, {"children": children, "milestones": sorted(ms)}))
        )
    if name == "ChainedScheduler":
        return st.lists(CHILD, min_size=1, max_size=3).map(lambda children: (name, {"children": children}))
    if name == "WarmupLR":  # issue 13, warmup: a random child behind a random ramp
        ramp = st.fixed_dictionaries(
            {
                "child": CHILD,
                "steps": st.integers(2, 20) | st.just(0),
                "start_factor": unit,
                "shape": st.sampled_from(["linear", "cosine", "1-sqrt", "log"]),
                "peak": st.sampled_from(["after", "last"]),
            }
        )
        return ramp.map(lambda config: (name, config))
    return SIMPLE[name].map(lambda config: (name, config))


def make(name: str, config: dict[str, Any], optimizer: Any) -> Any:
    """Build class ``name`` on ``optimizer`` (composites build their children first)."""
    config = dict(config)
    if name in ("SequentialLR", "ChainedScheduler"):
        children = [make(child, child_config, optimizer) for child, child_config in config.pop("children")]
        if name == "SequentialLR":
            return ps.SequentialLR(optimizer, children, **config)
        return ps.ChainedScheduler(children, **config)
    if name == "WarmupLR":  # issue 13, warmup
        return ps.WarmupLR(make(*config.pop("child"), optimizer), **config)
    return getattr(ps, name)(optimizer, **config)


def step(scheduler: Any, metric: float = 1.0) -> None:
    if getattr(scheduler, "_takes_metrics", False):
        scheduler.step(metric)
    else:
        scheduler.step()


def values_of(optimizer: Any) -> list[tuple[Any, ...]]:
    """Each group's lr and momentum, exactly."""
    return [(group["lr"], group.get("momentum"), group.get("betas")) for group in optimizer.param_groups]


def through_json(value: Any) -> Any:
    return json.loads(json.dumps(value, allow_nan=False))


#: A sample config of every class, for the tests that do not draw one.
SAMPLE: dict[str, dict[str, Any]] = {
    "StepLR": {"step_size": 3, "gamma": 0.5},
    "MultiStepLR": {"milestones": [3, 6, 20], "gamma": 0.5},
    "ConstantLR": {"factor": 0.5, "total_iters": 4},
    "LinearLR": {"start_factor": 0.25, "total_iters": 6},
    "ExponentialLR": {"gamma": 0.9},
    "PolynomialLR": {"total_iters": 8, "power": 2.0},
    "CosineAnnealingLR": {"T_max": 10, "eta_min": 0.001},
    "CosineAnnealingWarmRestarts": {"T_0": 5, "T_mult": 2, "eta_min": 0.001},
    "LambdaLR": {"lr_lambda": shrink},
    "MultiplicativeLR": {"lr_lambda": shrink},
    "CyclicLR": {"base_lr": 0.01, "max_lr": 0.5, "step_size_up": 4, "step_size_down": 6},
    "OneCycleLR": {"max_lr": 0.5, "total_steps": 500, "pct_start": 0.25},
    "ReduceLROnPlateau": {"patience": 1, "factor": 0.5, "cooldown": 1, "min_lr": 0.001},
    "SequentialLR": {
        "children": [("LinearLR", {"start_factor": 0.1, "total_iters": 3}), ("CosineAnnealingLR", {"T_max": 20})],
        "milestones": [3],
    },
    "ChainedScheduler": {"children": [("StepLR", {"step_size": 2, "gamma": 0.5}), ("ExponentialLR", {"gamma": 0.99})]},
    # -- issue 13, hf --
    "InverseSqrtLR": {"warmup_steps": 4, "timescale": 10.0, "start_factor": 0.1},
    "PiecewiseLinearLR": {"milestones_values": [[0, 0.1], [3, 1.0], [10, 0.5], [10, 0.2], [20, 0.0]]},
    "PiecewiseConstantLR": {"boundaries": [2, 5, 9], "scales": [0.5, 2.0, 0.1]},
    # -- issue 13, warmup --
    "WarmupLR": {"child": ("CosineAnnealingLR", {"T_max": 20}), "steps": 3, "start_factor": 0.1},
    # -- issue 13, wsd --
    "WarmupStableDecayLR": {"num_warmup_steps": 3, "num_decay_steps": 5, "num_training_steps": 20, "min_lr_ratio": 0.1},
    # -- issue 13, cycles --
    "RestartsLR": {
        "schedule": {"name": "CosineAnnealing", "T_max": 4, "eta_min": 0.001},
        "cycle_mul": 1.5,
        "cycle_decay": 0.5,
        "cycle_limit": 3,
    },
    "KDecayLR": {"schedule": {"name": "TanhDecay", "T_max": 10}, "k": 2.0},
    "TanhDecayLR": {"T_max": 10, "lb": -6.0, "ub": 4.0, "eta_min": 0.001},
}


# -- single classes ---------------------------------------------------------------------------


def test_a_saved_milestone_counter_is_checked_before_it_is_expanded() -> None:
    """torch saves MultiStepLR's milestones as a Counter; a corrupt count is refused, not expanded."""
    scheduler = ps.MultiStepLR(PlainOptimizer(0.1), milestones=[2, 4], gamma=0.5)
    good = scheduler.state_dict()
    for count, error in ((10**25, ValueError), ("2", TypeError), (0, ValueError)):
        bad = {**good, "config": {**good["config"], "milestones": {3: count}}}
        with refused(scheduler, error, r"state_dict\['config'\]\['milestones'\]\[3\] must be an int in \[1, 1000\]"):
            scheduler.load_state_dict(bad)
    with pytest.warns(ps.ConfigDriftWarning):
        scheduler.load_state_dict({**good, "config": {**good["config"], "milestones": {3: 2}}})
    assert scheduler.milestones == {3: 2}


@pytest.mark.parametrize("name", ["StepLR", "OneCycleLR"])
def test_a_removed_param_group_is_refused_and_changes_nothing(name: str) -> None:
    optimizer = PlainOptimizer(0.1, 0.2)
    config = {"step_size": 2} if name == "StepLR" else {"max_lr": 0.1, "total_steps": 10, "cycle_momentum": False}
    scheduler = getattr(ps, name)(optimizer, **config)
    scheduler.step()
    optimizer.param_groups.pop()
    with refused(
        scheduler,
        ValueError,
        rf"^{name}: len\(optimizer.param_groups\) must be >= 2, the groups the scheduler was built with "
        r"\(groups cannot be removed\)\. Received: len\(optimizer.param_groups\)=1 \(int\)$",
    ):
        scheduler.step()


# -- every public class ------------------------------------------------------------------------


LRS = (0.1, 0.02)
FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_every_class_has_a_sample_config() -> None:
    assert set(SAMPLE) == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
@FAST
@given(data=st.data())
def test_resume_through_json_is_bit_identical(name: str, data: st.DataObject) -> None:
    _, config = data.draw(spec(name), label="config")
    stop = data.draw(st.integers(0, 60), label="stop")
    metrics = data.draw(st.lists(METRIC, min_size=stop + 40, max_size=stop + 40), label="metrics")
    reference_opt = PlainOptimizer(*LRS, momentum=0.9)
    reference = make(name, config, reference_opt)
    optimizer = PlainOptimizer(*LRS, momentum=0.9)
    scheduler = make(name, config, optimizer)
    for metric in metrics[:stop]:
        step(reference, metric)
        step(scheduler, metric)
    saved = through_json({"optimizer": optimizer.param_groups, "scheduler": scheduler.state_dict()})
    fresh_opt = PlainOptimizer(*LRS, momentum=0.9)
    fresh = make(name, config, fresh_opt)
    fresh_opt.param_groups = saved["optimizer"]
    fresh.load_state_dict(saved["scheduler"])
    assert fresh.state_dict() == scheduler.state_dict()
    for metric in metrics[stop:]:
        step(reference, metric)
        step(fresh, metric)
        assert values_of(fresh_opt) == values_of(reference_opt)  # bit-identical lrs and momenta
        assert fresh.get_last_lr() == reference.get_last_lr()


# -- atomic load under garbage ----------------------------------------------------------------

JUNK = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf, -1, -1.5, 10**400, 2**63, "x", "", None, True, [], {}, [[1]]]),
    st.floats(allow_nan=True),
    st.integers(),
    st.text(max_size=3),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a nested state: dict keys and list indexes."""
    found = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


def _mutate(state: dict[str, Any], path: tuple[Any, ...], action: str, junk: Any) -> dict[str, Any]:
    state = through_json(state)
    holder: Any = state
    for key in path[:-1]:
        holder = holder[key]
    if action == "drop":
        del holder[path[-1]]
    else:
        holder[path[-1]] = junk
    return state


@functools.cache
def _other_state(name: str) -> dict[str, Any]:
    """The state of the next class in NAMES: a valid state, of another class."""
    other = NAMES[(NAMES.index(name) + 1) % len(NAMES)]
    return make(other, SAMPLE[other], PlainOptimizer(*LRS, momentum=0.9)).state_dict()  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", NAMES)
@FAST
@given(data=st.data())
def test_load_garbage_is_atomic(name: str, data: st.DataObject) -> None:
    optimizer = PlainOptimizer(*LRS, momentum=0.9)
    scheduler = make(name, SAMPLE[name], optimizer)
    step(scheduler, 2.0)
    good = make(name, SAMPLE[name], PlainOptimizer(*LRS, momentum=0.9))
    for metric in (3.0, 1.0, 1.0, 1.0, 1.0):
        step(good, metric)
    state = good.state_dict()
    kind = data.draw(st.sampled_from(["mutate", "mutate", "mutate", "whole", "other"]), label="kind")
    named: str | None = None
    if kind == "whole":
        garbage: Any = data.draw(JUNK, label="garbage")
    elif kind == "other":
        garbage = _other_state(name)
    else:
        path = data.draw(st.sampled_from(_paths(state)), label="path")
        action = data.draw(st.sampled_from(["drop", "replace"]) if isinstance(path[-1], str) else st.just("replace"))
        garbage = _mutate(state, path, action, data.draw(JUNK, label="junk"))
        named = next((key for key in reversed(path) if isinstance(key, str)), None)
        if path == ("format",) and action == "drop":
            named = None  # without 'format' the state is read as torch's: another key is named
    before_groups, before_state = snapshot(optimizer), scheduler.state_dict()
    try:
        with quiet("ignore", ps.ConfigDriftWarning):
            scheduler.load_state_dict(garbage)
    except (TypeError, ValueError) as error:
        message = str(error)
        assert "\n" not in message
        assert message.startswith(name) or ".load_state_dict" in message, message
        if named is not None:
            assert named in message, message
        assert optimizer.param_groups == before_groups
        assert scheduler.state_dict() == before_state
        return
    # Loaded: the state was a valid one. The scheduler steps on, or refuses the step cleanly.
    for metric in (1.0, 2.0):
        try:
            step(scheduler, metric)
        except (TypeError, ValueError):
            break


# -- param groups added later -----------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_param_group_added_later_follows_and_resumes(name: str) -> None:
    config = SAMPLE[name]
    optimizer = PlainOptimizer(*LRS, momentum=0.9)
    scheduler = make(name, config, optimizer)
    metrics = [3.0, 2.0, 2.0, 2.0, 2.0, 2.0, 1.0] * 6
    for metric in metrics[:4]:
        step(scheduler, metric)
    optimizer.param_groups.append({"lr": 0.3, "momentum": 0.9})
    step(scheduler, metrics[4])
    group = optimizer.param_groups[2]
    assert len(scheduler.base_lrs) == 3
    assert len(scheduler.get_last_lr()) == 3
    assert "initial_lr" in group
    if name == "OneCycleLR":  # the lr it had is its peak
        assert group["max_lr"] == 0.3
        assert group["lr"] == scheduler.schedule.values(5, [0.3])[0]
    elif name == "CyclicLR":
        assert scheduler.max_lrs[2] == 0.3
        assert group["lr"] == scheduler.schedule.values(5, [0.5, 0.5, 0.3])[2]
    else:
        assert scheduler.base_lrs[2] == group["initial_lr"] == 0.3
        if name == "MultiplicativeLR":  # torch's: the lr it brought times the next factor
            assert group["lr"] == 0.3 * shrink(5)
        elif isinstance(scheduler, ps.ScheduledLR):  # on along the schedule from the lr it brought at step 4
            new = scheduler.schedule.rebase(4, 0.3)
            assert lrs_of(optimizer) == [scheduler.schedule(5, base) for base in (*LRS, 0.3 if new is None else new)]
    # Resume after the add stays exact: the new group's base and state are saved.
    saved = through_json({"optimizer": optimizer.param_groups, "scheduler": scheduler.state_dict()})
    fresh_opt = PlainOptimizer(*LRS, 0.3, momentum=0.9)
    fresh = make(name, config, fresh_opt)
    fresh_opt.param_groups = saved["optimizer"]
    fresh.load_state_dict(saved["scheduler"])
    for metric in metrics[5:]:
        step(scheduler, metric)
        step(fresh, metric)
        assert values_of(fresh_opt) == values_of(optimizer)
    assert all(math.isfinite(lr) for lr in scheduler.get_last_lr())


# -- no false alarms --------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_no_call_order_warning_with_a_torch_optimizer(name: str) -> None:
    torch = pytest.importorskip("torch")
    model = torch.nn.Linear(2, 1)
    optimizer = torch.optim.SGD(
        [{"params": [model.weight]}, {"params": [model.bias], "lr": 0.02}], lr=0.1, momentum=0.9
    )
    step_function = optimizer.step
    with quiet("error"):
        scheduler = make(name, SAMPLE[name], optimizer)
        step(scheduler, 1.0)  # before any optimizer.step(): torch warns here
        for _ in range(3):
            optimizer.step()
            step(scheduler, 1.0)
    assert optimizer.step == step_function


# -- config drift -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key", "saved", "live"),
    [
        ("StepLR", "step_size", 3, 30),
        ("CosineAnnealingLR", "T_max", 10, 100),
        ("CosineAnnealingLR", "eta_min", 0.001, 0.002),
        ("ExponentialLR", "gamma", 0.9, 0.8),
        ("MultiStepLR", "milestones", [3, 6, 20], [2, 4]),
        ("ConstantLR", "factor", 0.5, 0.25),
        ("ConstantLR", "total_iters", 4, 40),
        ("LinearLR", "start_factor", 0.25, 0.5),
        ("LinearLR", "total_iters", 6, 60),
        ("PolynomialLR", "power", 2.0, 1.0),
        ("PolynomialLR", "total_iters", 8, 80),
        ("CosineAnnealingWarmRestarts", "T_0", 5, 50),
        ("CyclicLR", "gamma", 1.0, 0.99),
        ("CyclicLR", "step_size_up", 4, 40),
        ("OneCycleLR", "pct_start", 0.25, 0.4),
        ("OneCycleLR", "total_steps", 500, 5000),
        ("ReduceLROnPlateau", "factor", 0.5, 0.2),
        ("ReduceLROnPlateau", "patience", 1, 10),
    ],
)
def test_config_drift_warns_at_the_callers_line_or_continues_live(name: str, key: str, saved: Any, live: Any) -> None:
    config = {**SAMPLE[name], key: saved}
    if name == "CyclicLR":
        config["mode"] = "exp_range"
    before = make(name, config, PlainOptimizer(*LRS, momentum=0.9))
    for metric in (3.0, 2.0, 2.0, 2.0):
        step(before, metric)
    state = through_json(before.state_dict())
    restored = make(name, {**config, key: live}, PlainOptimizer(*LRS, momentum=0.9))
    drift = re.escape(f"replacing the live values ({key}: {live!r} -> {saved!r})")
    with pytest.warns(ps.ConfigDriftWarning, match=drift) as record:
        restored.load_state_dict(state)
    assert [Path(warning.filename).name for warning in record] == [Path(__file__).name]
    assert restored.state_dict() == before.state_dict()
    assert getattr(restored, "schedule", None) == getattr(before, "schedule", None)
    kept = make(name, {**config, key: live}, PlainOptimizer(*LRS, momentum=0.9))
    with quiet("error"):
        kept.load_state_dict(state, config="live")
    assert kept.state_dict()["config"][key] == live
    assert kept.last_epoch == 4
    step(kept, 2.0)
    if isinstance(kept, ps.ScheduledLR):  # from the saved step on, under the live config
        assert kept.get_last_lr() == kept.schedule.values(5, kept._bases)


def test_composites_pass_drift_to_their_children() -> None:
    """A composite has no config of its own but milestones: each child restores (and names) its own
    fields; config='live' is passed down, so every child keeps its live config."""

    def chain(gamma: float, optimizer: Any) -> Any:
        return make("ChainedScheduler", {"children": [("StepLR", {"step_size": 2, "gamma": gamma})]}, optimizer)

    saved = chain(0.5, PlainOptimizer(*LRS, momentum=0.9))
    for _ in range(3):
        saved.step()
    live = chain(0.25, PlainOptimizer(*LRS, momentum=0.9))
    with pytest.warns(ps.ConfigDriftWarning, match=r"StepLR\.load_state_dict .*\(gamma: 0\.25 -> 0\.5\)"):
        live.load_state_dict(through_json(saved.state_dict()))
    assert live.schedulers[0].gamma == 0.5
    kept = chain(0.25, PlainOptimizer(*LRS, momentum=0.9))
    kept.load_state_dict(through_json(saved.state_dict()), config="live")
    assert kept.schedulers[0].gamma == 0.25
    assert kept.last_epoch == 3


# -- leaving the float range ------------------------------------------------------------------


def _double(epoch: int) -> float:
    return 2.0**epoch


def _twice(epoch: int) -> float:
    return 2.0


GROWING = [
    ("ExponentialLR", {"gamma": 2.0}, 1023),
    ("StepLR", {"step_size": 1, "gamma": 2.0}, 1023),
    ("StepLR", {"step_size": 1, "gamma": 10.0}, 308),
    ("MultiStepLR", {"milestones": list(range(1, 1100)), "gamma": 2.0}, 1023),
    ("LambdaLR", {"lr_lambda": _double}, 1023),
    ("MultiplicativeLR", {"lr_lambda": _twice}, 1023),
    ("CyclicLR", {"base_lr": 0.1, "max_lr": 1.0, "mode": "exp_range", "gamma": 2.0, "cycle_momentum": False}, 1024),
]


@pytest.mark.parametrize(("name", "config", "at"), GROWING)
def test_leaving_the_float_range_names_the_step_and_changes_nothing(name: str, config: Any, at: int) -> None:
    scheduler = make(name, config, PlainOptimizer(1.0, 2.0, momentum=0.9))
    for _ in range(at - 1):
        scheduler.step()
        assert all(math.isfinite(lr) for lr in scheduler.get_last_lr())
    with refused(
        scheduler, ValueError, rf"^{name}: the value at step {at} leaves the float range.*Received: step={at} \(int\)$"
    ):
        scheduler.step()
    with refused(scheduler, ValueError, r"the value at step 5000 leaves the float range"):
        scheduler.step(5000)


def test_pure_schedule_names_itself_when_used_alone() -> None:
    with pytest.raises(ValueError, match=r"^StepDecay: the value at step 2000 leaves the float range"):
        ps.StepDecay(step_size=1, gamma=2.0)(2000)


# -- long runs: 10^7 steps of every class -----------------------------------------------------

N = 10**7


def _almost_one(epoch: int) -> float:
    return 1.0000001 if epoch % 2 else 1.0


LONG: dict[str, dict[str, Any]] = {
    "StepLR": {"step_size": 1000, "gamma": 0.999},
    "MultiStepLR": {"milestones": [10, 5_000_000, 9_999_999], "gamma": 0.5},
    "ConstantLR": {"factor": 0.5, "total_iters": 9_999_999},
    "LinearLR": {"start_factor": 0.1, "total_iters": 12_345_678},
    "ExponentialLR": {"gamma": 0.9999999},
    "PolynomialLR": {"total_iters": 12_345_678, "power": 2.0},
    "CosineAnnealingLR": {"T_max": 999_983, "eta_min": 1e-4},
    "CosineAnnealingWarmRestarts": {"T_0": 7, "T_mult": 3, "eta_min": 1e-4},
    "LambdaLR": {"lr_lambda": _almost_one},
    "MultiplicativeLR": {"lr_lambda": _almost_one},
    "CyclicLR": {"base_lr": 0.01, "max_lr": 0.5, "step_size_up": 999, "mode": "exp_range", "gamma": 0.9999999},
    "OneCycleLR": {"max_lr": 0.5, "total_steps": N + 7},
    "ReduceLROnPlateau": {"factor": 0.9999, "patience": 999, "eps": 0.0},
    "SequentialLR": {
        "children": [("LinearLR", {"start_factor": 0.1, "total_iters": 5}), ("CosineAnnealingLR", {"T_max": 999_983})],
        "milestones": [5],
    },
    "ChainedScheduler": {
        "children": [
            ("ConstantLR", {"factor": 0.5, "total_iters": 1000}),
            ("StepLR", {"step_size": 1000, "gamma": 0.999}),
        ]
    },
    # -- issue 13, hf --
    "InverseSqrtLR": {"warmup_steps": 4000, "timescale": 1234.5, "start_factor": 0.01},
    "PiecewiseLinearLR": {"milestones_values": [[0, 0.0], [1000, 1.0], [5_000_000, 0.3], [9_999_990, 0.01]]},
    "PiecewiseConstantLR": {"boundaries": [10, 5_000_000, 9_999_999], "scales": [0.5, 0.1, 3.0]},
    # -- issue 13, warmup --
    "WarmupLR": {"child": ("CosineAnnealingLR", {"T_max": 999_983}), "steps": 1000},
    # -- issue 13, wsd --
    "WarmupStableDecayLR": {"num_warmup_steps": 1000, "num_decay_steps": 0.2, "num_training_steps": N + 7},
    # -- issue 13, cycles --
    "RestartsLR": {
        "schedule": {
            "name": "KDecay",
            "schedule": {"name": "CosineAnnealing", "T_max": 997, "eta_min": 1e-4},
            "k": 1.5,
        },
        "cycle_mul": 1.3,
        "cycle_decay": 0.999,
    },
    "KDecayLR": {"schedule": {"name": "PolynomialDecay", "total_iters": 9_999_991, "power": 2.0}, "k": 0.7},
    "TanhDecayLR": {"T_max": 9_999_973, "eta_min": 1e-5},
}


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_ten_million_steps_match_the_closed_form(name: str) -> None:
    optimizer = PlainOptimizer(*LRS, momentum=0.9)
    scheduler = make(name, LONG[name], optimizer)
    advance = scheduler.step
    if name == "ReduceLROnPlateau":
        for _ in range(N):
            advance(1.0)
    else:
        for _ in range(N):
            advance()
    lrs = [group["lr"] for group in optimizer.param_groups]
    assert scheduler.last_epoch == N
    assert all(isinstance(lr, float) and math.isfinite(lr) and lr >= 0.0 for lr in lrs)
    if isinstance(scheduler, ps.ScheduledLR):
        # Bit-identical to the closed form evaluated directly, and to a fresh scheduler's jump.
        fresh_opt = PlainOptimizer(*LRS, momentum=0.9)
        fresh = make(name, LONG[name], fresh_opt)
        if name == "MultiplicativeLR":  # a product is carried at most MAX_PRODUCT_STEPS steps at once
            for step in range(MAX_PRODUCT_STEPS, N, MAX_PRODUCT_STEPS):
                fresh.step(step)
        else:
            assert lrs == scheduler.schedule.values(N, scheduler._bases)
        fresh.step(N)
        assert values_of(fresh_opt) == values_of(optimizer)  # momenta too
    elif name == "ReduceLROnPlateau":
        # The metric never improves after the first: a reduction every patience + 1 = 1000 steps.
        cuts = (N - 1) // 1000
        for base, lr in zip(LRS, lrs):
            expected = base
            for _ in range(cuts):
                expected *= 0.9999
            assert lr == expected
    elif name == "SequentialLR":
        cosine = scheduler.schedulers[1].schedule
        assert lrs == [cosine(N - 5, base) for base in LRS]
    elif name == "ParamScheduler":  # issue 14: its lr schedule's closed form, and a fresh one's jump
        cosine = scheduler.schedules["lr"][0]
        assert cosine is not None and lrs == [cosine(N, base) for base in LRS]
        fresh_opt = PlainOptimizer(*LRS, momentum=0.9)
        make(name, LONG[name], fresh_opt).step(N)
        assert values_of(fresh_opt) == values_of(optimizer)
    elif name == "WarmupLR":  # issue 13, warmup: the child's closed form from its own step 0
        assert lrs == scheduler.schedule.values(N, list(LRS)) == scheduler.scheduler.schedule.values(N - 1000, LRS)
    else:  # ChainedScheduler: the product of its children's closed forms
        for base, lr in zip(LRS, lrs):
            assert lr == base * 0.999 ** (N // 1000)  # bit for bit, as the README's long runs say


# -- issue 12, section 1: resume in any order --------------------------------------------------

RESUME_ORDERS = ("optimizer state not loaded", "loaded before building", "loaded after building", "loaded last")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(NAMES),
    order=st.sampled_from(RESUME_ORDERS),
    stop=st.integers(1, 9),
    lrs=st.sampled_from([(0.1, 0.1), (0.1, 0.02)]),
)
def test_resume_in_any_order_continues_the_run(name: str, order: str, stop: int, lrs: tuple[float, float]) -> None:
    # torch's resume trap (pytorch#29697): a fresh optimizer, or one loaded before the scheduler is
    # built, gave the lrs of step 0 (or a wrong base) after the state was loaded.
    from cases import BY_NAME
    from conftest import torch_optimizer

    case = BY_NAME[name]

    def build(optimizer: Any) -> Any:
        return (case.factory or getattr(ps, name))(optimizer, **{**case.functions, **case.config})

    def state(optimizer: Any) -> list[tuple[float, ...]]:
        return [(float(group["lr"]), float(group["momentum"])) for group in optimizer.param_groups]

    with quiet():
        optimizer = torch_optimizer(list(lrs))
        scheduler = build(optimizer)
        for _ in range(stop):
            scheduler.step(*case.step_args)
        saved = json.loads(json.dumps(scheduler.state_dict()))
        optimizer_state = {
            "state": {},
            "param_groups": [dict(group) for group in optimizer.state_dict()["param_groups"]],
        }
        fresh = torch_optimizer(list(lrs))
        if order == "loaded before building":
            fresh.load_state_dict(optimizer_state)
        resumed = build(fresh)
        if order == "loaded after building":
            fresh.load_state_dict(optimizer_state)
        resumed.load_state_dict(saved)
        if order == "loaded last":
            fresh.load_state_dict(optimizer_state)
        assert state(fresh) == state(optimizer)
        for _ in range(4):
            scheduler.step(*case.step_args)
            resumed.step(*case.step_args)
            assert state(fresh) == state(optimizer)


# -- issue 13, timm --
SIMPLE["NoisyLR"] = st.fixed_dictionaries(
    {
        "schedule": st.sampled_from(
            [
                {"name": "CosineAnnealing", "T_max": 30, "eta_min": 0.0},
                {"name": "StepDecay", "step_size": 3, "gamma": 0.5},
            ]
        ),
        "start": st.integers(0, 5),
        "stop": st.none() | st.integers(6, 40),
        "pct": st.floats(0.01, 1.0),
        "std": st.floats(0.0, 2.0),
        "distribution": st.sampled_from(["normal", "uniform"]),
        "seed": st.integers(-(2**40), 2**40),
    }
)
SAMPLE["NoisyLR"] = {"schedule": {"name": "CosineAnnealing", "T_max": 20, "eta_min": 0.0}, "start": 2, "stop": 30}
# -- issue 14: ParamScheduler (the lr here; the other keys in test_params.py)
SAMPLE["ParamScheduler"] = {
    "schedules": {
        "lr": {"name": "WarmupStableDecay", "num_warmup_steps": 3, "num_decay_steps": 8, "num_training_steps": 20}
    },
    "layer_decay": 0.8,
}
LONG["ParamScheduler"] = {"schedules": {"lr": {"name": "CosineAnnealing", "T_max": 999_983, "eta_min": 1e-4}}}
SIMPLE["ParamScheduler"] = st.fixed_dictionaries(
    {
        "schedules": st.builds(
            lambda t, e: {"lr": {"name": "CosineAnnealing", "T_max": t, "eta_min": e}},
            st.integers(1, 40),
            st.floats(0.0, 1e-3),
        ),
        "layer_decay": st.none() | st.floats(0.1, 1.0),
    }
)
LONG["NoisyLR"] = {"schedule": {"name": "CosineAnnealing", "T_max": 999_983, "eta_min": 0.0}, "stop": 1000}

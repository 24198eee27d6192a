"""Builders shared by the reliability tests: every public class, from a config hypothesis draws."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

import paradox.scheduler as ps

#: Every public scheduler class, by name (the contract test checks this list is complete).
NAMES = [
    "StepLR",
    "MultiStepLR",
    "ConstantLR",
    "LinearLR",
    "ExponentialLR",
    "PolynomialLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "LambdaLR",
    "MultiplicativeLR",
    "CyclicLR",
    "OneCycleLR",
    "ReduceLROnPlateau",
    "SequentialLR",
    "ChainedScheduler",
]

METRIC = st.floats(-10.0, 10.0, allow_nan=False)


def shrink(epoch: int) -> float:
    return 0.97 if epoch % 3 else 0.9


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
    return SIMPLE[name].map(lambda config: (name, config))


def make(name: str, config: dict[str, Any], optimizer: Any) -> Any:
    """Build class ``name`` on ``optimizer`` (composites build their children first)."""
    config = dict(config)
    if name in ("SequentialLR", "ChainedScheduler"):
        children = [make(child, child_config, optimizer) for child, child_config in config.pop("children")]
        if name == "SequentialLR":
            return ps.SequentialLR(optimizer, children, **config)
        return ps.ChainedScheduler(children, **config)
    return getattr(ps, name)(optimizer, **config)


def takes_metric(scheduler: Any) -> bool:
    return bool(getattr(scheduler, "_takes_metrics", False))


def step(scheduler: Any, metric: float = 1.0) -> None:
    if takes_metric(scheduler):
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
}

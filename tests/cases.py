"""One entry per public scheduler class: how to build it, and its bad arguments with pinned messages.

The contract tests are parametrised over ``CASES``; a new class joins them by adding its entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import paradox.scheduler as ps

#: (override of the config, exception type, message regex)
Bad = tuple[dict[str, Any], type[Exception], str]


@dataclass(frozen=True)
class Case:
    name: str
    config: dict[str, Any]
    bad: list[Bad] = field(default_factory=list)
    #: The config ``state_dict()`` holds, when it differs from the constructor arguments.
    state_config: dict[str, Any] | None = None
    #: The class sets each group's lr from its own anchors (CyclicLR, OneCycleLR): the optimizer's
    #: lr is not the base, lrs are ``schedule.values(t, scheduler._bases)``, and groups added later
    #: are refused (its anchors are per group).
    sets_lr: bool = False
    #: How to build it when it is not ``Class(optimizer, **config)`` (composites build children).
    factory: Callable[..., Any] | None = None
    #: Parts of the generic contract the class does not have (those tests are not run for it):
    #: "schedule" (no pure ``schedule``), "last_epoch" (no ``last_epoch`` argument), "step_epoch"
    #: (no ``step(epoch)``), "config" (no config attributes to set or drift), "children" (built
    #: around child schedulers, which do the ``initial_lr`` resume check themselves).
    lacks: frozenset[str] = frozenset()
    #: Positional arguments of every ``step()`` call (ReduceLROnPlateau needs the metric).
    step_args: tuple[Any, ...] = ()
    #: Arguments that are functions (``lr_lambda``): passed at construction, never in the state's config.
    functions: dict[str, Any] = field(default_factory=dict)
    #: Whether ``step(epoch)`` takes a fractional epoch (CosineAnnealingWarmRestarts).
    fractional_epochs: bool = False


def refused(name: str, key: str, requirement: str, error: type[Exception], *values: Any) -> list[Bad]:
    """Each value of ``key``, refused with the whole message: ``{name}: {key} must be {requirement}. Received: ...``."""
    return [
        (
            {key: value},
            error,
            rf"^{name}: {key} must be {re.escape(requirement)}\. "
            rf"Received: {key}={re.escape(repr(value))} \({type(value).__name__}\)$",
        )
        for value in values
    ]


def _sequential(optimizer: Any, **config: Any) -> Any:
    children = [ps.StepLR(optimizer, step_size=2, gamma=0.5), ps.CosineAnnealingLR(optimizer, T_max=20)]
    return ps.SequentialLR(optimizer, children, **config)


def _chained(optimizer: Any, **config: Any) -> Any:
    children = [ps.StepLR(optimizer, step_size=2, gamma=0.5), ps.CosineAnnealingLR(optimizer, T_max=200)]
    return ps.ChainedScheduler(children, **config)


def _decay_0_9(epoch: int) -> float:
    return 0.9**epoch


def _shrink(epoch: int) -> float:
    return 0.97


_NO_SCHEDULE = frozenset({"schedule", "step_epoch", "children", "config"})
NAN, INF = float("nan"), float("inf")
POSITIVE_INT = "an int >= 1"
COUNT = "an int >= 0"
NON_NEGATIVE = "a finite number >= 0.0"
POSITIVE = "a finite number > 0.0"
FRACTION = "a finite number in (0.0, 1.0]"
ANCHOR = "a finite number >= 0 (a float or a one-element tensor)"
PER_GROUP = "a number or a list of 2 values, one per param group"
FUNCTIONS = "a function or a list of 2 functions, one per param group"
MIN_LR = "a finite number >= 0, or a list of them (one per param group)"
SWITCHES = "a strictly increasing list of 1 ints >= 1 (len(schedulers) - 1, one per switch)"
NO_MOMENTUM = (
    r"optimizer must be an optimizer with 'momentum' or 'betas' \(its defaults or every param group\) "
    r"when cycle_momentum=True\. Received: optimizer=<"
)
# issue 13, hf: PiecewiseConstantLR's rules
INCREASING = "a strictly increasing list of ints in [0, 2**53]"
SCALES = "a list of 3 finite numbers >= 0, one per entry of boundaries"
# issue 13, wsd: WarmupStableDecayLR's rules
WSD_LENGTH = "an int in [0, 2**53] (steps) or a float in [0.0, 1.0] (a fraction of num_training_steps)"
WSD_WARMUPS = "one of 'linear', 'cosine', '1-sqrt', 'exponential'"
WSD_DECAYS = "one of 'linear', 'cosine', '1-sqrt', 'square', 'power', 'exponential' or a function of the progress"
# issue 13, cycles: the rule for a repeated or warped schedule
TIMED = "a Schedule with a length (CosineAnnealing, TanhDecay, PolynomialDecay, ...) or its to_config() dict"

# issue 14: ParamScheduler's rules
SCHEDULE_KEYS = "a dict {key: schedule} ('lr', 'weight_decay', 'betas[1]', ...)"

CASES = [
    Case(
        "ParamScheduler",
        {"schedules": {"lr": {"name": "CosineAnnealing", "T_max": 20, "eta_min": 0.001}}},
        [
            *refused("ParamScheduler", "schedules", SCHEDULE_KEYS, TypeError, ["lr"], None),
            *refused(
                "ParamScheduler", "schedules", "a dict with at least one schedule (here or in groups)", ValueError, {}
            ),
            *refused("ParamScheduler", "layer_decay", FRACTION, ValueError, 0.0, 1.5, NAN),
            *refused("ParamScheduler", "layer_decay", FRACTION, TypeError, "0.9"),
            (
                {"schedules": {"betas[x]": {"name": "CosineAnnealing", "T_max": 20}}},
                ValueError,
                r"^ParamScheduler: schedules must be keyed by hyperparameter names, or a name and an index "
                r"\('lr', 'weight_decay', 'betas\[1\]'\)\. Received: schedules='betas\[x\]' \(str\)$",
            ),
            (
                {"schedules": {"weight_decay": {"name": "CosineAnnealing", "T_max": 20}}},
                ValueError,
                r"^ParamScheduler: schedules must be keys every param group it drives holds: param_groups\[0\] "
                r"holds \['lr'\]\. Received: schedules='weight_decay' \(str\)$",
            ),
            (
                {"groups": {"head": {"lr": None}}},
                ValueError,
                r"^ParamScheduler: groups must be keyed by group indices in \[0, 1\] or group names \[\]\. "
                r"Received: groups='head' \(str\)$",
            ),
        ],
        state_config={
            "schedules": {"lr": {"name": "CosineAnnealing", "T_max": 20, "eta_min": 0.001}},
            "groups": [],
            "layer_decay": None,
        },
        lacks=frozenset({"schedule", "config"}),
    ),
    Case(
        "StepLR",
        {"step_size": 3, "gamma": 0.5},
        [
            *refused("StepLR", "step_size", POSITIVE_INT, ValueError, 0, -2, 2.5),
            *refused("StepLR", "step_size", POSITIVE_INT, TypeError, "3", True),
            *refused("StepLR", "gamma", NON_NEGATIVE, ValueError, NAN, INF, -0.1),
            *refused("StepLR", "gamma", NON_NEGATIVE, TypeError, None),
        ],
    ),
    Case(
        "CosineAnnealingLR",
        {"T_max": 10, "eta_min": 0.001},
        [
            *refused("CosineAnnealingLR", "T_max", POSITIVE_INT, ValueError, 0),
            *refused("CosineAnnealingLR", "T_max", POSITIVE_INT, TypeError, "10"),
            *refused("CosineAnnealingLR", "eta_min", NON_NEGATIVE, ValueError, -1e-3, NAN),
            *refused("CosineAnnealingLR", "eta_min", NON_NEGATIVE, TypeError, "0"),
        ],
    ),
    Case(
        "ExponentialLR",
        {"gamma": 0.9},
        [
            *refused("ExponentialLR", "gamma", NON_NEGATIVE, ValueError, NAN, -0.5, INF),
            *refused("ExponentialLR", "gamma", NON_NEGATIVE, TypeError, "0.9"),
        ],
    ),
    Case(
        "MultiStepLR",
        {"gamma": 0.5, "milestones": [3, 6, 6, 20]},
        [
            *refused("MultiStepLR", "milestones", "a list of ints >= 0", ValueError, [3, -1], [2.5]),
            *refused("MultiStepLR", "milestones", "a list of ints >= 0", TypeError, ["3"], [True], 3, "36", {3, 6}),
            *refused("MultiStepLR", "gamma", NON_NEGATIVE, ValueError, -0.1, NAN),
        ],
    ),
    Case(
        "ConstantLR",
        {"factor": 0.5, "total_iters": 4},
        [
            *refused("ConstantLR", "factor", FRACTION, ValueError, 0, 1.5, -0.1, NAN),
            *refused("ConstantLR", "factor", FRACTION, TypeError, "0.5"),
            *refused("ConstantLR", "total_iters", COUNT, ValueError, -1, 2.5),
        ],
    ),
    Case(
        "LinearLR",
        {"start_factor": 0.25, "end_factor": 1.0, "total_iters": 6},
        [
            *refused("LinearLR", "start_factor", FRACTION, ValueError, 0, 1.1),
            *refused("LinearLR", "start_factor", FRACTION, TypeError, None),
            *refused("LinearLR", "end_factor", "a finite number in [0.0, 1.0]", ValueError, -0.1, 1.5),
            *refused("LinearLR", "total_iters", POSITIVE_INT, ValueError, 0),
        ],
    ),
    Case(
        "PolynomialLR",
        {"total_iters": 8, "power": 2.0},
        [
            *refused("PolynomialLR", "total_iters", POSITIVE_INT, ValueError, 0),
            *refused("PolynomialLR", "total_iters", POSITIVE_INT, TypeError, "8"),
            *refused("PolynomialLR", "power", NON_NEGATIVE, ValueError, -1.0, INF),
        ],
    ),
    Case(
        "CosineAnnealingWarmRestarts",
        {"T_0": 5, "T_mult": 2, "eta_min": 0.001},
        [
            *refused("CosineAnnealingWarmRestarts", "T_0", POSITIVE_INT, ValueError, 0, 5.0),
            *refused("CosineAnnealingWarmRestarts", "T_0", POSITIVE_INT, TypeError, "5"),
            *refused("CosineAnnealingWarmRestarts", "T_mult", POSITIVE_INT, ValueError, 0, 1.5, 2.0),
            *refused("CosineAnnealingWarmRestarts", "T_mult", POSITIVE_INT, TypeError, None),
            *refused("CosineAnnealingWarmRestarts", "eta_min", NON_NEGATIVE, ValueError, -0.1),
            *refused("CosineAnnealingWarmRestarts", "eta_min", NON_NEGATIVE, TypeError, "0"),
        ],
        fractional_epochs=True,
    ),
    Case(
        "LambdaLR",
        {},
        [
            *refused("LambdaLR", "lr_lambda", FUNCTIONS, TypeError, 0.5, None),
            (
                {"lr_lambda": [_decay_0_9]},
                ValueError,
                rf"^LambdaLR: lr_lambda must be {re.escape(FUNCTIONS)}\. Received: lr_lambda=\[<function _decay_0_9",
            ),
            (
                {"lr_lambda": [_decay_0_9, "x"]},
                TypeError,
                r"^LambdaLR: lr_lambda must be .*Received: lr_lambda=\[<function",
            ),
            (
                {"lr_lambda": lambda epoch: NAN},
                ValueError,
                r"^LambdaLR: lr_lambda must return a finite number >= 0\.0\. Received: output=nan \(float\) at epoch=0$",
            ),
            (
                {"lr_lambda": lambda epoch: -1.0},
                ValueError,
                r"^LambdaLR: lr_lambda must return .*Received: output=-1\.0 \(float\) at epoch=0$",
            ),
            (
                {"lr_lambda": lambda epoch: "1"},
                TypeError,
                r"^LambdaLR: lr_lambda must return .*Received: output='1' \(str\) at epoch=0$",
            ),
        ],
        functions={"lr_lambda": _decay_0_9},
    ),
    Case(
        "MultiplicativeLR",
        {},
        [
            *refused("MultiplicativeLR", "lr_lambda", FUNCTIONS, TypeError, 0.5, "f"),
            *refused("MultiplicativeLR", "lr_lambda", FUNCTIONS, ValueError, []),
            (
                {"lr_lambda": [_shrink] * 4},
                ValueError,
                r"^MultiplicativeLR: lr_lambda must be .*Received: lr_lambda=\[<function _shrink",
            ),
        ],
        functions={"lr_lambda": _shrink},
    ),
    Case(
        "CyclicLR",
        {
            "base_lr": 0.01,
            "max_lr": 0.5,
            "step_size_up": 4,
            "step_size_down": 6,
            "mode": "triangular2",
            "cycle_momentum": False,
        },
        [
            *refused("CyclicLR", "base_lr", ANCHOR, ValueError, -0.1, NAN),
            *refused("CyclicLR", "base_lr", ANCHOR, TypeError, "0.1"),
            *refused(
                "CyclicLR", "base_lr", "a number or a non-empty list of numbers, one per param group", ValueError, []
            ),
            *refused("CyclicLR", "base_lr", PER_GROUP, ValueError, [0.1, 0.2, 0.3, 0.4]),
            *refused("CyclicLR", "max_lr", ANCHOR, ValueError, INF),
            *refused("CyclicLR", "max_lr", ANCHOR, TypeError, None),
            *refused("CyclicLR", "max_lr", PER_GROUP, ValueError, [0.5] * 4),
            *refused("CyclicLR", "step_size_up", POSITIVE_INT, ValueError, 0, 2.5),
            *refused("CyclicLR", "step_size_up", POSITIVE_INT, TypeError, "4"),
            *refused("CyclicLR", "step_size_down", POSITIVE_INT, ValueError, 0, -3),
            *refused("CyclicLR", "mode", "one of 'triangular', 'triangular2', 'exp_range'", ValueError, "triangle"),
            *refused("CyclicLR", "gamma", POSITIVE, ValueError, 0.0, -0.5, NAN),
            *refused("CyclicLR", "scale_fn", "a function of one number, or None", TypeError, 3),
            *refused("CyclicLR", "scale_mode", "one of 'cycle', 'iterations'", ValueError, "epochs"),
            *refused("CyclicLR", "cycle_momentum", "a bool", TypeError, "yes"),
            *refused("CyclicLR", "base_momentum", ANCHOR, ValueError, INF),
            *refused("CyclicLR", "max_momentum", ANCHOR, ValueError, -0.1),
            ({"cycle_momentum": True}, ValueError, rf"^CyclicLR: {NO_MOMENTUM}"),
        ],
        state_config={
            "base_lr": 0.01,
            "step_size_up": 4,
            "step_size_down": 6,
            "mode": "triangular2",
            "gamma": 1.0,
            "scale_fn": None,
            "scale_mode": "cycle",
            "cycle_momentum": False,
            "base_momentum": 0.8,
            "max_momentum": 0.9,
        },
        sets_lr=True,
    ),
    Case(
        "OneCycleLR",
        {"total_steps": 6000, "max_lr": 0.5, "pct_start": 0.25, "cycle_momentum": False},
        [
            *refused("OneCycleLR", "total_steps", POSITIVE_INT, ValueError, 0, -5),
            *refused("OneCycleLR", "total_steps", POSITIVE_INT, TypeError, "10"),
            (
                {"total_steps": None},
                ValueError,
                r"^OneCycleLR: epochs must be an int >= 1 when total_steps is None \(pass total_steps, or epochs and "
                r"steps_per_epoch\)\. Received: epochs=None \(NoneType\)$",
            ),
            (
                {"total_steps": None, "epochs": 3},
                ValueError,
                r"^OneCycleLR: steps_per_epoch must be an int >= 1 when total_steps is None .*Received: "
                r"steps_per_epoch=None \(NoneType\)$",
            ),
            (
                {"total_steps": None, "epochs": 0, "steps_per_epoch": 5},
                ValueError,
                r"^OneCycleLR: epochs must be an int >= 1\. Received: epochs=0 \(int\)$",
            ),
            (
                {"total_steps": None, "epochs": 3, "steps_per_epoch": -1},
                ValueError,
                r"^OneCycleLR: steps_per_epoch must be an int >= 1\. Received: steps_per_epoch=-1 \(int\)$",
            ),
            *refused("OneCycleLR", "pct_start", "a finite number in (0.0, 1.0)", ValueError, 0.0, 1.0, NAN),
            *refused("OneCycleLR", "pct_start", "a finite number in (0.0, 1.0)", TypeError, "0.3"),
            *refused("OneCycleLR", "anneal_strategy", "one of 'cos', 'linear'", ValueError, "cosine"),
            *refused("OneCycleLR", "div_factor", POSITIVE, ValueError, 0.0, -25.0),
            *refused("OneCycleLR", "final_div_factor", POSITIVE, ValueError, 0, INF),
            *refused("OneCycleLR", "max_lr", PER_GROUP, ValueError, [0.1, 0.2, 0.3, 0.4]),
            *refused("OneCycleLR", "max_lr", ANCHOR, ValueError, -1.0),
            *refused("OneCycleLR", "three_phase", "a bool", TypeError, 1),
            *refused("OneCycleLR", "base_momentum", ANCHOR, ValueError, -2.0),
            ({"cycle_momentum": True}, ValueError, rf"^OneCycleLR: {NO_MOMENTUM}"),
        ],
        state_config={
            "total_steps": 6000,
            "pct_start": 0.25,
            "anneal_strategy": "cos",
            "cycle_momentum": False,
            "base_momentum": 0.85,
            "max_momentum": 0.95,
            "div_factor": 25.0,
            "final_div_factor": 10000.0,
            "three_phase": False,
        },
        sets_lr=True,
    ),
    Case(
        "ReduceLROnPlateau",
        {
            "patience": 2,
            "mode": "min",
            "factor": 0.5,
            "threshold": 0.01,
            "threshold_mode": "rel",
            "cooldown": 1,
            "min_lr": 0.001,
            "eps": 1e-8,
        },
        [
            *refused("ReduceLROnPlateau", "mode", "'min' or 'max'", ValueError, "down"),
            *refused("ReduceLROnPlateau", "mode", "'min' or 'max'", TypeError, 1),
            *refused("ReduceLROnPlateau", "threshold_mode", "'rel' or 'abs'", ValueError, "relative"),
            *refused("ReduceLROnPlateau", "factor", "a finite number in [0.0, 1.0)", ValueError, 1.0, -0.5),
            *refused("ReduceLROnPlateau", "factor", "a finite number in [0.0, 1.0)", TypeError, "0.1"),
            *refused("ReduceLROnPlateau", "patience", COUNT, ValueError, -1, 1.5),
            *refused("ReduceLROnPlateau", "cooldown", COUNT, ValueError, -2),
            *refused("ReduceLROnPlateau", "cooldown", COUNT, TypeError, "1"),
            *refused("ReduceLROnPlateau", "threshold", NON_NEGATIVE, ValueError, -1e-4, NAN),
            *refused("ReduceLROnPlateau", "eps", NON_NEGATIVE, ValueError, -1e-8),
            *refused("ReduceLROnPlateau", "eps", NON_NEGATIVE, TypeError, None),
            *refused("ReduceLROnPlateau", "min_lr", NON_NEGATIVE, ValueError, -0.1),
            *refused("ReduceLROnPlateau", "min_lr", MIN_LR, TypeError, "0"),
            *refused("ReduceLROnPlateau", "min_lr", MIN_LR, ValueError, [0.1, -1.0]),
            (
                {"min_lr": [0.1, 0.2, 0.3, 0.4]},
                ValueError,
                r"^ReduceLROnPlateau: min_lr must be a number, or a list of [23] values \(one per param group\)\. "
                r"Received: min_lr=\[0\.1, 0\.2, 0\.3, 0\.4\] \(list\)$",
            ),
        ],
        lacks=frozenset({"schedule", "last_epoch", "step_epoch"}),
        step_args=(1.0,),
    ),
    Case(
        "SequentialLR",
        {"milestones": [3]},
        [
            *refused("SequentialLR", "milestones", SWITCHES, ValueError, [], [3, 5], [0], [-2], [2.5]),
            *refused("SequentialLR", "milestones", SWITCHES, TypeError, ["3"], 3),
        ],
        factory=_sequential,
        lacks=_NO_SCHEDULE,
    ),
    Case("ChainedScheduler", {}, [], factory=_chained, lacks=_NO_SCHEDULE | {"last_epoch"}),
    # -- issue 13, hf --
    Case(
        "InverseSqrtLR",
        {"warmup_steps": 4, "timescale": 10.0, "start_factor": 0.1, "start_value": None},
        [
            *refused("InverseSqrtLR", "warmup_steps", "an int >= 0", ValueError, -1, 2.5),
            *refused("InverseSqrtLR", "warmup_steps", "an int >= 0", TypeError, "4"),
            *refused("InverseSqrtLR", "timescale", POSITIVE, ValueError, 0, -3.0, INF),
            *refused("InverseSqrtLR", "timescale", POSITIVE, TypeError, "10"),
            *refused("InverseSqrtLR", "start_factor", "a finite number in [0.0, 1.0]", ValueError, 1.5, -0.1, NAN),
            *refused("InverseSqrtLR", "start_factor", "a finite number in [0.0, 1.0]", TypeError, None),
            *refused("InverseSqrtLR", "start_value", NON_NEGATIVE, ValueError, -1.0, INF),
            *refused("InverseSqrtLR", "start_value", NON_NEGATIVE, TypeError, "0.1"),
            (
                {"start_value": 0.01},
                ValueError,
                r"^InverseSqrtLR: start_factor must be 0\.0 \(the default\) when start_value is given \(the start is "
                r"one or the other\)\. Received: start_factor=0\.1 \(float\)$",
            ),
        ],
    ),
    Case(
        "PiecewiseLinearLR",
        {"milestones_values": [[0, 0.1], [3, 1.0], [10, 0.5], [10, 0.2], [20, 0.0]], "shape": "linear"},
        [
            bad
            for error, values in (
                (ValueError, ([], [[0, 1.0], [5]], [[4, 1.0], [2, 0.5]], [[0.5, 1.0]], [[0, -1.0]], [[0, NAN]])),
                (ValueError, ([[2**54, 1.0]], [[-1, 1.0]])),
                (ValueError, (3,)),
                (TypeError, ("0,1", None, [[0, 1.0], 5], [[0, "1"]], [[True, 1.0]])),
            )
            for bad in refused(
                "PiecewiseLinearLR",
                "milestones_values",
                "a non-empty list of (milestone, value) pairs, milestones non-decreasing ints in [0, 2**53], "
                "values finite numbers >= 0",
                error,
                *values,
            )
        ]
        + [
            *refused("PiecewiseLinearLR", "shape", "one of 'linear', 'cosine'", ValueError, "1-sqrt", "cos"),
            *refused("PiecewiseLinearLR", "shape", "one of 'linear', 'cosine'", TypeError, None, 1),
        ],
    ),
    Case(
        "PiecewiseConstantLR",
        {"boundaries": [2, 5, 9], "scales": [0.5, 2.0, 0.1]},
        [
            *refused("PiecewiseConstantLR", "boundaries", INCREASING, ValueError, [2, 2, 9], [5, 2, 9], [-1, 5, 9], 2),
            *refused("PiecewiseConstantLR", "boundaries", INCREASING, ValueError, [2.5, 5, 9], [2, 5, 2**54]),
            *refused("PiecewiseConstantLR", "boundaries", INCREASING, TypeError, ["2", 5, 9], "259", None),
            *refused("PiecewiseConstantLR", "scales", SCALES, ValueError, [0.5], [0.5, -2.0, 0.1], [0.5, INF, 1], 0.5),
            *refused("PiecewiseConstantLR", "scales", SCALES, TypeError, [0.5, "2", 1], None),
        ],
    ),
    # -- issue 13, warmup --
    Case(
        "WarmupLR",
        {"steps": 3, "start_factor": 0.1, "start_value": None, "shape": "linear", "peak": "after"},
        [
            *refused("WarmupLR", "steps", COUNT, ValueError, -1, 1.5),
            *refused("WarmupLR", "steps", COUNT, TypeError, "3", None),
            *refused("WarmupLR", "steps", "an int in [0, 2**53] (steps are counted in floats)", ValueError, 2**53 + 1),
            *refused("WarmupLR", "start_factor", "a finite number in [0.0, 1.0]", ValueError, 1.5, -0.1, NAN),
            *refused("WarmupLR", "start_factor", "a finite number in [0.0, 1.0]", TypeError, "0"),
            *refused("WarmupLR", "start_value", NON_NEGATIVE, ValueError, -1.0, INF),
            *refused("WarmupLR", "start_value", NON_NEGATIVE, TypeError, "0.1"),
            *refused(
                "WarmupLR", "shape", "one of 'linear', 'cosine', 'exponential', '1-sqrt', 'log'", ValueError, "cos"
            ),
            *refused("WarmupLR", "shape", "one of 'linear', 'cosine', 'exponential', '1-sqrt', 'log'", TypeError, None),
            *refused("WarmupLR", "peak", "one of 'after', 'last'", ValueError, "first"),
            (
                {"start_value": 0.01},
                ValueError,
                r"^WarmupLR: start_factor must be 0\.0 \(the default\) when start_value is given \(the start is one "
                r"or the other\)\. Received: start_factor=0\.1 \(float\)$",
            ),
            (
                {"shape": "exponential", "start_factor": 0.0},
                ValueError,
                r'^WarmupLR: start_factor must be a finite number > 0 for shape="exponential" \(a geometric ramp '
                r"cannot start at 0\)\. Received: start_factor=0\.0 \(float\)$",
            ),
            (
                {"shape": "exponential", "start_factor": 0.0, "start_value": 0.0},
                ValueError,
                r'^WarmupLR: start_value must be a finite number > 0 for shape="exponential" .* '
                r"Received: start_value=0\.0 \(float\)$",
            ),
            (
                {"steps": 1, "peak": "last"},
                ValueError,
                r'^WarmupLR: steps must be an int != 1 with peak="last" \(0: no warmup; >= 2: the base at step '
                r"steps - 1\)\. Received: steps=1 \(int\)$",
            ),
        ],
        factory=lambda optimizer, **config: ps.WarmupLR(ps.StepLR(optimizer, step_size=2, gamma=0.5), **config),
        lacks=frozenset({"children"}),
    ),
    # -- issue 13, wsd --
    Case(
        "WarmupStableDecayLR",
        {"num_warmup_steps": 3, "num_decay_steps": 5, "num_training_steps": 20, "min_lr_ratio": 0.1},
        [
            *refused("WarmupStableDecayLR", "num_warmup_steps", WSD_LENGTH, ValueError, -1, 1.5, NAN, 2**54),
            *refused("WarmupStableDecayLR", "num_warmup_steps", WSD_LENGTH, TypeError, "3", None, True),
            *refused("WarmupStableDecayLR", "num_decay_steps", WSD_LENGTH, ValueError, -2, INF),
            *refused("WarmupStableDecayLR", "num_training_steps", COUNT, ValueError, -1, 2.5),
            *refused("WarmupStableDecayLR", "num_training_steps", COUNT, TypeError, "20"),
            *refused(
                "WarmupStableDecayLR",
                "num_training_steps",
                ">= num_warmup_steps + num_decay_steps = 8 (the stable phase is the rest)",
                ValueError,
                7,
            ),
            *refused(
                "WarmupStableDecayLR",
                "num_stable_steps",
                "num_training_steps - num_warmup_steps - num_decay_steps = 12 (or None: the rest)",
                ValueError,
                11,
                0.5,
            ),
            *refused("WarmupStableDecayLR", "warmup_type", WSD_WARMUPS, ValueError, "log", "1-square"),
            *refused("WarmupStableDecayLR", "warmup_type", WSD_WARMUPS, TypeError, None),
            *refused("WarmupStableDecayLR", "decay_type", WSD_DECAYS, ValueError, "exp", "1-square"),
            *refused("WarmupStableDecayLR", "decay_type", WSD_DECAYS, TypeError, None, 1.0),
            *refused("WarmupStableDecayLR", "decay_power", "a finite number > 0.0", ValueError, 0, -1.0, INF),
            *refused("WarmupStableDecayLR", "min_lr_ratio", "a finite number in [0.0, 1.0]", ValueError, 1.5, NAN),
            *refused("WarmupStableDecayLR", "min_lr_ratio", "a finite number in [0.0, 1.0]", TypeError, "0.1"),
            *refused("WarmupStableDecayLR", "warmup_start_ratio", "a finite number in [0.0, 1.0]", ValueError, -0.5),
            (
                {"cooldown_start": 5},
                ValueError,
                r"^WarmupStableDecayLR: cooldown_steps must be an int >= 1 when cooldown_start is given\. "
                r"Received: cooldown_steps=None \(NoneType\)$",
            ),
            *refused("WarmupStableDecayLR", "cooldown_steps", POSITIVE_INT, ValueError, 0),
            (
                {"min_lr": 0.01},
                ValueError,
                r"^WarmupStableDecayLR: min_lr_ratio must be None when min_lr is given \(the floor is one or the "
                r"other\)\. Received: min_lr_ratio=0\.1 \(float\)$",
            ),
            (
                {"cooldown_start": 2, "cooldown_steps": 4},
                ValueError,
                r"^WarmupStableDecayLR: cooldown_start must be an int in \[3, 15\] \(from the end of warmup to "
                r"the start of the planned decay\)\. Received: cooldown_start=2 \(int\)$",
            ),
        ],
        state_config={
            "num_warmup_steps": 3,
            "num_decay_steps": 5,
            "num_training_steps": 20,
            "num_stable_steps": None,
            "warmup_type": "linear",
            "decay_type": "1-sqrt",
            "decay_power": 1.0,
            "min_lr": None,
            "min_lr_ratio": 0.1,
            "warmup_start_lr": None,
            "warmup_start_ratio": None,
            "cooldown_start": None,
            "cooldown_steps": None,
        },
    ),
    # -- issue 13, cycles --
    Case(
        "RestartsLR",
        {
            "cycle_mul": 1.5,
            "schedule": {"name": "CosineAnnealing", "T_max": 4, "eta_min": 0.001},
            "cycle_decay": 0.5,
            "cycle_limit": 3,
            "eta_min": None,
            "timm_rounding": False,
        },
        [
            *refused(
                "RestartsLR", "cycle_mul", "a finite number in [1.0, 1000000.0]", ValueError, 0.5, 0, 1e7, INF, NAN
            ),
            *refused("RestartsLR", "cycle_mul", "a finite number in [1.0, 1000000.0]", TypeError, "2", None),
            *refused("RestartsLR", "cycle_decay", "a finite number in [0.0, 1.0]", ValueError, 1.5, -0.1, NAN),
            *refused("RestartsLR", "cycle_decay", "a finite number in [0.0, 1.0]", TypeError, "0.5"),
            *refused("RestartsLR", "cycle_limit", POSITIVE_INT, ValueError, 0, -2, 2.5),
            *refused("RestartsLR", "cycle_limit", POSITIVE_INT, TypeError, "3"),
            *refused(
                "RestartsLR", "cycle_limit", "an int in [1, 2**53] (steps are counted in floats)", ValueError, 2**54
            ),
            *refused("RestartsLR", "eta_min", NON_NEGATIVE, ValueError, -0.1, INF),
            *refused("RestartsLR", "eta_min", NON_NEGATIVE, TypeError, "0"),
            *refused("RestartsLR", "timm_rounding", "a bool", TypeError, 1, "yes"),
            *refused("RestartsLR", "schedule", TIMED, ValueError, ps.ExponentialDecay(0.9)),
            *refused("RestartsLR", "schedule", TIMED, TypeError, 3, None, "cosine"),
        ],
    ),
    Case(
        "KDecayLR",
        {"k": 2.0, "schedule": {"name": "TanhDecay", "T_max": 10, "lb": -7.0, "ub": 3.0, "eta_min": 0.0}},
        [
            *refused("KDecayLR", "k", POSITIVE, ValueError, 0, -1.0, INF, NAN),
            *refused("KDecayLR", "k", POSITIVE, TypeError, "2", None),
            *refused("KDecayLR", "schedule", TIMED, ValueError, ps.MultiplicativeDecay(_shrink)),
            *refused("KDecayLR", "schedule", TIMED, TypeError, 2.0),
        ],
    ),
    Case(
        "TanhDecayLR",
        {"T_max": 10, "lb": -6.0, "ub": 4.0, "eta_min": 0.001},
        [
            *refused("TanhDecayLR", "T_max", POSITIVE_INT, ValueError, 0, -3, 2.5),
            *refused("TanhDecayLR", "T_max", POSITIVE_INT, TypeError, "10", None),
            *refused("TanhDecayLR", "lb", "a finite number", ValueError, INF, NAN),
            *refused("TanhDecayLR", "lb", "a finite number", TypeError, "-6"),
            *refused("TanhDecayLR", "ub", "a finite number > lb=-6.0", ValueError, -6.0, -7.5),
            *refused("TanhDecayLR", "ub", "a finite number", ValueError, INF),
            *refused("TanhDecayLR", "eta_min", NON_NEGATIVE, ValueError, -1e-3, NAN),
            *refused("TanhDecayLR", "eta_min", NON_NEGATIVE, TypeError, "0"),
        ],
    ),
    # -- issue 13, timm --
    Case(
        "NoisyLR",
        {
            "pct": 0.5,
            "schedule": {"name": "CosineAnnealing", "T_max": 20, "eta_min": 0.001},
            "start": 2,
            "stop": 40,
            "std": 0.8,
            "distribution": "normal",
            "seed": 7,
        },
        [
            *refused("NoisyLR", "pct", "a finite number in (0.0, 1.0]", ValueError, 0.0, 1.5, NAN),
            *refused("NoisyLR", "pct", "a finite number in (0.0, 1.0]", TypeError, "0.5"),
            *refused("NoisyLR", "std", NON_NEGATIVE, ValueError, -1.0),
            *refused(
                "NoisyLR",
                "std",
                "a finite number in [0.0, 1000 * pct=500.0] (normal noise is redrawn until within pct)",
                ValueError,
                501.0,
            ),
            *refused("NoisyLR", "start", "a finite number >= 0", ValueError, -1, INF),
            *refused("NoisyLR", "start", "a finite number >= 0", TypeError, "2", None),
            *refused("NoisyLR", "stop", "None or a finite number > start=2", ValueError, 2, 1.5, NAN),
            *refused("NoisyLR", "distribution", "'normal' or 'uniform'", ValueError, "gauss"),
            *refused("NoisyLR", "distribution", "'normal' or 'uniform'", TypeError, 1),
            *refused("NoisyLR", "seed", "an int in [-9223372036854775808, 9223372036854775807]", ValueError, 2**63),
            *refused("NoisyLR", "seed", "an int in [-9223372036854775808, 9223372036854775807]", TypeError, "7"),
            *refused(
                "NoisyLR",
                "schedule",
                "a Schedule (CosineAnnealing(...), ...) or its to_config() dict",
                TypeError,
                None,
                0.5,
            ),
        ],
    ),
]

BY_NAME = {case.name: case for case in CASES}

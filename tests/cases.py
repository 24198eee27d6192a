"""One entry per public scheduler class: how to build it, and its bad arguments with pinned messages.

The contract tests are parametrised over ``CASES``; a new class joins them by adding its entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import paradox.scheduler as ps


@dataclass(frozen=True)
class Case:
    name: str
    config: dict[str, Any]
    #: (override of the config, exception type, message regex)
    bad: list[tuple[dict[str, Any], type[Exception], str]] = field(default_factory=list)
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


def _sequential(optimizer: Any, **config: Any) -> Any:
    children = [ps.StepLR(optimizer, step_size=2, gamma=0.5), ps.CosineAnnealingLR(optimizer, T_max=20)]
    return ps.SequentialLR(optimizer, children, **config)


def _chained(optimizer: Any, **config: Any) -> Any:
    children = [ps.StepLR(optimizer, step_size=2, gamma=0.5), ps.CosineAnnealingLR(optimizer, T_max=200)]
    return ps.ChainedScheduler(children, **config)


_NO_SCHEDULE = frozenset({"schedule", "step_epoch", "children", "config"})


def _decay_0_9(epoch: int) -> float:
    return 0.9**epoch


def _shrink(epoch: int) -> float:
    return 0.97


CASES = [
    Case(
        "StepLR",
        {"step_size": 3, "gamma": 0.5},
        [
            ({"step_size": 0}, ValueError, r"^StepLR: step_size must be an int >= 1\. Received: step_size=0 \(int\)$"),
            ({"step_size": -2}, ValueError, r"step_size must be an int >= 1\. Received: step_size=-2"),
            ({"step_size": 2.5}, ValueError, r"step_size must be an int >= 1\. Received: step_size=2\.5 \(float\)"),
            ({"step_size": "3"}, TypeError, r"step_size must be an int >= 1\. Received: step_size='3' \(str\)"),
            ({"step_size": True}, TypeError, r"step_size must be an int >= 1\. Received: step_size=True \(bool\)"),
            (
                {"gamma": float("nan")},
                ValueError,
                r"^StepLR: gamma must be a finite number >= 0\.0\. Received: gamma=nan",
            ),
            ({"gamma": float("inf")}, ValueError, r"gamma must be a finite number >= 0\.0\. Received: gamma=inf"),
            ({"gamma": -0.1}, ValueError, r"gamma must be a finite number >= 0\.0\. Received: gamma=-0\.1"),
            ({"gamma": None}, TypeError, r"gamma must be a finite number >= 0\.0\. Received: gamma=None \(NoneType\)"),
        ],
    ),
    Case(
        "CosineAnnealingLR",
        {"T_max": 10, "eta_min": 0.001},
        [
            ({"T_max": 0}, ValueError, r"^CosineAnnealingLR: T_max must be an int >= 1\. Received: T_max=0 \(int\)$"),
            ({"T_max": "10"}, TypeError, r"T_max must be an int >= 1\. Received: T_max='10' \(str\)"),
            ({"eta_min": -1e-3}, ValueError, r"eta_min must be a finite number >= 0\.0\. Received: eta_min=-0\.001"),
            ({"eta_min": float("nan")}, ValueError, r"eta_min must be a finite number >= 0\.0\. Received: eta_min=nan"),
            ({"eta_min": "0"}, TypeError, r"eta_min must be a finite number >= 0\.0\. Received: eta_min='0' \(str\)"),
        ],
    ),
    Case(
        "ExponentialLR",
        {"gamma": 0.9},
        [
            (
                {"gamma": float("nan")},
                ValueError,
                r"^ExponentialLR: gamma must be a finite number >= 0\.0\. Received: gamma=nan \(float\)$",
            ),
            ({"gamma": -0.5}, ValueError, r"gamma must be a finite number >= 0\.0\. Received: gamma=-0\.5 \(float\)"),
            ({"gamma": float("inf")}, ValueError, r"gamma must be a finite number >= 0\.0\. Received: gamma=inf"),
            ({"gamma": "0.9"}, TypeError, r"gamma must be a finite number >= 0\.0\. Received: gamma='0\.9' \(str\)"),
        ],
    ),
    Case(
        "MultiStepLR",
        {"gamma": 0.5, "milestones": [3, 6, 6, 20]},
        [
            (
                {"milestones": [3, -1]},
                ValueError,
                r"^MultiStepLR: milestones must be a list of ints >= 0\. Received: milestones=\[3, -1\] \(list\)$",
            ),
            (
                {"milestones": [2.5]},
                ValueError,
                r"milestones must be a list of ints >= 0\. Received: milestones=\[2\.5\] \(list\)",
            ),
            (
                {"milestones": ["3"]},
                TypeError,
                r"milestones must be a list of ints >= 0\. Received: milestones=\['3'\] \(list\)",
            ),
            (
                {"milestones": [True]},
                TypeError,
                r"milestones must be a list of ints >= 0\. Received: milestones=\[True\]",
            ),
            ({"milestones": 3}, TypeError, r"milestones must be a list of ints >= 0\. Received: milestones=3 \(int\)"),
            (
                {"milestones": "36"},
                TypeError,
                r"milestones must be a list of ints >= 0\. Received: milestones='36' \(str\)",
            ),
            (
                {"milestones": {3, 6}},
                TypeError,
                r"milestones must be a list of ints >= 0\. Received: milestones=\{3, 6\} \(set\)",
            ),
            (
                {"gamma": -0.1},
                ValueError,
                r"^MultiStepLR: gamma must be a finite number >= 0\.0\. Received: gamma=-0\.1",
            ),
            ({"gamma": float("nan")}, ValueError, r"gamma must be a finite number >= 0\.0\. Received: gamma=nan"),
        ],
    ),
    Case(
        "ConstantLR",
        {"factor": 0.5, "total_iters": 4},
        [
            (
                {"factor": 0},
                ValueError,
                r"^ConstantLR: factor must be a finite number in \(0\.0, 1\.0\]\. Received: factor=0 \(int\)$",
            ),
            (
                {"factor": 1.5},
                ValueError,
                r"factor must be a finite number in \(0\.0, 1\.0\]\. Received: factor=1\.5 \(float\)",
            ),
            (
                {"factor": -0.1},
                ValueError,
                r"factor must be a finite number in \(0\.0, 1\.0\]\. Received: factor=-0\.1",
            ),
            (
                {"factor": float("nan")},
                ValueError,
                r"factor must be a finite number in \(0\.0, 1\.0\]\. Received: factor=nan",
            ),
            (
                {"factor": "0.5"},
                TypeError,
                r"factor must be a finite number in \(0\.0, 1\.0\]\. Received: factor='0\.5' \(str\)",
            ),
            (
                {"total_iters": -1},
                ValueError,
                r"^ConstantLR: total_iters must be an int >= 0\. Received: total_iters=-1 \(int\)$",
            ),
            ({"total_iters": 2.5}, ValueError, r"total_iters must be an int >= 0\. Received: total_iters=2\.5"),
        ],
    ),
    Case(
        "LinearLR",
        {"start_factor": 0.25, "end_factor": 1.0, "total_iters": 6},
        [
            (
                {"start_factor": 0},
                ValueError,
                r"^LinearLR: start_factor must be a finite number in \(0\.0, 1\.0\]\. Received: start_factor=0 \(int\)$",
            ),
            (
                {"start_factor": 1.1},
                ValueError,
                r"start_factor must be a finite number in \(0\.0, 1\.0\]\. Received: start_factor=1\.1",
            ),
            (
                {"start_factor": None},
                TypeError,
                r"start_factor must be a finite number in \(0\.0, 1\.0\]\. Received: start_factor=None",
            ),
            (
                {"end_factor": -0.1},
                ValueError,
                r"^LinearLR: end_factor must be a finite number in \[0\.0, 1\.0\]\. Received: end_factor=-0\.1",
            ),
            (
                {"end_factor": 1.5},
                ValueError,
                r"end_factor must be a finite number in \[0\.0, 1\.0\]\. Received: end_factor=1\.5",
            ),
            (
                {"total_iters": 0},
                ValueError,
                r"^LinearLR: total_iters must be an int >= 1\. Received: total_iters=0 \(int\)$",
            ),
        ],
    ),
    Case(
        "PolynomialLR",
        {"total_iters": 8, "power": 2.0},
        [
            (
                {"total_iters": 0},
                ValueError,
                r"^PolynomialLR: total_iters must be an int >= 1\. Received: total_iters=0 \(int\)$",
            ),
            ({"total_iters": "8"}, TypeError, r"total_iters must be an int >= 1\. Received: total_iters='8' \(str\)"),
            (
                {"power": -1.0},
                ValueError,
                r"^PolynomialLR: power must be a finite number >= 0\.0\. Received: power=-1\.0",
            ),
            ({"power": float("inf")}, ValueError, r"power must be a finite number >= 0\.0\. Received: power=inf"),
        ],
    ),
    Case(
        "CosineAnnealingWarmRestarts",
        {"T_0": 5, "T_mult": 2, "eta_min": 0.001},
        [
            (
                {"T_0": 0},
                ValueError,
                r"^CosineAnnealingWarmRestarts: T_0 must be an int >= 1\. Received: T_0=0 \(int\)$",
            ),
            ({"T_0": 5.0}, ValueError, r"T_0 must be an int >= 1\. Received: T_0=5\.0 \(float\)"),
            ({"T_0": "5"}, TypeError, r"T_0 must be an int >= 1\. Received: T_0='5' \(str\)"),
            (
                {"T_mult": 0},
                ValueError,
                r"^CosineAnnealingWarmRestarts: T_mult must be an int >= 1\. Received: T_mult=0 \(int\)$",
            ),
            ({"T_mult": 1.5}, ValueError, r"T_mult must be an int >= 1\. Received: T_mult=1\.5 \(float\)"),
            ({"T_mult": 2.0}, ValueError, r"T_mult must be an int >= 1\. Received: T_mult=2\.0 \(float\)"),
            ({"T_mult": None}, TypeError, r"T_mult must be an int >= 1\. Received: T_mult=None"),
            ({"eta_min": -0.1}, ValueError, r"eta_min must be a finite number >= 0\.0\. Received: eta_min=-0\.1"),
            ({"eta_min": "0"}, TypeError, r"eta_min must be a finite number >= 0\.0\. Received: eta_min='0' \(str\)"),
        ],
        fractional_epochs=True,
    ),
    Case(
        "LambdaLR",
        {},
        [
            (
                {"lr_lambda": 0.5},
                TypeError,
                r"^LambdaLR: lr_lambda must be a function or a list of 2 functions, one per param group\. Received: lr_lambda=0\.5 \(float\)$",
            ),
            (
                {"lr_lambda": [_decay_0_9]},
                ValueError,
                r"^LambdaLR: lr_lambda must be a function or a list of 2 functions, one per param group\. Received: lr_lambda=\[<function _decay_0_9",
            ),
            (
                {"lr_lambda": [_decay_0_9, "x"]},
                TypeError,
                r"lr_lambda must be a function or a list of 2 functions.*Received: lr_lambda=\[<function",
            ),
            (
                {"lr_lambda": None},
                TypeError,
                r"lr_lambda must be a function or a list of 2 functions.*Received: lr_lambda=None \(NoneType\)",
            ),
            (
                {"lr_lambda": lambda epoch: float("nan")},
                ValueError,
                r"^LambdaLR: lr_lambda must return a finite number >= 0\.0\. Received: output=nan \(float\) at epoch=0$",
            ),
            (
                {"lr_lambda": lambda epoch: -1.0},
                ValueError,
                r"lr_lambda must return a finite number >= 0\.0\. Received: output=-1\.0 \(float\) at epoch=0",
            ),
            (
                {"lr_lambda": lambda epoch: "1"},
                TypeError,
                r"lr_lambda must return a finite number >= 0\.0\. Received: output='1' \(str\) at epoch=0",
            ),
        ],
        functions={"lr_lambda": _decay_0_9},
    ),
    Case(
        "MultiplicativeLR",
        {},
        [
            (
                {"lr_lambda": 0.5},
                TypeError,
                r"^MultiplicativeLR: lr_lambda must be a function or a list of 2 functions, one per param group\. Received: lr_lambda=0\.5 \(float\)$",
            ),
            (
                {"lr_lambda": [_shrink] * 4},
                ValueError,
                r"^MultiplicativeLR: lr_lambda must be a function or a list of 2 functions.*Received: lr_lambda=\[<function _shrink",
            ),
            (
                {"lr_lambda": []},
                ValueError,
                r"lr_lambda must be a function or a list of 2 functions.*Received: lr_lambda=\[\] \(list\)",
            ),
            (
                {"lr_lambda": "f"},
                TypeError,
                r"lr_lambda must be a function or a list of 2 functions.*Received: lr_lambda='f' \(str\)",
            ),
        ],
        functions={"lr_lambda": _shrink},
    ),
]

_NUMBER = r"a finite number >= 0 \(a float or a one-element tensor\)"
_NO_MOMENTUM = r"optimizer must be an optimizer with 'momentum' or 'betas' \(its defaults or every param group\) when cycle_momentum=True\. Received: optimizer=<"

CASES += [
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
            (
                {"base_lr": -0.1},
                ValueError,
                rf"^CyclicLR: base_lr must be {_NUMBER}\. Received: base_lr=-0\.1 \(float\)$",
            ),
            ({"base_lr": float("nan")}, ValueError, rf"^CyclicLR: base_lr must be {_NUMBER}\. Received: base_lr=nan"),
            (
                {"base_lr": "0.1"},
                TypeError,
                rf"^CyclicLR: base_lr must be {_NUMBER}\. Received: base_lr='0\.1' \(str\)$",
            ),
            (
                {"base_lr": []},
                ValueError,
                r"^CyclicLR: base_lr must be a number or a non-empty list of numbers, one per param group\. Received: base_lr=\[\]",
            ),
            (
                {"base_lr": [0.1, 0.2, 0.3, 0.4]},
                ValueError,
                r"^CyclicLR: base_lr must be a number or a list of 2 values, one per param group\. Received: base_lr=\[0\.1, 0\.2, 0\.3, 0\.4\] \(list\)$",
            ),
            ({"max_lr": float("inf")}, ValueError, rf"^CyclicLR: max_lr must be {_NUMBER}\. Received: max_lr=inf"),
            (
                {"max_lr": None},
                TypeError,
                rf"^CyclicLR: max_lr must be {_NUMBER}\. Received: max_lr=None \(NoneType\)$",
            ),
            (
                {"max_lr": [0.5] * 4},
                ValueError,
                r"^CyclicLR: max_lr must be a number or a list of 2 values, one per param group\. Received: max_lr=\[0\.5, 0\.5, 0\.5, 0\.5\]",
            ),
            (
                {"step_size_up": 0},
                ValueError,
                r"^CyclicLR: step_size_up must be an int >= 1\. Received: step_size_up=0 \(int\)$",
            ),
            (
                {"step_size_up": 2.5},
                ValueError,
                r"^CyclicLR: step_size_up must be an int >= 1\. Received: step_size_up=2\.5 \(float\)$",
            ),
            (
                {"step_size_up": "4"},
                TypeError,
                r"^CyclicLR: step_size_up must be an int >= 1\. Received: step_size_up='4' \(str\)$",
            ),
            (
                {"step_size_down": 0},
                ValueError,
                r"^CyclicLR: step_size_down must be an int >= 1\. Received: step_size_down=0 \(int\)$",
            ),
            (
                {"step_size_down": -3},
                ValueError,
                r"^CyclicLR: step_size_down must be an int >= 1\. Received: step_size_down=-3 \(int\)$",
            ),
            (
                {"mode": "triangle"},
                ValueError,
                r"^CyclicLR: mode must be one of 'triangular', 'triangular2', 'exp_range'\. Received: mode='triangle' \(str\)$",
            ),
            (
                {"gamma": 0.0},
                ValueError,
                r"^CyclicLR: gamma must be a finite number > 0\.0\. Received: gamma=0\.0 \(float\)$",
            ),
            (
                {"gamma": -0.5},
                ValueError,
                r"^CyclicLR: gamma must be a finite number > 0\.0\. Received: gamma=-0\.5 \(float\)$",
            ),
            (
                {"gamma": float("nan")},
                ValueError,
                r"^CyclicLR: gamma must be a finite number > 0\.0\. Received: gamma=nan \(float\)$",
            ),
            (
                {"scale_fn": 3},
                TypeError,
                r"^CyclicLR: scale_fn must be a function of one number, or None\. Received: scale_fn=3 \(int\)$",
            ),
            (
                {"scale_mode": "epochs"},
                ValueError,
                r"^CyclicLR: scale_mode must be one of 'cycle', 'iterations'\. Received: scale_mode='epochs' \(str\)$",
            ),
            (
                {"cycle_momentum": "yes"},
                TypeError,
                r"^CyclicLR: cycle_momentum must be a bool\. Received: cycle_momentum='yes' \(str\)$",
            ),
            (
                {"base_momentum": float("inf")},
                ValueError,
                rf"^CyclicLR: base_momentum must be {_NUMBER}\. Received: base_momentum=inf \(float\)$",
            ),
            (
                {"max_momentum": -0.1},
                ValueError,
                rf"^CyclicLR: max_momentum must be {_NUMBER}\. Received: max_momentum=-0\.1 \(float\)$",
            ),
            ({"cycle_momentum": True}, ValueError, rf"^CyclicLR: {_NO_MOMENTUM}"),
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
            (
                {"total_steps": 0},
                ValueError,
                r"^OneCycleLR: total_steps must be an int >= 1\. Received: total_steps=0 \(int\)$",
            ),
            (
                {"total_steps": -5},
                ValueError,
                r"^OneCycleLR: total_steps must be an int >= 1\. Received: total_steps=-5 \(int\)$",
            ),
            (
                {"total_steps": "10"},
                TypeError,
                r"^OneCycleLR: total_steps must be an int >= 1\. Received: total_steps='10' \(str\)$",
            ),
            (
                {"total_steps": None},
                ValueError,
                r"^OneCycleLR: epochs must be an int >= 1 when total_steps is None \(pass total_steps, or epochs and steps_per_epoch\)\. Received: epochs=None \(NoneType\)$",
            ),
            (
                {"total_steps": None, "epochs": 3},
                ValueError,
                r"^OneCycleLR: steps_per_epoch must be an int >= 1 when total_steps is None .*Received: steps_per_epoch=None \(NoneType\)$",
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
            (
                {"pct_start": 0.0},
                ValueError,
                r"^OneCycleLR: pct_start must be a finite number in \(0\.0, 1\.0\)\. Received: pct_start=0\.0 \(float\)$",
            ),
            (
                {"pct_start": 1.0},
                ValueError,
                r"^OneCycleLR: pct_start must be a finite number in \(0\.0, 1\.0\)\. Received: pct_start=1\.0 \(float\)$",
            ),
            (
                {"pct_start": float("nan")},
                ValueError,
                r"^OneCycleLR: pct_start must be a finite number in \(0\.0, 1\.0\)\. Received: pct_start=nan",
            ),
            (
                {"pct_start": "0.3"},
                TypeError,
                r"^OneCycleLR: pct_start must be a finite number in \(0\.0, 1\.0\)\. Received: pct_start='0\.3' \(str\)$",
            ),
            (
                {"anneal_strategy": "cosine"},
                ValueError,
                r"^OneCycleLR: anneal_strategy must be one of 'cos', 'linear'\. Received: anneal_strategy='cosine' \(str\)$",
            ),
            (
                {"div_factor": 0.0},
                ValueError,
                r"^OneCycleLR: div_factor must be a finite number > 0\.0\. Received: div_factor=0\.0 \(float\)$",
            ),
            (
                {"div_factor": -25.0},
                ValueError,
                r"^OneCycleLR: div_factor must be a finite number > 0\.0\. Received: div_factor=-25\.0 \(float\)$",
            ),
            (
                {"final_div_factor": 0},
                ValueError,
                r"^OneCycleLR: final_div_factor must be a finite number > 0\.0\. Received: final_div_factor=0 \(int\)$",
            ),
            (
                {"final_div_factor": float("inf")},
                ValueError,
                r"^OneCycleLR: final_div_factor must be a finite number > 0\.0\. Received: final_div_factor=inf",
            ),
            (
                {"max_lr": [0.1, 0.2, 0.3, 0.4]},
                ValueError,
                r"^OneCycleLR: max_lr must be a number or a list of 2 values, one per param group\. Received: max_lr=\[0\.1, 0\.2, 0\.3, 0\.4\] \(list\)$",
            ),
            (
                {"max_lr": -1.0},
                ValueError,
                rf"^OneCycleLR: max_lr must be {_NUMBER}\. Received: max_lr=-1\.0 \(float\)$",
            ),
            (
                {"three_phase": 1},
                TypeError,
                r"^OneCycleLR: three_phase must be a bool\. Received: three_phase=1 \(int\)$",
            ),
            (
                {"base_momentum": -2.0},
                ValueError,
                rf"^OneCycleLR: base_momentum must be {_NUMBER}\. Received: base_momentum=-2\.0 \(float\)$",
            ),
            ({"cycle_momentum": True}, ValueError, rf"^OneCycleLR: {_NO_MOMENTUM}"),
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
]

CASES += [
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
            (
                {"mode": "down"},
                ValueError,
                r"^ReduceLROnPlateau: mode must be 'min' or 'max'\. Received: mode='down' \(str\)$",
            ),
            ({"mode": 1}, TypeError, r"^ReduceLROnPlateau: mode must be 'min' or 'max'\. Received: mode=1 \(int\)$"),
            (
                {"threshold_mode": "relative"},
                ValueError,
                r"^ReduceLROnPlateau: threshold_mode must be 'rel' or 'abs'\. Received: threshold_mode='relative' \(str\)$",
            ),
            (
                {"factor": 1.0},
                ValueError,
                r"^ReduceLROnPlateau: factor must be a finite number in \[0\.0, 1\.0\)\. Received: factor=1\.0 \(float\)$",
            ),
            (
                {"factor": -0.5},
                ValueError,
                r"factor must be a finite number in \[0\.0, 1\.0\)\. Received: factor=-0\.5 \(float\)$",
            ),
            (
                {"factor": "0.1"},
                TypeError,
                r"factor must be a finite number in \[0\.0, 1\.0\)\. Received: factor='0\.1' \(str\)$",
            ),
            (
                {"patience": -1},
                ValueError,
                r"^ReduceLROnPlateau: patience must be an int >= 0\. Received: patience=-1 \(int\)$",
            ),
            ({"patience": 1.5}, ValueError, r"patience must be an int >= 0\. Received: patience=1\.5 \(float\)$"),
            (
                {"cooldown": -2},
                ValueError,
                r"^ReduceLROnPlateau: cooldown must be an int >= 0\. Received: cooldown=-2 \(int\)$",
            ),
            ({"cooldown": "1"}, TypeError, r"cooldown must be an int >= 0\. Received: cooldown='1' \(str\)$"),
            (
                {"threshold": -1e-4},
                ValueError,
                r"^ReduceLROnPlateau: threshold must be a finite number >= 0\.0\. Received: threshold=-0\.0001",
            ),
            (
                {"threshold": float("nan")},
                ValueError,
                r"threshold must be a finite number >= 0\.0\. Received: threshold=nan",
            ),
            (
                {"eps": -1e-8},
                ValueError,
                r"^ReduceLROnPlateau: eps must be a finite number >= 0\.0\. Received: eps=-1e-08 \(float\)$",
            ),
            ({"eps": None}, TypeError, r"eps must be a finite number >= 0\.0\. Received: eps=None \(NoneType\)$"),
            (
                {"min_lr": -0.1},
                ValueError,
                r"^ReduceLROnPlateau: min_lr must be a finite number >= 0\.0\. Received: min_lr=-0\.1",
            ),
            (
                {"min_lr": "0"},
                TypeError,
                r"^ReduceLROnPlateau: min_lr must be a finite number >= 0, or a list of them \(one per param group\)\. Received: min_lr='0' \(str\)$",
            ),
            (
                {"min_lr": [0.1, 0.2, 0.3, 0.4]},
                ValueError,
                r"^ReduceLROnPlateau: min_lr must be a number, or a list of [23] values \(one per param group\)\. "
                r"Received: min_lr=\[0\.1, 0\.2, 0\.3, 0\.4\] \(list\)$",
            ),
            (
                {"min_lr": [0.1, -1.0]},
                ValueError,
                r"^ReduceLROnPlateau: min_lr must be a finite number >= 0, or a list of them \(one per param group\)\. "
                r"Received: min_lr=\[0\.1, -1\.0\] \(list\)$",
            ),
        ],
        lacks=frozenset({"schedule", "last_epoch", "step_epoch"}),
        step_args=(1.0,),
    ),
    Case(
        "SequentialLR",
        {"milestones": [3]},
        [
            (
                {"milestones": []},
                ValueError,
                r"^SequentialLR: milestones must be a strictly increasing list of 1 ints >= 1 \(len\(schedulers\) - 1, "
                r"one per switch\)\. Received: milestones=\[\] \(list\)$",
            ),
            (
                {"milestones": [3, 5]},
                ValueError,
                r"^SequentialLR: milestones must be a strictly increasing list of 1 ints",
            ),
            ({"milestones": [0]}, ValueError, r"milestones must be .*Received: milestones=\[0\] \(list\)$"),
            ({"milestones": [-2]}, ValueError, r"milestones must be .*Received: milestones=\[-2\] \(list\)$"),
            ({"milestones": [2.5]}, ValueError, r"milestones must be .*Received: milestones=\[2\.5\] \(list\)$"),
            ({"milestones": ["3"]}, TypeError, r"milestones must be .*Received: milestones=\['3'\] \(list\)$"),
            ({"milestones": 3}, TypeError, r"^SequentialLR: milestones must be .*Received: milestones=3 \(int\)$"),
        ],
        factory=_sequential,
        lacks=_NO_SCHEDULE,
    ),
    Case("ChainedScheduler", {}, [], factory=_chained, lacks=_NO_SCHEDULE | {"last_epoch"}),
]

BY_NAME = {case.name: case for case in CASES}

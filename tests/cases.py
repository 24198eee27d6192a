"""One entry per public scheduler class: how to build it, and its bad arguments with pinned messages.

The contract tests are parametrised over ``CASES``; a new class joins them by adding its entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Case:
    name: str
    config: dict[str, Any]
    #: (override of the config, exception type, message regex)
    bad: list[tuple[dict[str, Any], type[Exception], str]] = field(default_factory=list)
    #: Arguments that are functions (``lr_lambda``): passed at construction, never in the state's config.
    functions: dict[str, Any] = field(default_factory=dict)
    #: Whether ``step(epoch)`` takes a fractional epoch (CosineAnnealingWarmRestarts).
    fractional_epochs: bool = False


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

BY_NAME = {case.name: case for case in CASES}

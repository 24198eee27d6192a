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
]

BY_NAME = {case.name: case for case in CASES}

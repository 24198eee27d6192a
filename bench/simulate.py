"""Previewing a schedule: our ``simulate`` against stepping torch's scheduler, side by side.

Target (issue 10): ``simulate`` over 10^6 steps of OneCycleLR or warmup+cosine takes at most 1/30 of
torch's stepping time for the same schedule. Run::

    python bench/simulate.py [--steps 1000000] [--repeat 3]

For each schedule it times, in one process:

- torch: build the scheduler on an SGD optimizer and step it ``steps - 1`` times, reading the lr
  each step (what a preview loop does);
- ours, vectorised: ``simulate(spec, steps)`` (numpy), and ``exact=True`` (step by step, which
  ``paradox-lr table`` uses);
- ours, pure Python: the same with numpy hidden (the fallback), and ``Schedule.simulate``;

and prints each as a ratio of torch's time, against the 1/30 target. The values are checked first:
the vectorised ones within 2 ulp of the stepped ones, the stepped ones equal to each other, and ours
within 1e-9 relative of torch's.
"""

from __future__ import annotations

import argparse
import math
import sys
import warnings
from collections.abc import Callable
from typing import Any

from _common import best_time, table

TARGET = 1 / 30


def torch_stepper(kind: str, steps: int) -> Callable[[], list[float]]:
    import torch

    def run() -> list[float]:
        param = torch.nn.Parameter(torch.zeros(1))
        optimizer = torch.optim.SGD([param], lr=0.1, momentum=0.9)
        sched = torch.optim.lr_scheduler
        if kind == "OneCycleLR":
            scheduler: object = sched.OneCycleLR(optimizer, max_lr=0.1, total_steps=steps)
        else:
            warm = steps // 100
            scheduler = sched.SequentialLR(
                optimizer,
                [
                    sched.LinearLR(optimizer, start_factor=0.01, total_iters=warm),
                    sched.CosineAnnealingLR(optimizer, T_max=steps - warm),
                ],
                milestones=[warm],
            )
        group = optimizer.param_groups[0]
        values = [group["lr"]]
        step = scheduler.step  # type: ignore[attr-defined]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(steps - 1):
                step()
                values.append(group["lr"])
        return values

    return run


def spec_of(kind: str, steps: int) -> str:
    if kind == "OneCycleLR":
        return f"OneCycleLR(max_lr=0.1, total_steps={steps})"
    warm = steps // 100
    return (
        f"SequentialLR([LinearLR(start_factor=0.01, total_iters={warm}), "
        f"CosineAnnealingLR(T_max={steps - warm})], milestones=[{warm}])"
    )


def pure_of(kind: str, steps: int) -> Any:
    from paradox.scheduler import CosineAnnealing, LinearFactor, OneCycle, Sequential

    if kind == "OneCycleLR":
        return OneCycle(total_steps=steps)
    warm = steps // 100
    return Sequential([LinearFactor(start_factor=0.01, total_iters=warm), CosineAnnealing(T_max=steps - warm)], [warm])


class NoNumpy:
    """Hides numpy from the library's lazy import (the fallback path), restored on exit."""

    def __enter__(self) -> None:
        from paradox.scheduler import schedule

        self._saved = schedule.load_numpy
        schedule.load_numpy = lambda values: None

    def __exit__(self, *exc: object) -> None:
        from paradox.scheduler import schedule

        schedule.load_numpy = self._saved


def measure(kind: str, steps: int, repeat: int) -> tuple[list[list[str]], float]:
    """The rows for one schedule, and its vectorised simulate's ratio to torch."""
    from paradox.scheduler import simulate

    spec = spec_of(kind, steps)
    pure: Any = pure_of(kind, steps)
    reference = torch_stepper(kind, steps)()
    fast = simulate(spec, steps).lr[0]
    exact = simulate(spec, steps, exact=True).lr[0]
    with NoNumpy():
        slow = simulate(spec, min(steps, 20_000)).lr[0]
    assert slow == exact[: len(slow)], "our stepped paths disagree"
    assert all(abs(a - b) <= 2 * math.ulp(b) for a, b in zip(fast, exact)), "vectorised beyond 2 ulp of stepping"
    bad = max(abs(a - b) / max(abs(b), 1e-300) for a, b in zip(fast, reference))
    assert bad <= 1e-9, f"{kind}: ours vs torch differ by {bad:.3g} relative"
    torch_time = best_time(torch_stepper(kind, steps), number=1, repeat=repeat)
    measured = {
        "simulate (numpy)": best_time(lambda: simulate(spec, steps), number=1, repeat=repeat),
        "simulate (numpy, exact=True)": best_time(lambda: simulate(spec, steps, exact=True), number=1, repeat=repeat),
        "Schedule.simulate (numpy)": best_time(lambda: pure.simulate(steps, 0.1), number=1, repeat=repeat),
    }
    with NoNumpy():
        measured["simulate (pure Python: stepping)"] = best_time(lambda: simulate(spec, steps), number=1, repeat=1)
        measured["Schedule.simulate (pure Python)"] = best_time(lambda: pure.simulate(steps, 0.1), number=1, repeat=1)
    rows = [[kind, "torch stepping", f"{torch_time * 1000:.0f} ms", "1", ""]]
    for name, seconds in measured.items():
        ratio = seconds / torch_time
        verdict = ("meets" if ratio <= TARGET else "misses") if name == "simulate (numpy)" else ""
        shown = f"1/{1 / ratio:.0f}" if ratio < 1 else f"{ratio:.1f}"
        rows.append([kind, name, f"{seconds * 1000:.0f} ms", shown, verdict])
    return rows, measured["simulate (numpy)"] / torch_time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import numpy  # noqa: F401 - imported up front so no timing below includes its import

    rows: list[list[str]] = []
    worst = 0.0
    for kind in ("OneCycleLR", "warmup+cosine SequentialLR"):
        more, ratio = measure(kind, args.steps, args.repeat)
        rows += more
        worst = max(worst, ratio)
    print(f"simulate over {args.steps:,} steps, against torch stepping the same schedule (target: <= 1/30)\n")
    print(table(["schedule", "path", "time", "x torch", "target"], rows))
    verdict = "met" if worst <= TARGET else "MISSED"
    print(f"\nworst vectorised simulate / torch: 1/{1 / worst:.0f} (target 1/30): {verdict}")
    return 0 if worst <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())

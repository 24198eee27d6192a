"""Cost of one scheduler ``step()``: ours against torch's and against the floor, per class and size.

The floor is a bare Python loop that evaluates one cosine and writes one float into each group's
dict (two writes for OneCycleLR, which also cycles momentum); every group has lr 0.1, as in the
issue's table. Rows marked "one lr per group" give each group its own lr (layer-wise decay) and
compare with a floor that multiplies each group's base by the cosine. The ParamScheduler rows
schedule lr and weight decay (the floor writes both; torch's lr-only cosine is the nearest torch has). Run::

    python bench/step_overhead.py            # 1, 10, 100, 1000 groups
    python bench/step_overhead.py --quick    # fewer repeats

Prints µs per step and the ratios ours/torch and ours/floor, with the targets of issue 10:
at >= 10 groups ours <= 0.25x torch and <= 2.5x the floor; at 1 group ours <= 0.5x torch.
"""

from __future__ import annotations

import argparse
import math
import sys
import warnings
from collections.abc import Callable
from typing import Any

import paradox.scheduler as ours
from _common import best_time, table

try:
    import torch
    from torch.optim import lr_scheduler as theirs
except ImportError:  # pragma: no cover - the benchmark compares against torch
    raise SystemExit("bench/step_overhead.py needs torch: pip install -e '.[test]'") from None

BIG = 10_000_000  # long schedules, so that stepping thousands of times stays inside them


def group_lrs(groups: int, *, distinct: bool = False) -> list[float]:
    """0.1 for every group (the floor's case), or a distinct lr per group (layer-wise decay)."""
    return [0.1 * 0.95**index for index in range(groups)] if distinct else [0.1] * groups


def torch_optimizer(groups: int, *, tensor: bool = False, distinct: bool = False) -> Any:
    params = []
    for lr in group_lrs(groups, distinct=distinct):
        value = torch.tensor(lr, dtype=torch.float64) if tensor else lr
        params.append({"params": [torch.nn.Parameter(torch.zeros(1))], "lr": value})
    return torch.optim.SGD(params, lr=0.1, momentum=0.9)


def build(module: Any, name: str, optimizer: Any) -> Any:
    if name == "StepLR":
        return module.StepLR(optimizer, step_size=30, gamma=0.5)
    if name == "CosineAnnealingLR":
        return module.CosineAnnealingLR(optimizer, T_max=BIG, eta_min=1e-5)
    if name == "OneCycleLR":
        return module.OneCycleLR(optimizer, max_lr=0.1, total_steps=BIG)
    if name == "ParamScheduler":  # lr and weight decay; torch has no equivalent: its lr-only cosine stands in
        if module is theirs:
            return module.CosineAnnealingLR(optimizer, T_max=BIG)
        cosine, rising = module.CosineAnnealing(T_max=BIG), module.CosineAnnealing(T_max=BIG, eta_min=0.1)
        return module.ParamScheduler(optimizer, {"lr": cosine, "weight_decay": rising})
    if name == "SequentialLR":
        warmup = module.LinearLR(optimizer, start_factor=0.01, total_iters=5)
        cosine = module.CosineAnnealingLR(optimizer, T_max=BIG)
        return module.SequentialLR(optimizer, [warmup, cosine], milestones=[5])
    raise ValueError(name)


def distinct_floor_step(groups: list[dict[str, Any]]) -> Callable[[], None]:
    """The floor with one lr per group: one cosine, then one product and one write per group."""
    bases = [group["lr"] for group in groups]
    state = {"t": 0}

    def step() -> None:
        state["t"] += 1
        value = 0.5 * (1.0 + math.cos(math.pi * state["t"] / BIG))
        for group, base in zip(groups, bases):
            group["lr"] = base * value

    return step


def floor_step(groups: list[dict[str, Any]], writes: int) -> Callable[[], None]:
    state = {"t": 0}

    if writes == 1:

        def step() -> None:
            state["t"] += 1
            value = 0.05 * (1.0 + math.cos(math.pi * state["t"] / BIG))
            for group in groups:
                group["lr"] = value

    else:

        def step() -> None:
            state["t"] += 1
            value = 0.05 * (1.0 + math.cos(math.pi * state["t"] / BIG))
            for group in groups:
                group["lr"] = value
                group["momentum"] = value

    return step


def tensor_floor_step(groups: list[dict[str, Any]]) -> Callable[[], None]:
    def step() -> None:
        for group in groups:
            group["lr"].fill_(0.05)

    return step


def measure(name: str, groups: int, repeat: int, *, tensor: bool = False, distinct: bool = False) -> dict[str, float]:
    number = max(50, 20_000 // groups)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = build(theirs, name, torch_optimizer(groups, tensor=tensor, distinct=distinct))
        scheduler = build(ours, name, torch_optimizer(groups, tensor=tensor, distinct=distinct))
        # warm up past the first milestones, so that steady-state steps are timed
        for _ in range(10):
            reference.step()
            scheduler.step()
        if tensor:
            floor = tensor_floor_step(torch_optimizer(groups, tensor=True).param_groups)
        elif distinct:
            floor = distinct_floor_step([{"lr": lr} for lr in group_lrs(groups, distinct=True)])
        else:
            two = name in ("OneCycleLR", "ParamScheduler")  # momentum, or weight decay, as well as the lr
            floor = floor_step([{"lr": 0.1, "momentum": 0.9} for _ in range(groups)], 2 if two else 1)
        times: dict[str, list[float]] = {"torch": [], "ours": [], "floor": []}
        for _ in range(repeat):  # interleaved, so that noise hits all three alike
            times["floor"].append(best_time(floor, number=number, repeat=1))
            times["torch"].append(best_time(reference.step, number=number, repeat=1))
            times["ours"].append(best_time(scheduler.step, number=number, repeat=1))
    return {key: min(values) * 1e6 for key, values in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (noisier)")
    parser.add_argument("--groups", type=int, nargs="*", default=[1, 10, 100, 1000])
    args = parser.parse_args()
    repeat = 5 if args.quick else 15
    names = [name for name in ("StepLR", "CosineAnnealingLR", "OneCycleLR", "SequentialLR") if hasattr(ours, name)]
    rows, misses, targets = [], 0, 0
    for groups in args.groups:
        for name in names:
            result = measure(name, groups, repeat)
            vs_torch = result["ours"] / result["torch"]
            vs_floor = result["ours"] / result["floor"]
            target_torch = 0.5 if groups == 1 else 0.25
            ok = vs_torch <= target_torch and (groups == 1 or vs_floor <= 2.5)
            misses += not ok
            targets += 1
            rows.append(
                [
                    name,
                    str(groups),
                    f"{result['floor']:.2f}",
                    f"{result['torch']:.2f}",
                    f"{result['ours']:.2f}",
                    f"{vs_torch:.2f}x",
                    f"{vs_floor:.2f}x",
                    "yes" if ok else "NO",
                ]
            )
        print(f"... {groups} groups done", file=sys.stderr)
    for groups in (100, 1000):
        for name in ("StepLR", "CosineAnnealingLR"):
            result = measure(name, groups, repeat, distinct=True)
            rows.append(
                [
                    f"{name}, one lr per group",
                    str(groups),
                    f"{result['floor']:.2f} (per group)",
                    f"{result['torch']:.2f}",
                    f"{result['ours']:.2f}",
                    f"{result['ours'] / result['torch']:.2f}x",
                    f"{result['ours'] / result['floor']:.2f}x",
                    "-",
                ]
            )
    for groups in (10, 100):  # issue 14: two keys; the floor writes two, torch's cosine writes the lr alone
        result = measure("ParamScheduler", groups, repeat)
        rows.append(
            [
                "ParamScheduler, lr + weight_decay",
                str(groups),
                f"{result['floor']:.2f} (2 keys)",
                f"{result['torch']:.2f} (lr only)",
                f"{result['ours']:.2f}",
                f"{result['ours'] / result['torch']:.2f}x",
                f"{result['ours'] / result['floor']:.2f}x",
                "-",
            ]
        )
    for groups in (100,):
        result = measure("StepLR", groups, repeat, tensor=True)
        rows.append(
            [
                "StepLR, tensor lrs",
                str(groups),
                f"{result['floor']:.2f} (fill_)",
                f"{result['torch']:.2f}",
                f"{result['ours']:.2f}",
                f"{result['ours'] / result['torch']:.2f}x",
                f"{result['ours'] / result['floor']:.2f}x",
                "-",
            ]
        )
    headers = ["class", "groups", "floor µs", "torch µs", "ours µs", "ours/torch", "ours/floor", "target met"]
    print(table(headers, rows))
    print(f"\n{misses} of {targets} targets missed (machine: {sys.platform}, python {sys.version.split()[0]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

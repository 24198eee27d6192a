"""Megatron-LM's parameter scheduler (issue 14) built from our schedules on one ParamScheduler.

``tests/golden/megatron.json`` holds Megatron's lr and weight decay per step for seeded random
configs, computed by ``tests/golden/megatron.py`` from the published formulas of
``OptimizerParamScheduler.get_lr``/``get_wd`` (megatron/core/optimizer_param_scheduler.py).
"""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path
from typing import Any

import pytest
import torch

from paradox.scheduler import (
    InverseSqrt,
    ParamScheduler,
    PiecewiseLinear,
    Schedule,
    Sequential,
    Warmup,
    WarmupStableDecay,
)

TABLES = Path(__file__).resolve().parent / "golden" / "megatron.json"


@functools.cache
def megatron_tables() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(TABLES.read_text(encoding="utf-8"))
    return rows


def style_of(row: dict[str, Any]) -> tuple[str, str]:
    return row["config"]["lr_decay_style"], row["config"].get("lr_wsd_decay_style", "")


def megatron_lr(config: dict[str, Any]) -> Schedule:
    """Megatron's lr on a base of ``max_lr``: a linear warmup from ``init_lr`` over
    ``lr_warmup_steps`` (the peak at its last step), then the decay to ``min_lr`` at
    ``lr_decay_steps`` (a WSD's stable phase, then its anneal over ``wsd_decay_steps``), then
    ``min_lr``; the inverse square root is held at ``min_lr`` from where it falls below it."""
    warmup, decay, peak = config["lr_warmup_steps"], config["lr_decay_steps"], config["max_lr"]
    floor, start = config["min_lr"] / peak, config["init_lr"] / peak
    anneal = config.get("lr_wsd_decay_style")
    if anneal in ("minus_sqrt", "exponential"):  # the WSD paper's 1 - sqrt cooldown, or Megatron's own
        return WarmupStableDecay(
            num_warmup_steps=warmup,
            num_stable_steps=decay - config["wsd_decay_steps"] - warmup,
            num_decay_steps=config["wsd_decay_steps"],
            decay_type="1-sqrt" if anneal == "minus_sqrt" else megatron_exponential,
            min_lr_ratio=floor,
            warmup_start_ratio=start,
        )
    if anneal is not None:  # WSD with a linear or cosine anneal: flat, then the anneal
        stable = decay - config["wsd_decay_steps"] - warmup
        points = [(0, 1.0), (stable, 1.0)] if stable else [(0, 1.0)]
        return Warmup(
            PiecewiseLinear([*points, (decay - warmup, floor)], shape=anneal), steps=warmup, start_factor=start
        )
    shape = config["lr_decay_style"]
    if shape == "inverse-square-root":  # fairseq's form (sqrt(max(W, 1) / t)), then held at min_lr
        length = max(warmup, 1)  # without warmup, Megatron's sqrt(max(t, 1)): a one-step "ramp" at the peak
        rsqrt = InverseSqrt(warmup_steps=length, timescale=length, start_factor=start if warmup else 1.0)
        below = next((t for t in range(length + 1, decay + 1) if rsqrt(t) < floor), decay + 1)
        return Sequential([rsqrt, PiecewiseLinear([(0, floor)])], [below])  # clamped at the floor from there
    return Warmup(PiecewiseLinear([(0, 1.0), (decay - warmup, floor)], shape=shape), steps=warmup, start_factor=start)


def megatron_exponential(progress: float) -> float:
    """Megatron's WSD "exponential" anneal, the fraction of ``max_lr - min_lr`` left: ``2 * 0.5**q - 1``
    (1 at the start, 0 at the end; not the geometric "exponential" of WarmupStableDecay)."""
    return 2.0 * math.pow(0.5, progress) - 1.0


def megatron_wd(config: dict[str, Any]) -> Schedule:
    """Megatron's weight decay on a base of ``start_wd``: to ``end_wd`` over ``wd_incr_steps``."""
    shape = "linear" if config["wd_incr_style"] == "constant" else config["wd_incr_style"]
    return PiecewiseLinear([(0, 1.0), (config["wd_incr_steps"], config["end_wd"] / config["start_wd"])], shape=shape)


#: Every style of Megatron's.
EXPRESSED = [
    ("inverse-square-root", ""),
    ("WSD", "cosine"),
    ("WSD", "exponential"),
    ("WSD", "linear"),
    ("WSD", "minus_sqrt"),
    ("cosine", ""),
    ("linear", ""),
]


def test_the_tables_cover_every_style_with_50_configs() -> None:
    styles = [style_of(row) for row in megatron_tables()]
    assert {style: styles.count(style) for style in set(styles)} == {style: 50 for style in EXPRESSED}
    assert {row["config"]["wd_incr_style"] for row in megatron_tables()} == {"constant", "linear", "cosine"}


@pytest.mark.parametrize("style", EXPRESSED, ids=str)
def test_one_param_scheduler_gives_megatrons_lr_and_weight_decay(style: tuple[str, str]) -> None:
    rows = [row for row in megatron_tables() if style_of(row) == style]
    for row in rows:
        config = row["config"]
        param = torch.nn.Parameter(torch.zeros(2))
        optimizer = torch.optim.AdamW([{"params": [param], "lr": config["max_lr"], "weight_decay": config["start_wd"]}])
        scheduler = ParamScheduler(optimizer, {"lr": megatron_lr(config), "weight_decay": megatron_wd(config)})
        group = optimizer.param_groups[0]
        for step, (lr, wd) in enumerate(zip(row["lr"], row["wd"])):
            assert math.isclose(group["lr"], lr, rel_tol=1e-12, abs_tol=1e-300), (config, step, group["lr"], lr)
            assert math.isclose(group["weight_decay"], wd, rel_tol=1e-12), (config, step, group["weight_decay"], wd)
            optimizer.step()
            scheduler.step()

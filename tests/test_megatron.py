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

from paradox.scheduler import ParamScheduler, PiecewiseLinear, Schedule, Warmup, WarmupStableDecay

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
    ``lr_decay_steps`` (a WSD's stable phase, then its anneal over ``wsd_decay_steps``), then ``min_lr``."""
    warmup, decay, peak = config["lr_warmup_steps"], config["lr_decay_steps"], config["max_lr"]
    floor, start = config["min_lr"] / peak, config["init_lr"] / peak
    anneal = config.get("lr_wsd_decay_style")
    if anneal == "minus_sqrt":  # the WSD paper's 1 - sqrt cooldown
        return WarmupStableDecay(
            num_warmup_steps=warmup,
            num_stable_steps=decay - config["wsd_decay_steps"] - warmup,
            num_decay_steps=config["wsd_decay_steps"],
            decay_type="1-sqrt",
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
    return Warmup(PiecewiseLinear([(0, 1.0), (decay - warmup, floor)], shape=shape), steps=warmup, start_factor=start)


def megatron_wd(config: dict[str, Any]) -> Schedule:
    """Megatron's weight decay on a base of ``start_wd``: to ``end_wd`` over ``wd_incr_steps``."""
    shape = "linear" if config["wd_incr_style"] == "constant" else config["wd_incr_style"]
    return PiecewiseLinear([(0, 1.0), (config["wd_incr_steps"], config["end_wd"] / config["start_wd"])], shape=shape)


#: The styles our schedules express. Not expressed: "inverse-square-root" (Megatron clamps it at
#: min_lr, cuts to min_lr after lr_decay_steps, and takes sqrt(max(t, 1)) without warmup: a
#: Sequential of an InverseSqrt and a constant would need the crossing step computed outside), and
#: WSD "exponential" (Megatron's 2 * 0.5**q - 1 reaches min_lr; our exponential cooldown is geometric).
EXPRESSED = [("WSD", "cosine"), ("WSD", "linear"), ("WSD", "minus_sqrt"), ("cosine", ""), ("linear", "")]


def test_the_tables_cover_every_style_with_50_configs() -> None:
    styles = [style_of(row) for row in megatron_tables()]
    assert {style: styles.count(style) for style in set(styles)} == {
        style: 50 for style in [*EXPRESSED, ("WSD", "exponential"), ("inverse-square-root", "")]
    }
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

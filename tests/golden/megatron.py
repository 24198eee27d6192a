"""Golden values of Megatron-LM's parameter scheduler, from its published formulas.

Run ``python tests/golden/megatron.py`` to rewrite ``tests/golden/megatron.json``. The formulas are
those of ``OptimizerParamScheduler.get_lr`` and ``get_wd`` in Megatron-LM's
``megatron/core/optimizer_param_scheduler.py``, written out here (no Megatron install needed):

lr at step ``t`` (``W`` warmup steps, ``D`` decay steps):
    ``t <= W`` (and ``W > 0``): ``init_lr + (max_lr - init_lr) * t / W``
    ``t > D``: ``min_lr``
    inverse-square-root: ``max(min_lr, max_lr * sqrt(max(W, 1)) / sqrt(max(t, 1)))``
    otherwise ``r = (t - W) / (D - W)`` and ``min_lr + c * (max_lr - min_lr)`` with
    ``c = 1 - r`` (linear), ``(cos(pi r) + 1) / 2`` (cosine), and for WSD with ``S`` anneal steps,
    ``c = 1`` up to ``D - S`` then, ``q = (t - (D - S)) / S``: ``1 - q`` (linear),
    ``(cos(pi q) + 1) / 2`` (cosine), ``2 * 0.5 ** q - 1`` (exponential), ``1 - sqrt(q)`` (minus_sqrt).
weight decay at step ``t`` (``I`` increment steps): ``end_wd`` for ``t > I``, else
    ``start_wd + c * (end_wd - start_wd)`` with ``r = t / I`` and ``c = r`` (linear),
    ``(cos(pi (1 - r)) + 1) / 2`` (cosine); ``constant`` has ``start_wd == end_wd``.
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path
from typing import Any

STYLES = ("linear", "cosine", "inverse-square-root", "WSD")
WSD_STYLES = ("linear", "cosine", "exponential", "minus_sqrt")
WD_STYLES = ("constant", "linear", "cosine")
CONFIGS = 50  # per lr style (WSD: per anneal style)


def megatron_lr(config: dict[str, Any], t: int) -> float:
    warmup, decay = config["lr_warmup_steps"], config["lr_decay_steps"]
    max_lr, min_lr, init_lr = config["max_lr"], config["min_lr"], config["init_lr"]
    if warmup > 0 and t <= warmup:
        return init_lr + (max_lr - init_lr) * float(t) / float(warmup)
    if t > decay:
        return min_lr
    style = config["lr_decay_style"]
    if style == "inverse-square-root":
        lr = max_lr * max(warmup, 1) ** 0.5 / max(t, 1) ** 0.5
        return max(min_lr, lr)
    ratio = float(t - warmup) / float(decay - warmup)
    if style == "linear":
        coeff = 1.0 - ratio
    elif style == "cosine":
        coeff = 0.5 * (math.cos(math.pi * ratio) + 1.0)
    else:  # WSD
        anneal_start = decay - config["wsd_decay_steps"]
        if t <= anneal_start:
            coeff = 1.0
        else:
            q = float(t - anneal_start) / float(config["wsd_decay_steps"])
            anneal = config["lr_wsd_decay_style"]
            if anneal == "linear":
                coeff = 1.0 - q
            elif anneal == "cosine":
                coeff = 0.5 * (math.cos(math.pi * q) + 1.0)
            elif anneal == "exponential":
                coeff = 2.0 * math.pow(0.5, q) - 1.0
            else:  # minus_sqrt
                coeff = 1.0 - math.sqrt(q)
    return min_lr + coeff * (max_lr - min_lr)


def megatron_wd(config: dict[str, Any], t: int) -> float:
    steps, start, end = config["wd_incr_steps"], config["start_wd"], config["end_wd"]
    if t > steps:
        return end
    style = config["wd_incr_style"]
    if style == "constant":
        return end
    ratio = float(t) / float(steps)
    coeff = ratio if style == "linear" else 0.5 * (math.cos(math.pi * (1 - ratio)) + 1.0)
    return start + coeff * (end - start)


def random_config(rng: random.Random, style: str, anneal: str | None) -> dict[str, Any]:
    warmup = rng.choice([0, rng.randint(1, 20)])
    decay = warmup + rng.randint(1, 60)
    max_lr = 10 ** rng.uniform(-5, -1)
    wd_style = rng.choice(WD_STYLES)
    start_wd = rng.uniform(0.001, 0.1)
    config: dict[str, Any] = {
        "max_lr": max_lr,
        "min_lr": rng.choice([0.0, max_lr * rng.uniform(0.001, 0.5)]),
        "init_lr": rng.choice([0.0, max_lr * rng.uniform(0.0, 0.5)]),
        "lr_warmup_steps": warmup,
        "lr_decay_steps": decay,
        "lr_decay_style": style,
        "start_wd": start_wd,
        "end_wd": start_wd if wd_style == "constant" else rng.uniform(0.001, 0.3),
        "wd_incr_steps": rng.randint(1, 80),
        "wd_incr_style": wd_style,
    }
    if style == "WSD":
        config["lr_wsd_decay_style"] = anneal
        config["wsd_decay_steps"] = rng.randint(1, decay - warmup)
    return config


def tables() -> list[dict[str, Any]]:
    rng = random.Random(14)
    rows = []
    for style in STYLES:
        for anneal in WSD_STYLES if style == "WSD" else (None,):
            for _ in range(CONFIGS):
                config = random_config(rng, style, anneal)
                steps = config["lr_decay_steps"] + 20
                rows.append(
                    {
                        "config": config,
                        "lr": [megatron_lr(config, t) for t in range(steps)],
                        "wd": [megatron_wd(config, t) for t in range(steps)],
                    }
                )
    return rows


if __name__ == "__main__":
    path = Path(__file__).with_name("megatron.json")
    path.write_text(json.dumps(tables(), allow_nan=False) + "\n", encoding="utf-8")
    print(f"wrote {path}")

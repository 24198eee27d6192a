"""Write ``tests/golden/optax.json``: optax's schedule values over seeded random configs.

The tests (``tests/test_optax.py``) read the tables and need neither jax nor optax. To regenerate
them, in a separate environment (jax is large; never install it into the project's own venv)::

    python3.11 -m venv /tmp/optax-venv
    /tmp/optax-venv/bin/pip install optax jax        # CPU wheels; made with optax 0.2.8, jax 0.10.2
    /tmp/optax-venv/bin/python tests/golden/optax_tables.py

The JSON records the versions used. float64 is enabled (``jax_enable_x64``), so the tables hold
optax's float64 values, each written as Python's ``repr`` (the shortest string that reads back
as the same double, at most 17 significant digits). The same seed gives the same file.

Each table is a list of entries ``{"kwargs": ..., "steps": n, "values": [v_0, ..., v_{n-1}]}``:
the schedule's values at the steps ``0 .. n - 1``, the whole run and some steps past its end.
Some functions have variants (``"variant"``): the configs that need a feature beyond the usual
use (a cosine ``exponent``, per-cycle peaks in SGDR, an ``end_value`` clip), kept apart so that
the tests can say which our schedules express. Dicts keyed by step (``boundaries_and_scales``)
are stored as ``[[step, scale], ...]`` lists, in optax's sorted order.
"""

from __future__ import annotations

import json
import math
import random
import sys
from pathlib import Path
from typing import Any

SEED = 20261204
CONFIGS = 65  # per table: 52 of the usual use (the tests ask for >= 50), 13 of a variant where there is one
OUT = Path(__file__).with_name("optax.json")


def sig(value: float, digits: int = 4) -> float:
    """A config number rounded to ``digits`` significant digits (readable tables)."""
    return float(f"{value:.{digits - 1}e}")


def log_uniform(rng: random.Random, low: float, high: float) -> float:
    return sig(math.exp(rng.uniform(math.log(low), math.log(high))))


def length(rng: random.Random, low: int = 1, high: int = 300) -> int:
    """A run length, log-uniform in [low, high]: many short runs, some of a few hundred steps."""
    return round(math.exp(rng.uniform(math.log(low), math.log(high))))


def past(end: int) -> int:
    """The steps to tabulate for a run that ends at ``end``: the run and some steps past it."""
    return end + 5 + end // 10


def peak_and_start(rng: random.Random) -> tuple[float, float]:
    peak = log_uniform(rng, 1e-4, 10.0)
    choice = rng.random()
    init = 0.0 if choice < 0.35 else sig(peak * rng.uniform(0.0, 1.0))
    return peak, init


def end_of(rng: random.Random, peak: float) -> float:
    return 0.0 if rng.random() < 0.35 else sig(peak * log_uniform(rng, 1e-3, 0.5))


def exponent_of(rng: random.Random, variant: bool) -> float:
    return sig(rng.uniform(0.5, 4.0), 3) if variant else 1.0


# -- the configs, one generator per table -------------------------------------------------------


def warmup_cosine_decay(rng: random.Random, index: int) -> dict[str, Any]:
    variant = "exponent" if index % 5 == 4 else None
    peak, init = peak_and_start(rng)
    warmup = 0 if rng.random() < 0.15 else length(rng, 1, 100)
    decay = warmup + length(rng, 2 if variant else 1, 300)  # an exponent changes a cosine of >= 2 steps
    kwargs = {
        "init_value": init,
        "peak_value": peak,
        "warmup_steps": warmup,
        "decay_steps": decay,
        "end_value": end_of(rng, peak),
        "exponent": exponent_of(rng, variant is not None),
    }
    return {"variant": variant, "kwargs": kwargs, "steps": past(decay)}


def cosine_decay(rng: random.Random, index: int) -> dict[str, Any]:
    variant = "exponent" if index % 5 == 4 else None
    decay = length(rng, 2 if variant else 1, 300)
    alpha = 0.0 if rng.random() < 0.35 else sig(rng.uniform(0.0, 0.5))
    kwargs = {
        "init_value": log_uniform(rng, 1e-4, 10.0),
        "decay_steps": decay,
        "alpha": alpha,
        "exponent": exponent_of(rng, variant is not None),
    }
    return {"variant": variant, "kwargs": kwargs, "steps": past(decay)}


def sgdr(rng: random.Random, index: int) -> dict[str, Any]:
    """Cycles of warmup_cosine_decay; the usual use keeps one peak (``"peak_value"`` the same in
    every cycle); the variant ``"per_cycle_peaks"`` gives each cycle its own peak."""
    variant = "per_cycle_peaks" if index % 5 == 4 else None
    peak = log_uniform(rng, 1e-4, 10.0)
    cycles = []
    for _ in range(rng.randint(2, 5)):
        cycle_peak = log_uniform(rng, 1e-4, 10.0) if variant else peak
        warmup = 0 if rng.random() < 0.3 else length(rng, 1, 30)
        cycles.append(
            {
                "init_value": 0.0 if rng.random() < 0.4 else sig(cycle_peak * rng.uniform(0.0, 1.0)),
                "peak_value": cycle_peak,
                "warmup_steps": warmup,
                "decay_steps": warmup + length(rng, 1, 120),
                "end_value": end_of(rng, cycle_peak),
            }
        )
    total = sum(cycle["decay_steps"] for cycle in cycles)
    return {"variant": variant, "kwargs": {"cosine_kwargs": cycles}, "steps": past(total)}


def sgdr_geometric(rng: random.Random, index: int) -> dict[str, Any]:
    """SGDR as timm and torch's warm restarts know it: no warmup, each cycle ``cycle_mul`` times
    longer than the last (an int: optax's lengths are whole steps) and its peak ``cycle_decay``
    times lower, one ``end_value`` for all."""
    while True:
        first, mul, count = length(rng, 1, 80), rng.choice([1, 1, 2, 2, 3]), rng.randint(2, 5)
        if first * (mul**count - 1 if mul > 1 else count) // max(mul - 1, 1) <= 400:
            break
    peak = log_uniform(rng, 1e-4, 10.0)
    decay = 1.0 if rng.random() < 0.25 else sig(rng.uniform(0.3, 1.0), 3)
    end = 0.0 if rng.random() < 0.35 else sig(peak * decay ** (count - 1) * rng.uniform(0.001, 0.5))
    cycles = [
        {
            "init_value": sig(peak * decay**cycle, 17),
            "peak_value": sig(peak * decay**cycle, 17),
            "warmup_steps": 0,
            "decay_steps": first * mul**cycle,
            "end_value": end,
        }
        for cycle in range(count)
    ]
    total = sum(cycle["decay_steps"] for cycle in cycles)
    return {"variant": None, "kwargs": {"cosine_kwargs": cycles}, "steps": past(total)}


def scales_at(rng: random.Random, count: int, first: int, last: int, low: float, high: float) -> list[list[Any]]:
    boundaries = sorted(rng.sample(range(first, last + 1), count))
    scales = []
    for _ in boundaries:
        draw = rng.random()
        scales.append(0.0 if draw < 0.03 else 1.0 if draw < 0.08 else log_uniform(rng, low, high))
    return [[boundary, scale] for boundary, scale in zip(boundaries, scales)]


def piecewise_interpolate(kind: str) -> Any:
    def configs(rng: random.Random, index: int) -> dict[str, Any]:
        last = length(rng, 2, 300)
        first = 0 if index % 10 == 9 else 1  # a boundary at step 0: optax's first segment is then empty
        pairs = scales_at(rng, rng.randint(1, min(5, last)), first, last, 0.05, 3.0)
        kwargs = {"interpolate_type": kind, "init_value": log_uniform(rng, 1e-4, 10.0), "boundaries_and_scales": pairs}
        return {"variant": None, "kwargs": kwargs, "steps": past(pairs[-1][0])}

    return configs


def piecewise_constant(rng: random.Random, index: int) -> dict[str, Any]:
    last = length(rng, 2, 300)
    first = 0 if index % 10 == 9 else 1
    pairs = scales_at(rng, rng.randint(1, min(6, last)), first, last, 0.05, 2.0)
    kwargs = {"init_value": log_uniform(rng, 1e-4, 10.0), "boundaries_and_scales": pairs}
    return {"variant": None, "kwargs": kwargs, "steps": past(pairs[-1][0])}


def cosine_onecycle(rng: random.Random, index: int) -> dict[str, Any]:
    total = length(rng, 2, 300)
    kwargs = {
        "transition_steps": total,
        "peak_value": log_uniform(rng, 1e-4, 10.0),
        "pct_start": sig(rng.uniform(0.05, 0.95), 3),
        "div_factor": log_uniform(rng, 2.0, 100.0),
        "final_div_factor": log_uniform(rng, 10.0, 1e4),
    }
    return {"variant": None, "kwargs": kwargs, "steps": past(total)}


def linear_onecycle(rng: random.Random, index: int) -> dict[str, Any]:
    """pct_start < pct_final with the three boundaries distinct: optax builds a dict keyed by
    ``int(pct * transition_steps)``, and equal keys would drop a phase."""
    while True:
        total = length(rng, 4, 300)
        start, final = sorted(sig(rng.uniform(0.05, 0.98), 3) for _ in range(2))
        if 0 < int(start * total) < int(final * total) < total:
            break
    kwargs = {
        "transition_steps": total,
        "peak_value": log_uniform(rng, 1e-4, 10.0),
        "pct_start": start,
        "pct_final": final,
        "div_factor": log_uniform(rng, 2.0, 100.0),
        "final_div_factor": log_uniform(rng, 10.0, 1e4),
    }
    return {"variant": None, "kwargs": kwargs, "steps": past(total)}


def warmup_exponential_decay(rng: random.Random, index: int) -> dict[str, Any]:
    """The variant ``"end_value"`` clips the decay at ``end_value`` (a floor for a decay, a
    ceiling for a growth), reached within the table."""
    variant = "end_value" if index % 5 == 4 else None
    peak, init = peak_and_start(rng)
    warmup = 0 if rng.random() < 0.15 else length(rng, 1, 60)
    begin = 0 if rng.random() < 0.5 else length(rng, 1, 60)
    rate = sig(rng.uniform(1.05, 3.0), 3) if rng.random() < 0.1 else sig(rng.uniform(0.05, 0.99), 3)
    decay = length(rng, 10, 200)
    steps = length(rng, 1, decay // 2 if variant else 60)
    staircase = rng.random() < 0.4
    end = None
    if variant:  # between the peak and the value at the last step: the clip starts within the run
        last = decay + 4 + (warmup + begin + decay) // 10  # the steps of the decay in the table, less one
        transitions = last // steps if staircase else last / steps
        end = sig(peak * rate ** (rng.uniform(0.3, 0.9) * transitions))
    kwargs = {
        "init_value": init,
        "peak_value": peak,
        "warmup_steps": warmup,
        "transition_steps": steps,
        "decay_rate": rate,
        "transition_begin": begin,
        "staircase": staircase,
        "end_value": end,
    }
    return {"variant": variant, "kwargs": kwargs, "steps": past(warmup + begin + decay)}


def polynomial(rng: random.Random, index: int) -> dict[str, Any]:
    init = log_uniform(rng, 1e-4, 10.0)
    draw = rng.random()
    end = 0.0 if draw < 0.3 else sig(init * rng.uniform(1.1, 5.0)) if draw < 0.4 else sig(init * rng.uniform(0, 0.9))
    steps = length(rng, 1, 300)
    begin = 0 if rng.random() < 0.5 else length(rng, 1, 60)
    power = float(rng.randint(1, 4)) if rng.random() < 0.4 else sig(rng.uniform(0.2, 5.0), 3)
    kwargs = {
        "init_value": init,
        "end_value": end,
        "power": power,
        "transition_steps": steps,
        "transition_begin": begin,
    }
    return {"variant": None, "kwargs": kwargs, "steps": past(begin + steps)}


#: Segments of ``join_schedules``: (optax function, kwargs from a start value, its length).
def segment(rng: random.Random, start: float, steps: int) -> dict[str, Any]:
    kind = rng.choice(["constant", "linear", "cosine", "exponential", "polynomial"])
    low = sig(start * log_uniform(rng, 1e-3, 0.9))
    if kind == "constant":
        return {"fn": "constant_schedule", "kwargs": {"value": start}}
    if kind == "linear":
        return {"fn": "linear_schedule", "kwargs": {"init_value": start, "end_value": low, "transition_steps": steps}}
    if kind == "cosine":
        alpha = 0.0 if rng.random() < 0.4 else sig(rng.uniform(0.0, 0.5))
        return {"fn": "cosine_decay_schedule", "kwargs": {"init_value": start, "decay_steps": steps, "alpha": alpha}}
    if kind == "exponential":
        rate = sig(rng.uniform(0.05, 0.99), 3)
        kwargs = {"init_value": start, "transition_steps": length(rng, 1, 40), "decay_rate": rate}
        return {"fn": "exponential_decay", "kwargs": {**kwargs, "staircase": rng.random() < 0.4}}
    power = sig(rng.uniform(0.3, 4.0), 3)
    kwargs = {"init_value": start, "end_value": low, "power": power, "transition_steps": steps}
    return {"fn": "polynomial_schedule", "kwargs": kwargs}


def join(rng: random.Random, index: int) -> dict[str, Any]:
    """A linear warmup to a peak, then 1 to 3 schedules; in the usual use each starts from the
    peak; the variant ``"own_values"`` starts each from its own value."""
    variant = "own_values" if index % 5 == 4 else None
    peak, init = peak_and_start(rng)
    warmup = length(rng, 1, 60)
    schedules = [
        {"fn": "linear_schedule", "kwargs": {"init_value": init, "end_value": peak, "transition_steps": warmup}}
    ]
    boundaries = [warmup]
    for _ in range(rng.randint(1, 3)):
        steps = length(rng, 1, 120)
        start = log_uniform(rng, 1e-4, 10.0) if variant else peak
        schedules.append(segment(rng, start, steps))
        boundaries.append(boundaries[-1] + steps)
    kwargs = {"schedules": schedules, "boundaries": boundaries[:-1]}
    return {"variant": variant, "kwargs": kwargs, "steps": past(boundaries[-1])}


TABLES = {
    "warmup_cosine_decay_schedule": warmup_cosine_decay,
    "join_schedules": join,
    "sgdr_schedule": sgdr,
    "piecewise_interpolate_schedule/linear": piecewise_interpolate("linear"),
    "piecewise_interpolate_schedule/cosine": piecewise_interpolate("cosine"),
    "piecewise_constant_schedule": piecewise_constant,
    "cosine_onecycle_schedule": cosine_onecycle,
    "linear_onecycle_schedule": linear_onecycle,
    "warmup_exponential_decay_schedule": warmup_exponential_decay,
    "polynomial_schedule": polynomial,
    "cosine_decay_schedule": cosine_decay,
    "sgdr_schedule/geometric": sgdr_geometric,  # last: the tables before it keep their draws
}


# -- optax's values ------------------------------------------------------------------------------


def build(optax: Any, name: str, kwargs: dict[str, Any]) -> Any:
    """The optax schedule of a table entry."""
    function = name.split("/")[0]
    if function == "join_schedules":
        parts = [getattr(optax, part["fn"])(**part["kwargs"]) for part in kwargs["schedules"]]
        return optax.join_schedules(parts, kwargs["boundaries"])
    if "boundaries_and_scales" in kwargs:
        kwargs = {**kwargs, "boundaries_and_scales": dict(kwargs["boundaries_and_scales"])}
    return getattr(optax, function)(**kwargs)


def values_of(schedule: Any, steps: int) -> list[float]:
    """The values at ``0 .. steps - 1``, one call per step with a Python int, as optax's docs call
    a schedule (``vmap`` over an array of steps differs from these by an ulp here and there)."""
    return [float(schedule(step)) for step in range(steps)]


def configs() -> dict[str, list[dict[str, Any]]]:
    """Every table's entries without their values, from :data:`SEED`: plain Python, no jax (the
    tests check that the JSON's configs are these)."""
    rng = random.Random(SEED)
    tables: dict[str, list[dict[str, Any]]] = {}
    for name, draw in TABLES.items():
        entries = tables[name] = []
        for index in range(CONFIGS):
            entry = draw(rng, index)
            if entry["variant"] is None:
                del entry["variant"]
            entries.append(entry)
    return tables


def main() -> None:
    import jax

    jax.config.update("jax_enable_x64", True)
    jax.config.update("jax_platforms", "cpu")
    import jaxlib
    import optax

    tables = configs()
    for name, entries in tables.items():
        for entry in entries:
            entry["values"] = values_of(build(optax, name, entry["kwargs"]), entry["steps"])
    document = {
        "generated_by": "tests/golden/optax_tables.py",
        "seed": SEED,
        "versions": {
            "optax": optax.__version__,
            "jax": jax.__version__,
            "jaxlib": jaxlib.__version__,
            "python": sys.version.split()[0],
        },
        "float64": True,
        "tables": tables,
    }
    lines = ["{"]
    header = {key: value for key, value in document.items() if key != "tables"}
    for key, value in header.items():
        lines.append(f"{json.dumps(key)}: {json.dumps(value)},")
    lines.append('"tables": {')
    for number, (name, entries) in enumerate(tables.items()):
        lines.append(f"{json.dumps(name)}: [")
        lines.extend(
            json.dumps(entry, separators=(",", ":")) + ("," if i < len(entries) - 1 else "")
            for i, entry in enumerate(entries)
        )
        lines.append("]" + ("," if number < len(tables) - 1 else ""))
    lines.append("}}")
    text = "\n".join(lines) + "\n"
    assert json.loads(text) == json.loads(json.dumps(document))
    OUT.write_text(text)
    count = sum(len(entry["values"]) for entries in tables.values() for entry in entries)
    print(f"wrote {OUT} ({len(text) / 1e6:.2f} MB, {count} values, {sum(map(len, tables.values()))} configs)")


if __name__ == "__main__":
    main()

"""optax's schedules, value for value: each one expressed through our pure schedules and compared
with optax's own float64 values over whole runs and some steps past them.

The values are golden tables, ``tests/golden/optax.json``, written by ``tests/golden/optax_tables.py``
with optax installed (see its docstring; the JSON records optax's and jax's versions): these tests
need no jax. Each table holds 65 seeded random configs (an optax function with two uses has a
table per use: ``piecewise_interpolate_schedule/cosine``, ``sgdr_schedule/geometric``): 52 of
the usual use and, for some functions, 13 of a variant that needs more (a cosine ``exponent``,
per-cycle peaks, an ``end_value`` clip, own values per joined schedule).

How optax's conventions map onto ours (:func:`ours` builds each expression; ``base`` is the
value the whole expression scales: optax's ``peak_value``, or its ``init_value`` where there is no
peak):

- optax's schedules give absolute values; ours give ``floor + (base - floor) * factor``. A value
  that optax states outright (``end_value``, an interpolation point) is a factor of the base here
  (``end_value / peak_value``), or an absolute floor (``eta_min``) where the schedule has one.
- optax's linear warmup goes from ``init_value`` at step 0 to ``peak_value`` at step
  ``warmup_steps``, the decay's step 0: our :class:`Warmup` with ``start_value=init_value``,
  ``peak="after"`` and ``prefix=True`` (its defaults).
- ``warmup_cosine_decay_schedule``'s ``decay_steps`` count from step 0 and include the warmup:
  the cosine lasts ``decay_steps - warmup_steps`` steps; its ``end_value`` is absolute (optax's
  ``alpha = end_value / peak_value``), our cosine's ``eta_min``.
- optax's cosine holds its end value after ``decay_steps``; our :class:`CosineAnnealing` goes on
  along the cosine (torch's), so it runs as one cycle of :class:`Cycles`, which holds the floor
  after its last cycle: ``Cycles(CosineAnnealing(T, eta_min=end), cycle_limit=1)``.
- ``sgdr_schedule`` and ``join_schedules`` restart each schedule at step 0 at its boundary: our
  :class:`Sequential`, whose milestones are the boundaries; a part with its own peak (or
  ``init_value``) is :class:`Scaled` by its peak over the first's. SGDR
  as timm and torch know it (table ``sgdr_schedule/geometric``: no warmup, each cycle ``m``
  times longer and its peak ``d`` times lower, one ``end_value``) is ``Cycles(CosineAnnealing(T_0,
  eta_min=end), cycle_mul=m, cycle_decay=d, cycle_limit=cycles)``.
- ``exponential_decay``: ``decay_rate`` every ``transition_steps`` steps; with ``staircase`` our
  :class:`StepDecay`, else :class:`ExponentialDecay` with ``gamma = decay_rate ** (1 /
  transition_steps)``; ``transition_begin`` steps at the peak first (a :class:`Sequential`);
  ``end_value`` is a clip, ``max(value, end_value)``: the decay up to the first step where it
  passes ``end_value``, then ``end_value`` held (:func:`clipped`).
- ``polynomial_schedule`` is :class:`PolynomialDecay` when ``end_value=0``, :class:`HFDecay`'s
  ``"power"`` with ``end_ratio = end_value / init_value`` (transformers' polynomial decay to
  ``lr_end``) when it decays to another end, a :class:`PiecewiseLinear` ramp when it rises with
  ``power=1``. ``piecewise_interpolate_schedule``'s ``boundaries_and_scales`` are
  :class:`PiecewiseLinear` points at the running products of the scales (a boundary at step 0
  lists step 0 twice: a jump), with ``shape`` its ``interpolate_type``; ``piecewise_constant_schedule`` is :class:`PiecewiseConstant` as
  it is.
- optax's onecycles interpolate between points at ``int(pct * transition_steps)``: linear is a
  :class:`PiecewiseLinear`; cosine is torch's :class:`OneCycle` over ``transition_steps + 1``
  steps with ``pct_start = (int(pct_start * T) + 1) / (T + 1)`` (torch's first phase ends at
  ``pct_start * total_steps - 1``), held after it.

- a cosine ``exponent`` is :class:`HFDecay`'s cosine with ``power=exponent``, its end held
  after it; a polynomial rise (``end_value > init_value``, ``power != 1``) is :class:`HFDecay`'s
  ``"power"`` with ``end_ratio > 1``.

The bound: 1e-12 relative at every step, for the scalar and the array formula alike. Measured:
at most 3.7e-14 (both formulas), where optax computes the same value through another,
algebraically equal expression: ``peak * ((1 - alpha) * c + alpha)`` against our ``end + (peak -
end) * c``, ``(init - peak) * (1 - t / W) + peak`` against ``init + (peak - init) * t / W``,
``rate ** (d / T)`` against ``(rate ** (1 / T)) ** d``, ``t / T_i`` against Cycles' ``t / T_i *
T_0`` steps of a cosine over ``T_0``.
"""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path
from typing import Any

import numpy  # noqa: F401  (loaded: Schedule.arrays then evaluates the array formula for any count)
import pytest

from conftest import PlainOptimizer
from paradox.scheduler import (
    CosineAnnealing,
    Cycles,
    ExponentialDecay,
    HFDecay,
    OneCycle,
    PiecewiseConstant,
    PiecewiseLinear,
    PolynomialDecay,
    Scaled,
    Schedule,
    ScheduledLR,
    Sequential,
    StepDecay,
    Warmup,
)

GOLDEN = json.loads((Path(__file__).parent / "golden" / "optax.json").read_text())
TABLES: dict[str, list[dict[str, Any]]] = GOLDEN["tables"]

REL = 1e-12


def constant() -> Schedule:
    """The base, at every step."""
    return PiecewiseConstant([], [])


def held_cosine(steps: int, end: float, peak: float, exponent: float = 1.0) -> Schedule:
    """optax's cosine from the base (``peak``) down to ``end`` over ``steps`` steps, then ``end``
    for ever: one cycle of our (torch's) cosine, the floor held after it; with an ``exponent``,
    :class:`HFDecay`'s cosine raised to that power, then ``end`` held."""
    if exponent == 1.0:
        return Cycles(CosineAnnealing(steps, eta_min=end), cycle_limit=1)
    ratio = end / peak
    return Sequential([HFDecay("cosine", steps, ratio, power=exponent), PiecewiseLinear([(0, ratio)])], [steps])


def warmup_cosine(kwargs: dict[str, Any]) -> Schedule:
    """``warmup_cosine_decay_schedule``, on ``base = peak_value``."""
    warmup = kwargs["warmup_steps"]
    peak, exponent = kwargs["peak_value"], kwargs.get("exponent", 1.0)
    cosine = held_cosine(kwargs["decay_steps"] - warmup, kwargs["end_value"], peak, exponent)
    return Warmup(cosine, steps=warmup, start_value=kwargs["init_value"])


def exponential(kwargs: dict[str, Any], peak: float) -> Schedule:
    """``exponential_decay`` from ``peak`` (its ``init_value``): ``rate`` every ``transition_steps``
    steps (a staircase), or its ``transition_steps``-th root every step, after ``transition_begin``
    steps at the peak; an ``end_value`` clips it (see :func:`clipped`)."""
    steps, rate = kwargs["transition_steps"], kwargs["decay_rate"]
    decay = StepDecay(steps, rate) if kwargs.get("staircase") else ExponentialDecay(rate ** (1.0 / steps))
    begin = kwargs.get("transition_begin", 0)
    decay = Sequential([constant(), decay], [begin]) if begin else decay
    end = kwargs.get("end_value")
    return decay if end is None else clipped(decay, kwargs, peak)


def clipped(decay: Schedule, kwargs: dict[str, Any], peak: float) -> Schedule:
    """optax's ``end_value``, ``max(value, end_value)`` (``min`` for a growth): ``decay`` up to
    the first step where it passes ``end_value``, then ``end_value`` held. The step is estimated
    from the closed form, ``transition_begin + transition_steps * log(end / peak) / log(rate)``,
    then found on our decay's values."""
    end, rate = kwargs["end_value"], kwargs["decay_rate"]

    def past(step: int) -> bool:
        value = decay(step, peak)
        return value < end if rate < 1.0 else value > end

    estimate = kwargs["transition_steps"] * math.log(end / peak) / math.log(rate)
    step = kwargs.get("transition_begin", 0) + max(0, math.ceil(estimate))
    while step > 0 and past(step - 1):
        step -= 1
    while not past(step):
        step += 1
    held = PiecewiseLinear([(0, end / peak)])
    return Sequential([decay, held], [step]) if step else held


def polynomial(kwargs: dict[str, Any]) -> Schedule:
    """``polynomial_schedule`` from its ``init_value`` (the base), after ``transition_begin`` steps
    at the base: :class:`PolynomialDecay` down to 0, :class:`HFDecay`'s ``"power"`` down to a
    fraction of the base (transformers' ``lr_end``), a :class:`PiecewiseLinear` ramp up."""
    steps, power, begin = kwargs["transition_steps"], kwargs["power"], kwargs.get("transition_begin", 0)
    init, end = kwargs["init_value"], kwargs["end_value"]
    if end > init and power == 1.0:
        return PiecewiseLinear([(begin, 1.0), (begin + steps, end / init)])
    decay = PolynomialDecay(steps, power) if end == 0.0 else HFDecay("power", steps, end / init, power)
    return Sequential([constant(), decay], [begin]) if begin else decay


def segment(part: dict[str, Any], peak: float) -> Schedule:
    """One schedule of ``join_schedules`` that starts from ``peak``."""
    name, kwargs = part["fn"], part["kwargs"]
    if name == "constant_schedule":
        return constant()
    if name == "linear_schedule":
        return PiecewiseLinear([(0, 1.0), (kwargs["transition_steps"], kwargs["end_value"] / peak)])
    if name == "cosine_decay_schedule":
        return held_cosine(kwargs["decay_steps"], kwargs["alpha"] * peak, peak, kwargs.get("exponent", 1.0))
    if name == "exponential_decay":
        return exponential(kwargs, peak)
    assert name == "polynomial_schedule"
    return polynomial(kwargs)


def start_of(part: dict[str, Any], peak: float) -> float:
    """Where a joined schedule starts: its own ``init_value`` (``value`` for a constant), else ``peak``."""
    kwargs = part["kwargs"]
    return float(kwargs.get("init_value", kwargs.get("value", peak)))


def own_peak(schedule: Schedule, value: float, peak: float) -> Schedule:
    """``schedule`` run from ``value`` on a base of ``peak``: :class:`Scaled` when they differ."""
    return schedule if value == peak else Scaled(schedule, value / peak)


def cumulative(pairs: list[list[Any]]) -> list[tuple[int, float]]:
    """optax's ``boundaries_and_scales`` as (step, factor of init_value) points: the running
    product of the scales, from (0, 1). A boundary at step 0 lists step 0 twice: the step
    already has the later value, as in optax (whose first interval is then empty)."""
    points, value = [(0, 1.0)], 1.0
    for boundary, scale in pairs:
        value *= scale
        points.append((boundary, value))
    return points


def ours(table: str, kwargs: dict[str, Any]) -> tuple[Schedule, float]:
    """Our schedule for an optax config, and the base to evaluate it on."""
    if table == "warmup_cosine_decay_schedule":
        return warmup_cosine(kwargs), kwargs["peak_value"]
    if table == "cosine_decay_schedule":
        init = kwargs["init_value"]
        return held_cosine(kwargs["decay_steps"], kwargs["alpha"] * init, init, kwargs.get("exponent", 1.0)), init
    if table == "sgdr_schedule/geometric":
        cycles = kwargs["cosine_kwargs"]
        first, peak = cycles[0]["decay_steps"], cycles[0]["peak_value"]
        mul, decay = cycles[1]["decay_steps"] / first, cycles[1]["peak_value"] / peak
        cosine = CosineAnnealing(first, eta_min=cycles[0]["end_value"])
        return Cycles(cosine, cycle_mul=mul, cycle_decay=decay, cycle_limit=len(cycles)), peak
    if table == "sgdr_schedule":  # each cycle at its own peak: Scaled by its peak over the first's
        cycles = kwargs["cosine_kwargs"]
        starts = [sum(cycle["decay_steps"] for cycle in cycles[:index]) for index in range(1, len(cycles))]
        peak = cycles[0]["peak_value"]
        return Sequential([own_peak(warmup_cosine(cycle), cycle["peak_value"], peak) for cycle in cycles], starts), peak
    if table == "join_schedules":
        warmup, *rest = kwargs["schedules"]
        start, *boundaries = kwargs["boundaries"]
        peak = warmup["kwargs"]["end_value"]
        parts = [own_peak(segment(part, start_of(part, peak)), start_of(part, peak), peak) for part in rest]
        after = Sequential(parts, [boundary - start for boundary in boundaries])
        return Warmup(after, steps=start, start_value=warmup["kwargs"]["init_value"]), peak
    if table.startswith("piecewise_interpolate_schedule"):
        points = cumulative(kwargs["boundaries_and_scales"])
        return PiecewiseLinear(points, shape=kwargs["interpolate_type"]), kwargs["init_value"]
    if table == "piecewise_constant_schedule":
        boundaries, scales = zip(*kwargs["boundaries_and_scales"])
        return PiecewiseConstant(list(boundaries), list(scales)), kwargs["init_value"]
    if table == "linear_onecycle_schedule":
        total, peak, div = kwargs["transition_steps"], kwargs["peak_value"], kwargs["div_factor"]
        start, final = int(kwargs["pct_start"] * total), int(kwargs["pct_final"] * total)
        points = [(0, 1 / div), (start, 1.0), (final, 1 / div), (total, 1 / div / kwargs["final_div_factor"])]
        return PiecewiseLinear(points), peak
    if table == "cosine_onecycle_schedule":
        total, peak, div, final = (
            kwargs[key] for key in ("transition_steps", "peak_value", "div_factor", "final_div_factor")
        )
        rise = int(kwargs["pct_start"] * total)
        cycle = OneCycle(total + 1, (rise + 1) / (total + 1), "cos", False, div_factor=div, final_div_factor=final)
        return Sequential([cycle, PiecewiseLinear([(0, 1 / div / final)])], [total + 1]), peak
    if table == "warmup_exponential_decay_schedule":
        decay = exponential(kwargs, kwargs["peak_value"])
        return Warmup(decay, steps=kwargs["warmup_steps"], start_value=kwargs["init_value"]), kwargs["peak_value"]
    assert table == "polynomial_schedule", table
    return polynomial(kwargs), kwargs["init_value"]


def entries() -> list[Any]:
    """Every entry of every table."""
    return [
        pytest.param(table, entry, id=f"{table}-{index}" + (f"-{entry['variant']}" if "variant" in entry else ""))
        for table, rows in TABLES.items()
        for index, entry in enumerate(rows)
    ]


def assert_matches(table: str, entry: dict[str, Any], values: list[float]) -> None:
    expected = entry["values"]
    assert len(values) == len(expected)
    for step, (value, reference) in enumerate(zip(values, expected)):
        if not math.isclose(value, reference, rel_tol=REL):
            raise AssertionError(f"{table} {entry['kwargs']}: step {step}: ours {value!r}, optax {reference!r}")


def test_tables_are_the_scripts() -> None:
    """The tables' configs are the ones ``optax_tables.py`` draws from its seed (its config half
    runs without jax): the script kept in the repo is the one that wrote them."""
    spec = importlib.util.spec_from_file_location("optax_tables", Path(__file__).parent / "golden" / "optax_tables.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert GOLDEN["seed"] == script.SEED
    stored = {
        table: [{key: value for key, value in entry.items() if key != "values"} for entry in rows]
        for table, rows in TABLES.items()
    }
    assert stored == script.configs()


def test_tables_are_complete() -> None:
    """Every table holds >= 50 configs of the usual use, each with the whole run and steps past it."""
    assert GOLDEN["float64"] is True and set(GOLDEN["versions"]) >= {"optax", "jax"}
    assert len(TABLES) == 12
    for table, rows in TABLES.items():
        assert sum("variant" not in entry for entry in rows) >= 50, table
        for entry in rows:
            assert len(entry["values"]) == entry["steps"] and all(map(math.isfinite, entry["values"]))


@pytest.mark.parametrize(("table", "entry"), entries())
def test_optax_values(table: str, entry: dict[str, Any]) -> None:
    """Our expression of optax's schedule gives optax's values over the run and past it, one step
    at a time (the scalar formula) and as one array (the numpy formula)."""
    schedule, base = ours(table, entry["kwargs"])
    steps = entry["steps"]
    assert_matches(table, entry, [schedule(step, base) for step in range(steps)])
    arrays = schedule.arrays(0, steps, [base])
    assert arrays is not None
    assert_matches(table, entry, arrays[0][0].tolist())


def first_entries() -> list[Any]:
    """The first entry of each table, and of each of its variants."""
    firsts: dict[tuple[str, str | None], Any] = {}
    for table, rows in TABLES.items():
        for index, entry in enumerate(rows):
            key = (table, entry.get("variant"))
            if key not in firsts:
                firsts[key] = pytest.param(table, entry, id=f"{table}-{index}")
    return list(firsts.values())


@pytest.mark.parametrize(("table", "entry"), first_entries())
def test_optax_values_through_a_driver(table: str, entry: dict[str, Any]) -> None:
    """The expression on an optimizer through :class:`ScheduledLR`, its state saved as JSON at
    mid-run and loaded into a new scheduler built with the schedule's ``to_config()``: optax's values."""
    schedule, base = ours(table, entry["kwargs"])
    steps, half = entry["steps"], entry["steps"] // 2
    optimizer = PlainOptimizer(base)
    scheduler = ScheduledLR(optimizer, schedule)
    values = []
    for step in range(steps):
        if step == half:
            state = json.loads(json.dumps(scheduler.state_dict()))
            optimizer = PlainOptimizer(base)
            scheduler = ScheduledLR(optimizer, Schedule.from_config(schedule.to_config()))
            scheduler.load_state_dict(state)
        values.append(optimizer.param_groups[0]["lr"])
        scheduler.step()
    assert_matches(table, entry, values)

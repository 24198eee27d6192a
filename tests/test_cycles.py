"""Cycles (timm's restarts), KDecay (k-decay) and TanhDecay, LIVE against timm 1.0.31's
CosineLRScheduler, TanhLRScheduler and PolyLRScheduler (warmup_t=0, no noise), through timm's own
``step(epoch)`` on a real torch optimizer, over whole runs."""

from __future__ import annotations

import json
import math
import random
import re
from typing import Any

import pytest

import paradox.scheduler as ps
from conftest import PlainOptimizer, load_timm_scheduler, lrs_of, quiet, random_lrs, torch_optimizer

REL = 1e-12
CONFIGS = 60  # seeded random configs per timm class


def close(ours: list[float], reference: list[float], where: Any, scale: float = 0.0, rel: float = REL) -> None:
    """Each value within ``rel`` of the reference, relative to the larger of the value and ``scale``.

    ``scale`` is the larger of ``lr_min`` (a peak decayed far below ``lr_min`` is ``lr_min + (peak -
    lr_min) * f``, rounded at ``lr_min``'s scale by timm too) and 1e-3 of the base: with ``lr_min=0``
    and cycles of fractional length a step can fall within 1e-3 of a cycle's end, where the cosine's
    value, ~0, is ill-conditioned in its argument (timm's ``t_curr**k / t_i**k`` and our
    ``(t_curr / t_i)**k`` differ by an ulp)."""
    assert len(ours) == len(reference)
    for step, (a, b) in enumerate(zip(ours, reference)):
        assert math.isclose(a, b, rel_tol=rel, abs_tol=rel * scale) or a == b, (where, step, a, b)


def timm_run(module: str, cls: str, lrs: list[float], steps: int, **kwargs: Any) -> list[list[float]]:
    """The lrs timm's scheduler sets at epochs 0 .. steps - 1 (``step(epoch)``, as timm's train loop)."""
    optimizer = torch_optimizer(lrs)
    with quiet():  # timm warns for t_initial = 1 without cycles
        scheduler = getattr(load_timm_scheduler(module), cls)(optimizer, warmup_t=0, noise_range_t=None, **kwargs)
    out = []
    for epoch in range(steps):
        scheduler.step(epoch)
        out.append(lrs_of(optimizer))
    return out


def our_run(schedule: ps.Schedule, cycles: dict[str, Any], lrs: list[float], steps: int) -> list[list[float]]:
    """The lrs RestartsLR sets at epochs 0 .. steps - 1 on a torch optimizer, resumed through JSON halfway."""
    optimizer = torch_optimizer(lrs)
    scheduler = ps.RestartsLR(optimizer, schedule, **cycles)
    out = []
    for epoch in range(steps):
        if epoch == steps // 2:  # exact resume through JSON, on a fresh scheduler and optimizer
            state = json.loads(json.dumps(scheduler.state_dict(), allow_nan=False))
            fresh = torch_optimizer(lrs)
            scheduler = ps.RestartsLR(fresh, schedule, **cycles)
            scheduler.load_state_dict(state)
            for group, old in zip(fresh.param_groups, optimizer.param_groups):
                group["lr"] = old["lr"]
            optimizer = fresh
        out.append(lrs_of(optimizer))
        scheduler.step()
    return out


def random_cycles(rng: random.Random) -> dict[str, Any]:
    """timm's cycle arguments: an int or float cycle_mul (3 included: timm's rounding starts some
    cycles a step late), a decay, a limit, k_decay, lr_min (0 or not, above the base lrs or not)."""
    return {
        "t_initial": rng.choice([1, 2, 3, rng.randint(1, 60)]),
        "lr_min": rng.choice([0.0, rng.uniform(0.0, 1e-3), rng.uniform(0.0, 0.5)]),
        "cycle_mul": rng.choice([1.0, 2.0, 3.0, rng.uniform(1.0, 3.0), rng.uniform(1.0, 1.3)]),
        "cycle_decay": rng.choice([1.0, 0.5, rng.uniform(0.0, 1.0)]),
        "cycle_limit": rng.randint(1, 8),
    }


def steps_for(config: dict[str, Any]) -> int:
    """The whole run: every cycle, then 20 steps of the floor (at most 3000 steps)."""
    mul, limit, first = config["cycle_mul"], config["cycle_limit"], config["t_initial"]
    total = first * limit if mul == 1.0 else first * (mul**limit - 1) / (mul - 1)
    return min(int(total) + 20, 3000)


def ours_of(config: dict[str, Any]) -> dict[str, Any]:
    keys = ("cycle_mul", "cycle_decay", "cycle_limit")
    return {**{key: config[key] for key in keys}, "timm_rounding": True}


def check_against_timm(module: str, cls: str, seed: int, build: Any, extra: Any) -> None:
    rng = random.Random(seed)
    config = random_cycles(rng)
    more = extra(rng)
    lrs, steps = random_lrs(rng), steps_for(config)
    reference = timm_run(module, cls, lrs, steps, **config, **more)
    schedule, eta_min = build(config, more)
    cycles = {**ours_of(config), "eta_min": eta_min}
    where = (cls, seed, config, more)
    ours = our_run(schedule, cycles, lrs, steps)
    for index, base in enumerate(lrs):
        scale = max(config["lr_min"], 1e-3 * base)
        close([row[index] for row in ours], [row[index] for row in reference], where, scale)
    # the pure schedule, one step at a time and as numpy arrays (2 ulp within the scalar form)
    pure = ps.Cycles(schedule, **cycles)
    for index, base in enumerate(lrs):
        column = [row[index] for row in reference]
        scale = max(config["lr_min"], 1e-3 * base)
        close([pure(step, base) for step in range(steps)], column, where, scale)
        arrays = pure.arrays(0, steps, [base])
        assert arrays is not None
        close(arrays[0][0].tolist(), column, where, scale, rel=1e-11)


def k_decay(rng: random.Random) -> float:
    return rng.choice([1.0, rng.uniform(0.2, 1.0), rng.uniform(1.0, 4.0)])


def cosine(config: dict[str, Any], more: dict[str, Any]) -> tuple[ps.Schedule, None]:
    inner = ps.CosineAnnealing(config["t_initial"], config["lr_min"])
    return ps.KDecay(inner, more["k_decay"]), None


def tanh(config: dict[str, Any], more: dict[str, Any]) -> tuple[ps.Schedule, None]:
    return ps.TanhDecay(config["t_initial"], more["lb"], more["ub"], config["lr_min"]), None


def poly(config: dict[str, Any], more: dict[str, Any]) -> tuple[ps.Schedule, float]:
    inner = ps.PolynomialDecay(config["t_initial"], more["power"])
    return ps.KDecay(inner, more["k_decay"]), config["lr_min"]


def tanh_bounds(rng: random.Random) -> dict[str, float]:
    lb = rng.choice([-7.0, rng.uniform(-10.0, 2.0)])
    return {"lb": lb, "ub": rng.choice([3.0, lb + rng.uniform(0.1, 12.0)]) if lb < 3.0 else lb + 1.0}


@pytest.mark.parametrize("seed", range(CONFIGS))
def test_cosine_matches_timm_cosine_lr_scheduler(seed: int) -> None:
    check_against_timm("cosine_lr", "CosineLRScheduler", seed, cosine, lambda rng: {"k_decay": k_decay(rng)})


@pytest.mark.parametrize("seed", range(CONFIGS))
def test_tanh_matches_timm_tanh_lr_scheduler(seed: int) -> None:
    check_against_timm("tanh_lr", "TanhLRScheduler", seed, tanh, tanh_bounds)


@pytest.mark.parametrize("seed", range(CONFIGS))
def test_polynomial_matches_timm_poly_lr_scheduler(seed: int) -> None:
    check_against_timm(
        "poly_lr",
        "PolyLRScheduler",
        seed,
        poly,
        lambda rng: {"k_decay": k_decay(rng), "power": rng.choice([0.5, 1.0, rng.uniform(0.1, 4.0)])},
    )


def test_timm_rounding_starts_some_cycles_a_step_late() -> None:
    """timm's floor(log(243, 3)) is 4: with cycle_mul=3, t_initial=1, step 121 ends cycle 4 at lr_min
    instead of starting cycle 5. timm_rounding=True matches that; the default starts cycle 5 there."""
    reference = timm_run("cosine_lr", "CosineLRScheduler", [1.0], 124, t_initial=1, cycle_mul=3.0, cycle_limit=9)
    timm_like = ps.Cycles(ps.CosineAnnealing(1), cycle_mul=3.0, cycle_limit=9, timm_rounding=True)
    exact = ps.Cycles(ps.CosineAnnealing(1), cycle_mul=3.0, cycle_limit=9)
    assert reference[121] == [timm_like(121)] == [0.0]
    assert timm_like.cycle(121) == (4, 81.0, 81.0)
    assert exact(121) == 1.0 and exact.cycle(121) == (5, 0.0, 243.0)
    assert [timm_like(t) for t in range(124) if t != 121] == [exact(t) for t in range(124) if t != 121]


@pytest.mark.parametrize("seed", range(20))
def test_cycles_with_integer_mul_is_torch_sgdr(seed: int) -> None:
    """Around a cosine, an int cycle_mul and no decay are CosineWarmRestarts (T_0 = T_max, T_mult = cycle_mul)."""
    rng = random.Random(seed)
    first, mult, eta_min = rng.randint(1, 12), rng.randint(1, 4), rng.choice([0.0, rng.uniform(0.0, 0.1)])
    cycles = ps.Cycles(ps.CosineAnnealing(first, eta_min), cycle_mul=float(mult))
    sgdr = ps.CosineWarmRestarts(first, mult, eta_min)
    steps = list(range(3000)) + [10**6 + rng.randint(0, 10**5) for _ in range(50)]
    for step in steps:
        assert cycles.cycle(step)[1:] == sgdr.cycle(step)  # (T_cur, T_i), the same restarts
        assert math.isclose(cycles(step, 0.7), sgdr(step, 0.7), rel_tol=1e-12, abs_tol=1e-15), (step, first, mult)


def test_far_steps_do_not_drift() -> None:
    """Step 10**7 of the driver (stepped there one at a time) equals the closed form."""
    schedule = ps.KDecay(ps.CosineAnnealing(T_max=997, eta_min=1e-4), k=1.5)
    for cycles in (
        {"cycle_mul": 1.0, "cycle_decay": 0.9999},
        {"cycle_mul": 1.7, "cycle_decay": 0.97, "timm_rounding": True},
    ):
        scheduler = ps.RestartsLR(PlainOptimizer(0.1, 0.02), schedule, **cycles)
        scheduler.step(10**7)  # torch's step(epoch): the closed form, no stepping
        pure = ps.Cycles(schedule, **cycles)
        assert lrs_of(scheduler.optimizer) == [pure(10**7, 0.1), pure(10**7, 0.02)]
        index, current, length = pure.cycle(10**7)
        peak = 0.1 * cycles["cycle_decay"] ** index
        expected = 1e-4 + (peak - 1e-4) * (1 + math.cos(math.pi * (current / length) ** 1.5)) / 2
        assert math.isclose(pure(10**7, 0.1), expected, rel_tol=1e-9)


def test_nested_configs_round_trip_through_json() -> None:
    schedule = ps.Cycles(ps.KDecay(ps.PolynomialDecay(7, 2.0), k=0.5), 1.5, 0.5, 4, eta_min=0.01)
    config = json.loads(json.dumps(schedule.to_config()))
    assert config == {
        "name": "Cycles",
        "schedule": {
            "name": "KDecay",
            "schedule": {"name": "PolynomialDecay", "total_iters": 7, "power": 2.0},
            "k": 0.5,
        },
        "cycle_mul": 1.5,
        "cycle_decay": 0.5,
        "cycle_limit": 4,
        "eta_min": 0.01,
        "timm_rounding": False,
    }
    assert ps.Schedule.from_config(config) == schedule
    assert hash(ps.Schedule.from_config(config)) == hash(schedule)
    scheduler = ps.KDecayLR(PlainOptimizer(1.0), {"name": "TanhDecay", "T_max": 5}, k=2.0)
    assert scheduler.schedule == ps.KDecay(ps.TanhDecay(5), 2.0)


def test_the_floor_holds_after_the_last_cycle() -> None:
    cycles = ps.Cycles(ps.TanhDecay(4, eta_min=0.1), cycle_mul=1.5, cycle_decay=0.5, cycle_limit=3)
    assert cycles.length == 19  # 4 + 6 + 9
    assert [cycles(t, 1.0) for t in (19, 20, 10**9)] == [0.1, 0.1, 0.1]
    assert cycles(18, 1.0) > 0.1
    assert cycles.simulate(25)[19:] == [0.1] * 6
    assert ps.Cycles(ps.CosineAnnealing(3)).length is None


def test_kdecay_warps_within_the_length() -> None:
    cosine = ps.CosineAnnealing(T_max=10, eta_min=0.0)
    for k in (0.5, 2.0):
        warped = ps.KDecay(cosine, k)
        assert warped(0, 2.0) == 2.0 and warped(10, 2.0) == 0.0
        assert all(warped(t) == cosine(10 * (t / 10) ** k) for t in range(11))
    assert ps.KDecay(cosine, 2.0)(3) > cosine(3) > ps.KDecay(cosine, 0.5)(3)  # k > 1 stays high for longer
    assert ps.KDecay(ps.PolynomialDecay(8), 2.0).last_change == 8
    assert [ps.KDecay(cosine, 50.0)(t) for t in (10, 15, 2**53)] == [cosine(10), cosine(15), cosine(2**53)]  # past T


def test_schedules_without_a_length_are_refused() -> None:
    rule = re.escape(
        "a Schedule with a length (CosineAnnealing, TanhDecay, PolynomialDecay, ...) or its to_config() dict"
    )
    with pytest.raises(ValueError, match=rf"^Cycles: schedule must be {rule}\. Received: schedule=ExponentialDecay"):
        ps.Cycles(ps.ExponentialDecay(0.9))
    with pytest.raises(TypeError, match=rf"^KDecay: schedule must be {rule}\. Received: schedule=3 \(int\)"):
        ps.KDecay(3, 2.0)  # type: ignore[arg-type]
    with pytest.raises(
        ValueError, match=r"^Cycles: schedule\['name'\] must be one of: ConstantFactor, .*'Nope' \(str\)$"
    ):
        ps.Cycles({"name": "Nope"})  # type: ignore[arg-type]

"""timm's schedulers, value for value: the lr noise (:class:`Noisy`, its pure-Python torch generator)
and the drop-in classes, run LIVE against timm 1.0.31 (loaded by ``load_timm_scheduler``) on real
torch optimizers, over whole runs of seeded random configs."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import paradox.scheduler as ps
from conftest import load_timm_scheduler, torch_optimizer
from paradox.scheduler.noise import TorchGenerator, draw_noise

CONFIGS = 60  # seeded random configs per schedule (the issue asks >= 50)


def through_json(value: Any) -> Any:
    return json.loads(json.dumps(value, allow_nan=False))


def lrs_of(optimizer: Any) -> list[float]:
    return [float(group["lr"]) for group in optimizer.param_groups]


def assert_rel(ours: list[float], theirs: list[float], rel: float = 1e-12) -> None:
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert abs(a - b) <= rel * abs(b) + 1e-300, (ours, theirs)


# -- the torch generator, in pure Python ----------------------------------------------------------


SEEDS = [*range(2000), *random.Random(13).sample(range(2**62), 1000), 2**32 - 1, 2**32, 2**63 - 1, -1, -42, -(2**63)]


def test_generator_matches_torch_for_thousands_of_seeds() -> None:
    for seed in SEEDS:
        theirs = torch.Generator().manual_seed(seed)
        ours = TorchGenerator(seed)
        # five normals in a row: the second of each Box-Muller pair comes from the generator's cache
        assert [ours.randn() for _ in range(5)] == [torch.randn(1, generator=theirs).item() for _ in range(5)], seed
        theirs = torch.Generator().manual_seed(seed)
        ours = TorchGenerator(seed)
        assert [ours.rand() for _ in range(4)] == [torch.rand(1, generator=theirs).item() for _ in range(4)], seed
        # a normal after a uniform: the uniform consumes one 32-bit output, the normal four
        assert ours.randn() == torch.randn(1, generator=theirs).item()


def timm_noise(seed: int, pct: float, std: float, kind: str) -> float:
    """timm's own ``Scheduler._calculate_noise``."""
    module = load_timm_scheduler("scheduler")
    holder: Any = type("Holder", (), {})()
    holder.noise_seed, holder.noise_pct, holder.noise_std, holder.noise_type = 0, pct, std, kind
    noise: float = module.Scheduler._calculate_noise(holder, seed)
    return noise


def test_draw_noise_is_timms_bit_for_bit() -> None:
    rng = random.Random(5)
    for _ in range(3000):
        seed, pct = rng.randrange(-(2**40), 2**40), rng.choice([0.67, rng.uniform(0.01, 1.0)])
        std, kind = (
            rng.choice([1.0, 0.0, rng.uniform(0.0, 3.0), rng.uniform(0.0, 0.05)]),
            rng.choice(["normal", "uniform"]),
        )
        assert draw_noise(seed, pct, std, kind) == timm_noise(seed, pct, std, kind)


def test_noise_std_is_used_by_normal_noise_only() -> None:
    # timm 1.0.31: normal noise = randn * noise_std (redrawn until |noise| < noise_pct); uniform
    # noise = 2 * (rand - 0.5) * noise_pct, whatever noise_std.
    assert draw_noise(3, 0.9, 0.5) == timm_noise(3, 0.9, 0.5, "normal") != timm_noise(3, 0.9, 1.0, "normal")
    assert draw_noise(3, 0.9, 0.5, "uniform") == timm_noise(3, 0.9, 7.0, "uniform")
    assert draw_noise(3, 0.9, 0.0) == 0.0


# -- Noisy against timm's noise on a timm scheduler ----------------------------------------------


def random_noise(rng: random.Random, length: int) -> tuple[Any, dict[str, Any]]:
    """A random timm ``noise_range_t`` and the matching :class:`Noisy` arguments."""
    start = rng.choice([0, rng.randrange(length), rng.uniform(0, length)])
    shape = rng.choice(["start", "range", "none"])
    stop = rng.choice([start + rng.randrange(1, length), start + rng.uniform(0.5, length)])
    timm_range: Any = {"start": start, "range": (start, stop), "none": None}[shape]
    pct = rng.choice([0.67, rng.uniform(0.01, 1.0)])
    std = rng.choice([1.0, rng.uniform(0.0, 2.0)])
    kind = rng.choice(["normal", "uniform"])
    seed = rng.choice([42, rng.randrange(-(2**31), 2**31)])
    ours = {"start": start, "stop": stop if shape == "range" else None, "pct": pct, "std": std}
    ours.update(distribution=kind, seed=seed)
    if shape == "none":
        ours["start"], ours["stop"] = 10**6, None  # no step of the run is noisy
    timm = {"noise_range_t": timm_range, "noise_pct": pct, "noise_std": std, "noise_type": kind, "noise_seed": seed}
    return timm, ours


@pytest.mark.parametrize("index", range(CONFIGS))
def test_noisy_matches_timm_whole_run(index: int) -> None:
    rng = random.Random(1000 + index)
    module = load_timm_scheduler("scheduler")
    gamma = rng.uniform(0.9, 1.0)

    class Exponential(module.Scheduler):  # type: ignore[misc,name-defined]
        def _get_lr(self, t: int) -> list[float]:
            return [v * gamma**t for v in self.base_values]

    lrs = [rng.uniform(1e-4, 1.0) for _ in range(rng.randint(1, 3))]
    timm_args, ours = random_noise(rng, 80)
    theirs_opt, our_opt = torch_optimizer(lrs), torch_optimizer(lrs)
    theirs = Exponential(theirs_opt, "lr", **timm_args)
    scheduler = ps.NoisyLR(our_opt, ps.ExponentialDecay(gamma), **ours)
    for t in range(100):
        theirs.step(t)
        scheduler.step(t)
        assert lrs_of(our_opt) == lrs_of(theirs_opt), t  # bit for bit


# -- properties and resume -------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(
    pct=st.floats(0.001, 1.0),
    std=st.floats(0.0, 1.0),
    kind=st.sampled_from(["normal", "uniform"]),
    seed=st.integers(-(2**63), 2**63 - 1),
    step=st.integers(0, 10**9),
)
def test_noise_stays_within_pct(pct: float, std: float, kind: str, seed: int, step: int) -> None:
    noisy = ps.Noisy(ps.StepDecay(step_size=10, gamma=0.5), pct=pct, std=std, distribution=kind, seed=seed)
    clean = noisy.schedule(step, base=0.3)
    value = noisy(step, base=0.3)
    assert value == clean + clean * noisy.noise(step)
    assert -pct <= noisy.noise(step) < pct if kind == "uniform" else abs(noisy.noise(step)) < pct
    assert value >= 0.0


@settings(max_examples=30, deadline=None)
@given(stop=st.integers(1, 30), seed=st.integers(0, 2**32), kind=st.sampled_from(["normal", "uniform"]))
def test_resume_through_json_and_jumps_draw_the_same_noise(stop: int, seed: int, kind: str) -> None:
    schedule = ps.CosineAnnealing(T_max=25, eta_min=0.001)
    optimizer = torch_optimizer([0.1, 0.02])
    scheduler = ps.NoisyLR(optimizer, schedule, start=3, stop=35, distribution=kind, seed=seed)
    for _ in range(stop):
        scheduler.step()
    state = through_json(scheduler.state_dict())
    fresh_opt = torch_optimizer([0.1, 0.02])
    resumed = ps.NoisyLR(fresh_opt, schedule, seed=seed + 1)
    with pytest.warns(ps.ConfigDriftWarning):
        resumed.load_state_dict(state)
    jumped_opt = torch_optimizer([0.1, 0.02])
    jumped = ps.NoisyLR(jumped_opt, schedule, start=3, stop=35, distribution=kind, seed=seed)
    for _ in range(10):
        scheduler.step()
        resumed.step()
        jumped.step(scheduler.last_epoch)
        assert lrs_of(fresh_opt) == lrs_of(optimizer) == lrs_of(jumped_opt)
    assert scheduler.schedule.simulate(50, base=0.1)[stop + 10] == lrs_of(optimizer)[0]


def test_noisy_config_round_trip_and_arrays() -> None:
    noisy = ps.Noisy(ps.CosineAnnealing(T_max=30), start=2.5, stop=20, pct=0.3, std=0.7, seed=-5)
    assert ps.Schedule.from_config(through_json(noisy.to_config())) == noisy
    assert repr(noisy) == (
        "Noisy(schedule=CosineAnnealing(T_max=30, eta_min=0.0), start=2.5, stop=20, pct=0.3, std=0.7, "
        "distribution='normal', seed=-5)"
    )
    exact = noisy.simulate(40, exact=True)
    np = pytest.importorskip("numpy")
    assert np.allclose(noisy.simulate(40), exact, rtol=1e-15, atol=0.0)
    assert exact[2] == noisy.schedule(2) and exact[3] != noisy.schedule(3) and exact[20] == noisy.schedule(20)
    # a fractional step takes the noise of its whole step
    assert noisy.noise(7.75) == noisy.noise(7) != 0.0

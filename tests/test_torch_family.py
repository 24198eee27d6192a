"""Layer 2 for torch's family: ours == torch (1e-9 relative) under every call pattern torch supports.

Random configs, 3 param groups, float and float64-Tensor lrs, SGD with momentum and Adam; plain
``step()``, ``step(epoch)`` jumps, two schedulers on one optimizer, lrs changed by hand, and
resuming from torch's state dicts. Where we differ from torch on purpose, see
``test_torch_family_differences.py``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

import pytest

from conftest import assert_close as _assert_close
from conftest import lrs_of, random_lrs
from paradox import scheduler as ours

torch = pytest.importorskip("torch")
from torch.optim import lr_scheduler as torch_sched  # noqa: E402

from conftest import torch_optimizer  # noqa: E402

NAMES = [
    "LambdaLR",
    "MultiplicativeLR",
    "MultiStepLR",
    "ConstantLR",
    "LinearLR",
    "ExponentialLR",
    "PolynomialLR",
    "CosineAnnealingWarmRestarts",
]
CHAINABLE = {"MultiplicativeLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR", "PolynomialLR"}

# Deterministic factor functions (module-level, so names are stable).
LAMBDA_POOL: list[Callable[[int], float]] = [
    lambda t: 0.95**t,
    lambda t: 1.0 / (t + 1),
    lambda t: min(1.0, (t + 1) / 10),
    lambda t: 0.5 * (1 + math.cos(math.pi * (t % 50) / 50)),
    lambda t: 0.0 if 20 <= t < 25 else 0.99 ** (t // 3),
]
MULTIPLICATIVE_POOL: list[Callable[[int], float]] = [
    lambda t: 0.99,
    lambda t: 0.9 if t % 7 == 0 else 1.0,
    lambda t: 1.0 - 1.0 / (t + 20),
    lambda t: 1.01 if t < 30 else 0.98,
]


def assert_close(ours: Any, reference: Any) -> None:
    """1e-9 relative; values that should be 0 may differ by torch's rounding residue (<= 1.4e-15).

    torch's recursive LinearLR with ``end_factor=0`` reaches about ``lr * 1e-15`` instead of 0 at
    ``total_iters`` (its per-step ratio does not cancel exactly); our closed form gives 0. The
    largest residue in these runs is 1.37e-15, so ``abs_`` is the smallest bound that holds it.
    """
    _assert_close(ours, reference, rel=1e-9, abs_=1.4e-15)


def random_config(name: str, rng: random.Random, *, zeros: bool = False) -> dict[str, Any]:
    """A random valid config; ``zeros`` favours configs whose factor reaches 0 (no base can be rebased)."""
    if name in ("LambdaLR", "MultiplicativeLR"):
        pool = LAMBDA_POOL if name == "LambdaLR" else MULTIPLICATIVE_POOL
        if name == "MultiplicativeLR" and zeros:
            pool = [*pool, lambda t: 0.0 if t == 15 else 0.97]
        if rng.random() < 0.5:
            return {"lr_lambda": rng.choice(pool)}
        return {"lr_lambda": [rng.choice(pool) for _ in range(3)]}
    if name == "MultiStepLR":
        milestones = [rng.randint(0, 150) for _ in range(rng.randint(0, 6))]
        gamma = 0.0 if zeros else rng.choice([0.1, 0.5, rng.uniform(0.0, 1.0), 1.0, 1.5])
        return {"milestones": milestones, "gamma": gamma}
    if name == "ConstantLR":
        return {"factor": rng.choice([1 / 3, 0.5, rng.uniform(0.01, 1.0), 1.0]), "total_iters": rng.randint(1, 40)}
    if name == "LinearLR":
        return {
            "start_factor": rng.choice([1 / 3, rng.uniform(0.01, 1.0), 1.0]),
            "end_factor": 0.0 if zeros else rng.choice([1.0, rng.uniform(0.0, 1.0), 0.0]),
            "total_iters": rng.randint(1, 60),
        }
    if name == "ExponentialLR":
        return {"gamma": 0.0 if zeros else rng.choice([0.9, 0.99, rng.uniform(0.5, 1.0), 1.0, 1.01])}
    if name == "PolynomialLR":
        return {"total_iters": rng.randint(1, 60), "power": rng.choice([1.0, 2.0, 0.5, rng.uniform(0.0, 3.0)])}
    return {"T_0": rng.randint(1, 30), "T_mult": rng.choice([1, 1, 2, 3]), "eta_min": rng.choice([0.0, 1e-4])}


def build_pair(name: str, config: dict[str, Any], lrs: list[float], tensor: bool, kind: str = "sgd") -> tuple[Any, ...]:
    reference_opt = torch_optimizer(lrs, tensor=tensor, kind=kind)
    our_opt = torch_optimizer(lrs, tensor=tensor, kind=kind)
    reference = getattr(torch_sched, name)(reference_opt, **config)
    scheduler = getattr(ours, name)(our_opt, **config)
    return reference_opt, reference, our_opt, scheduler


def set_lr(group: dict[str, Any], value: float) -> None:
    if isinstance(group["lr"], torch.Tensor):
        group["lr"].fill_(value)
    else:
        group["lr"] = value


pytestmark = pytest.mark.usefixtures("quiet_warnings")


@pytest.mark.parametrize("kind", ["sgd", "adam"])
@pytest.mark.parametrize("tensor", [False, True], ids=["float", "tensor"])
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", range(12))
def test_plain_steps_match_torch_and_the_pure_schedule(name: str, seed: int, tensor: bool, kind: str) -> None:
    rng = random.Random(f"{name}-{seed}")
    config = random_config(name, rng)
    reference_opt, reference, our_opt, scheduler = build_pair(name, config, random_lrs(rng), tensor, kind)
    pure = scheduler.schedule
    bases = list(scheduler.base_lrs)
    for step in range(300):
        assert_close(lrs_of(our_opt), lrs_of(reference_opt))
        assert_close(scheduler.get_last_lr(), [float(lr) for lr in reference.get_last_lr()])
        assert scheduler.last_epoch == reference.last_epoch == step
        if step % 10 == 0:  # stateful == pure, exactly (the pure form recomputes from scratch)
            assert lrs_of(our_opt) == pure.values(step, bases)
        reference_opt.step()
        reference.step()
        scheduler.step()


@pytest.mark.parametrize("tensor", [False, True], ids=["float", "tensor"])
@pytest.mark.parametrize("name", [n for n in NAMES if n != "MultiplicativeLR"])
@pytest.mark.parametrize("seed", range(12))
def test_epoch_jumps_and_steps_match_torch(name: str, seed: int, tensor: bool) -> None:
    """Jumps with ``step(epoch)`` mixed with plain steps (fractional epochs for the restarts)."""
    rng = random.Random(f"jump-{name}-{seed}")
    config = random_config(name, rng)
    reference_opt, reference, our_opt, scheduler = build_pair(name, config, random_lrs(rng), tensor)
    fractional = name == "CosineAnnealingWarmRestarts"
    for _ in range(80):
        if rng.random() < 0.4:
            epoch: float = rng.randint(0, 400)
            if fractional and rng.random() < 0.5:
                epoch = rng.uniform(0, 400)
            reference.step(epoch)
            scheduler.step(epoch)
        else:
            reference.step()
            scheduler.step()
        assert scheduler.last_epoch == reference.last_epoch
        if fractional and not 0 <= reference.T_cur < reference.T_i:
            continue  # torch's log-based cycle search missed a restart: see the differences tests
        if fractional:
            assert scheduler.T_i == reference.T_i
            assert scheduler.T_cur == pytest.approx(reference.T_cur, rel=1e-12, abs=1e-9)
        assert_close(lrs_of(our_opt), lrs_of(reference_opt))


PAIRS = [
    ("ExponentialLR", "MultiStepLR"),  # torch's documented chaining example
    ("MultiStepLR", "ExponentialLR"),
    ("LinearLR", "ExponentialLR"),
    ("ConstantLR", "MultiStepLR"),
    ("PolynomialLR", "LinearLR"),
    ("MultiplicativeLR", "MultiStepLR"),
    ("ExponentialLR", "MultiplicativeLR"),
    ("LambdaLR", "ExponentialLR"),
    ("ExponentialLR", "LambdaLR"),
    ("CosineAnnealingWarmRestarts", "ConstantLR"),
    ("LinearLR", "CosineAnnealingWarmRestarts"),
    ("ConstantLR", "PolynomialLR"),
]


@pytest.mark.parametrize("tensor", [False, True], ids=["float", "tensor"])
@pytest.mark.parametrize(("first", "second"), PAIRS, ids=[f"{a}+{b}" for a, b in PAIRS])
@pytest.mark.parametrize("seed", range(6))
def test_two_schedulers_on_one_optimizer_match_torch(first: str, second: str, seed: int, tensor: bool) -> None:
    rng = random.Random(f"chain-{first}-{second}-{seed}")
    lrs = random_lrs(rng)
    configs = [random_config(first, rng), random_config(second, rng)]
    reference_opt = torch_optimizer(lrs, tensor=tensor)
    our_opt = torch_optimizer(lrs, tensor=tensor)
    references = [getattr(torch_sched, n)(reference_opt, **c) for n, c in zip((first, second), configs)]
    schedulers = [getattr(ours, n)(our_opt, **c) for n, c in zip((first, second), configs)]
    for _ in range(200):
        assert_close(lrs_of(our_opt), lrs_of(reference_opt))
        reference_opt.step()
        for reference, scheduler in zip(references, schedulers):
            reference.step()
            scheduler.step()
            assert_close(scheduler.get_last_lr(), [float(lr) for lr in reference.get_last_lr()])


@pytest.mark.parametrize("zeros", [False, True], ids=["any", "zero-factor"])
@pytest.mark.parametrize("tensor", [False, True], ids=["float", "tensor"])
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", range(10))
def test_lr_changed_by_hand_matches_torch(name: str, seed: int, tensor: bool, zeros: bool) -> None:
    """Chainable classes continue from the new lr; LambdaLR and the restarts overwrite it.

    ``zeros`` favours configs where the factor reaches 0 (PolynomialLR past total_iters, LinearLR
    to 0, MultiStepLR and ExponentialLR with gamma 0, a MultiplicativeLR function returning 0):
    torch then keeps the hand-set lr, or multiplies it on, and so do we.
    """
    rng = random.Random(f"hand-{name}-{seed}-{zeros}")
    config = random_config(name, rng, zeros=zeros)
    reference_opt, reference, our_opt, scheduler = build_pair(name, config, random_lrs(rng), tensor)
    for _ in range(250):
        if rng.random() < 0.1:
            index, value = rng.randrange(3), rng.uniform(1e-4, 1.0)
            set_lr(reference_opt.param_groups[index], value)
            set_lr(our_opt.param_groups[index], value)
        reference_opt.step()
        reference.step()
        scheduler.step()
        assert_close(lrs_of(our_opt), lrs_of(reference_opt))


@pytest.mark.parametrize("tensor", [False, True], ids=["float", "tensor"])
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", range(5))
def test_loads_torch_state_dict_and_continues_like_torch(name: str, seed: int, tensor: bool) -> None:
    rng = random.Random(f"load-{name}-{seed}")
    config = random_config(name, rng)
    if name == "LinearLR":  # torch's recursion to end_factor=0 can write -6e-18: see the differences tests
        config["end_factor"] = max(config["end_factor"], 0.05)
    reference_opt, reference, our_opt, scheduler = build_pair(name, config, random_lrs(rng), tensor)
    for _ in range(rng.randint(1, 80)):
        reference_opt.step()
        reference.step()
    if name == "CosineAnnealingWarmRestarts" and seed % 2:
        reference.step(reference.last_epoch + 0.25)  # a fractional epoch: torch keeps it in T_cur
    our_opt.load_state_dict(reference_opt.state_dict())
    scheduler.load_state_dict(reference.state_dict())
    assert scheduler.last_epoch == reference.last_epoch
    for _ in range(60):
        reference_opt.step()
        reference.step()
        scheduler.step()
        assert_close(lrs_of(our_opt), lrs_of(reference_opt))


def test_torch_state_dict_restores_config() -> None:
    configs = {
        "MultiStepLR": {"milestones": [5, 5, 9], "gamma": 0.3},
        "ConstantLR": {"factor": 0.2, "total_iters": 7},
        "LinearLR": {"start_factor": 0.1, "end_factor": 0.9, "total_iters": 11},
        "ExponentialLR": {"gamma": 0.77},
        "PolynomialLR": {"total_iters": 13, "power": 1.5},
        "CosineAnnealingWarmRestarts": {"T_0": 4, "T_mult": 3, "eta_min": 0.002},
    }
    for name, config in configs.items():
        reference = getattr(torch_sched, name)(torch_optimizer([0.1]), **config)
        defaults = {"MultiStepLR": {"milestones": [1]}, "ExponentialLR": {"gamma": 0.5}}
        defaults["CosineAnnealingWarmRestarts"] = {"T_0": 2}
        scheduler = getattr(ours, name)(torch_optimizer([0.1]), **defaults.get(name, {}))
        with pytest.warns(ours.ConfigDriftWarning):
            scheduler.load_state_dict(reference.state_dict())
        for key, value in config.items():
            got = getattr(scheduler, key)
            assert (sorted(got.elements()) if key == "milestones" else got) == value, (name, key)


class Ramp:
    """A callable object with state, which torch saves in its LambdaLR state dict."""

    def __init__(self, slope: float) -> None:
        self.slope = slope

    def __call__(self, epoch: int) -> float:
        return 1.0 / (1.0 + self.slope * epoch)


@pytest.mark.parametrize("name", ["LambdaLR", "MultiplicativeLR"])
def test_torch_lambda_state_with_callable_objects_loads(name: str) -> None:
    reference_opt = torch_optimizer([0.1, 0.2, 0.3])
    reference = getattr(torch_sched, name)(reference_opt, lr_lambda=[Ramp(0.5), Ramp(0.1), lambda t: 0.99])
    for _ in range(9):
        reference.step()
    state = reference.state_dict()
    assert state["lr_lambdas"] == [{"slope": 0.5}, {"slope": 0.1}, None]
    our_opt = torch_optimizer([0.1, 0.2, 0.3])
    functions = [Ramp(7.0), Ramp(7.0), lambda t: 0.99]
    scheduler = getattr(ours, name)(our_opt, lr_lambda=functions)
    our_opt.load_state_dict(reference_opt.state_dict())
    scheduler.load_state_dict(state)
    assert [functions[0].slope, functions[1].slope] == [0.5, 0.1]  # restored as torch does
    for _ in range(30):
        reference.step()
        scheduler.step()
        assert_close(lrs_of(our_opt), lrs_of(reference_opt))


def test_cosine_restarts_fractional_steps_follow_torch() -> None:
    """torch's documented use: ``step(epoch + i / iters)`` within each epoch."""
    reference_opt, reference, our_opt, scheduler = build_pair(
        "CosineAnnealingWarmRestarts", {"T_0": 3, "T_mult": 2, "eta_min": 1e-3}, [0.1, 0.05, 0.2], False
    )
    iters = 7
    for epoch in range(40):
        for i in range(iters):
            reference.step(epoch + i / iters)
            scheduler.step(epoch + i / iters)
            assert scheduler.last_epoch == reference.last_epoch == epoch
            assert scheduler.T_i == reference.T_i
            assert scheduler.T_cur == pytest.approx(reference.T_cur, abs=1e-12)
            assert_close(lrs_of(our_opt), lrs_of(reference_opt))
    # a plain step after a fractional one keeps the fraction, as torch's T_cur does
    reference.step(5.5)
    scheduler.step(5.5)
    for _ in range(30):
        reference.step()
        scheduler.step()
        assert scheduler.T_cur == pytest.approx(reference.T_cur, abs=1e-12)
        assert_close(lrs_of(our_opt), lrs_of(reference_opt))


def test_attributes_match_torch() -> None:
    optimizer = torch_optimizer([0.1])
    for name, config in [
        ("MultiStepLR", {"milestones": [3, 3, 8], "gamma": 0.5}),
        ("ConstantLR", {}),
        ("LinearLR", {}),
        ("PolynomialLR", {}),
        ("ExponentialLR", {"gamma": 0.9}),
        ("CosineAnnealingWarmRestarts", {"T_0": 4, "T_mult": 2}),
    ]:
        reference = getattr(torch_sched, name)(torch_optimizer([0.1]), **config)
        scheduler = getattr(ours, name)(optimizer, **config)
        for key in ("milestones", "gamma", "factor", "total_iters", "start_factor", "end_factor", "power"):
            if hasattr(reference, key):
                assert getattr(scheduler, key) == getattr(reference, key), (name, key)
        for key in ("T_0", "T_mult", "eta_min", "T_i", "T_cur"):
            if hasattr(reference, key):
                assert getattr(scheduler, key) == getattr(reference, key), (name, key)
        del optimizer.param_groups[0]["initial_lr"]

"""Layer 2: stateful == pure == torch, for many random configs, 3 groups, float and Tensor lrs."""

from __future__ import annotations

import random
from typing import Any

import pytest

from conftest import assert_close, lrs_of, quiet, random_lrs
from paradox import scheduler as ours

torch = pytest.importorskip("torch")
from torch.optim import lr_scheduler as torch_sched  # noqa: E402

from conftest import torch_optimizer  # noqa: E402

SEEDS = range(40)


def random_config(name: str, rng: random.Random) -> dict[str, Any]:
    if name == "StepLR":
        return {"step_size": rng.randint(1, 12), "gamma": rng.choice([0.1, 0.5, rng.uniform(0.0, 1.0), 1.0])}
    return {"T_max": rng.randint(1, 40), "eta_min": rng.choice([0.0, rng.uniform(0.0, 1e-3)])}


def pair(name: str, config: dict[str, Any], lrs: list[float], tensor: bool) -> tuple[Any, Any, Any, Any]:
    reference_opt = torch_optimizer(lrs, tensor=tensor)
    our_opt = torch_optimizer(lrs, tensor=tensor)
    reference = getattr(torch_sched, name)(reference_opt, **config)
    scheduler = getattr(ours, name)(our_opt, **config)
    return reference_opt, reference, our_opt, scheduler


@pytest.mark.parametrize("tensor", [False, True], ids=["float", "tensor"])
@pytest.mark.parametrize("name", ["StepLR", "CosineAnnealingLR"])
@pytest.mark.parametrize("seed", SEEDS)
def test_step_matches_torch(name: str, seed: int, tensor: bool) -> None:
    rng = random.Random(seed)
    config = random_config(name, rng)
    reference_opt, reference, our_opt, scheduler = pair(name, config, random_lrs(rng), tensor)
    pure = scheduler.schedule
    bases = list(scheduler.base_lrs)
    with quiet():
        for step in range(200):
            assert_close(lrs_of(our_opt), lrs_of(reference_opt))
            assert_close(scheduler.get_last_lr(), [float(lr) for lr in reference.get_last_lr()])
            assert lrs_of(our_opt) == [pure(step, base) for base in bases]  # stateful == pure, exactly
            reference_opt.step()
            reference.step()
            scheduler.step()


@pytest.mark.parametrize("name", ["StepLR", "CosineAnnealingLR"])
@pytest.mark.parametrize("seed", SEEDS)
def test_step_epoch_jumps_match_torch_closed_form(name: str, seed: int) -> None:
    rng = random.Random(seed)
    config = random_config(name, rng)
    reference_opt, reference, our_opt, scheduler = pair(name, config, random_lrs(rng), False)
    with quiet():
        for _ in range(30):
            epoch = rng.randint(0, 300)
            reference.step(epoch)
            scheduler.step(epoch)
            assert scheduler.last_epoch == reference.last_epoch == epoch
            assert_close(lrs_of(our_opt), lrs_of(reference_opt))


def test_tensor_lr_is_updated_in_place() -> None:
    optimizer = torch_optimizer([0.1, 0.2, 0.3], tensor=True)
    tensors = [group["lr"] for group in optimizer.param_groups]
    scheduler = ours.StepLR(optimizer, step_size=1, gamma=0.5)
    for _ in range(3):
        scheduler.step()
    assert [group["lr"] for group in optimizer.param_groups] == tensors  # same objects
    assert all(group["lr"] is tensor for group, tensor in zip(optimizer.param_groups, tensors))
    assert_close(lrs_of(optimizer), [0.0125, 0.025, 0.0375], rel=1e-15)
    assert all(type(lr) is float for lr in scheduler.get_last_lr())  # README: floats, also for Tensor lrs
    # initial_lr is a copy, not an alias of the live tensor
    assert optimizer.param_groups[0]["initial_lr"] is not tensors[0]
    assert float(optimizer.param_groups[0]["initial_lr"]) == 0.1


def test_float32_tensor_lr_is_followed_to_float32_precision() -> None:
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=torch.tensor(0.1))
    scheduler = ours.CosineAnnealingLR(optimizer, T_max=10)
    for step in range(1, 25):
        scheduler.step()
        expected = ours.CosineAnnealing(10)(step, float(torch.tensor(0.1)))
        assert float(optimizer.param_groups[0]["lr"]) == pytest.approx(expected, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("name", ["StepLR", "CosineAnnealingLR"])
@pytest.mark.parametrize("seed", range(10))
def test_resume_with_last_epoch_matches_uninterrupted_torch(name: str, seed: int) -> None:
    """``last_epoch=k`` resumes at step k + 1 with the lrs torch's uninterrupted run has there.

    torch's own StepLR resumes the same way. torch's CosineAnnealingLR keeps the lr of step k
    while setting ``last_epoch`` to k + 1, so its resumed run lags one step behind its own
    uninterrupted run; we follow the uninterrupted run (see "Differences from PyTorch").
    """
    rng = random.Random(seed)
    config = random_config(name, rng)
    lrs = random_lrs(rng)
    start = rng.randint(0, 60)
    with quiet():
        reference_opt, reference, _, _ = pair(name, config, lrs, False)
        for _ in range(start):
            reference_opt.step()
            reference.step()
        our_opt = torch_optimizer(lrs)
        our_opt.load_state_dict(reference_opt.state_dict())  # holds initial_lr and the lr at `start`
        resumed = getattr(ours, name)(our_opt, last_epoch=start, **config)
        reference.step()
        assert resumed.last_epoch == reference.last_epoch == start + 1
        for _ in range(50):
            assert_close(lrs_of(our_opt), lrs_of(reference_opt))
            reference.step()
            resumed.step()
        if name == "StepLR":
            torch_opt = torch_optimizer(lrs)
            torch_opt.load_state_dict(our_opt.state_dict())
            resumed_reference = torch_sched.StepLR(torch_opt, last_epoch=resumed.last_epoch, **config)
            resumed.step(resumed.last_epoch + 1)
            assert_close(lrs_of(our_opt), lrs_of(torch_opt))
            assert resumed_reference.last_epoch == resumed.last_epoch


@pytest.mark.parametrize("tensor", [False, True], ids=["float", "tensor"])
@pytest.mark.parametrize("name", ["StepLR", "CosineAnnealingLR"])
def test_loads_torch_state_dict(name: str, tensor: bool) -> None:
    config = {"step_size": 4, "gamma": 0.5} if name == "StepLR" else {"T_max": 30, "eta_min": 1e-4}
    reference_opt, reference, our_opt, scheduler = pair(name, config, [0.1, 0.05, 0.02], tensor)
    with quiet():
        for _ in range(13):
            reference_opt.step()
            reference.step()
        our_opt.load_state_dict(reference_opt.state_dict())
        scheduler.load_state_dict(reference.state_dict())
        assert scheduler.last_epoch == 13
        for _ in range(40):
            reference.step()
            scheduler.step()
            assert_close(lrs_of(our_opt), lrs_of(reference_opt))


def test_torch_state_dict_config_is_restored() -> None:
    reference = torch_sched.StepLR(torch_optimizer([0.1]), step_size=7, gamma=0.3)
    scheduler = ours.StepLR(torch_optimizer([0.1]), step_size=7, gamma=0.3)
    scheduler.load_state_dict(reference.state_dict())
    assert (scheduler.step_size, scheduler.gamma) == (7, 0.3)


def test_works_with_adam_and_real_training() -> None:
    model = torch.nn.Linear(3, 1)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    scheduler = ours.CosineAnnealingLR(optimizer, T_max=10)
    with quiet("error"):
        for _ in range(10):
            optimizer.zero_grad()
            model(torch.ones(4, 3)).sum().backward()
            optimizer.step()
            scheduler.step()
    assert optimizer.param_groups[0]["lr"] == 0.0
    assert not hasattr(optimizer.step, "_wrapped_by_lr_sched")


@pytest.mark.parametrize("tensor", [False, True], ids=["float", "tensor"])
@pytest.mark.parametrize("name", ["StepLR", "CosineAnnealingLR"])
@pytest.mark.parametrize("seed", range(60))
def test_lr_changed_by_hand_between_steps_matches_torch(name: str, seed: int, tensor: bool) -> None:
    """A hand-set lr is taken up and the schedule continues from it, as torch's does."""
    rng = random.Random(seed)
    config = random_config(name, rng)
    if name == "CosineAnnealingLR":
        config["T_max"] = rng.randint(1, 10)  # short periods: hand changes land on the bottom too
    reference_opt, reference, our_opt, scheduler = pair(name, config, random_lrs(rng), tensor)
    with quiet():
        for _ in range(80):
            if rng.random() < 0.15:
                index, lr = rng.randrange(3), rng.uniform(0.01, 1.0)
                for optimizer in (reference_opt, our_opt):
                    group = optimizer.param_groups[index]
                    if tensor:
                        group["lr"].fill_(lr)
                    else:
                        group["lr"] = lr
            reference.step()
            scheduler.step()
            assert_close(lrs_of(our_opt), lrs_of(reference_opt), rel=1e-9, abs_=1e-12)


@pytest.mark.parametrize(
    ("first", "second"),
    [("StepLR", "CosineAnnealingLR"), ("CosineAnnealingLR", "StepLR"), ("StepLR", "StepLR")],
)
@pytest.mark.parametrize("seed", range(15))
def test_two_schedulers_on_one_optimizer_match_torch_chaining(first: str, second: str, seed: int) -> None:
    """torch's documented chaining: two schedulers step one optimizer and their effects compose."""
    rng = random.Random(seed)
    lrs = random_lrs(rng)
    configs = [random_config(first, rng), random_config(second, rng)]
    reference_opt, our_opt = torch_optimizer(lrs), torch_optimizer(lrs)
    with quiet():
        references = [getattr(torch_sched, n)(reference_opt, **c) for n, c in zip((first, second), configs)]
        schedulers = [getattr(ours, n)(our_opt, **c) for n, c in zip((first, second), configs)]
        for _ in range(120):
            assert_close(lrs_of(our_opt), lrs_of(reference_opt), rel=1e-9, abs_=1e-12)
            reference_opt.step()
            for reference in references:
                reference.step()
            for scheduler in schedulers:
                scheduler.step()

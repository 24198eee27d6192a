"""CyclicLR and OneCycleLR against torch: lrs and momenta/betas, every step, many random configs."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from conftest import PlainOptimizer, assert_close, lrs_of
from paradox import scheduler as ours

torch = pytest.importorskip("torch")
from torch.optim import lr_scheduler as torch_sched  # noqa: E402

from conftest import quiet, torch_optimizer  # noqa: E402

NAMES = ["CyclicLR", "OneCycleLR"]
KINDS = ["sgd", "adam"]


def decay(x: float) -> float:
    return 1.0 / (1.0 + 0.1 * x)


def anchor(rng: random.Random, low: float, high: float) -> Any:
    if rng.random() < 0.5:
        return rng.uniform(low, high)
    return [rng.uniform(low, high) for _ in range(3)]


def random_config(name: str, rng: random.Random) -> dict[str, Any]:
    momentum = {"cycle_momentum": rng.random() < 0.8}
    if rng.random() < 0.7:
        momentum["base_momentum"] = anchor(rng, 0.7, 0.85)
        momentum["max_momentum"] = anchor(rng, 0.86, 0.99)
    if name == "CyclicLR":
        config: dict[str, Any] = {
            "base_lr": anchor(rng, 1e-4, 0.01),
            "max_lr": anchor(rng, 0.02, 1.0),
            "step_size_up": rng.randint(1, 30),
            "step_size_down": rng.choice([None, rng.randint(1, 30)]),
            "mode": rng.choice(["triangular", "triangular2", "exp_range"]),
            "gamma": rng.uniform(0.95, 1.0),
        }
        if rng.random() < 0.25:
            config["scale_fn"] = decay
            config["scale_mode"] = rng.choice(["cycle", "iterations"])
        return {**config, **momentum}
    total = rng.randint(20, 400)
    config = {
        "max_lr": anchor(rng, 0.01, 1.0),
        "pct_start": rng.uniform(2.5 / total, 0.95),
        "anneal_strategy": rng.choice(["cos", "linear"]),
        "div_factor": rng.uniform(2.0, 50.0),
        "final_div_factor": rng.choice([1e4, rng.uniform(2.0, 1e3)]),
        "three_phase": rng.random() < 0.3,
    }
    if config["three_phase"]:
        config["pct_start"] = rng.uniform(2.5 / total, 0.45)
    if rng.random() < 0.3:
        steps_per_epoch = rng.randint(1, 20)
        config.update(epochs=max(1, total // steps_per_epoch), steps_per_epoch=steps_per_epoch)
    else:
        config["total_steps"] = total
    return {**config, **momentum}


def total_of(config: dict[str, Any]) -> int:
    return int(config.get("total_steps") or config["epochs"] * config["steps_per_epoch"])


def momenta_of(optimizer: Any) -> list[float]:
    return [float(g["betas"][0]) if "betas" in g else float(g["momentum"]) for g in optimizer.param_groups]


def pair(name: str, config: dict[str, Any], tensor: bool, kind: str) -> tuple[Any, Any, Any, Any]:
    lrs = [0.3, 0.02, 0.5]
    reference_opt = torch_optimizer(lrs, tensor=tensor, kind=kind)
    our_opt = torch_optimizer(lrs, tensor=tensor, kind=kind)
    with quiet():
        reference = getattr(torch_sched, name)(reference_opt, **config)
    scheduler = getattr(ours, name)(our_opt, **config)
    return reference_opt, reference, our_opt, scheduler


def assert_same(our_opt: Any, reference_opt: Any) -> None:
    assert_close(lrs_of(our_opt), lrs_of(reference_opt))
    assert_close(momenta_of(our_opt), momenta_of(reference_opt))


def steps_for(name: str, config: dict[str, Any]) -> int:
    return 300 if name == "CyclicLR" else total_of(config) - 1


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("tensor", [False, True], ids=["float", "tensor"])
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", range(12))
def test_step_matches_torch(name: str, seed: int, tensor: bool, kind: str) -> None:
    rng = random.Random(seed * 7 + len(name))
    config = random_config(name, rng)
    reference_opt, reference, our_opt, scheduler = pair(name, config, tensor, kind)
    for key in ("initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum"):
        assert [g.get(key) for g in our_opt.param_groups] == [g.get(key) for g in reference_opt.param_groups]
    assert_close(scheduler.base_lrs, [float(lr) for lr in reference.base_lrs])
    bases = list(scheduler._bases)
    with quiet():
        for step in range(steps_for(name, config) + 1):
            assert_same(our_opt, reference_opt)
            # torch's order of operations: the values are torch's to the last bit
            assert lrs_of(our_opt) == lrs_of(reference_opt)
            assert momenta_of(our_opt) == momenta_of(reference_opt)
            assert_close(scheduler.get_last_lr(), [float(lr) for lr in reference.get_last_lr()])
            lrs, momenta = scheduler.schedule.evaluate(step, bases)
            assert lrs_of(our_opt) == pytest.approx(lrs, rel=1e-15) if tensor else lrs_of(our_opt) == lrs
            if momenta is not None:
                assert momenta_of(our_opt) == momenta  # stateful == pure, exactly
            reference_opt.step()
            reference.step()
            scheduler.step()


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", range(12))
def test_step_epoch_jumps_match_torch(name: str, seed: int) -> None:
    rng = random.Random(1000 + seed)
    config = random_config(name, rng)
    reference_opt, reference, our_opt, scheduler = pair(name, config, False, rng.choice(KINDS))
    last = 400 if name == "CyclicLR" else total_of(config) - 1
    with quiet():
        for _ in range(25):
            epoch = rng.randint(0, last)
            reference.step(epoch)
            scheduler.step(epoch)
            assert scheduler.last_epoch == reference.last_epoch == epoch
            assert_same(our_opt, reference_opt)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", range(8))
def test_hand_changed_lr_is_overwritten_like_torch(name: str, seed: int) -> None:
    rng = random.Random(2000 + seed)
    config = random_config(name, rng)
    reference_opt, reference, our_opt, scheduler = pair(name, config, rng.random() < 0.5, rng.choice(KINDS))
    with quiet():
        for step in range(min(120, steps_for(name, config))):
            if step % 7 == 3:
                for optimizer in (reference_opt, our_opt):
                    group = optimizer.param_groups[step % 3]
                    if isinstance(group["lr"], torch.Tensor):
                        group["lr"].fill_(0.123)
                    else:
                        group["lr"] = 0.123
            reference.step()
            scheduler.step()
            assert_same(our_opt, reference_opt)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", range(6))
def test_resume_through_json_is_bit_exact(name: str, seed: int, kind: str) -> None:
    rng = random.Random(3000 + seed)
    config = random_config(name, rng)
    _, _, reference_opt, reference = pair(name, config, False, kind)
    _, _, our_opt, scheduler = pair(name, config, False, kind)
    total = steps_for(name, config)
    stop = rng.randint(0, total - 1)
    for _ in range(stop):
        reference.step()
        scheduler.step()
    saved = json.loads(json.dumps({"optimizer": our_opt.state_dict(), "scheduler": scheduler.state_dict()}))
    _, _, fresh_opt, fresh = pair(name, config, False, kind)
    saved["optimizer"]["param_groups"] = [
        {**group, "betas": tuple(group["betas"])} if "betas" in group else group
        for group in saved["optimizer"]["param_groups"]
    ]
    fresh_opt.load_state_dict(saved["optimizer"])
    fresh.load_state_dict(saved["scheduler"])
    for _ in range(total - stop):
        reference.step()
        fresh.step()
        assert lrs_of(fresh_opt) == lrs_of(reference_opt)  # bit-identical
        assert momenta_of(fresh_opt) == momenta_of(reference_opt)


@pytest.mark.parametrize("tensor", [False, True], ids=["float", "tensor"])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", range(4))
def test_loads_torch_state_dict(name: str, seed: int, kind: str, tensor: bool) -> None:
    rng = random.Random(4000 + seed)
    config = random_config(name, rng)
    config.pop("scale_fn", None)
    reference_opt, reference, our_opt, scheduler = pair(name, config, tensor, kind)
    total = steps_for(name, config)
    stop = rng.randint(1, total - 2)
    with quiet():
        for _ in range(stop):
            reference_opt.step()
            reference.step()
        our_opt.load_state_dict(reference_opt.state_dict())
        with quiet("error", ours.ConfigDriftWarning):
            scheduler.load_state_dict(reference.state_dict())
        assert scheduler.last_epoch == stop
        for _ in range(total - stop):
            reference.step()
            scheduler.step()
            assert_same(our_opt, reference_opt)


def test_torch_state_with_another_config_is_restored() -> None:
    optimizer = torch_optimizer([0.1, 0.2, 0.3])
    with quiet():
        reference = torch_sched.CyclicLR(
            optimizer, 0.01, [0.5, 0.6, 0.7], step_size_up=5, step_size_down=9, mode="exp_range", gamma=0.99
        )
    scheduler = ours.CyclicLR(torch_optimizer([0.1, 0.2, 0.3]), 0.02, 0.4, step_size_up=3)
    with pytest.warns(ours.ConfigDriftWarning, match=r"step_size_up: 3 -> 5"):
        scheduler.load_state_dict(reference.state_dict())
    assert (scheduler.step_size_up, scheduler.step_size_down, scheduler.mode, scheduler.gamma) == (
        5,
        9,
        "exp_range",
        0.99,
    )
    assert scheduler.max_lrs == [0.5, 0.6, 0.7]
    assert scheduler.scale_mode == "iterations"


def test_attributes_match_torch() -> None:
    optimizer = torch_optimizer([0.1, 0.2, 0.3], kind="adam")
    with quiet():
        reference = torch_sched.CyclicLR(
            torch_optimizer([0.1] * 3, kind="adam"), [0.01, 0.02, 0.03], 0.5, step_size_up=3, step_size_down=5
        )
    scheduler = ours.CyclicLR(optimizer, [0.01, 0.02, 0.03], 0.5, step_size_up=3, step_size_down=5)
    for attribute in (
        "max_lrs",
        "total_size",
        "step_ratio",
        "mode",
        "gamma",
        "scale_mode",
        "cycle_momentum",
        "use_beta1",
        "base_momentums",
        "max_momentums",
        "base_lrs",
    ):
        assert getattr(scheduler, attribute) == getattr(reference, attribute), attribute
    assert [scheduler.scale_fn(x) for x in (1, 2)] == [reference.scale_fn(x) for x in (1, 2)]
    with quiet():
        one = torch_sched.OneCycleLR(torch_optimizer([0.1] * 3), 0.5, epochs=4, steps_per_epoch=25)
    mine = ours.OneCycleLR(torch_optimizer([0.1] * 3), 0.5, epochs=4, steps_per_epoch=25)
    for attribute in ("total_steps", "cycle_momentum", "use_beta1", "base_lrs"):
        assert getattr(mine, attribute) == getattr(one, attribute), attribute


def test_cycle_momentum_needs_momentum_or_betas() -> None:
    optimizer = torch.optim.Adagrad([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    with pytest.raises(ValueError, match="optimizer must support momentum"):
        torch_sched.CyclicLR(optimizer, 0.01, 0.1)
    for name, args in (("CyclicLR", (0.01, 0.1)), ("OneCycleLR", (0.1, 10))):
        optimizer = torch.optim.Adagrad([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        before = dict(optimizer.param_groups[0])
        with pytest.raises(
            ValueError,
            match=rf"^{name}: optimizer must be an optimizer with 'momentum' or 'betas'.*Received: optimizer=Adagrad",
        ):
            getattr(ours, name)(optimizer, *args)
        assert optimizer.param_groups[0] == before
        getattr(ours, name)(optimizer, *args, cycle_momentum=False)


def test_plain_optimizer_momentum_is_judged_by_its_groups() -> None:
    sgd_like = PlainOptimizer(0.1, 0.2)
    for group in sgd_like.param_groups:
        group["momentum"] = 0.0
    ours.CyclicLR(sgd_like, 0.01, 0.1, step_size_up=2)
    assert [g["momentum"] for g in sgd_like.param_groups] == [0.9, 0.9]
    adam_like = PlainOptimizer(0.1)
    adam_like.param_groups[0]["betas"] = (0.5, 0.999)
    scheduler = ours.OneCycleLR(adam_like, 0.1, total_steps=10)
    assert scheduler.use_beta1 and adam_like.param_groups[0]["betas"] == (0.95, 0.999)


# -- beyond torch: OneCycleLR ends at total_steps --------------------------------------------


@pytest.mark.parametrize("strategy", ["cos", "linear"])
def test_one_cycle_holds_its_last_value_at_total_steps_where_torch_climbs_back(strategy: str) -> None:
    config = {"max_lr": 0.1, "total_steps": 10, "anneal_strategy": strategy}
    reference_opt, reference, our_opt, scheduler = pair("OneCycleLR", config, False, "sgd")
    with quiet():
        for _ in range(9):
            reference.step()
            scheduler.step()
        assert_same(our_opt, reference_opt)
        last_lrs, last_momenta = lrs_of(our_opt), momenta_of(our_opt)
        reference.step()  # torch's documented loop of total_steps calls ends here
        scheduler.step()
    assert lrs_of(our_opt) == last_lrs and momenta_of(our_opt) == last_momenta
    assert lrs_of(reference_opt) != last_lrs  # torch's cosine climbs back / its line overshoots


def test_one_cycle_stepped_past_total_steps_raises_and_changes_nothing() -> None:
    optimizer = torch_optimizer([0.1, 0.2, 0.3], kind="adam")
    scheduler = ours.OneCycleLR(optimizer, 0.1, total_steps=10)
    for _ in range(10):
        scheduler.step()
    before = (json.dumps(scheduler.state_dict()), lrs_of(optimizer), momenta_of(optimizer))
    message = (
        r"^OneCycleLR\.step: step must be <= total_steps=10 \(the cycle ends there; .*\)\. Received: step=11 \(int\)$"
    )
    with pytest.raises(ValueError, match=message):
        scheduler.step()
    with pytest.raises(ValueError, match=message.replace("11", "500")):
        scheduler.step(500)
    assert (json.dumps(scheduler.state_dict()), lrs_of(optimizer), momenta_of(optimizer)) == before
    scheduler.step(3)  # still usable
    assert scheduler.last_epoch == 3


def test_one_cycle_resume_past_the_end_is_refused_before_any_change() -> None:
    optimizer = PlainOptimizer(0.1)
    optimizer.param_groups[0]["initial_lr"] = 0.004
    before = [dict(g) for g in optimizer.param_groups]
    with pytest.raises(ValueError, match=r"^OneCycleLR\.step: step must be <= total_steps=10 .*Received: step=11"):
        ours.OneCycleLR(optimizer, 0.1, total_steps=10, last_epoch=10, cycle_momentum=False)
    assert optimizer.param_groups == before


# -- custom scale_fn: never saved, passed again -----------------------------------------------


def test_custom_scale_fn_matches_torch_and_is_not_saved() -> None:
    config: dict[str, Any] = {
        "base_lr": 0.01,
        "max_lr": 0.1,
        "step_size_up": 3,
        "scale_fn": decay,
        "scale_mode": "iterations",
    }
    reference_opt, reference, our_opt, scheduler = pair("CyclicLR", config, False, "sgd")
    with quiet():
        for _ in range(50):
            reference.step()
            scheduler.step()
            assert_same(our_opt, reference_opt)
    state = json.loads(json.dumps(scheduler.state_dict()))
    assert state["config"]["scale_fn"] == "custom"
    again = ours.CyclicLR(
        torch_optimizer([0.1] * 3), 0.01, 0.1, step_size_up=3, scale_fn=decay, scale_mode="iterations"
    )
    again.load_state_dict(state)
    assert again.last_epoch == 50 and again.schedule.scale_fn is decay


def test_state_saved_with_a_scale_fn_needs_one() -> None:
    with_fn = ours.CyclicLR(PlainOptimizer(0.1), 0.01, 0.1, scale_fn=decay, cycle_momentum=False)
    without = ours.CyclicLR(PlainOptimizer(0.1), 0.01, 0.1, cycle_momentum=False)
    before = without.state_dict()
    with pytest.raises(
        ValueError,
        match=r"^CyclicLR\.load_state_dict: scale_fn must be the custom function the state was saved with \(functions are never saved: pass the same one again, CyclicLR\(\.\.\., scale_fn=\.\.\.\), then load\)\. Received: scale_fn=None \(NoneType\)$",
    ):
        without.load_state_dict(with_fn.state_dict())
    assert without.state_dict() == before
    with pytest.raises(
        ValueError,
        match=r"^CyclicLR\.load_state_dict: scale_fn must be None: the state was saved without a custom scale_fn \(mode sets the scale\)\. Received: scale_fn=<function decay",
    ):
        with_fn.load_state_dict(without.state_dict())


def test_torch_state_with_scale_fn_entries_loads_without_a_custom_function() -> None:
    with quiet():
        reference = torch_sched.CyclicLR(torch_optimizer([0.1]), 0.01, 0.1, step_size_up=4, mode="triangular2")
        for _ in range(9):
            reference.step()
    state = reference.state_dict()
    state["_scale_fn_ref"] = None
    assert "_scale_fn_custom" in state
    scheduler = ours.CyclicLR(torch_optimizer([0.1]), 0.01, 0.1, step_size_up=4, mode="triangular2")
    scheduler.load_state_dict(state)
    scheduler.step()
    with quiet():
        reference.step()
    assert_close(scheduler.get_last_lr(), reference.get_last_lr())
    custom = {**state, "_scale_fn_custom": {"a": 1}}  # torch's form of a callable object with state
    with pytest.raises(ValueError, match=r"scale_fn must be the custom function the state was saved with"):
        scheduler.load_state_dict(custom)


def test_pure_config_round_trip_needs_the_function() -> None:
    cyclic = ours.Cyclic(base_lr=[0.1, 0.2], step_size_up=3, scale_fn=decay)
    config = json.loads(json.dumps(cyclic.to_config()))
    assert ours.Cyclic.from_config(config, scale_fn=decay) == cyclic
    with pytest.raises(
        ValueError, match=r"^Cyclic\.from_config: scale_fn must be the custom function the state was saved with"
    ):
        ours.Cyclic.from_config(config)
    with pytest.raises(ValueError, match=r"^Cyclic: scale_fn must be the function itself: a config records only"):
        ours.Schedule.from_config(config)
    plain = ours.Cyclic(base_lr=0.1)
    assert ours.Schedule.from_config(plain.to_config()) == plain
    one = ours.OneCycle(total_steps=100, base_momentum=[0.8, 0.85])
    assert ours.Schedule.from_config(json.loads(json.dumps(one.to_config()))) == one

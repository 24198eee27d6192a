"""ParamScheduler (issue 14): any key of a param group, per group, on one clock, resumed bit for bit."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
import torch

import paradox.scheduler as ps
from conftest import PlainOptimizer, lrs_of, refused
from paradox.scheduler import CosineAnnealing, LinearFactor, ParamScheduler, StepDecay, WarmupStableDecay


def adamw(*, tensor_lr: bool = False) -> torch.optim.AdamW:
    """Two groups, the second named "head", as a transformer's trainer builds them."""
    body = [torch.nn.Parameter(torch.zeros(3))]
    head = [torch.nn.Parameter(torch.zeros(2))]
    lr: Any = torch.tensor(1e-3) if tensor_lr else 1e-3
    return torch.optim.AdamW(
        [
            {"params": body, "lr": lr, "weight_decay": 0.01, "betas": (0.9, 0.95)},
            {"params": head, "lr": 3e-3, "weight_decay": 0.0, "betas": (0.9, 0.95), "name": "head"},
        ]
    )


def recipe(optimizer: Any) -> ParamScheduler:
    return ParamScheduler(
        optimizer,
        {
            "lr": ps.Warmup(CosineAnnealing(T_max=90, eta_min=1e-5), steps=10),
            "weight_decay": CosineAnnealing(T_max=100, eta_min=0.1),
            "betas[1]": CosineAnnealing(T_max=100, eta_min=0.999),
        },
        groups={"head": {"lr": CosineAnnealing(T_max=100, eta_min=3e-4), "weight_decay": None}},
    )


def keys_of(optimizer: Any) -> list[tuple[float, float, float]]:
    return [(float(g["lr"]), float(g["weight_decay"]), float(g["betas"][1])) for g in optimizer.param_groups]


def train(optimizer: Any, scheduler: Any, steps: int) -> list[list[tuple[float, float, float]]]:
    seen = []
    for _ in range(steps):
        for group in optimizer.param_groups:
            for param in group["params"]:
                param.grad = torch.ones_like(param)
        optimizer.step()
        scheduler.step()
        seen.append(keys_of(optimizer))
    return seen


def test_each_key_follows_its_schedule_from_the_groups_value_at_construction() -> None:
    optimizer = adamw()
    scheduler = recipe(optimizer)
    warm = ps.Warmup(CosineAnnealing(T_max=90, eta_min=1e-5), steps=10)
    wd, beta = CosineAnnealing(T_max=100, eta_min=0.1), CosineAnnealing(T_max=100, eta_min=0.999)
    head = CosineAnnealing(T_max=100, eta_min=3e-4)
    for t, values in enumerate(train(optimizer, scheduler, 100), start=1):
        assert values[0] == (warm(t, 1e-3), wd(t, 0.01), beta(t, 0.95))
        assert values[1] == (head(t, 3e-3), 0.0, beta(t, 0.95))  # its weight decay is left alone
    assert keys_of(optimizer) == [(1e-5, 0.1, 0.999), (3e-4, 0.0, 0.999)]  # the ends, exactly
    assert isinstance(optimizer.param_groups[0]["betas"], tuple)  # rebuilt as AdamW keeps it
    assert optimizer.param_groups[0]["betas"][0] == 0.9
    last = scheduler.get_last_values()
    assert last["lr"] == scheduler.get_last_lr() == lrs_of(optimizer)
    assert last["weight_decay"] == [0.1, None] and last["betas[1]"] == [0.999, 0.999]
    scheduler.step()  # the cosines go on past their end, as torch's
    assert keys_of(optimizer)[0] == (warm(101, 1e-3), wd(101, 0.01), beta(101, 0.95))


def test_an_lr_schedule_alone_gives_the_torch_named_class_values_bit_for_bit() -> None:
    for ours, theirs in [
        ({"lr": CosineAnnealing(T_max=37, eta_min=1e-4)}, lambda o: ps.CosineAnnealingLR(o, T_max=37, eta_min=1e-4)),
        ({"lr": StepDecay(step_size=5, gamma=0.3)}, lambda o: ps.StepLR(o, step_size=5, gamma=0.3)),
    ]:
        a, b = PlainOptimizer(0.1, 0.02, 0.5), PlainOptimizer(0.1, 0.02, 0.5)
        scheduler, reference = ParamScheduler(a, ours), theirs(b)
        for _ in range(80):
            scheduler.step()
            reference.step()
            assert lrs_of(a) == lrs_of(b)
        assert scheduler.base_lrs == reference.base_lrs and "initial_lr" in a.param_groups[0]


def test_matches_torch_cosine_annealing_on_a_real_optimizer() -> None:
    ours, theirs = adamw(), adamw()
    scheduler = ParamScheduler(ours, {"lr": CosineAnnealing(T_max=50, eta_min=1e-5)})
    reference = torch.optim.lr_scheduler.CosineAnnealingLR(theirs, T_max=50, eta_min=1e-5)
    for _ in range(50):
        theirs.step()  # torch warns when its scheduler steps before its optimizer
        scheduler.step()
        reference.step()
        for a, b in zip(lrs_of(ours), lrs_of(theirs)):
            assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-18)


def test_momentum_on_sgd_and_a_custom_key() -> None:
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([{"params": [param], "lr": 0.1, "momentum": 0.85, "ema": 0.99}])
    scheduler = ParamScheduler(
        optimizer, {"momentum": CosineAnnealing(T_max=10, eta_min=0.95), "ema": LinearFactor(1.0, 0.0, 10)}
    )
    for t in range(1, 12):
        scheduler.step()
        group = optimizer.param_groups[0]
        assert group["momentum"] == CosineAnnealing(T_max=10, eta_min=0.95)(t, 0.85)
        assert group["ema"] == LinearFactor(1.0, 0.0, 10)(t, 0.99)
        assert group["lr"] == 0.1  # no lr schedule: the lr is never written


def test_without_an_lr_schedule_another_scheduler_owns_the_lr() -> None:
    optimizer = PlainOptimizer(0.1, 0.2, weight_decay=0.05)
    lr = ps.CosineAnnealingLR(optimizer, T_max=20)
    wd = ParamScheduler(optimizer, {"weight_decay": StepDecay(step_size=3, gamma=0.5)})
    alone = PlainOptimizer(0.1, 0.2)
    reference = ps.CosineAnnealingLR(alone, T_max=20)
    for t in range(1, 25):
        lr.step()
        wd.step()
        reference.step()
        assert lrs_of(optimizer) == lrs_of(alone)
        assert [g["weight_decay"] for g in optimizer.param_groups] == [0.05 * 0.5 ** (t // 3)] * 2


def test_tensor_values_are_filled_in_place() -> None:
    optimizer = adamw(tensor_lr=True)
    body = optimizer.param_groups[0]
    lr, beta1 = body["lr"], torch.tensor(0.9)
    body["betas"] = (beta1, 0.95)
    scheduler = ParamScheduler(optimizer, {"lr": CosineAnnealing(T_max=10), "betas[0]": CosineAnnealing(10, 0.8)})
    for t in range(1, 11):
        scheduler.step()
        assert body["lr"] is lr and body["betas"][0] is beta1
        assert math.isclose(float(lr), CosineAnnealing(T_max=10)(t, 1e-3), rel_tol=1e-6)
        assert math.isclose(float(beta1), CosineAnnealing(10, 0.8)(t, 0.9), rel_tol=1e-6)


def test_per_group_by_index_and_by_name_and_none_leaves_a_key_alone() -> None:
    optimizer = PlainOptimizer(1.0, 1.0, 1.0)
    optimizer.param_groups[2]["name"] = "head"
    scheduler = ParamScheduler(
        optimizer,
        {"lr": StepDecay(step_size=1, gamma=0.5)},
        groups={0: {"lr": StepDecay(step_size=1, gamma=0.9)}, "head": {"lr": None}},
    )
    scheduler.step()
    scheduler.step()
    assert lrs_of(optimizer) == [0.81, 0.25, 1.0]


def test_layer_decay_scales_each_groups_lr_and_the_head_keeps_its_own() -> None:
    optimizer = PlainOptimizer(0.1, 0.1, 0.1, 0.1)
    scheduler = ParamScheduler(optimizer, {"lr": CosineAnnealing(T_max=10)}, layer_decay=0.5)
    scheduler.step()
    value = CosineAnnealing(T_max=10)(1, 0.1)
    assert lrs_of(optimizer) == [value * 0.125, value * 0.25, value * 0.5, value]


def test_an_lr_scale_key_is_timms_multiplier() -> None:
    optimizer = PlainOptimizer(0.1, 0.1)
    optimizer.param_groups[0]["lr_scale"] = 0.3
    scheduler = ParamScheduler(optimizer, {"lr": CosineAnnealing(T_max=10, eta_min=0.01)})
    assert lrs_of(optimizer) == [0.1 * 0.3, 0.1]
    scheduler.step()
    value = CosineAnnealing(T_max=10, eta_min=0.01)(1, 0.1)
    assert lrs_of(optimizer) == [value * 0.3, value]


def lr_and_weight_decay(optimizer: Any, T_max: int) -> ParamScheduler:
    """A cosine lr, and a weight decay rising along a cosine to 0.1."""
    wd = CosineAnnealing(T_max=T_max, eta_min=0.1)
    return ParamScheduler(optimizer, {"lr": CosineAnnealing(T_max=T_max), "weight_decay": wd})


def test_a_group_added_later_continues_from_the_values_it_brought() -> None:
    optimizer = PlainOptimizer(0.1, weight_decay=0.01)
    scheduler = lr_and_weight_decay(optimizer, T_max=20)
    for _ in range(5):
        scheduler.step()
    optimizer.param_groups.append({"lr": 0.05, "weight_decay": 0.02})
    scheduler.step()
    cosine, rising = CosineAnnealing(T_max=20), CosineAnnealing(T_max=20, eta_min=0.1)
    base, wd_base = cosine.rebase(5, 0.05), rising.rebase(5, 0.02)
    assert base is not None and wd_base is not None
    assert optimizer.param_groups[1]["lr"] == cosine(6, base)
    assert optimizer.param_groups[1]["weight_decay"] == rising(6, wd_base)  # every key, on the same rule
    for _ in range(10):  # and it stays on those curves
        scheduler.step()
    assert math.isclose(optimizer.param_groups[1]["lr"], cosine(16, base), rel_tol=1e-15)


def test_resume_through_json_continues_bit_for_bit() -> None:
    optimizer = adamw()
    scheduler = recipe(optimizer)
    train(optimizer, scheduler, 37)
    scheduler.rescale(total_steps=150)  # recorded in the state as well
    state = json.loads(json.dumps(scheduler.state_dict()))
    expected = train(optimizer, scheduler, 80)

    fresh_optimizer = adamw()
    fresh = recipe(fresh_optimizer)
    fresh.load_state_dict(state)
    assert train(fresh_optimizer, fresh, 80) == expected


def test_rescale_stretches_every_key_from_now() -> None:
    optimizer = PlainOptimizer(0.1, weight_decay=0.01)
    scheduler = lr_and_weight_decay(optimizer, T_max=100)
    for _ in range(40):
        scheduler.step()
    before = dict(optimizer.param_groups[0])
    scheduler.rescale(total_steps=200)
    assert optimizer.param_groups[0] == before  # no jump
    for _ in range(160):
        scheduler.step()
    assert optimizer.param_groups[0]["lr"] == 0.0 and optimizer.param_groups[0]["weight_decay"] == 0.1
    with refused(scheduler, ValueError, r"^ParamScheduler.rescale: total_steps must be an int > last_epoch=200"):
        scheduler.rescale(total_steps=150)


def test_a_saved_config_that_differs_is_restored_with_a_warning() -> None:
    optimizer = PlainOptimizer(0.1)
    scheduler = ParamScheduler(optimizer, {"lr": CosineAnnealing(T_max=10)})
    other = ParamScheduler(PlainOptimizer(0.1), {"lr": CosineAnnealing(T_max=30)})
    for _ in range(3):
        other.step()
    with pytest.warns(ps.ConfigDriftWarning, match="schedules"):
        scheduler.load_state_dict(other.state_dict())
    scheduler.step()
    assert lrs_of(optimizer) == [CosineAnnealing(T_max=30)(4, 0.1)]
    live = ParamScheduler(PlainOptimizer(0.1), {"lr": CosineAnnealing(T_max=10)})
    live.load_state_dict(other.state_dict(), config="live")
    live.step()
    assert lrs_of(live.optimizer) == [CosineAnnealing(T_max=10)(4, 0.1)]


@pytest.mark.parametrize(
    ("groups", "schedules", "kwargs", "error", "message"),
    [
        (
            [{"lr": 0.1, "betas": (0.9, 0.95)}],
            {"betas[2]": CosineAnnealing(10)},
            {},
            ValueError,
            r"^ParamScheduler: optimizer.param_groups\[0\]\['betas'\] must be a tuple of more than 2 items "
            r"\(scheduled as 'betas\[2\]'\)\. Received: optimizer.param_groups\[0\]\['betas'\]=\(0.9, 0.95\)",
        ),
        (
            [{"lr": 0.1, "momentum": 0.9}],
            {"momentum[0]": CosineAnnealing(10)},
            {},
            TypeError,
            r"^ParamScheduler: optimizer.param_groups\[0\]\['momentum'\] must be a tuple or list \(scheduled as "
            r"'momentum\[0\]'\)",
        ),
        (
            [{"lr": 0.1, "decay": "fast"}],
            {"decay": CosineAnnealing(10)},
            {},
            TypeError,
            r"^ParamScheduler: optimizer.param_groups\[0\]\['decay'\] must be a finite number or a one-element "
            r"tensor\. Received: optimizer.param_groups\[0\]\['decay'\]='fast' \(str\)$",
        ),
        (
            [{"lr": 0.1, "decay": math.inf}],
            {"decay": CosineAnnealing(10)},
            {},
            ValueError,
            r"must be a finite number or a one-element tensor\. Received: optimizer.param_groups\[0\]\['decay'\]=inf",
        ),
        (
            [{"lr": 0.1}, {"lr": 0.2, "weight_decay": 0.1}],
            {"weight_decay": CosineAnnealing(10)},
            {},
            ValueError,
            r"^ParamScheduler: schedules must be keys every param group it drives holds: param_groups\[0\] holds "
            r"\['lr'\]\. Received: schedules='weight_decay' \(str\)$",
        ),
        (
            [{"lr": 0.1}],
            {"lr": CosineAnnealing(10)},
            {"groups": {3: {"lr": None}}},
            ValueError,
            r"^ParamScheduler: groups must be keyed by group indices in \[0, 0\] or group names \[\]\. "
            r"Received: groups=3 \(int\)$",
        ),
        (
            [{"lr": 0.1, "lr_scale": 0.5}],
            {"lr": CosineAnnealing(10)},
            {"layer_decay": 0.9},
            ValueError,
            r"^ParamScheduler: layer_decay must be None when a group holds 'lr_scale' \(param_groups\[0\] does",
        ),
        (
            [{"lr": 0.1}],
            {"lr": "cosine"},
            {},
            TypeError,
            r"^ParamScheduler: schedules\['lr'\] must be a Schedule",
        ),
    ],
)
def test_bad_input_names_the_parameter_and_changes_nothing(
    groups: list[dict[str, Any]], schedules: dict[str, Any], kwargs: dict[str, Any], error: type, message: str
) -> None:
    optimizer = PlainOptimizer(0.1)
    optimizer.param_groups = [dict(group) for group in groups]
    before = [dict(group) for group in optimizer.param_groups]
    with pytest.raises(error, match=message):
        ParamScheduler(optimizer, schedules, **kwargs)
    assert optimizer.param_groups == before  # no initial_lr left behind


def test_a_state_with_bases_for_other_keys_is_refused_whole() -> None:
    optimizer = PlainOptimizer(0.1, weight_decay=0.01)
    scheduler = ParamScheduler(optimizer, {"lr": CosineAnnealing(T_max=10), "weight_decay": CosineAnnealing(10)})
    scheduler.step()
    state = scheduler.state_dict()
    del state["bases"]["weight_decay"]
    with refused(scheduler, ValueError, r"state_dict\['bases'\] must be a base for each key the config schedules"):
        scheduler.load_state_dict(state)
    state = scheduler.state_dict()
    state["bases"]["weight_decay"] = [0.1, 0.2]
    with refused(scheduler, ValueError, r"state_dict\['bases'\]\['weight_decay'\] must be a list of 1 values"):
        scheduler.load_state_dict(state)


def test_a_wsd_and_warmup_recipe_keeps_its_stable_phase_through_a_rescale() -> None:
    optimizer = PlainOptimizer(1.0)
    scheduler = ParamScheduler(optimizer, {"lr": WarmupStableDecay(10, 20, 100, min_lr_ratio=0.0)})
    for _ in range(50):
        scheduler.step()
    scheduler.rescale(total_steps=300)
    for _ in range(229):
        scheduler.step()
    assert lrs_of(optimizer) == [1.0]  # still stable at step 279: the cooldown moved to [280, 300]
    for _ in range(21):
        scheduler.step()
    assert lrs_of(optimizer) == [0.0]

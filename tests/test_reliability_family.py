"""Issue 4 for every public class: exact resume, atomic load under garbage, groups added later,
no call-order warning. Configs, stop steps, metrics and garbage are drawn by hypothesis."""

from __future__ import annotations

import math
import warnings
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import paradox.scheduler as ps
from reliability_helpers import (
    METRIC,
    NAMES,
    SAMPLE,
    Optimizer,
    make,
    snapshot,
    spec,
    step,
    takes_metric,
    through_json,
    values_of,
)

LRS = (0.1, 0.02)
FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_names_cover_every_public_class() -> None:
    public = {
        name
        for name in ps.__all__
        if isinstance(getattr(ps, name), type)
        and issubclass(getattr(ps, name), ps.LRScheduler)
        and name not in {"LRScheduler", "_LRScheduler", "ScheduledLR"}
    }
    assert public == set(NAMES) == set(SAMPLE)


# -- exact resume -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@FAST
@given(data=st.data())
def test_resume_through_json_is_bit_identical(name: str, data: st.DataObject) -> None:
    _, config = data.draw(spec(name), label="config")
    stop = data.draw(st.integers(0, 60), label="stop")
    metrics = data.draw(st.lists(METRIC, min_size=stop + 40, max_size=stop + 40), label="metrics")
    reference_opt = Optimizer(*LRS)
    reference = make(name, config, reference_opt)
    optimizer = Optimizer(*LRS)
    scheduler = make(name, config, optimizer)
    for metric in metrics[:stop]:
        step(reference, metric)
        step(scheduler, metric)
    saved = through_json({"optimizer": optimizer.param_groups, "scheduler": scheduler.state_dict()})
    fresh_opt = Optimizer(*LRS)
    fresh = make(name, config, fresh_opt)
    fresh_opt.param_groups = saved["optimizer"]
    fresh.load_state_dict(saved["scheduler"])
    assert fresh.state_dict() == scheduler.state_dict()
    for metric in metrics[stop:]:
        step(reference, metric)
        step(fresh, metric)
        assert values_of(fresh_opt) == values_of(reference_opt)  # bit-identical lrs and momenta
        assert fresh.get_last_lr() == reference.get_last_lr()


# -- atomic load under garbage ----------------------------------------------------------------

JUNK = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf, -1, -1.5, 10**400, 2**63, "x", "", None, True, [], {}, [[1]]]),
    st.floats(allow_nan=True),
    st.integers(),
    st.text(max_size=3),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a nested state: dict keys and list indexes."""
    found = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


def _mutate(state: dict[str, Any], path: tuple[Any, ...], action: str, junk: Any) -> dict[str, Any]:
    state = through_json(state)
    holder: Any = state
    for key in path[:-1]:
        holder = holder[key]
    last = path[-1]
    if action == "drop":
        del holder[last]
    else:
        holder[last] = junk
    return state


OTHER_STATES: dict[str, dict[str, Any]] = {}


def _other_state(name: str) -> dict[str, Any]:
    other = NAMES[(NAMES.index(name) + 1) % len(NAMES)]
    if other not in OTHER_STATES:
        OTHER_STATES[other] = make(other, SAMPLE[other], Optimizer(*LRS)).state_dict()
    return OTHER_STATES[other]


@pytest.mark.parametrize("name", NAMES)
@FAST
@given(data=st.data())
def test_load_garbage_is_atomic(name: str, data: st.DataObject) -> None:
    optimizer = Optimizer(*LRS)
    scheduler = make(name, SAMPLE[name], optimizer)
    step(scheduler, 2.0)
    good = make(name, SAMPLE[name], Optimizer(*LRS))
    for metric in (3.0, 1.0, 1.0, 1.0, 1.0):
        step(good, metric)
    state = good.state_dict()
    kind = data.draw(st.sampled_from(["mutate", "mutate", "mutate", "whole", "other"]), label="kind")
    named: str | None = None
    if kind == "whole":
        garbage: Any = data.draw(JUNK, label="garbage")
    elif kind == "other":
        garbage = _other_state(name)
    else:
        path = data.draw(st.sampled_from(_paths(state)), label="path")
        action = data.draw(st.sampled_from(["drop", "replace"]) if isinstance(path[-1], str) else st.just("replace"))
        garbage = _mutate(state, path, action, data.draw(JUNK, label="junk"))
        named = next((key for key in reversed(path) if isinstance(key, str)), None)
        if path == ("format",) and action == "drop":
            named = None  # without 'format' the state is read as torch's: another key is named
    before_groups, before_state = snapshot(optimizer), scheduler.state_dict()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ps.ConfigDriftWarning)
            scheduler.load_state_dict(garbage)
    except (TypeError, ValueError) as error:
        message = str(error)
        assert "\n" not in message
        assert message.startswith(name) or ".load_state_dict" in message, message
        if named is not None:
            assert named in message, message
        assert optimizer.param_groups == before_groups
        assert scheduler.state_dict() == before_state
        return
    # Loaded: the state was a valid one. The scheduler steps on, or refuses the step cleanly.
    for metric in (1.0, 2.0):
        try:
            step(scheduler, metric)
        except (TypeError, ValueError):
            break


# -- param groups added later -----------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_param_group_added_later_follows_and_resumes(name: str) -> None:
    config = SAMPLE[name]
    optimizer = Optimizer(*LRS)
    scheduler = make(name, config, optimizer)
    metrics = [3.0, 2.0, 2.0, 2.0, 2.0, 2.0, 1.0] * 6
    for metric in metrics[:4]:
        step(scheduler, metric)
    optimizer.param_groups.append({"lr": 0.3, "momentum": 0.9})
    step(scheduler, metrics[4])
    group = optimizer.param_groups[2]
    assert len(scheduler.base_lrs) == 3
    assert len(scheduler.get_last_lr()) == 3
    assert "initial_lr" in group
    if isinstance(scheduler, ps.ScheduledLR) and not isinstance(scheduler, (ps.CyclicLR, ps.OneCycleLR)):
        assert group["lr"] == scheduler.schedule(scheduler.last_epoch, 0.3)
    if name == "OneCycleLR":  # the lr it had is its peak
        assert group["max_lr"] == 0.3
        assert group["lr"] == scheduler.schedule.values(5, [0.3])[0]
    if name == "CyclicLR":
        assert scheduler.max_lrs[2] == 0.3
        assert group["lr"] == scheduler.schedule.values(5, [0.5, 0.5, 0.3])[2]
    # Resume after the add stays exact: the new group's base and state are saved.
    saved = through_json({"optimizer": optimizer.param_groups, "scheduler": scheduler.state_dict()})
    fresh_opt = Optimizer(*LRS, 0.3)
    fresh = make(name, config, fresh_opt)
    fresh_opt.param_groups = saved["optimizer"]
    fresh.load_state_dict(saved["scheduler"])
    for metric in metrics[5:]:
        step(scheduler, metric)
        step(fresh, metric)
        assert values_of(fresh_opt) == values_of(optimizer)
    assert all(math.isfinite(lr) for lr in scheduler.get_last_lr())


# -- no false alarms --------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_no_call_order_warning_with_a_torch_optimizer(name: str) -> None:
    torch = pytest.importorskip("torch")
    model = torch.nn.Linear(2, 1)
    optimizer = torch.optim.SGD(
        [{"params": [model.weight]}, {"params": [model.bias], "lr": 0.02}], lr=0.1, momentum=0.9
    )
    step_function = optimizer.step
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scheduler = make(name, SAMPLE[name], optimizer)
        step(scheduler, 1.0)  # before any optimizer.step(): torch warns here
        for _ in range(3):
            optimizer.step()
            step(scheduler, 1.0)
    assert optimizer.step == step_function
    assert not takes_metric(scheduler) or name in ("ReduceLROnPlateau",)

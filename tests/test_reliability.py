"""Issue 4's guarantees that hold for the whole family: float range, long runs, no false alarms."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import pytest

import paradox.scheduler as ps
from conftest import PlainOptimizer, lrs_of, quiet


def test_leaving_the_float_range_raises_at_that_step_and_changes_nothing() -> None:
    optimizer = PlainOptimizer(1.0, 2.0)
    scheduler = ps.StepLR(optimizer, step_size=1, gamma=10.0)
    for _ in range(307):
        scheduler.step()
    before_groups, before_state = copy.deepcopy(optimizer.param_groups), scheduler.state_dict()
    with pytest.raises(ValueError, match=r"^StepLR: the value at step 308 leaves the float range") as info:
        scheduler.step()
    assert "Received: step=308" in str(info.value)
    assert optimizer.param_groups == before_groups
    assert scheduler.state_dict() == before_state
    with pytest.raises(ValueError, match=r"the value at step 5000 leaves the float range"):
        scheduler.step(5000)
    assert scheduler.last_epoch == 307
    assert all(math.isfinite(lr) for lr in lrs_of(optimizer))


def test_pure_schedule_names_itself_when_used_alone() -> None:
    with pytest.raises(ValueError, match=r"^StepDecay: the value at step 2000 leaves the float range"):
        ps.StepDecay(step_size=1, gamma=2.0)(2000)


def test_no_call_order_warning_since_nothing_is_patched() -> None:
    torch = pytest.importorskip("torch")
    model = torch.nn.Linear(2, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    step_function = optimizer.step
    with quiet("error"):
        scheduler = ps.CosineAnnealingLR(optimizer, T_max=10)
        scheduler.step()  # before optimizer.step(): torch warns here, wrongly under AMP's skipped steps
        scheduler.step()
    assert optimizer.step == step_function


def test_a_saved_milestone_counter_is_checked_before_it_is_expanded() -> None:
    """torch saves MultiStepLR's milestones as a Counter; a corrupt count is refused, not expanded."""
    optimizer = PlainOptimizer(0.1)
    scheduler = ps.MultiStepLR(optimizer, milestones=[2, 4], gamma=0.5)
    good = scheduler.state_dict()
    before_groups, before_state = copy.deepcopy(optimizer.param_groups), scheduler.state_dict()
    for count, error in ((10**25, ValueError), ("2", TypeError), (0, ValueError)):
        bad = {**good, "config": {**good["config"], "milestones": {3: count}}}
        with pytest.raises(error, match=r"state_dict\['config'\]\['milestones'\]\[3\] must be an int in \[1, 1000\]"):
            scheduler.load_state_dict(bad)
        assert optimizer.param_groups == before_groups
        assert scheduler.state_dict() == before_state
    with pytest.warns(ps.ConfigDriftWarning):
        scheduler.load_state_dict({**good, "config": {**good["config"], "milestones": {3: 2}}})
    assert scheduler.milestones == {3: 2}


@pytest.mark.parametrize("name", ["StepLR", "OneCycleLR"])
def test_a_removed_param_group_is_refused_and_changes_nothing(name: str) -> None:
    optimizer = PlainOptimizer(0.1, 0.2)
    config = {"step_size": 2} if name == "StepLR" else {"max_lr": 0.1, "total_steps": 10, "cycle_momentum": False}
    scheduler = getattr(ps, name)(optimizer, **config)
    scheduler.step()
    optimizer.param_groups.pop()
    before_groups, before_state = copy.deepcopy(optimizer.param_groups), scheduler.state_dict()
    with pytest.raises(
        ValueError,
        match=rf"^{name}: len\(optimizer.param_groups\) must be >= 2, the groups the scheduler was built with "
        r"\(groups cannot be removed\)\. Received: len\(optimizer.param_groups\)=1 \(int\)$",
    ):
        scheduler.step()
    assert optimizer.param_groups == before_groups
    assert scheduler.state_dict() == before_state


@pytest.mark.parametrize("name", ["StepLR", "MultiStepLR", "ReduceLROnPlateau"])
def test_the_drift_warning_points_at_the_callers_line(name: str) -> None:
    def make(value: int) -> ps.LRScheduler:
        optimizer = PlainOptimizer(0.1)
        if name == "StepLR":
            return ps.StepLR(optimizer, step_size=value)
        if name == "MultiStepLR":
            return ps.MultiStepLR(optimizer, milestones=[value])
        return ps.ReduceLROnPlateau(optimizer, patience=value)

    saved, live = make(3), make(5)
    with pytest.warns(ps.ConfigDriftWarning) as record:
        live.load_state_dict(saved.state_dict())
    assert [Path(warning.filename).name for warning in record] == ["test_reliability.py"]

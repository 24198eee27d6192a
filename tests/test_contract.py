"""Layer 4: the contract every public scheduler class keeps, with every error message pinned."""

from __future__ import annotations

import ast
import io
import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import paradox.scheduler as ps
from cases import CASES, Case
from conftest import PlainOptimizer, lrs_of, refused, snapshot, stable_id
from paradox.scheduler import LRScheduler, _LRScheduler

IDS = [case.name for case in CASES]


def build(case: Case, optimizer: Any = None, **overrides: Any) -> Any:
    optimizer = optimizer if optimizer is not None else PlainOptimizer(0.1, 0.02, 0.5)
    make = case.factory or getattr(ps, case.name)
    return make(optimizer, **{**case.functions, **case.config, **overrides})


def having(*parts: str, where: Callable[[Case], bool] = lambda case: True) -> Any:
    """Parametrize ``case`` over the classes that have these parts of the contract (see
    ``Case.lacks``) and pass ``where``: a test runs only where it applies, and never skips."""
    cases = [case for case in CASES if not set(parts) & case.lacks and where(case)]
    return pytest.mark.parametrize("case", cases, ids=[case.name for case in cases])


def expected_lrs(case: Case, scheduler: Any, step: int, bases: tuple[float, ...]) -> list[float]:
    """The schedule's lrs at ``step``: from the optimizer's lrs, or from the class's own anchors."""
    if case.sets_lr:
        return list(scheduler.schedule.values(step, scheduler._bases))
    return [scheduler.schedule(step, base) for base in bases]


@pytest.fixture(params=CASES, ids=IDS)
def case(request: pytest.FixtureRequest) -> Case:
    return request.param  # type: ignore[no-any-return]


def test_every_public_scheduler_has_a_case_and_all_is_sorted_and_complete() -> None:
    public = {
        name
        for name in ps.__all__
        if isinstance(getattr(ps, name), type)
        and issubclass(getattr(ps, name), LRScheduler)
        and name not in {"LRScheduler", "_LRScheduler", "ScheduledLR"}
    }
    assert public == {case.name for case in CASES}
    assert ps.__all__ == sorted(ps.__all__)
    assert all(hasattr(ps, name) for name in ps.__all__)
    assert _LRScheduler is LRScheduler  # the seed's (and torch's older) name of the same base


def test_construction_takes_the_initial_step(case: Case) -> None:
    optimizer = PlainOptimizer(0.1, 0.02, 0.5)
    scheduler = build(case, optimizer)
    assert scheduler.last_epoch == 0
    assert scheduler.optimizer is optimizer
    initial = [group["initial_lr"] for group in optimizer.param_groups]
    assert scheduler.base_lrs == initial
    if not case.sets_lr:
        assert initial == [0.1, 0.02, 0.5]
    assert scheduler.get_last_lr() == lrs_of(optimizer)
    assert scheduler.get_lr() == lrs_of(optimizer)
    if "schedule" not in case.lacks:
        assert lrs_of(optimizer) == expected_lrs(case, scheduler, 0, (0.1, 0.02, 0.5))


@having(where=lambda case: not case.sets_lr)  # the others set each group's base from their own arguments
def test_existing_initial_lr_is_kept(case: Case) -> None:
    optimizer = PlainOptimizer(0.1)
    optimizer.param_groups[0]["initial_lr"] = 0.3
    scheduler = build(case, optimizer)
    assert scheduler.base_lrs == [0.3]
    assert optimizer.param_groups[0]["initial_lr"] == 0.3


BAD_LAST_EPOCHS: list[tuple[dict[str, Any], type[Exception], str]] = [
    ({"last_epoch": -2}, ValueError, r"last_epoch must be an int >= -1\. Received: last_epoch=-2"),
    ({"last_epoch": "0"}, TypeError, r"last_epoch must be an int >= -1\. Received: last_epoch='0'"),
    ({"last_epoch": 1.5}, ValueError, r"last_epoch must be an int >= -1\. Received: last_epoch=1\.5"),
]
BAD_ARGUMENTS = [
    pytest.param(case, overrides, error, pattern, id=f"{case.name}-{stable_id(overrides)}")
    for case in CASES
    for overrides, error, pattern in [*case.bad, *([] if "last_epoch" in case.lacks else BAD_LAST_EPOCHS)]
]


@pytest.mark.parametrize(("case", "overrides", "error", "pattern"), BAD_ARGUMENTS)
def test_bad_arguments_are_refused_and_change_nothing(
    case: Case, overrides: dict[str, Any], error: type[Exception], pattern: str
) -> None:
    optimizer = PlainOptimizer(0.1, 0.02)
    before = snapshot(optimizer)
    with pytest.raises(error, match=pattern) as info:
        build(case, optimizer, **overrides)
    assert "\n" not in str(info.value)
    assert re.search(r"Received: \w+=", str(info.value))
    if "children" not in case.lacks:  # a composite's children were built (and acted) first
        assert optimizer.param_groups == before


@pytest.mark.parametrize(
    ("optimizer", "error", "pattern"),
    [
        (object(), TypeError, r"optimizer must be an optimizer with `param_groups`.*Received: optimizer=<object"),
        (PlainOptimizer(), ValueError, r"optimizer\.param_groups must be a non-empty list of dicts\. Received: "),
        (type("O", (), {"param_groups": [1]})(), TypeError, r"param_groups\[0\] must be a dict\. Received: "),
        (type("O", (), {"param_groups": [{}]})(), ValueError, r"param_groups\[0\] must be a dict holding 'lr'"),
        (PlainOptimizer(float("nan")), ValueError, r"param_groups\[0\]\['lr'\] must be a finite number >= 0"),
        (PlainOptimizer(0.1, -0.1), ValueError, r"param_groups\[1\]\['lr'\] must be a finite number >= 0.*=-0\.1"),
        (PlainOptimizer(0.1, "0.1"), TypeError, r"param_groups\[1\]\['lr'\] must be a finite number >= 0"),
    ],
)
def test_bad_optimizers_are_refused(case: Case, optimizer: Any, error: type[Exception], pattern: str) -> None:
    before = snapshot(optimizer) if hasattr(optimizer, "param_groups") else None
    with pytest.raises(error, match=pattern):
        build(case, optimizer)
    if before is not None:
        assert optimizer.param_groups == before


@having("last_epoch", "children")
def test_resume_without_initial_lr_names_the_fix(case: Case) -> None:
    optimizer = PlainOptimizer(0.1, 0.2)
    with pytest.raises(ValueError, match=r"param_groups\[0\] must hold 'initial_lr' when resuming.*load the"):
        build(case, optimizer, last_epoch=5)
    assert "initial_lr" not in optimizer.param_groups[1]


@having("last_epoch", "schedule")
def test_resume_with_last_epoch_jumps_to_the_next_step(case: Case) -> None:
    optimizer = PlainOptimizer(0.1, 0.2)
    for group in optimizer.param_groups:
        group["initial_lr"] = group["lr"]
    scheduler = build(case, optimizer, last_epoch=5)
    assert scheduler.last_epoch == 6
    assert lrs_of(optimizer) == expected_lrs(case, scheduler, 6, (0.1, 0.2))


BAD_EPOCHS: list[tuple[Any, type[Exception], str]] = [
    (-3, ValueError, r"\.step: epoch must be an int >= 0\. Received: epoch=-3 \(int\)"),
    (float("nan"), ValueError, r"\.step: epoch must be an int >= 0\. Received: epoch=nan"),
    ("4", TypeError, r"\.step: epoch must be an int >= 0\. Received: epoch='4' \(str\)"),
    (2.5, ValueError, r"\.step: epoch must be an int >= 0\. Received: epoch=2\.5"),
]


@pytest.mark.parametrize(
    ("case", "epoch", "error", "pattern"),
    [  # a class taking fractional epochs accepts 2.5, and its rule names a number instead of an int
        pytest.param(case, epoch, error, pattern.replace("an int >= 0", r"a finite number >= 0\.0"), id=case.name)
        if case.fractional_epochs
        else pytest.param(case, epoch, error, pattern, id=case.name)
        for case in CASES
        if "step_epoch" not in case.lacks
        for epoch, error, pattern in BAD_EPOCHS
        if not (case.fractional_epochs and epoch == 2.5)
    ],
)
def test_bad_epochs_change_nothing(case: Case, epoch: Any, error: type[Exception], pattern: str) -> None:
    scheduler = build(case, PlainOptimizer(0.1, 0.2))
    scheduler.step()
    with refused(scheduler, error, pattern):
        scheduler.step(epoch)


@having("step_epoch", "schedule")
def test_step_epoch_is_an_exact_jump_without_warning(case: Case, recwarn: pytest.WarningsRecorder) -> None:
    optimizer = PlainOptimizer(0.1, 0.2)
    scheduler = build(case, optimizer)
    for epoch in (7, 3, 1000, 0, 12):
        scheduler.step(epoch)
        assert scheduler.last_epoch == epoch
        assert lrs_of(optimizer) == expected_lrs(case, scheduler, epoch, (0.1, 0.2))
    assert len(recwarn) == 0


def test_state_dict_is_strict_versioned_json_and_loads_with_torch_weights_only(case: Case) -> None:
    scheduler = build(case)
    for _ in range(7):
        scheduler.step(*case.step_args)
    state = scheduler.state_dict()
    text = json.dumps(state, allow_nan=False)
    assert json.loads(text) == state
    assert state["format"] == "paradox.scheduler"
    assert state["version"] == 1
    assert state["class"] == case.name
    assert state["config"] == (case.config if case.state_config is None else case.state_config)
    assert state["last_epoch"] == 7
    torch = pytest.importorskip("torch")
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    assert torch.load(buffer, weights_only=True) == state


GARBAGE: list[tuple[Any, type[Exception], str]] = [
    ([1, 2], TypeError, r"state_dict must be a dict returned by state_dict\(\)"),
    ({"format": "other"}, ValueError, r"state_dict\['format'\] must be 'paradox\.scheduler'"),
    ({"version": 99}, ValueError, r"state_dict\['version'\] must be 1 .*Received: state_dict\['version'\]=99"),
    ({"class": "Nope"}, ValueError, r"state_dict\['class'\] must be '\w+' \(a state saved by this class\)"),
    ({"last_epoch": -5}, ValueError, r"state_dict\['last_epoch'\] must be an int >= -1"),
    ({"last_epoch": "3"}, TypeError, r"state_dict\['last_epoch'\] must be an int >= -1"),
    ({"base_lrs": [0.1]}, ValueError, r"state_dict\['base_lrs'\] must be a list of 3 values, one per param group"),
    ({"base_lrs": 0.1}, TypeError, r"state_dict\['base_lrs'\] must be a list of numbers"),
    ({"last_lr": [0.1, float("nan"), 0.1]}, ValueError, r"state_dict\['last_lr'\]\[1\] must be a finite number"),
    ({"bases": [0.1, 0.1, float("inf")]}, ValueError, r"state_dict\['bases'\]\[2\] must be a finite number"),
    ({"config": 3}, TypeError, r"state_dict\['config'\] must be a dict of config fields"),
    ({"step_count": None}, TypeError, r"state_dict\['step_count'\] must be an int >= 0"),
]


@pytest.mark.parametrize(
    ("case", "change", "error", "pattern"),
    [  # only a scheduler with a pure schedule saves "bases"
        pytest.param(case, change, error, pattern, id=case.name)
        for case in CASES
        for change, error, pattern in GARBAGE
        if "schedule" not in case.lacks or "bases" not in (change if isinstance(change, dict) else {})
    ],
)
def test_load_garbage_changes_nothing(case: Case, change: Any, error: type[Exception], pattern: str) -> None:
    scheduler = build(case)
    scheduler.step(*case.step_args)
    good = build(case)
    for _ in range(5):
        good.step(*case.step_args)
    state = {**good.state_dict(), **change} if isinstance(change, dict) else change
    with refused(scheduler, error, pattern):
        scheduler.load_state_dict(state)


@having("config")
def test_bad_saved_config_is_refused(case: Case) -> None:
    scheduler = build(case)
    state = scheduler.state_dict()
    if case.config:  # classes whose only arguments are functions have no config fields
        key = next(iter(case.config))
        state["config"] = {**state["config"], key: -7}
        with pytest.raises(ValueError, match=rf"^{case.name}\.load_state_dict: {key} must be"):
            scheduler.load_state_dict(state)
    state["config"] = {**case.config, "bogus": 1}
    with pytest.raises(ValueError, match=r"config must be made of the fields"):
        scheduler.load_state_dict(state)


@having("config", where=lambda case: bool(case.config))
def test_config_attributes_are_validated(case: Case) -> None:
    scheduler = build(case)
    key, value = next(iter(case.config.items()))
    assert getattr(scheduler, key) == value
    with pytest.raises((TypeError, ValueError), match=rf"^{case.name}: {key} must be"):
        setattr(scheduler, key, "bad")
    assert getattr(scheduler, key) == value


def test_torch_style_subclass_overriding_get_lr() -> None:
    class Halving(_LRScheduler):
        def get_lr(self) -> list[float]:
            return [base * 0.5**self.last_epoch for base in self.base_lrs]

    optimizer = PlainOptimizer(1.0, 0.5)
    scheduler = Halving(optimizer)
    for _ in range(3):
        scheduler.step()
    assert lrs_of(optimizer) == [0.125, 0.0625]
    scheduler.step(1)
    assert scheduler.get_last_lr() == [0.5, 0.25]
    state = json.loads(json.dumps(scheduler.state_dict()))
    again = Halving(PlainOptimizer(1.0, 0.5))
    again.load_state_dict(state)
    assert again.last_epoch == 1


def test_get_last_lr_is_not_a_list_that_get_lr_keeps() -> None:
    # torch-style: a constant schedule returns base_lrs itself; a later change to base_lrs (a
    # common way to move the peak) must not rewrite what the last step wrote.
    class Constant(LRScheduler):
        def get_lr(self) -> list[float]:
            return self.base_lrs

    optimizer = PlainOptimizer(1.0, 0.5)
    scheduler = Constant(optimizer)
    scheduler.step()
    scheduler.base_lrs[0] = 2.0
    assert scheduler.get_last_lr() == [1.0, 0.5]
    scheduler.step()
    assert scheduler.get_last_lr() == lrs_of(optimizer) == [2.0, 0.5]


def test_a_failed_initial_step_leaves_the_optimizer_as_it_was() -> None:
    class Failing(LRScheduler):
        def get_lr(self) -> list[float]:
            raise ValueError("no lr here")

    optimizer = PlainOptimizer(1.0, 0.5)
    optimizer.param_groups[1]["initial_lr"] = 0.7
    with pytest.raises(ValueError, match="no lr here"):
        Failing(optimizer)
    assert optimizer.param_groups == [{"lr": 1.0}, {"lr": 0.5, "initial_lr": 0.7}]


def test_base_class_get_lr_is_abstract() -> None:
    with pytest.raises(NotImplementedError, match="must implement get_lr"):
        LRScheduler(PlainOptimizer(0.1))


def test_no_torch_import_in_core() -> None:
    import subprocess
    import sys

    code = "import sys, paradox.scheduler; print('torch' in sys.modules, 'numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


@having("schedule")
def test_lr_written_is_float_and_matches_closed_form_after_long_run(case: Case) -> None:
    optimizer = PlainOptimizer(0.1, 0.02, 0.5)
    scheduler = build(case, optimizer)
    for _ in range(5000):
        scheduler.step()
    expected = expected_lrs(case, scheduler, 5000, (0.1, 0.02, 0.5))
    assert lrs_of(optimizer) == expected
    # The objects in the groups, not lrs_of's float() copies: a numpy or int lr must not pass.
    assert all(type(group["lr"]) is float and math.isfinite(group["lr"]) for group in optimizer.param_groups)


def test_imports_run_one_way_with_no_cycle() -> None:
    """Issue 10: the preview imports the drivers, the drivers import the schedules, never back,
    not even from inside a function; only the package's ``__init__`` (the facade) sees every layer."""
    root = Path(ps.__file__).parent
    imports: dict[str, set[str]] = {}
    for path in root.rglob("*.py"):
        module = ".".join(path.relative_to(root.parents[1]).with_suffix("").parts).removesuffix(".__init__")
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        found = imports.setdefault(module, set())
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                names = [node.module] if node.module else [alias.name for alias in node.names]  # from .. import step
                found.update(f"{base}.{name}" for name in names)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                found.update(name for name in names if name.startswith("paradox.scheduler"))
    facade = "paradox.scheduler"
    assert all(facade not in targets for module, targets in imports.items() if module != facade)

    def reachable(start: str) -> set[str]:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for target in imports.get(todo.pop(), ()):
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        return seen

    assert [module for module in imports if module != facade and module in reachable(module)] == []

"""paradox-lr: every subcommand, values against torch, hostile and malformed specs, config files.

The preview's generic paths (a composite, a momentum cycler) are driven by test-local classes it
does not know, and by torch's own classes registered in place of ours.
"""

from __future__ import annotations

import bisect
import csv
import io
import itertools
import math
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

import paradox.scheduler
import paradox.scheduler.preview.simulate as simulate_module
from conftest import PlainOptimizer, assert_close, quiet
from paradox.scheduler import CosineAnnealingLR, LRScheduler, ScheduledLR, StepDecay, StepLR, simulate
from paradox.scheduler.preview.cli import main
from paradox.scheduler.preview.spec import Pending, parse, register, unregister

ROOT = Path(__file__).resolve().parents[1]
ENV = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def table(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, str]]:
    code, out, err = run(capsys, "table", *argv)
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


def at(tmp_path: Path, texts: Sequence[str]) -> list[str]:
    """The texts with ``{tmp}`` standing for the test's temporary directory."""
    return [text.replace("{tmp}", str(tmp_path)) for text in texts]


def registered(classes: Sequence[type]) -> Iterator[None]:
    for cls in classes:
        register(cls)
    yield
    for cls in classes:
        unregister(cls)


# -- test-local classes ---------------------------------------------------------------------

#: The order in which the test-local classes were built (children must come before parents).
BUILT: list[str] = []


class SequenceLR(LRScheduler):
    """Test-local composite: each child's schedule in turn, switching at the milestones."""

    def __init__(
        self, optimizer: Any, schedulers: list[ScheduledLR], milestones: list[int], last_epoch: int = -1
    ) -> None:
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(
                f"SequenceLR: milestones must hold {len(schedulers) - 1} values. Received: milestones={milestones!r} (list)"
            )
        for child in schedulers:
            if child.optimizer is not optimizer:
                raise ValueError("SequenceLR: every child must drive the same optimizer")
        self.schedulers = list(schedulers)
        self.milestones = list(milestones)
        BUILT.append(type(self).__name__)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        index = bisect.bisect_right(self.milestones, self.last_epoch)
        start = self.milestones[index - 1] if index else 0
        return self.schedulers[index].schedule.values(self.last_epoch - start, self.base_lrs)


class MomentumCycleLR(LRScheduler):
    """Test-local momentum cycler: the lr decays, beta1 alternates low / high (``cycle_momentum``)."""

    cycle_momentum = True

    def __init__(self, optimizer: Any, low: float = 0.85, high: float = 0.95, last_epoch: int = -1) -> None:
        self.low, self.high = low, high
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[Any]:
        momentum = self.low if self.last_epoch % 2 == 0 else self.high
        for group in self.optimizer.param_groups:
            group["betas"] = (momentum, group["betas"][1])
        return [base * (1 + self.last_epoch) ** -0.5 for base in self.base_lrs]


class TrackedStepLR(ScheduledLR):
    """Test-local StepLR (gamma 0.5) that records when it is built, to check children come first."""

    def __init__(self, optimizer: Any, step_size: int, last_epoch: int = -1) -> None:
        BUILT.append(type(self).__name__)
        super().__init__(optimizer, StepDecay(step_size, 0.5), last_epoch)


@pytest.fixture
def preview_classes() -> Iterator[None]:
    BUILT.clear()
    yield from registered((SequenceLR, MomentumCycleLR, TrackedStepLR))


# -- list, show, table ----------------------------------------------------------------------


def test_list_names_every_schedule_with_signature_and_description(
    capsys: pytest.CaptureFixture[str], preview_classes: None
) -> None:
    code, out, err = run(capsys, "list")
    assert code == 0 and err == ""
    lines = out.splitlines()
    index = lines.index("StepLR(step_size, gamma=0.1, last_epoch=-1)")
    assert lines[index + 1] == "    Decay each group's lr by gamma every step_size epochs."
    assert "CosineAnnealingLR(T_max, eta_min=0.0, last_epoch=-1)" in lines
    assert "CosineAnnealing(T_max, eta_min=0.0)" in lines  # the pure schedules too
    assert "SequenceLR(schedulers, milestones, last_epoch=-1)" in lines  # and registered classes
    assert "MomentumCycleLR(low=0.85, high=0.95, last_epoch=-1)" in lines
    # every entry is a signature line followed by an indented description
    assert len(lines) % 2 == 0
    assert all(line.startswith("    ") and len(line) > 8 for line in lines[1::2])
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "paradox-lr show" in out and "list      name every schedule" in out


COSINE = "CosineAnnealingLR(T_max=100, eta_min=1e-5)"
COSINE_SHOWN = [
    f"{COSINE}  ·  lr 0.1  ·  steps 0..100",
    "start 0.1  peak 0.1 (step 0)  min 1e-05 (step 100)  final 1e-05",
]
#: Command lines of ``paradox-lr show`` and lines the chart shows, in this order (the last is the last line).
SHOWS = {
    f"'{COSINE}' --width 80 --height 24": [*COSINE_SHOWN, "phase changes: none"],
    f"'{COSINE}' --width 200 --height 50": [*COSINE_SHOWN, "phase changes: none"],
    "'StepLR(step_size=10, gamma=0.5)' --lr 0.1,0.05 --log --width 80 --height 24": [
        "StepLR(step_size=10, gamma=0.5)  ·  lr 0.1, 0.05  ·  steps 0..99  ·  log scale",
        "lr_0: start 0.1  peak 0.1 (step 0)  min 0.000195313 (step 90)  final 0.000195313",
        "lr_1: start 0.05  peak 0.05 (step 0)  min 9.77e-05 (step 90)  final 9.77e-05",
        "phase changes at steps 10, 20, 30, 40, 50, 60, 70, 80, 90",
    ],
    # past T_max the cosine turns at T_max
    "'CosineAnnealingLR(T_max=30)' --steps 61 --width 80 --height 24": [
        "start 0.1  peak 0.1 (step 0)  min 0 (step 30)  final 0.1",
        "phase change at step 30",
    ],
    "'MomentumCycleLR()' --steps 10 --width 80 --height 24": ["momentum 0.85 .. 0.95 (cycled)", "phase changes: none"],
    # long titles and summaries wrap in a narrow terminal
    "'CosineAnnealingLR(T_max=100000)' --lr 0.1,0.2 --width 50 --height 16": [
        "CosineAnnealingLR(T_max=100000)",
        "lr 0.1, 0.2  ·  steps 0..100000",
        "lr_0: start 0.1  peak 0.1 (step 0)",
        "      min 0 (step 100000)  final 0",
        "lr_1: start 0.2  peak 0.2 (step 0)",
        "      min 0 (step 100000)  final 0",
        "phase changes: none",
    ],
    # degenerate curves: one step, all zero on a log scale, flat
    "'StepLR(step_size=3)' --steps 1 --width 60 --height 12": ["min 0.1 (step 0)  final 0.1", "phase changes: none"],
    "'StepLR(step_size=3)' --lr 0 --log --width 60 --height 12": ["min 0 (step 0)  final 0", "phase changes: none"],
    "'StepLR(step_size=3)' --lr 0.5 --steps 2 --width 60 --height 12": ["phase changes: none"],
    # every phase change counts, however far below the peak (12 of these 33 were dropped)
    "'StepLR(step_size=3)' --width 300 --height 24": [
        "phase changes at steps " + ", ".join(str(step) for step in range(3, 100, 3))
    ],
    "'StepLR(step_size=3)' --width 60 --height 24": ["phase changes at steps 3, 6, 9, 12, 15, 18, ... (33 in all)"],
    # too narrow for one step and the count: the count, never an empty list
    "'StepLR(step_size=100000)' --steps 400000 --width 40 --height 12": ["3 phase changes, first at step 100000"],
    "'StepLR(step_size=5)' --steps 8 --width 60 --height 12": ["phase change at step 5"],
    # the header shows the base --lr, not the step-0 lr (it showed "lr 0.001")
    "'LinearLR(start_factor=0.01)' --width 80 --height 24": [
        "LinearLR(start_factor=0.01)  ·  lr 0.1  ·  steps 0..99",
        "start 0.001  peak 0.1 (step 5)  min 0.001 (step 0)  final 0.1",
        "phase change at step 5",
    ],
    # OneCycleLR and CyclicLR set their lrs from max_lr (base_lr), as torch's do: no --lr in the header
    "'OneCycleLR(max_lr=0.5, total_steps=30)' --lr 0.3 --width 80 --height 24": [
        "OneCycleLR(max_lr=0.5, total_steps=30)  ·  steps 0..29",
        "start 0.02  peak 0.5 (step 8)  min 2e-06 (step 29)  final 2e-06",
        "phase change at step 8",
    ],
    # the smallest positive lr is a valid value (it raised "math domain error")
    "'StepLR(step_size=3)' --lr 5e-324 --width 60 --height 14": [
        "StepLR(step_size=3)  ·  lr 4.94066e-324  ·  steps 0..99",
        "min 0 (step 3)  final 0",
        "phase change at step 3",
    ],
}


@pytest.mark.parametrize(("command", "expected"), SHOWS.items())
def test_show_fits_the_terminal_and_summarises(
    capsys: pytest.CaptureFixture[str], preview_classes: None, command: str, expected: list[str]
) -> None:
    argv = shlex.split(command)
    width, height = (int(argv[argv.index(option) + 1]) for option in ("--width", "--height"))
    code, out, err = run(capsys, "show", *argv)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert len(lines) <= height - 1
    assert width - 10 <= max(len(line) for line in lines) <= width  # uses the width it has
    shown = iter(lines)
    assert all(any(line.endswith(part) for line in shown) for part in expected), out  # in this order
    assert lines[-1] == expected[-1]
    if COSINE in command:
        assert any("⠉" in line or "⣀" in line for line in lines)  # braille dots


@pytest.mark.parametrize(("lr", "labels"), [("0", ["0"]), ("0.5", ["0.5"]), ("5e-324", ["4.94e-324"])])
def test_show_labels_a_flat_or_tiny_curve_with_its_values(
    capsys: pytest.CaptureFixture[str], lr: str, labels: list[str]
) -> None:
    # a flat curve is drawn across the middle with its one value (--lr 0 drew a 0..1 axis)
    code, out, err = run(
        capsys, "show", "StepLR(step_size=3)", "--lr", lr, "--steps", "3", "--width", "60", "--height", "16"
    )
    assert (code, err) == (0, "")
    shown = [line.split("┤")[0].strip() for line in out.splitlines() if "┤" in line]
    assert shown == labels
    rows = [line for line in out.splitlines() if "┤" in line or "│" in line]
    assert rows[len(rows) // 2].split("┤")[1].strip()  # the line, on the labelled middle row


def test_show_uses_the_terminal_size(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("LINES", "40")
    _, out, _ = run(capsys, "show", "StepLR(step_size=5)")
    lines = out.splitlines()
    assert 100 < max(len(line) for line in lines) <= 120
    assert len(lines) <= 39


#: Command lines of ``paradox-lr table`` and what they print.
TABLES = {
    "'StepLR(step_size=2, gamma=0.5)' --lr 1 --steps 5": "step,lr\n0,1.0\n1,1.0\n2,0.5\n3,0.5\n4,0.25\n",
    "'StepLR(2, 0.5)' --lr 1,0.5 --steps 8 --every 3": "step,lr_0,lr_1\n0,1.0,0.5\n3,0.5,0.25\n6,0.125,0.0625\n7,0.125,0.0625\n",
    "'StepLR(step_size=2, gamma=0.5)' --lr 1 --steps 3 --format json": '[\n  {"step": 0, "lr": 1.0},\n  {"step": 1, "lr": 1.0},\n  {"step": 2, "lr": 0.5}\n]\n',
    "'CosineAnnealingLR(T_max=4)' --lr 1,0.1 --format md": "| step | lr_0 | lr_1 |\n|---:|---:|---:|\n| 0 | 1 | 0.1 |\n| 1 | 0.853553 | 0.0853553 |\n| 2 | 0.5 | 0.05 |\n| 3 | 0.146447 | 0.0146447 |\n| 4 | 0 | 0 |\n",
}


@pytest.mark.parametrize(("command", "expected"), TABLES.items())
def test_table_formats(capsys: pytest.CaptureFixture[str], command: str, expected: str) -> None:
    assert run(capsys, "table", *shlex.split(command)) == (0, expected, "")


def test_table_momentum_columns_only_when_momentum_cycles(
    capsys: pytest.CaptureFixture[str], preview_classes: None
) -> None:
    rows = table(capsys, "MomentumCycleLR(low=0.8, high=0.9)", "--steps", "4", "--lr", "0.1,0.2")
    assert list(rows[0]) == ["step", "lr_0", "lr_1", "momentum_0", "momentum_1"]
    assert [float(row["momentum_1"]) for row in rows] == [0.8, 0.9, 0.8, 0.9]
    rows = table(capsys, "MomentumCycleLR()", "--steps", "2")
    assert list(rows[0]) == ["step", "lr", "momentum"]


def test_table_default_steps_come_from_the_schedule_and_nested_children(
    capsys: pytest.CaptureFixture[str], preview_classes: None
) -> None:
    assert len(table(capsys, "CosineAnnealingLR(T_max=37)")) == 38
    assert len(table(capsys, "StepLR(step_size=5)")) == 100
    assert len(table(capsys, "StepLR(step_size=80)")) == 161
    spec = "SequenceLR([StepLR(step_size=2), CosineAnnealingLR(T_max=20)], milestones=[5])"
    assert len(table(capsys, spec)) == 5 + 21
    # nested children are built first, on the same optimizer
    spec = "SequenceLR([TrackedStepLR(step_size=2), CosineAnnealingLR(T_max=4)], milestones=[3])"
    rows = table(capsys, spec, "--lr", "1", "--steps", "9")
    assert BUILT[-2:] == ["TrackedStepLR", "SequenceLR"]
    expected = [1.0, 1.0, 0.5] + [(1 + math.cos(math.pi * t / 4)) / 2 for t in range(6)]
    assert_close([float(row["lr"]) for row in rows], expected)


def test_metrics_drive_a_plateau_scheduler(
    capsys: pytest.CaptureFixture[str], preview_classes: None, tmp_path: Path
) -> None:
    metrics = tmp_path / "loss.txt"
    metrics.write_text("# validation loss\n1.0\n0.9, 0.95\n0.95 0.96\n0.5\n")
    rows = table(capsys, "ReduceLROnPlateau(factor=0.5, patience=1)", "--lr", "1", "--metrics", str(metrics))
    assert [float(row["lr"]) for row in rows] == [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5]
    as_json = tmp_path / "loss.json"
    as_json.write_text("[1.0, 0.9, 0.95, 0.95, 0.96, 0.5]")
    assert table(capsys, "ReduceLROnPlateau(factor=0.5, patience=1)", "--lr", "1", "--metrics", str(as_json)) == rows


def test_a_pure_schedule_previews_like_its_scheduler(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # One dialect: a spec or config may name a pure schedule as well as a torch-named scheduler.
    pure = table(capsys, "Sequential([LinearFactor(start_factor=0.01, total_iters=5), CosineAnnealing(T_max=95)], [5])")
    driver = table(
        capsys,
        "SequentialLR([LinearLR(start_factor=0.01, total_iters=5), CosineAnnealingLR(T_max=95)], milestones=[5])",
    )
    assert pure == driver and len(pure) == 101
    config = tmp_path / "decay.json"
    config.write_text('{"name": "StepDecay", "step_size": 2, "gamma": 0.5}')
    assert [row["lr"] for row in table(capsys, f"@{config}", "--steps", "4")] == ["0.1", "0.1", "0.05", "0.05"]


# -- values against torch -----------------------------------------------------------------

METRICS = [1.0, 0.8, 0.81, 0.82, 0.83, 0.7, 0.71, 0.72, 0.73, 0.74, 0.75, 0.76]
#: Command lines of ``paradox-lr table`` whose values torch's own schedulers must give
#: (``{tmp}/loss.txt`` holds the METRICS).
TORCH_SPECS = [
    "'StepLR(step_size=3, gamma=0.5)' --lr 0.1,0.02,0.5",
    "'StepLR(7)' --lr 0.3 --steps 40",
    "'CosineAnnealingLR(T_max=10, eta_min=0.001)' --lr 0.1,0.01 --steps 35",
    "'CosineAnnealingLR(T_max=50)' --lr 1.0",
    "'ExponentialLR(gamma=0.9)' --lr 0.1,0.2 --steps 30",
    "'MultiStepLR(milestones=[3, 7], gamma=0.5)' --lr 0.1 --steps 12",
    "'ConstantLR(factor=0.5, total_iters=4)' --lr 0.1 --steps 8",
    "'LinearLR(start_factor=0.25, total_iters=4)' --lr 0.1,0.3 --steps 8",
    "'PolynomialLR(total_iters=8, power=2.0)' --lr 0.1 --steps 12",
    "'CosineAnnealingWarmRestarts(T_0=5, T_mult=2, eta_min=0.001)' --lr 0.1 --steps 40",
    "'OneCycleLR(max_lr=0.5, total_steps=30)' --lr 0.1 --steps 30",
    "'CyclicLR(base_lr=0.01, max_lr=0.1, step_size_up=5)' --lr 0.1 --steps 25",
    "'SequentialLR([LinearLR(start_factor=0.1, total_iters=5), CosineAnnealingLR(T_max=15)], milestones=[5])' --lr 0.1 --steps 21",
    "'ChainedScheduler([ConstantLR(factor=0.5, total_iters=3), ExponentialLR(gamma=0.9)])' --lr 0.1 --steps 10",
    "'SequentialLR([StepLR(step_size=2, gamma=0.5), CosineAnnealingLR(T_max=10, eta_min=0.001)], milestones=[5])' --lr 0.1,0.3",
    "'SequentialLR(schedulers=[CosineAnnealingLR(T_max=4), StepLR(3), CyclicLR(0.01, 0.1, 2)], milestones=[4, 9])' --lr 0.1 --steps 20",
    "'ChainedScheduler([StepLR(step_size=3, gamma=0.5), CosineAnnealingLR(T_max=10)])' --lr 0.1,0.02 --steps 25",
    "'SequentialLR([CyclicLR(base_lr=0.001, max_lr=0.1, step_size_up=5, cycle_momentum=False), CosineAnnealingLR(T_max=90)], milestones=[10])' --lr 0.1 --steps 15",
    "'SequentialLR([LinearLR(start_factor=0.1, total_iters=3), CyclicLR(0.01, 0.1, 2), ExponentialLR(gamma=0.9)], milestones=[3, 9])' --lr 0.1 --steps 15",
    "'ReduceLROnPlateau(factor=0.5, patience=1, cooldown=1, min_lr=0.01)' --lr 0.1,0.05 --metrics {tmp}/loss.txt",
]


def torch_build(pending: Pending, optimizer: Any) -> Any:
    """torch's scheduler for a parsed spec, its children built first on the same optimizer."""
    from torch.optim import lr_scheduler

    def value(item: Any) -> Any:
        if isinstance(item, Pending):
            return torch_build(item, optimizer)
        if isinstance(item, list):
            return [value(x) for x in item]
        return item

    kwargs = {name: value(item) for name, item in pending.kwargs.items()}
    return getattr(lr_scheduler, pending.cls.__name__)(optimizer=optimizer, **kwargs)


def torch_adam(lrs: list[float], group: Any = None) -> Any:
    import torch

    return torch.optim.Adam([{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in lrs])


@pytest.fixture
def torch_family(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """torch's classes stand for ours, on a torch Adam: they have no pure schedule, so tests give --steps."""
    torch = pytest.importorskip("torch")
    monkeypatch.setattr(simulate_module, "PreviewOptimizer", torch_adam)
    with quiet():
        lr_scheduler = torch.optim.lr_scheduler
        shared = [
            name for name in paradox.scheduler.__all__ if hasattr(lr_scheduler, name) and "LRScheduler" not in name
        ]
        yield from registered([getattr(lr_scheduler, name) for name in shared])


@pytest.fixture(params=["ours", "torch's"])
def classes(request: pytest.FixtureRequest) -> None:
    """Specs name our classes, or torch's own in their place (the preview's generic paths)."""
    if request.param == "torch's":
        request.getfixturevalue("torch_family")


@pytest.mark.parametrize("command", TORCH_SPECS, ids=[f"spec{i}" for i in range(len(TORCH_SPECS))])
def test_csv_values_match_torch(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, classes: None, command: str
) -> None:
    pytest.importorskip("torch")
    (tmp_path / "loss.txt").write_text("\n".join(map(str, METRICS)))
    spec, *options = at(tmp_path, shlex.split(command))
    rows = table(capsys, spec, *options)
    metrics = [[metric] for metric in METRICS] if "--metrics" in options else [[]] * len(rows)
    if "--metrics" in options:
        assert len(rows) == len(METRICS) + 1  # a row for step 0, then one per metric
    optimizer = torch_adam([float(lr) for lr in options[options.index("--lr") + 1].split(",")])
    shown, moved = any(column.startswith("momentum") for column in rows[0]), False
    with quiet():
        scheduler = torch_build(parse(spec), optimizer)
        for step, row in enumerate(rows):
            if step:
                optimizer.step()
                scheduler.step(*metrics[step - 1])
            lrs = [float(value) for column, value in row.items() if column.startswith("lr")]
            assert_close(lrs, [group["lr"] for group in optimizer.param_groups])
            # the momentum a schedule cycles is the Adam group's beta1, shown exactly when it moves
            momentum = [float(value) for column, value in row.items() if column.startswith("momentum")]
            betas = [group["betas"][0] for group in optimizer.param_groups]
            assert_close(momentum or [0.9] * len(betas), betas)
            moved = moved or betas != [0.9] * len(betas)
    assert shown == moved


# -- torch's own classes, registered for the preview -----------------------------------------


def test_torch_classes_are_listed_run_without_a_natural_length_and_refuse_functions(
    capsys: pytest.CaptureFixture[str], torch_family: None
) -> None:
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "OneCycleLR(max_lr, total_steps=None, epochs=None, steps_per_epoch=None, pct_start=0.3, " in out
    assert "SequentialLR(schedulers, milestones, last_epoch=-1)" in out
    assert "ChainedScheduler(schedulers)" in out  # torch's optional optimizer is supplied, not listed
    assert (
        len(table(capsys, "ChainedScheduler([ConstantLR(factor=0.5, total_iters=3), ExponentialLR(gamma=0.9)])")) == 100
    )
    needs = "paradox-lr: error: ReduceLROnPlateau is stepped with a metric: give one per step with --metrics FILE\n"
    assert run(capsys, "table", "ReduceLROnPlateau()") == (2, "", needs)  # torch's step() requires the metric
    for name in ("LambdaLR", "MultiplicativeLR"):
        assert run(capsys, "show", f"{name}()") == (
            2,
            "",
            f"paradox-lr: error: column 1: {name}: lr_lambda takes a function, which a spec cannot give; build the "
            "scheduler in Python and pass it to paradox.scheduler.simulate()\n",
        )


@pytest.mark.parametrize(
    ("spec", "steps", "phases"),
    [
        ("MultiStepLR(milestones=[30, 80])", 161, "phase changes at steps 30, 80"),
        ("OneCycleLR(max_lr=0.1, total_steps=1000)", 1000, "phase change at step 299"),
        (
            "CyclicLR(base_lr=0.01, max_lr=0.1, step_size_up=10)",
            100,
            "phase changes at steps 10, 20, 30, 40, 50, 60, 70, 80, 90",
        ),
        ("CosineAnnealingWarmRestarts(T_0=10)", 100, "phase changes at steps 10, 20, 30, 40, 50, 60, 70, 80, 90"),
        ("LinearLR(start_factor=0.1, total_iters=10)", 100, "phase change at step 10"),
    ],
)
def test_show_summarises_torch_shapes(
    capsys: pytest.CaptureFixture[str], torch_family: None, spec: str, steps: int, phases: str
) -> None:
    assert main(["show", spec, "--width", "80", "--height", "24", "--steps", str(steps)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert f"steps 0..{steps - 1}" in lines[0]
    assert lines[-1] == phases
    assert max(len(line) for line in lines) <= 80 and len(lines) <= 23


# -- the Python functions -----------------------------------------------------------------


def test_simulate_accepts_specs_configs_schedules_and_schedulers_and_checks_its_arguments() -> None:
    by_spec = simulate("StepLR(step_size=3, gamma=0.5)", 10, lr=0.2)
    by_config = simulate({"name": "StepLR", "step_size": 3, "gamma": 0.5}, 10, lr=0.2)
    assert (by_config.lr, by_config.label) == (by_spec.lr, "StepLR(step_size=3, gamma=0.5)")
    assert simulate(StepDecay(step_size=3, gamma=0.5), 10, lr=0.2).lr == by_spec.lr
    optimizer = type("Optimizer", (), {})()
    optimizer.param_groups = [{"lr": 0.2}]
    scheduler = StepLR(optimizer, step_size=3, gamma=0.5)
    assert simulate(scheduler, 10).lr == by_spec.lr
    assert (scheduler.last_epoch, optimizer.param_groups[0]["lr"]) == (0, 0.2)  # left as it was
    assert by_spec.columns() == ["step", "lr"] and by_spec.momentum is None
    assert by_spec.phases() == [3, 6, 9]
    with pytest.raises(ValueError, match=r"^simulate: steps must be an int >= 1\. Received: steps=0 \(int\)$"):
        simulate("StepLR(step_size=3)", 0)
    with pytest.raises(ValueError, match=r"^simulate: lr must be a finite number >= 0\.0\. Received: lr=-1 \(int\)$"):
        simulate("StepLR(step_size=3)", lr=-1)
    with pytest.raises(ValueError, match=r"^column 1: unknown schedule 'Step'"):
        simulate("Step(step_size=3)")


def test_simulate_refuses_more_metrics_than_the_step_cap_before_reading_them() -> None:
    # 2 million metrics took 16.6 s and 376 MB, past the 10^6-step cap
    start = time.perf_counter()
    message = (
        r"^simulate: metrics must hold at most 999999 values \(one per step after step 0\)\. Received: 2000000 values$"
    )
    with pytest.raises(ValueError, match=message):
        simulate("ReduceLROnPlateau()", metrics=[1.0] * 2_000_000)
    assert time.perf_counter() - start < 1.0
    assert simulate("ReduceLROnPlateau()", 3, metrics=[1.0] * 999_999).steps == 3


def test_simulate_matches_a_real_scheduler_stepped_by_hand() -> None:
    optimizer = type("Optimizer", (), {})()
    optimizer.param_groups = [{"lr": 0.1}, {"lr": 0.05}]
    scheduler = CosineAnnealingLR(optimizer, T_max=20, eta_min=1e-4)
    by_hand = []
    for _ in range(30):
        by_hand.append([group["lr"] for group in optimizer.param_groups])
        scheduler.step()
    trace = simulate("CosineAnnealingLR(T_max=20, eta_min=1e-4)", 30, lr=[0.1, 0.05])
    assert [list(row[1:]) for row in trace.rows()] == by_hand  # bit-identical


def test_pyproject_declares_the_console_script() -> None:
    import importlib

    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    target = project["project"]["scripts"]["paradox-lr"]
    module, _, name = target.partition(":")
    assert getattr(importlib.import_module(module), name) is main
    assert "pyyaml" in project["project"]["optional-dependencies"]["test"]
    assert "torch==2.13.0" in project["project"]["optional-dependencies"]["test"]


@pytest.mark.parametrize(
    ("argv", "code", "out", "err"),
    [
        (
            ["table", "StepLR(step_size=1, gamma=0.5)", "--lr", "1", "--steps", "3"],
            0,
            "step,lr\n0,1.0\n1,0.5\n2,0.25\n",
            "",
        ),
        (  # a hostile spec, in a subprocess: no traceback, nothing run
            ["show", "__import__('os').system('touch {tmp}/pwned')"],
            2,
            "",
            "paradox-lr: error: column 1: attribute access (__import__('os').system) is not allowed in a spec\n",
        ),
    ],
)
def test_python_dash_m_runs_the_cli(tmp_path: Path, argv: list[str], code: int, out: str, err: str) -> None:
    command = [sys.executable, "-m", "paradox.scheduler", *at(tmp_path, argv)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=ENV, check=False)
    assert (result.returncode, result.stdout, result.stderr) == (code, out, err)
    assert not (tmp_path / "pwned").exists()


def imported_after(code: str) -> str:
    """The modules of interest that a fresh interpreter holds after running ``code`` (printed by it)."""
    result = subprocess.run(
        [sys.executable, "-c", f"import sys; {code}"], capture_output=True, text=True, env=ENV, check=True
    )
    return result.stdout.strip()


def test_importing_the_package_stays_light_and_the_cli_core_needs_no_numpy() -> None:
    heavy = "('torch', 'numpy', 'matplotlib', 'argparse', 'yaml', 'tomllib', 'ast', 'inspect', 'dataclasses', "
    heavy += "'typing', 'pathlib', 'json', 'copy')"
    loaded = f"print(sorted(m for m in {heavy} if m in sys.modules))"
    assert imported_after(f"import paradox.scheduler as s; s.simulate; s.plot; {loaded}") == "[]"
    cli = "from paradox.scheduler.preview.cli import main; main(['table', 'StepLR(step_size=2)', '--steps', '3']); "
    cli += "main(['show', 'StepLR(step_size=2)']); print('|'); "
    cli += "print(sorted(m for m in ('torch', 'numpy', 'matplotlib') if m in sys.modules))"
    assert imported_after(cli).rpartition("|\n")[2] == "[]"


# -- plot ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("suffix", "magic"), [(".png", b"\x89PNG\r\n\x1a\n"), (".svg", b"<?xml"), (".pdf", b"%PDF")])
def test_plot_writes_png_svg_and_pdf(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str, magic: bytes
) -> None:
    image = pytest.importorskip("matplotlib.image")
    out = tmp_path / f"schedules{suffix}"
    scale = ["--log"] if suffix == ".png" else []
    code, stdout, err = run(capsys, "plot", "StepLR(step_size=30)", COSINE, "-o", str(out), *scale)
    assert (code, stdout, err) == (0, f"wrote {out}\n", "")
    data = out.read_bytes()
    assert data[: len(magic)] == magic
    if suffix == ".png":
        assert len(data) > 10_000
        pixels = image.imread(str(out))
        assert pixels.shape[0] >= 400 and pixels.shape[1] >= 700
        assert pixels.std() > 0.05  # not a blank canvas


def test_plot_in_python_returns_a_figure() -> None:
    pytest.importorskip("matplotlib")
    from paradox.scheduler import plot

    trace = simulate("StepLR(step_size=2)", 10, lr=[0.1, 0.2])
    figure = plot(trace, "CosineAnnealingLR(T_max=10)", log=True, title="two")
    axes = figure.axes[0]
    assert [line.get_label() for line in axes.get_lines()] == [
        "StepLR(step_size=2) [lr_0]",
        "StepLR(step_size=2) [lr_1]",
        "CosineAnnealingLR(T_max=10)",
    ]
    assert axes.get_yscale() == "log"


# -- config files -------------------------------------------------------------------------

#: Config files in every format, with the spec each equals.
CONFIGS = {
    "SequenceLR([StepLR(step_size=2, gamma=0.5), CosineAnnealingLR(T_max=4)], milestones=[3])": {
        "s.json": '{"name": "SequenceLR", "milestones": [3], "schedulers": [{"name": "StepLR", "step_size": 2, "gamma": 0.5}, {"name": "CosineAnnealingLR", "T_max": 4}]}',
        "s.yaml": "name: SequenceLR\nmilestones: [3]\nschedulers:\n  - {name: StepLR, step_size: 2, gamma: 0.5}\n  - name: CosineAnnealingLR\n    T_max: 4\n",
        "s.toml": 'name = "SequenceLR"\nmilestones = [3]\n\n[[schedulers]]\nname = "StepLR"\nstep_size = 2\ngamma = 0.5\n\n[[schedulers]]\nname = "CosineAnnealingLR"\nT_max = 4\n',
    },
    "StepLR(step_size=10, gamma=0.5)": {
        "s.json": '{"name": "StepLR", "step_size": 10, "gamma": 0.5}',
        "s.yml": "name: StepLR\nstep_size: 10\ngamma: 0.5\n",
        "s.toml": 'name = "StepLR"\nstep_size = 10\ngamma = 0.5\n',
    },
}


@pytest.mark.parametrize(
    ("name", "text", "spec"), [(name, text, spec) for spec, files in CONFIGS.items() for name, text in files.items()]
)
def test_config_files_in_every_format(
    capsys: pytest.CaptureFixture[str], preview_classes: None, tmp_path: Path, name: str, text: str, spec: str
) -> None:
    if name.endswith((".yaml", ".yml")):
        pytest.importorskip("yaml")
    path = tmp_path / name
    path.write_text(text)
    from_file = table(capsys, f"@{path}", "--lr", "0.1,0.01")
    assert from_file == table(capsys, spec, "--lr", "0.1,0.01")


#: Per format, the text of a config file ``a.<format>`` and its error.
CONFIG_ERRORS = {
    "json": {
        '{"name": "StepLr", "step_size": 2}': "a.json: name: unknown schedule 'StepLr'; did you mean 'StepLR'? (paradox-lr list names them all)",
        '{"name": "StepLR", "gama": 2, "step_size": 1}': "a.json: top level: StepLR has no parameter 'gama'; did you mean 'gamma'? (StepLR(step_size, gamma=0.1, last_epoch=-1))",
        '{"name": "StepLR"}': "a.json: top level: StepLR is missing the required argument 'step_size' (StepLR(step_size, gamma=0.1, last_epoch=-1))",
        '{"name": "StepLR", "step_size": 0}': "a.json: top level: StepLR: step_size must be an int >= 1. Received: step_size=0 (int)",
        '{"step_size": 2}': 'a.json: the top level must be a dict with a \'name\', such as {"name": "StepLR", "step_size": 10}. Received: dict',
        '["StepLR"]': 'a.json: the top level must be a dict with a \'name\', such as {"name": "StepLR", "step_size": 10}. Received: list',
        '{"name": "StepLR",': "a.json: invalid JSON at line 1, column 19: Expecting property name enclosed in double quotes",
        '{"name": "StepLR", "step_size": 2, "optimizer": 1}': "a.json: top level: StepLR's optimizer is supplied by paradox-lr; leave it out",
        '{"name": "SequenceLR", "milestones": [1], "schedulers": [{"name": "StepLR", "step_size": 1}, {"name": "Cosine", "T_max": 3}]}': "a.json: schedulers[1].name: unknown schedule 'Cosine'; a spec may call only the schedules `paradox-lr list` names",
        # a key given twice is refused, as TOML refuses it (it kept the last)
        '{"name": "StepLR", "step_size": 2, "step_size": 3}': "a.json: invalid JSON: the key 'step_size' is given twice in one object",
        '{"name": "StepLR", "step_size": 2, "gamma": {"a": 1, "a": 2}}': "a.json: invalid JSON: the key 'a' is given twice in one object",
    },
    "yaml": {
        "name: StepLR\nstep_size: 2012-01-01\n": "a.yaml: step_size: a config value must be a number, string, bool, null, list or dict. Received: datetime.date(2012, 1, 1) (date)",
        "name: [StepLR\n": "a.yaml: invalid YAML at line 2, column 1: expected ',' or ']', but got '<stream end>'",
        "name: StepLR\nstep_size: 2\nstep_size: 3\n": "a.yaml: invalid YAML at line 3, column 1: the key 'step_size' is given twice in one mapping",
        "name: StepLR\nstep_size: 2\ngamma: {a: 1, a: 2}\n": "a.yaml: invalid YAML at line 3, column 15: the key 'a' is given twice in one mapping",
    },
    "toml": {
        'name = "StepLR"\nstep_size = \n': "a.toml: invalid TOML: Invalid value (at line 2, column 13)",
    },
    "ini": {
        "[x]": "@{tmp}/a.ini: unknown config format '.ini'; use .json, .yaml, .yml or .toml",
    },
}


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [(f"a.{suffix}", text, message) for suffix, errors in CONFIG_ERRORS.items() for text, message in errors.items()],
)
def test_config_file_errors(
    capsys: pytest.CaptureFixture[str], preview_classes: None, tmp_path: Path, name: str, text: str, message: str
) -> None:
    if name.endswith(".yaml"):
        pytest.importorskip("yaml")
    (tmp_path / name).write_text(text)
    assert run(capsys, "show", f"@{tmp_path / name}") == (2, "", f"paradox-lr: error: {at(tmp_path, [message])[0]}\n")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["show", "@{tmp}/s.yaml"], "s.yaml: reading YAML needs PyYAML: pip install pyyaml"),
        (["show", "@{tmp}/s.toml"], "reading TOML on Python 3.10 needs tomli: pip install tomli"),
        (
            ["plot", "StepLR(step_size=3)", "-o", "{tmp}/x.png"],
            'plotting needs matplotlib: pip install "paradox[plot]"',
        ),
    ],
)
def test_a_missing_optional_module_is_named_with_its_install(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, argv: list[str], message: str
) -> None:
    for module in ("yaml", "tomli", "matplotlib", "matplotlib.figure"):
        monkeypatch.setitem(sys.modules, module, None)
    monkeypatch.setattr(sys, "version_info", (3, 10, 12, "final", 0))
    (tmp_path / "s.yaml").write_text("name: StepLR\nstep_size: 2\n")
    (tmp_path / "s.toml").write_text('name = "StepLR"\nstep_size = 2\n')
    assert run(capsys, *at(tmp_path, argv)) == (1, "", f"paradox-lr: error: {message}\n")
    assert not (tmp_path / "x.png").exists()


# -- hostile specs ------------------------------------------------------------------------

HOSTILE = [
    "__import__('os').system('touch {marker}')",
    "__import__('os')",
    "StepLR(step_size=__import__('os').system('touch {marker}'))",
    "open('{marker}', 'w')",
    "StepLR.__class__",
    "StepLR.__init__.__globals__",
    "StepLR(step_size=1).step()",
    "(lambda: __import__('os').system('touch {marker}'))()",
    "StepLR(step_size=(lambda: 1)())",
    "StepLR(step_size=10**10**10)",
    "StepLR(step_size=9**9**9**9)",
    "StepLR(*[1])",
    "StepLR(**{{'step_size': 1}})",
    "StepLR(step_size=[i for i in range(10**9)][0])",
    "StepLR(step_size={{x for x in 'ab'}})",
    "StepLR(step_size=f\"{{__import__('os').system('touch {marker}')}}\")",
    "StepLR(step_size=1 if True else 2)",
    "StepLR(step_size=(x := 3))",
    "StepLR(step_size='a' * 10**10)",
    "StepLR(step_size=globals())",
    "StepLR(step_size=[1][0])",
    "exec('import os')",
    "eval('1')",
    "compile('1', 'x', 'eval')",
    "getattr(StepLR, '__class__')",
]


@pytest.mark.parametrize("template", HOSTILE)
def test_hostile_specs_are_refused_and_nothing_runs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, template: str
) -> None:
    marker = tmp_path / "pwned"
    start = time.perf_counter()
    code, out, err = run(capsys, "show", template.format(marker=marker))
    assert time.perf_counter() - start < 2.0
    assert (code, out) == (2, "")
    assert err.startswith("paradox-lr: error: ") and err.endswith("\n") and err.count("\n") == 1
    assert "Traceback" not in err
    assert not marker.exists()


# -- malformed specs and bad options: one pinned message each -------------------------------

MALFORMED = {
    "": 'the spec is empty; write a schedule such as "StepLR(step_size=10)" or @config.json',
    "   ": 'the spec is empty; write a schedule such as "StepLR(step_size=10)" or @config.json',
    "StepLR(step_size=10": "invalid syntax at column 7: '(' was never closed",
    "StepLR(step_size=10))": "invalid syntax at column 21: unmatched ')'",
    "3": "column 1: a spec is a call to a schedule such as StepLR(step_size=10); found 3",
    "[StepLR(step_size=1)]": "column 1: a spec is a call to a schedule such as StepLR(step_size=10); found [StepLR(step_size=1)]",
    "StepLr(step_size=3)": "column 1: unknown schedule 'StepLr'; did you mean 'StepLR'? (paradox-lr list names them all)",
    "Foo(x=1)": "column 1: unknown schedule 'Foo'; a spec may call only the schedules `paradox-lr list` names",
    "StepLR(gama=0.5, step_size=2)": "column 8: StepLR has no parameter 'gama'; did you mean 'gamma'? (StepLR(step_size, gamma=0.1, last_epoch=-1))",
    "StepLR()": "column 1: StepLR is missing the required argument 'step_size' (StepLR(step_size, gamma=0.1, last_epoch=-1))",
    "StepLR": "column 1: StepLR is missing the required argument 'step_size' (StepLR(step_size, gamma=0.1, last_epoch=-1))",
    "StepLR(1, 0.1, -1, 4)": "column 20: StepLR takes at most 3 arguments (step_size, gamma, last_epoch); got 4",
    "StepLR(2, step_size=3)": "column 11: StepLR got 'step_size' twice",
    "StepLR(step_size=1, step_size=2)": "column 21: StepLR got 'step_size' twice",
    "StepLR(optimizer=None, step_size=2)": "column 8: StepLR's optimizer is supplied by paradox-lr; leave it out",
    "StepLR(step_size=0)": "column 1: StepLR: step_size must be an int >= 1. Received: step_size=0 (int)",
    "StepLR(step_size='3')": "column 1: StepLR: step_size must be an int >= 1. Received: step_size='3' (str)",
    "CosineAnnealingLR(T_max=10, eta_min=-1)": "column 1: CosineAnnealingLR: eta_min must be a finite number >= 0.0. Received: eta_min=-1 (int)",
    "StepLR(step_size=ten)": "column 18: 'ten' is not a value; write a literal (number, string, True, False, None, list, tuple, dict) or a schedule",
    "StepLR(step_size=Steplr)": "column 18: 'Steplr' is not a value; write a literal (number, string, True, False, None, list, tuple, dict) or a schedule; did you mean StepLR(...)?",
    "StepLR(step_size=-'a')": "column 18: a sign applies only to a number; found -'a'",
    "StepLR(step_size=b'1')": "column 18: a bytes literal (b'1') is not allowed in a spec",
    "StepLR(step_size=1j)": "column 18: a complex literal (1j) is not allowed in a spec",
    "StepLR(step_size=...)": "column 18: a ellipsis literal (...) is not allowed in a spec",
    "StepLR.__class__": "column 1: attribute access (StepLR.__class__) is not allowed in a spec",
    "StepLR(lambda: 1)": "column 8: a lambda is not allowed in a spec: functions cannot be given on the command line",
    "StepLR(step_size=10**10**10)": "column 18: the expression 10**10**10 is not allowed; write a literal number (operators are not evaluated)",
    "StepLR(step_size=1 < 2)": "column 18: the expression 1 < 2 is not allowed; write a literal number (operators are not evaluated)",
    "StepLR(step_size=not 1)": "column 18: the expression not 1 is not allowed; write a literal number (operators are not evaluated)",
    "StepLR(*a)": "column 8: unpacking (*a) is not allowed in a spec",
    "StepLR(**a)": "column 8: unpacking (**a) is not allowed in a spec",
    "StepLR(step_size=[*a])": "column 19: unpacking (*a) is not allowed in a spec",
    "StepLR(step_size={**a})": "column 21: unpacking (**a) is not allowed in a spec",
    "StepLR(step_size=[x for x in y])": "column 18: a comprehension ([x for x in y]) is not allowed in a spec; write the values out",
    "StepLR(step_size=f'{1}')": "column 18: an f-string (f'{1}') is not allowed in a spec; write a plain string",
    "StepLR(step_size=[1][0])": "column 18: indexing ([1][0]) is not allowed in a spec",
    "StepLR(step_size=1 if 1 else 2)": "column 18: 1 if 1 else 2 is not allowed in a spec",
    "StepLR(step_size=1).gamma": "column 1: attribute access (StepLR(step_size=1).gamma) is not allowed in a spec",
    "StepLR(step_size=1)(2)": "column 1: only schedules may be called; found a call of StepLR(step_size=1)",
    "StepLR(step_size=" + "[" * 40 + "]" * 40 + ")": "column 50: the spec is nested more than 32 levels deep",
    "StepLR(step_size="
    + "1" * 5000
    + ")": "invalid syntax at column 1: Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits; use sys.set_int_max_str_digits() to increase the limit - Consider hexadecimal for huge integer literals to avoid decimal conversion limits.",
    "StepLR(step_size=1, gamma=" + "1" * 10_000 + ")": "the spec is 10027 characters long; the limit is 10000",
}

#: The command line, as a shell splits it, and the last line of its error; ``{tmp}`` is the test's
#: directory, which holds the metrics files below.
BAD_ARGUMENTS = {
    "table 'ReduceLROnPlateau()'": "ReduceLROnPlateau is stepped with a metric: give one per step with --metrics FILE",
    "show 'ReduceLROnPlateau(factor=0.5, patience=1, cooldown=1, min_lr=0.01)'": "ReduceLROnPlateau is stepped with a metric: give one per step with --metrics FILE",
    "table 'ReduceLROnPlateau()' --metrics {tmp}/short.txt --steps 10": "10 steps need 9 metrics (one per step after step 0); the metrics hold 2",
    "table 'ReduceLROnPlateau()' --metrics {tmp}/bad.txt": "--metrics {tmp}/bad.txt: line 2: 'nope' is not a finite number",
    # a JSON int beyond the float range (it raised OverflowError)
    "table 'ReduceLROnPlateau()' --metrics {tmp}/huge.json": f"--metrics {{tmp}}/huge.json: item 1: {10**400!r} is not a finite number",
    "show 'SequenceLR([StepLR(step_size=0)], milestones=[])'": "column 13: StepLR: step_size must be an int >= 1. Received: step_size=0 (int)",
    "show 'SequenceLR([1, StepLR(step_size=2)], milestones=[2])'": "column 12: SequenceLR: schedulers[0] must be a schedule such as StepLR(step_size=10). Received: 1",
    "table 'SequenceLR([StepLR(step_size=2)], milestones=[3])'": "column 1: SequenceLR: milestones must hold 0 values. Received: milestones=[3] (list)",
    "show 'LambdaLR()'": "column 1: LambdaLR: lr_lambda takes a function, which a spec cannot give; build the scheduler in Python and pass it to paradox.scheduler.simulate()",
    "show \"LambdaLR(lr_lambda='lambda e: 0.9 ** e')\"": "column 10: LambdaLR: lr_lambda takes a function, which a spec cannot give; build the scheduler in Python and pass it to paradox.scheduler.simulate()",
    "table 'StepLR(step_size=2)' --lr 0.1,x": "argument --lr: --lr must be numbers separated by commas, such as 0.1 or 0.1,0.01. Received: '0.1,x'",
    "table 'StepLR(step_size=2)' --steps 0": "argument --steps: --steps must be an int >= 1. Received: '0'",
    "table 'StepLR(step_size=2)' --steps 2000000": "simulate: steps must be an int in [1, 1000000]. Received: steps=2000000 (int)",
    "table 'StepLR(step_size=2)' --steps 1000000 --lr "
    + ",".join(["0.1"] * 11): "11 param groups x 1000000 steps is 11000000 values; the limit is 10000000",
    "show 'StepLR(step_size=2)' --width 5": "argument --width: --width must be an int in [40, 1000]. Received: '5'",
    "show 'StepLR(step_size=2)' --width 1000000000": "argument --width: --width must be an int in [40, 1000]. Received: '1000000000'",
    "table 'StepLR(step_size=2)' --format xml": "argument --format: invalid choice: 'xml' (choose from 'csv', 'json', 'md')",
    "": "the following arguments are required: COMMAND",
    "show @{tmp}/nope.json": "@{tmp}/nope.json: cannot read the file: No such file or directory",
    "plot 'StepLR(step_size=3)' -o {tmp}/x.jpg": "plot: output must end in .png, .svg or .pdf. Received: output='{tmp}/x.jpg' (str)",
}


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["table", spec], message) for spec, message in MALFORMED.items()]
    + [(shlex.split(command), message) for command, message in BAD_ARGUMENTS.items()],
    ids=[f"m{i}" for i in range(len(MALFORMED))] + [f"a{i}" for i in range(len(BAD_ARGUMENTS))],
)
def test_errors_get_their_own_message_on_one_line(
    capsys: pytest.CaptureFixture[str], preview_classes: None, tmp_path: Path, argv: list[str], message: str
) -> None:
    (tmp_path / "short.txt").write_text("1\n2\n")
    (tmp_path / "bad.txt").write_text("1\nnope\n")
    (tmp_path / "huge.json").write_text(f"[1.0, {10**400}]")
    code, out, err = run(capsys, *at(tmp_path, argv))
    assert (code, out) == (2, "")
    last = f"paradox-lr: error: {at(tmp_path, [message])[0]}"
    assert err == f"{last}\n" or (err.startswith("usage: ") and err.endswith(f"\n{last}\n"))


# -- hostile input: bounded before it is read or allocated ----------------------------------

#: Files the hostile commands below read from ``{tmp}``, by name: their text, or their size in bytes
#: (a sparse file of zeros).
HOSTILE_FILES: dict[str, str | int] = {
    "big.txt": 10**9,
    "many.txt": "1\n" * 1_000_000,
    "many.json": "[" + "1," * 1_000_000 + "1]",
    "deep.json": "[" * 100_000 + "]" * 100_000,
    "big.json": 2_000_000,
    "deep.yaml": "name: StepLR\nstep_size: 2\ngamma: " + "[" * 100_000 + "]" * 100_000,
    "block.yaml": "name: StepLR\nstep_size: 2\ngamma:\n" + "".join(" " * i + "-\n" for i in range(0, 600, 2)),
    "deep.toml": 'name = "StepLR"\nstep_size = 2\ngamma = ' + "[" * 100_000 + "]" * 100_000,
    "dotted.toml": 'name = "StepLR"\nstep_size = 2\ngamma.' + ".".join(["a"] * 50_000) + " = 1\n",
    "laughs.yaml": "name: StepLR\nstep_size: 2\ngamma: [&a [lol, lol, lol, lol, lol, lol, lol, lol, lol], "
    + ", ".join(f"&{b} [{', '.join([f'*{a}'] * 9)}]" for a, b in itertools.pairwise("abcdefghij"))
    + "]\n",
}
#: Command lines that read hostile input, and their one-line error (exit status 2).
HOSTILE_INPUTS = {
    "table 'ReduceLROnPlateau()' --metrics /dev/zero": "--metrics /dev/zero: the file is larger than the limit of 32000000 bytes",
    "table 'ReduceLROnPlateau()' --metrics /dev/urandom": "--metrics /dev/urandom: the file is larger than the limit of 32000000 bytes",
    "table 'ReduceLROnPlateau()' --metrics {tmp}/big.txt": "--metrics {tmp}/big.txt: the file is larger than the limit of 32000000 bytes",
    "table 'ReduceLROnPlateau()' --metrics {tmp}/many.txt": "--metrics {tmp}/many.txt: more than 999999 metrics (one per step after step 0, up to 1000000 steps)",
    "table 'ReduceLROnPlateau()' --metrics {tmp}/many.json": "--metrics {tmp}/many.json: more than 999999 metrics (one per step after step 0, up to 1000000 steps)",
    "table 'ReduceLROnPlateau()' --metrics {tmp}/deep.json": "--metrics {tmp}/deep.json: a JSON file must hold one flat list of numbers, such as [0.9, 0.8]",
    "show @{tmp}/big.json": "@{tmp}/big.json: the file is larger than the limit of 1000000 bytes",
    "show @{tmp}/deep.json": "deep.json: the config is nested more than 32 levels deep",
    "show @{tmp}/deep.yaml": "deep.yaml: the config is nested more than 32 levels deep",
    "show @{tmp}/block.yaml": "block.yaml: the config is nested more than 32 levels deep",
    "show @{tmp}/deep.toml": "deep.toml: the config is nested more than 32 levels deep",
    "show @{tmp}/dotted.toml": "dotted.toml: the config is nested more than 32 levels deep",
    # a billion laughs: 9**10 strings, were the aliases expanded
    "show @{tmp}/laughs.yaml": "laughs.yaml: line 3, column 63: a YAML alias (*a) is not allowed in a config; write the value out",
}


@pytest.mark.parametrize(
    ("command", "message"), HOSTILE_INPUTS.items(), ids=[f"h{i}" for i in range(len(HOSTILE_INPUTS))]
)
def test_hostile_input_ends_quickly_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str, message: str
) -> None:
    if ".yaml" in command:
        pytest.importorskip("yaml")
    for name, content in HOSTILE_FILES.items():
        if isinstance(content, int):
            with (tmp_path / name).open("wb") as file:
                file.truncate(content)
        else:
            (tmp_path / name).write_text(content)
    start = time.perf_counter()
    code, out, err = run(capsys, *at(tmp_path, shlex.split(command)))
    assert time.perf_counter() - start < 5.0
    assert (code, out, err) == (2, "", f"paradox-lr: error: {at(tmp_path, [message])[0]}\n")


# -- issue 13: the libraries' own names ---------------------------------------------------

#: transformers' cosine_with_min_lr, timm's cosine with halving restarts, a WSD with the 1-sqrt cooldown
LIBRARY_SPECS = [
    "get_scheduler('cosine_with_min_lr', num_warmup_steps=10, num_training_steps=100, "
    "scheduler_specific_kwargs={'min_lr_rate': 0.1})",
    "CosineLRScheduler(t_initial=20, cycle_decay=0.5, cycle_limit=5, warmup_t=5, warmup_lr_init=0.01)",
    "WarmupStableDecay(num_warmup_steps=10, num_decay_steps=30, num_training_steps=100, decay_type='1-sqrt')",
]


def test_list_names_transformers_functions_and_timms_schedulers(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list")
    lines = out.splitlines()
    assert code == 0
    index = lines.index(
        "get_scheduler(name, num_warmup_steps=None, num_training_steps=None, scheduler_specific_kwargs=None)"
    )
    assert lines[index + 1].startswith("    ") and "transformers" in lines[index + 1]
    assert "get_wsd_schedule(" in out and "get_cosine_with_min_lr_schedule_with_warmup(" in out
    for name in ("CosineLRScheduler", "TanhLRScheduler", "StepLRScheduler", "MultiStepLRScheduler", "PolyLRScheduler"):
        assert any(line.startswith(f"{name}(") for line in lines), name
    assert any(line.startswith("CosineLRScheduler(t_initial, lr_min=0.0, cycle_mul=1.0, cycle_decay") for line in lines)


def test_library_names_preview_the_values_their_drop_ins_set() -> None:
    from paradox.scheduler import CosineLRScheduler, WarmupStableDecayLR, get_scheduler

    hf, timm, wsd = (simulate(spec, 100, lr=0.1).lr[0] for spec in LIBRARY_SPECS)
    optimizer = PlainOptimizer(0.1)
    stepped = get_scheduler("cosine_with_min_lr", optimizer, 10, 100, scheduler_specific_kwargs={"min_lr_rate": 0.1})
    expected = [optimizer.param_groups[0]["lr"]]
    for _ in range(99):
        stepped.step()
        expected.append(optimizer.param_groups[0]["lr"])
    assert_close(list(hf), expected, rel=2 * 2.0**-52)  # the array formula, within 2 ulp
    assert (hf[0], hf[10], hf[99]) == (
        0.0,
        0.1,
        pytest.approx(0.1 * (0.1 + 0.9 * (1 + math.cos(math.pi * 89 / 90)) / 2)),
    )
    optimizer = PlainOptimizer(0.1)
    drop_in = CosineLRScheduler(
        optimizer, t_initial=20, cycle_decay=0.5, cycle_limit=5, warmup_t=5, warmup_lr_init=0.01
    )
    expected = []
    for epoch in range(100):
        drop_in.step(epoch)  # timm's loop passes the epoch itself
        expected.append(optimizer.param_groups[0]["lr"])
    assert_close(list(timm), expected, rel=2 * 2.0**-52)
    assert timm[20] == pytest.approx(0.05) and timm[40] == pytest.approx(0.025)  # each restart half the last peak
    optimizer = PlainOptimizer(0.1)
    decay = WarmupStableDecayLR(optimizer, 10, 30, 100, decay_type="1-sqrt")
    expected = [optimizer.param_groups[0]["lr"]]
    for _ in range(99):
        decay.step()
        expected.append(optimizer.param_groups[0]["lr"])
    assert_close(list(wsd), expected, rel=2 * 2.0**-52)
    assert wsd[69] == 0.1 and wsd[85] == pytest.approx(0.1 * (1 - math.sqrt(15 / 30)))


def test_plot_overlays_the_libraries_schedules_in_one_figure(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from paradox.scheduler import plot

    figure = plot(*LIBRARY_SPECS, "StepLR(step_size=30, gamma=0.5)", output=tmp_path / "overlay.png")
    lines = figure.axes[0].get_lines()
    assert [line.get_label().replace("\n    ", " ") for line in lines] == [
        *LIBRARY_SPECS,
        "StepLR(step_size=30, gamma=0.5)",
    ]
    # a WSD's long stable phase does not make its cooldown a staircase; StepLR's drops are steps
    assert [line.get_drawstyle() for line in lines] == ["default", "default", "default", "steps-post"]
    assert (tmp_path / "overlay.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_wrapping_schedule_previews_whole_not_its_inner_schedule() -> None:
    # a pure schedule holding a schedule (Warmup, Cycles, Noisy) is previewed as itself
    trace = simulate("Warmup(CosineAnnealing(T_max=20), steps=10)", 12, lr=0.1)
    assert list(trace.lr[0][:3]) == pytest.approx([0.0, 0.01, 0.02], rel=1e-15) and trace.lr[0][10] == 0.1


def test_a_live_timm_scheduler_previews_on_its_own_bases_and_lr_scales() -> None:
    from paradox.scheduler import CosineLRScheduler

    optimizer = PlainOptimizer(0.5, 2.0)
    optimizer.param_groups[1]["lr_scale"] = 0.5
    scheduler = CosineLRScheduler(optimizer, t_initial=4, lr_min=0.1)
    trace = simulate(scheduler, 5)  # it was the schedule at the default lr 0.1, one group
    stepped: list[list[float]] = [[], []]
    for epoch in range(5):
        scheduler.step(epoch)
        for index, group in enumerate(optimizer.param_groups):
            stepped[index].append(group["lr"])
    assert [list(series) for series in trace.lr] == stepped

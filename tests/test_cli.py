"""paradox-lr: every subcommand, values against torch, hostile and malformed specs, config files."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import assert_close, quiet
from paradox.scheduler import CosineAnnealingLR, StepLR, simulate
from paradox.scheduler.preview.cli import main
from preview_helpers import BUILT, registered

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def preview_classes() -> Iterator[None]:
    yield from registered()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def table(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, str]]:
    code, out, err = run(capsys, "table", *argv)
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


# -- list ---------------------------------------------------------------------------------


def test_list_names_every_schedule_with_signature_and_description(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "list")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert "StepLR(step_size, gamma=0.1, last_epoch=-1)" in lines
    assert "CosineAnnealingLR(T_max, eta_min=0.0, last_epoch=-1)" in lines
    index = lines.index("StepLR(step_size, gamma=0.1, last_epoch=-1)")
    assert lines[index + 1] == "    Decay each group's lr by gamma every step_size epochs."
    # every entry is a signature line followed by an indented description
    assert len(lines) % 2 == 0
    assert all(line.startswith("    ") and len(line) > 8 for line in lines[1::2])


def test_list_discovers_registered_classes(capsys: pytest.CaptureFixture[str], preview_classes: None) -> None:
    _, out, _ = run(capsys, "list")
    assert "SequenceLR(schedulers, milestones, last_epoch=-1)" in out
    assert "PlateauLR(factor=0.5, patience=1)" in out


# -- show ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("width", "height"), [(80, 24), (200, 50)])
def test_show_fits_the_terminal(capsys: pytest.CaptureFixture[str], width: int, height: int) -> None:
    code, out, err = run(
        capsys, "show", "CosineAnnealingLR(T_max=100, eta_min=1e-5)", "--width", str(width), "--height", str(height)
    )
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) <= height - 1
    assert max(len(line) for line in lines) <= width
    assert max(len(line) for line in lines) >= width - 10  # uses the width it has
    assert any("⠉" in line or "⣀" in line for line in lines)  # braille dots
    assert lines[0].startswith("CosineAnnealingLR(T_max=100, eta_min=1e-5)  ·  lr 0.1  ·  steps 0..100")
    assert "start 0.1  peak 0.1 (step 0)  min 1e-05 (step 100)  final 1e-05" in lines
    assert lines[-1] == "phase changes: none"


def test_show_summary_reports_phase_changes_and_groups(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "show",
        "StepLR(step_size=10, gamma=0.5)",
        "--lr",
        "0.1,0.05",
        "--log",
        "--width",
        "80",
        "--height",
        "24",
    )
    assert code == 0
    lines = out.splitlines()
    assert "log scale" in lines[0]
    assert lines[-1] == "phase changes at steps 10, 20, 30, 40, 50, 60, 70, 80, 90"
    assert lines[-3].startswith("lr_0: start 0.1  peak 0.1 (step 0)  min 0.000195")
    assert lines[-2].startswith("lr_1: start 0.05")
    assert max(len(line) for line in lines) <= 80


def test_show_cosine_past_t_max_turns_at_t_max(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "show", "CosineAnnealingLR(T_max=30)", "--steps", "61", "--width", "80")
    assert out.splitlines()[-1] == "phase changes at steps 30"
    assert "min 0 (step 30)" in out


def test_show_uses_the_terminal_size(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("LINES", "40")
    _, out, _ = run(capsys, "show", "StepLR(step_size=5)")
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 120
    assert max(len(line) for line in lines) > 100
    assert len(lines) <= 39


def test_show_with_momentum_cycling(capsys: pytest.CaptureFixture[str], preview_classes: None) -> None:
    _, out, _ = run(capsys, "show", "MomentumCycleLR()", "--steps", "10", "--width", "80")
    assert "momentum 0.85 .. 0.95 (cycled)" in out


# -- table --------------------------------------------------------------------------------


def test_table_csv_one_group(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "table", "StepLR(step_size=2, gamma=0.5)", "--lr", "1", "--steps", "5")
    assert code == 0
    assert out == "step,lr\n0,1.0\n1,1.0\n2,0.5\n3,0.5\n4,0.25\n"


def test_table_csv_several_groups_and_every(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "table", "StepLR(2, 0.5)", "--lr", "1,0.5", "--steps", "8", "--every", "3")
    assert code == 0
    assert out == "step,lr_0,lr_1\n0,1.0,0.5\n3,0.5,0.25\n6,0.125,0.0625\n7,0.125,0.0625\n"


def test_table_json_and_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "table", "StepLR(step_size=2, gamma=0.5)", "--lr", "1", "--steps", "3", "--format", "json")
    assert json.loads(out) == [{"step": 0, "lr": 1.0}, {"step": 1, "lr": 1.0}, {"step": 2, "lr": 0.5}]
    _, out, _ = run(capsys, "table", "CosineAnnealingLR(T_max=4)", "--lr", "1,0.1", "--format", "md")
    assert out.splitlines()[:4] == [
        "| step | lr_0 | lr_1 |",
        "|---:|---:|---:|",
        "| 0 | 1 | 0.1 |",
        "| 1 | 0.853553 | 0.0853553 |",
    ]
    assert len(out.splitlines()) == 2 + 5  # T_max + 1 rows by default


def test_table_momentum_columns_only_when_momentum_cycles(
    capsys: pytest.CaptureFixture[str], preview_classes: None
) -> None:
    rows = table(capsys, "MomentumCycleLR(low=0.8, high=0.9)", "--steps", "4", "--lr", "0.1,0.2")
    assert list(rows[0]) == ["step", "lr_0", "lr_1", "momentum_0", "momentum_1"]
    assert [float(row["momentum_1"]) for row in rows] == [0.8, 0.9, 0.8, 0.9]
    rows = table(capsys, "MomentumCycleLR()", "--steps", "2")
    assert list(rows[0]) == ["step", "lr", "momentum"]
    assert list(table(capsys, "StepLR(step_size=2)", "--steps", "2")[0]) == ["step", "lr"]


def test_table_default_steps_come_from_the_schedule(capsys: pytest.CaptureFixture[str], preview_classes: None) -> None:
    assert len(table(capsys, "CosineAnnealingLR(T_max=37)")) == 38
    assert len(table(capsys, "StepLR(step_size=5)")) == 100
    assert len(table(capsys, "StepLR(step_size=80)")) == 161
    spec = "SequenceLR([StepLR(step_size=2), CosineAnnealingLR(T_max=20)], milestones=[5])"
    assert len(table(capsys, spec)) == 5 + 21


# -- nesting ------------------------------------------------------------------------------


def test_nested_children_are_built_first_on_the_same_optimizer(
    capsys: pytest.CaptureFixture[str], preview_classes: None
) -> None:
    spec = "SequenceLR([TrackedStepLR(step_size=2), CosineAnnealingLR(T_max=4)], milestones=[3])"
    rows = table(capsys, spec, "--lr", "1", "--steps", "9")
    assert BUILT == ["TrackedStepLR", "SequenceLR"]
    expected = [1.0, 1.0, 0.5] + [(1 + math.cos(math.pi * t / 4)) / 2 for t in range(6)]
    assert_close([float(row["lr"]) for row in rows], expected)


def test_nested_child_errors_point_at_the_child(capsys: pytest.CaptureFixture[str], preview_classes: None) -> None:
    code, _, err = run(capsys, "show", "SequenceLR([StepLR(step_size=0)], milestones=[])")
    assert code == 2
    assert err == "paradox-lr: error: column 13: StepLR: step_size must be an int >= 1. Received: step_size=0 (int)\n"
    code, _, err = run(capsys, "show", "SequenceLR([1, StepLR(step_size=2)], milestones=[2])")
    assert err == (
        "paradox-lr: error: column 12: SequenceLR: schedulers[0] must be a schedule such as StepLR(step_size=10). "
        "Received: 1\n"
    )


# -- metrics ------------------------------------------------------------------------------


def test_metrics_drive_a_plateau_scheduler(
    capsys: pytest.CaptureFixture[str], preview_classes: None, tmp_path: Path
) -> None:
    metrics = tmp_path / "loss.txt"
    metrics.write_text("# validation loss\n1.0\n0.9, 0.95\n0.95 0.96\n0.5\n")
    rows = table(capsys, "PlateauLR(factor=0.5, patience=1)", "--lr", "1", "--metrics", str(metrics))
    assert [float(row["lr"]) for row in rows] == [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5]
    as_json = tmp_path / "loss.json"
    as_json.write_text("[1.0, 0.9, 0.95, 0.95, 0.96, 0.5]")
    assert table(capsys, "PlateauLR()", "--lr", "1", "--metrics", str(as_json)) == rows


def test_metrics_errors(capsys: pytest.CaptureFixture[str], preview_classes: None, tmp_path: Path) -> None:
    code, _, err = run(capsys, "table", "PlateauLR()")
    assert (code, err) == (
        2,
        "paradox-lr: error: PlateauLR is stepped with a metric: give one per step with --metrics FILE\n",
    )
    short = tmp_path / "short.txt"
    short.write_text("1\n2\n")
    code, _, err = run(capsys, "table", "PlateauLR()", "--metrics", str(short), "--steps", "10")
    assert err == "paradox-lr: error: 10 steps need 9 metrics (one per step after step 0); the metrics hold 2\n"
    bad = tmp_path / "bad.txt"
    bad.write_text("1\nnope\n")
    code, _, err = run(capsys, "table", "PlateauLR()", "--metrics", str(bad))
    assert (code, err) == (2, f"paradox-lr: error: --metrics {bad}: line 2: 'nope' is not a finite number\n")
    huge = tmp_path / "huge.json"  # a JSON int beyond the float range (it raised OverflowError)
    huge.write_text(f"[1.0, {10**400}]")
    code, _, err = run(capsys, "table", "PlateauLR()", "--metrics", str(huge))
    assert (code, err) == (2, f"paradox-lr: error: --metrics {huge}: item 1: {10**400!r} is not a finite number\n")


# -- values against torch -----------------------------------------------------------------

TORCH_SPECS = [
    ("StepLR(step_size=3, gamma=0.5)", "0.1,0.02,0.5", None),
    ("StepLR(7)", "0.3", 40),
    ("CosineAnnealingLR(T_max=10, eta_min=0.001)", "0.1,0.01", 35),
    ("CosineAnnealingLR(T_max=50)", "1.0", None),
    ("ExponentialLR(gamma=0.9)", "0.1,0.2", 30),
    ("MultiStepLR(milestones=[3, 7], gamma=0.5)", "0.1", 12),
    ("ConstantLR(factor=0.5, total_iters=4)", "0.1", 8),
    ("LinearLR(start_factor=0.25, total_iters=4)", "0.1,0.3", 8),
    ("PolynomialLR(total_iters=8, power=2.0)", "0.1", 12),
    ("CosineAnnealingWarmRestarts(T_0=5, T_mult=2, eta_min=0.001)", "0.1", 40),
    ("OneCycleLR(max_lr=0.5, total_steps=30)", "0.1", None),
    ("CyclicLR(base_lr=0.01, max_lr=0.1, step_size_up=5)", "0.1", 25),
    (
        "SequentialLR([LinearLR(start_factor=0.1, total_iters=5), CosineAnnealingLR(T_max=15)], milestones=[5])",
        "0.1",
        21,
    ),
    ("ChainedScheduler([ConstantLR(factor=0.5, total_iters=3), ExponentialLR(gamma=0.9)])", "0.1", 10),
    (
        "SequentialLR([StepLR(step_size=2, gamma=0.5), CosineAnnealingLR(T_max=10, eta_min=0.001)], milestones=[5])",
        "0.1,0.3",
        None,
    ),
    (
        "SequentialLR(schedulers=[CosineAnnealingLR(T_max=4), StepLR(3), CyclicLR(0.01, 0.1, 2)], milestones=[4, 9])",
        "0.1",
        20,
    ),
    ("ChainedScheduler([StepLR(step_size=3, gamma=0.5), CosineAnnealingLR(T_max=10)])", "0.1,0.02", 25),
    (
        "SequentialLR([CyclicLR(base_lr=0.001, max_lr=0.1, step_size_up=5, cycle_momentum=False), CosineAnnealingLR(T_max=90)], milestones=[10])",
        "0.1",
        15,
    ),
    (
        "SequentialLR([LinearLR(start_factor=0.1, total_iters=3), CyclicLR(0.01, 0.1, 2), ExponentialLR(gamma=0.9)], milestones=[3, 9])",
        "0.1",
        15,
    ),
]


def _torch_build(pending: Any, optimizer: Any, torch_sched: Any) -> Any:
    from paradox.scheduler.preview.spec import Pending

    def value(item: Any) -> Any:
        if isinstance(item, Pending):
            return _torch_build(item, optimizer, torch_sched)
        if isinstance(item, list):
            return [value(x) for x in item]
        return item

    kwargs = {name: value(item) for name, item in pending.kwargs.items()}
    return getattr(torch_sched, pending.cls.__name__)(optimizer=optimizer, **kwargs)


@pytest.mark.parametrize(("spec", "lrs", "steps"), TORCH_SPECS, ids=[f"spec{i}" for i in range(len(TORCH_SPECS))])
def test_csv_values_match_torch(capsys: pytest.CaptureFixture[str], spec: str, lrs: str, steps: int | None) -> None:
    torch = pytest.importorskip("torch")

    from torch.optim import lr_scheduler as torch_sched

    from paradox.scheduler.preview.spec import parse, schedulers

    known = schedulers()
    missing = sorted({name for name in re.findall(r"(\w+)\(", spec) if name not in known})
    if missing:
        pytest.skip(f"not in paradox.scheduler yet: {', '.join(missing)}")
    argv = [spec, "--lr", lrs] + (["--steps", str(steps)] if steps else [])
    rows = table(capsys, *argv)
    base = [float(lr) for lr in lrs.split(",")]
    params = [torch.nn.Parameter(torch.zeros(1)) for _ in base]
    optimizer = torch.optim.Adam([{"params": [p], "lr": lr} for p, lr in zip(params, base)])
    with quiet():
        scheduler = _torch_build(parse(spec), optimizer, torch_sched)
        expected: list[list[float]] = []
        for step in range(len(rows)):
            if step:
                optimizer.step()
                scheduler.step()
            expected.append([float(group["lr"]) for group in optimizer.param_groups])
    columns = [c for c in rows[0] if c.startswith("lr")]
    for row, reference in zip(rows, expected):
        assert_close([float(row[c]) for c in columns], reference)
    momentum_columns = [c for c in rows[0] if c.startswith("momentum")]
    if momentum_columns:  # the momentum the schedule cycles is the Adam group's beta1
        with quiet():
            optimizer = torch.optim.Adam([{"params": [p], "lr": lr} for p, lr in zip(params, base)])
            scheduler = _torch_build(parse(spec), optimizer, torch_sched)
            for step, row in enumerate(rows):
                if step:
                    optimizer.step()
                    scheduler.step()
                assert_close([float(row[c]) for c in momentum_columns], [g["betas"][0] for g in optimizer.param_groups])


def test_reduce_on_plateau_csv_matches_torch(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    from paradox.scheduler.preview.spec import schedulers

    if "ReduceLROnPlateau" not in schedulers():
        pytest.skip("ReduceLROnPlateau is not in paradox.scheduler yet")
    metrics = [1.0, 0.8, 0.81, 0.82, 0.83, 0.7, 0.71, 0.72, 0.73, 0.74, 0.75, 0.76]
    path = tmp_path / "loss.txt"
    path.write_text("\n".join(map(str, metrics)))
    spec = "ReduceLROnPlateau(factor=0.5, patience=1, cooldown=1, min_lr=0.01)"
    rows = table(capsys, spec, "--lr", "0.1,0.05", "--metrics", str(path))
    assert len(rows) == len(metrics) + 1
    optimizer = torch.optim.SGD(
        [{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in (0.1, 0.05)], lr=0.1
    )
    reference = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=1, cooldown=1, min_lr=0.01)
    expected = [[0.1, 0.05]]
    for metric in metrics:
        reference.step(metric)
        expected.append([group["lr"] for group in optimizer.param_groups])
    for row, values in zip(rows, expected):
        assert_close([float(row["lr_0"]), float(row["lr_1"])], values)
    assert [float(row["lr_1"]) for row in rows][-1] < 0.05  # it did reduce
    code, _, err = run(capsys, "show", spec)
    assert (code, err) == (
        2,
        "paradox-lr: error: ReduceLROnPlateau is stepped with a metric: give one per step with --metrics FILE\n",
    )
    code, out, _ = run(capsys, "show", spec, "--metrics", str(path), "--width", "80")
    assert code == 0 and "steps 0..12" in out


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


# -- plot ---------------------------------------------------------------------------------


def test_plot_writes_a_valid_png(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    import matplotlib.image

    out = tmp_path / "schedules.png"
    code, stdout, err = run(
        capsys, "plot", "StepLR(step_size=30)", "CosineAnnealingLR(T_max=100, eta_min=1e-5)", "-o", str(out), "--log"
    )
    assert code == 0, err
    assert stdout == f"wrote {out}\n"
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 10_000
    image = matplotlib.image.imread(str(out))
    assert image.shape[0] >= 400 and image.shape[1] >= 700
    assert image.std() > 0.05  # not a blank canvas


@pytest.mark.parametrize(("suffix", "magic"), [(".svg", b"<?xml"), (".pdf", b"%PDF")])
def test_plot_writes_svg_and_pdf(capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str, magic: bytes) -> None:
    pytest.importorskip("matplotlib")
    out = tmp_path / f"s{suffix}"
    assert run(capsys, "plot", "StepLR(step_size=3)", "-o", str(out), "--steps", "10")[0] == 0
    assert out.read_bytes()[: len(magic)] == magic


def test_plot_refuses_other_extensions(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "plot", "StepLR(step_size=3)", "-o", str(tmp_path / "x.jpg"))
    assert code == 2
    assert err.endswith("must end in .png, .svg or .pdf. Received: output='" + str(tmp_path / "x.jpg") + "' (str)\n")


def test_plot_without_matplotlib_gives_a_one_line_hint(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    code, out, err = run(capsys, "plot", "StepLR(step_size=3)", "-o", str(tmp_path / "x.png"))
    assert (code, out) == (1, "")
    assert err == 'paradox-lr: error: plotting needs matplotlib: pip install "paradox[plot]"\n'
    assert not (tmp_path / "x.png").exists()


def test_plot_in_python_returns_a_figure(tmp_path: Path) -> None:
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
    spec = template.format(marker=marker)
    start = time.perf_counter()
    code, out, err = run(capsys, "show", spec)
    assert time.perf_counter() - start < 2.0
    assert code == 2
    assert out == ""
    assert err.startswith("paradox-lr: error: ") and err.endswith("\n") and err.count("\n") == 1
    assert "Traceback" not in err
    assert not marker.exists()


def test_hostile_spec_in_a_subprocess_has_no_traceback(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    result = subprocess.run(
        [sys.executable, "-m", "paradox.scheduler", "show", f"__import__('os').system('touch {marker}')"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "paradox-lr: error: column 1: attribute access (__import__('os').system) is not allowed in a spec\n"
    )
    assert not marker.exists()


# -- malformed specs: one pinned message each ----------------------------------------------

MALFORMED = [
    ("", 'the spec is empty; write a schedule such as "StepLR(step_size=10)" or @config.json'),
    ("   ", 'the spec is empty; write a schedule such as "StepLR(step_size=10)" or @config.json'),
    ("StepLR(step_size=10", "invalid syntax at column 7: '(' was never closed"),
    ("StepLR(step_size=10))", "invalid syntax at column 21: unmatched ')'"),
    ("3", "column 1: a spec is a call to a schedule such as StepLR(step_size=10); found 3"),
    (
        "[StepLR(step_size=1)]",
        "column 1: a spec is a call to a schedule such as StepLR(step_size=10); found [StepLR(step_size=1)]",
    ),
    (
        "StepLr(step_size=3)",
        "column 1: unknown schedule 'StepLr'; did you mean 'StepLR'? (paradox-lr list names them all)",
    ),
    ("Foo(x=1)", "column 1: unknown schedule 'Foo'; a spec may call only the schedules `paradox-lr list` names"),
    (
        "StepLR(gama=0.5, step_size=2)",
        "column 8: StepLR has no parameter 'gama'; did you mean 'gamma'? (StepLR(step_size, gamma=0.1, last_epoch=-1))",
    ),
    (
        "StepLR()",
        "column 1: StepLR is missing the required argument 'step_size' (StepLR(step_size, gamma=0.1, last_epoch=-1))",
    ),
    (
        "StepLR",
        "column 1: StepLR is missing the required argument 'step_size' (StepLR(step_size, gamma=0.1, last_epoch=-1))",
    ),
    ("StepLR(1, 0.1, -1, 4)", "column 20: StepLR takes at most 3 arguments (step_size, gamma, last_epoch); got 4"),
    ("StepLR(2, step_size=3)", "column 11: StepLR got 'step_size' twice"),
    ("StepLR(step_size=1, step_size=2)", "column 21: StepLR got 'step_size' twice"),
    ("StepLR(optimizer=None, step_size=2)", "column 8: StepLR's optimizer is supplied by paradox-lr; leave it out"),
    ("StepLR(step_size=0)", "column 1: StepLR: step_size must be an int >= 1. Received: step_size=0 (int)"),
    ("StepLR(step_size='3')", "column 1: StepLR: step_size must be an int >= 1. Received: step_size='3' (str)"),
    (
        "CosineAnnealingLR(T_max=10, eta_min=-1)",
        "column 1: CosineAnnealingLR: eta_min must be a finite number >= 0.0. Received: eta_min=-1 (int)",
    ),
    (
        "StepLR(step_size=ten)",
        "column 18: 'ten' is not a value; write a literal (number, string, True, False, None, list, tuple, dict) or a schedule",
    ),
    (
        "StepLR(step_size=Steplr)",
        "column 18: 'Steplr' is not a value; write a literal (number, string, True, False, None, list, tuple, dict) or a schedule; did you mean StepLR(...)?",
    ),
    ("StepLR(step_size=-'a')", "column 18: a sign applies only to a number; found -'a'"),
    ("StepLR(step_size=b'1')", "column 18: a bytes literal (b'1') is not allowed in a spec"),
    ("StepLR(step_size=1j)", "column 18: a complex literal (1j) is not allowed in a spec"),
    ("StepLR(step_size=...)", "column 18: a ellipsis literal (...) is not allowed in a spec"),
    ("StepLR.__class__", "column 1: attribute access (StepLR.__class__) is not allowed in a spec"),
    ("StepLR(lambda: 1)", "column 8: a lambda is not allowed in a spec: functions cannot be given on the command line"),
    (
        "StepLR(step_size=10**10**10)",
        "column 18: the expression 10**10**10 is not allowed; write a literal number (operators are not evaluated)",
    ),
    (
        "StepLR(step_size=1 < 2)",
        "column 18: the expression 1 < 2 is not allowed; write a literal number (operators are not evaluated)",
    ),
    (
        "StepLR(step_size=not 1)",
        "column 18: the expression not 1 is not allowed; write a literal number (operators are not evaluated)",
    ),
    ("StepLR(*a)", "column 8: unpacking (*a) is not allowed in a spec"),
    ("StepLR(**a)", "column 8: unpacking (**a) is not allowed in a spec"),
    ("StepLR(step_size=[*a])", "column 19: unpacking (*a) is not allowed in a spec"),
    ("StepLR(step_size={**a})", "column 21: unpacking (**a) is not allowed in a spec"),
    (
        "StepLR(step_size=[x for x in y])",
        "column 18: a comprehension ([x for x in y]) is not allowed in a spec; write the values out",
    ),
    ("StepLR(step_size=f'{1}')", "column 18: an f-string (f'{1}') is not allowed in a spec; write a plain string"),
    ("StepLR(step_size=[1][0])", "column 18: indexing ([1][0]) is not allowed in a spec"),
    ("StepLR(step_size=1 if 1 else 2)", "column 18: 1 if 1 else 2 is not allowed in a spec"),
    ("StepLR(step_size=1).gamma", "column 1: attribute access (StepLR(step_size=1).gamma) is not allowed in a spec"),
    ("StepLR(step_size=1)(2)", "column 1: only schedules may be called; found a call of StepLR(step_size=1)"),
    ("StepLR(step_size=" + "[" * 40 + "]" * 40 + ")", "column 50: the spec is nested more than 32 levels deep"),
    (
        "StepLR(step_size=" + "1" * 5000 + ")",
        "invalid syntax at column 1: Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits; use sys.set_int_max_str_digits() to increase the limit - Consider hexadecimal for huge integer literals to avoid decimal conversion limits.",
    ),
    ("StepLR(step_size=1, gamma=" + "1" * 10_000 + ")", "the spec is 10027 characters long; the limit is 10000"),
]


@pytest.mark.parametrize(("spec", "message"), MALFORMED, ids=[f"m{i}" for i in range(len(MALFORMED))])
def test_malformed_specs_get_their_own_message(capsys: pytest.CaptureFixture[str], spec: str, message: str) -> None:
    code, out, err = run(capsys, "table", spec)
    assert (code, out) == (2, "")
    assert err == f"paradox-lr: error: {message}\n"


def test_function_parameters_are_refused(capsys: pytest.CaptureFixture[str], preview_classes: None) -> None:
    code, _, err = run(capsys, "show", "FunctionLR()")
    assert code == 2
    assert err == (
        "paradox-lr: error: column 1: FunctionLR: lr_lambda takes a function, which a spec cannot give; build the "
        "scheduler in Python and pass it to paradox.scheduler.simulate()\n"
    )
    code, _, err = run(capsys, "show", "FunctionLR(lr_lambda='lambda e: 0.9 ** e')")
    assert err.startswith("paradox-lr: error: column 12: FunctionLR: lr_lambda takes a function")


def test_bad_options(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "table", "StepLR(step_size=2)", "--lr", "0.1,x")
    assert code == 2
    assert (
        err.splitlines()[-1]
        == "paradox-lr: error: argument --lr: --lr must be numbers separated by commas, such as 0.1 or 0.1,0.01. Received: '0.1,x'"
    )
    code, _, err = run(capsys, "table", "StepLR(step_size=2)", "--steps", "0")
    assert err.splitlines()[-1] == "paradox-lr: error: argument --steps: --steps must be an int >= 1. Received: '0'"
    code, _, err = run(capsys, "table", "StepLR(step_size=2)", "--steps", "2000000")
    assert err == "paradox-lr: error: simulate: steps must be an int in [1, 1000000]. Received: steps=2000000 (int)\n"
    code, _, err = run(capsys, "table", "StepLR(step_size=2)", "--lr", ",".join(["0.1"] * 11), "--steps", "1000000")
    assert err == "paradox-lr: error: 11 param groups x 1000000 steps is 11000000 values; the limit is 10000000\n"
    code, _, err = run(capsys, "table", "StepLR(step_size=2)", "--format", "xml")
    assert code == 2 and "invalid choice: 'xml'" in err
    code, _, err = run(capsys)
    assert code == 2 and "required: COMMAND" in err
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "paradox-lr show" in out and "list      name every schedule" in out


def test_a_scheduler_failing_while_stepping_is_one_line(
    capsys: pytest.CaptureFixture[str], preview_classes: None
) -> None:
    code, _, err = run(
        capsys, "table", "SequenceLR([StepLR(step_size=2), StepLR(step_size=2)], milestones=[3])", "--steps", "2"
    )
    assert code == 0
    code, _, err = run(capsys, "table", "SequenceLR([StepLR(step_size=2)], milestones=[3])")
    assert (code, err) == (
        2,
        "paradox-lr: error: column 1: SequenceLR: milestones must hold 0 values. Received: milestones=[3] (list)\n",
    )


# -- config files -------------------------------------------------------------------------

CONFIGS = {
    ".json": '{"name": "SequenceLR", "milestones": [3], "schedulers": [{"name": "StepLR", "step_size": 2, "gamma": 0.5}, {"name": "CosineAnnealingLR", "T_max": 4}]}',
    ".yaml": "name: SequenceLR\nmilestones: [3]\nschedulers:\n  - {name: StepLR, step_size: 2, gamma: 0.5}\n  - name: CosineAnnealingLR\n    T_max: 4\n",
    ".toml": 'name = "SequenceLR"\nmilestones = [3]\n\n[[schedulers]]\nname = "StepLR"\nstep_size = 2\ngamma = 0.5\n\n[[schedulers]]\nname = "CosineAnnealingLR"\nT_max = 4\n',
}


@pytest.mark.parametrize("suffix", sorted(CONFIGS))
def test_config_files_in_every_format(
    capsys: pytest.CaptureFixture[str], preview_classes: None, tmp_path: Path, suffix: str
) -> None:
    if suffix == ".yaml":
        pytest.importorskip("yaml")
    path = tmp_path / f"schedule{suffix}"
    path.write_text(CONFIGS[suffix])
    from_file = table(capsys, f"@{path}", "--lr", "0.1,0.01", "--steps", "10")
    spec = "SequenceLR([StepLR(step_size=2, gamma=0.5), CosineAnnealingLR(T_max=4)], milestones=[3])"
    assert from_file == table(capsys, spec, "--lr", "0.1,0.01", "--steps", "10")
    assert len(from_file) == 10


@pytest.mark.parametrize("suffix", [".json", ".yml", ".toml"])
def test_simple_config_files(capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str) -> None:
    text = {
        ".json": '{"name": "StepLR", "step_size": 10, "gamma": 0.5}',
        ".yml": "name: StepLR\nstep_size: 10\ngamma: 0.5\n",
        ".toml": 'name = "StepLR"\nstep_size = 10\ngamma = 0.5\n',
    }[suffix]
    if suffix == ".yml":
        pytest.importorskip("yaml")
    path = tmp_path / f"s{suffix}"
    path.write_text(text)
    assert table(capsys, f"@{path}") == table(capsys, "StepLR(step_size=10, gamma=0.5)")


CONFIG_ERRORS = [
    (
        "a.json",
        '{"name": "StepLr", "step_size": 2}',
        "a.json: name: unknown schedule 'StepLr'; did you mean 'StepLR'? (paradox-lr list names them all)",
    ),
    (
        "a.json",
        '{"name": "StepLR", "gama": 2, "step_size": 1}',
        "a.json: top level: StepLR has no parameter 'gama'; did you mean 'gamma'? (StepLR(step_size, gamma=0.1, last_epoch=-1))",
    ),
    (
        "a.json",
        '{"name": "StepLR"}',
        "a.json: top level: StepLR is missing the required argument 'step_size' (StepLR(step_size, gamma=0.1, last_epoch=-1))",
    ),
    (
        "a.json",
        '{"name": "StepLR", "step_size": 0}',
        "a.json: top level: StepLR: step_size must be an int >= 1. Received: step_size=0 (int)",
    ),
    (
        "a.json",
        '{"step_size": 2}',
        'a.json: the top level must be a dict with a \'name\', such as {"name": "StepLR", "step_size": 10}. Received: dict',
    ),
    (
        "a.json",
        '["StepLR"]',
        'a.json: the top level must be a dict with a \'name\', such as {"name": "StepLR", "step_size": 10}. Received: list',
    ),
    (
        "a.json",
        '{"name": "StepLR",',
        "a.json: invalid JSON at line 1, column 19: Expecting property name enclosed in double quotes",
    ),
    (
        "a.json",
        '{"name": "StepLR", "step_size": 2, "optimizer": 1}',
        "a.json: top level: StepLR's optimizer is supplied by paradox-lr; leave it out",
    ),
    (
        "a.yaml",
        "name: StepLR\nstep_size: 2012-01-01\n",
        "a.yaml: step_size: a config value must be a number, string, bool, null, list or dict. Received: datetime.date(2012, 1, 1) (date)",
    ),
    (
        "a.yaml",
        "name: [StepLR\n",
        "a.yaml: invalid YAML at line 2, column 1: expected ',' or ']', but got '<stream end>'",
    ),
    ("a.toml", 'name = "StepLR"\nstep_size = \n', "a.toml: invalid TOML: Invalid value (at line 2, column 13)"),
    ("a.ini", "[x]", "@{path}: unknown config format '.ini'; use .json, .yaml, .yml or .toml"),
]


@pytest.mark.parametrize(("name", "text", "message"), CONFIG_ERRORS, ids=[f"c{i}" for i in range(len(CONFIG_ERRORS))])
def test_config_file_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, text: str, message: str
) -> None:
    if name.endswith(".yaml"):
        pytest.importorskip("yaml")
    path = tmp_path / name
    path.write_text(text)
    code, out, err = run(capsys, "show", f"@{path}")
    assert (code, out) == (2, "")
    assert err == f"paradox-lr: error: {message.replace('{path}', str(path))}\n"


def test_nested_config_errors_name_the_path(
    capsys: pytest.CaptureFixture[str], preview_classes: None, tmp_path: Path
) -> None:
    path = tmp_path / "n.json"
    path.write_text(
        '{"name": "SequenceLR", "milestones": [1], "schedulers": [{"name": "StepLR", "step_size": 1}, {"name": "Cosine", "T_max": 3}]}'
    )
    _, _, err = run(capsys, "show", f"@{path}")
    assert (
        err
        == "paradox-lr: error: n.json: schedulers[1].name: unknown schedule 'Cosine'; a spec may call only the schedules `paradox-lr list` names\n"
    )


def test_missing_config_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "show", f"@{tmp_path}/nope.json")
    assert (code, err) == (
        2,
        f"paradox-lr: error: @{tmp_path}/nope.json: cannot read the file: No such file or directory\n",
    )


def test_yaml_without_pyyaml_says_how_to_get_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "yaml", None)
    path = tmp_path / "s.yaml"
    path.write_text("name: StepLR\nstep_size: 2\n")
    code, _, err = run(capsys, "show", f"@{path}")
    assert (code, err) == (1, "paradox-lr: error: s.yaml: reading YAML needs PyYAML: pip install pyyaml\n")


def test_toml_on_python_310_without_tomli_says_how_to_get_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "version_info", (3, 10, 12, "final", 0))
    monkeypatch.setitem(sys.modules, "tomli", None)
    path = tmp_path / "s.toml"
    path.write_text('name = "StepLR"\nstep_size = 2\n')
    code, _, err = run(capsys, "show", f"@{path}")
    assert (code, err) == (1, "paradox-lr: error: reading TOML on Python 3.10 needs tomli: pip install tomli\n")


# -- the Python functions -----------------------------------------------------------------


def test_simulate_accepts_specs_configs_schedules_and_schedulers() -> None:
    from paradox.scheduler import StepDecay

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


def test_simulate_argument_errors() -> None:
    with pytest.raises(ValueError, match=r"^simulate: steps must be an int >= 1\. Received: steps=0 \(int\)$"):
        simulate("StepLR(step_size=3)", 0)
    with pytest.raises(ValueError, match=r"^simulate: lr must be a finite number >= 0\.0\. Received: lr=-1 \(int\)$"):
        simulate("StepLR(step_size=3)", lr=-1)
    with pytest.raises(ValueError, match=r"^column 1: unknown schedule 'Step'"):
        simulate("Step(step_size=3)")


def test_pyproject_declares_the_console_script() -> None:
    import importlib

    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    target = project["project"]["scripts"]["paradox-lr"]
    module, _, name = target.partition(":")
    assert getattr(importlib.import_module(module), name) is main
    assert "pyyaml" in project["project"]["optional-dependencies"]["test"]
    assert "torch==2.13.0" in project["project"]["optional-dependencies"]["test"]


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "paradox.scheduler",
            "table",
            "StepLR(step_size=1, gamma=0.5)",
            "--lr",
            "1",
            "--steps",
            "3",
        ],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "step,lr\n0,1.0\n1,0.5\n2,0.25\n", "")


def imported_after(code: str) -> str:
    """The modules of interest that a fresh interpreter holds after running ``code`` (printed by it)."""
    result = subprocess.run(
        [sys.executable, "-c", f"import sys; {code}"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
        check=True,
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


# -- the README ---------------------------------------------------------------------------


def test_readme_first_command_installs_and_runs_paradox_lr() -> None:
    readme = (ROOT / "README.md").read_text()
    first = readme.split("```bash\n", 1)[1].split("\n```", 1)[0]
    assert first.startswith(
        'python3 -m venv .venv && . .venv/bin/activate && pip install -e ".[plot]" && paradox-lr show '
    )


def test_readme_chart_is_what_show_prints_at_80_by_24(capsys: pytest.CaptureFixture[str]) -> None:
    readme = (ROOT / "README.md").read_text()
    block = readme.split("```text\n$ paradox-lr show ", 1)[1].split("\n```", 1)[0]
    command, _, chart = block.partition("\n")
    spec = command.strip('"')
    code, out, _ = run(capsys, "show", spec, "--width", "80", "--height", "24")
    assert code == 0
    assert [line.rstrip() for line in out.splitlines()] == chart.splitlines()


def test_readme_shows_the_committed_plot() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "](docs/schedules.png)" in readme
    data = (ROOT / "docs" / "schedules.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


# -- chart edge cases ---------------------------------------------------------------------


def test_show_wraps_long_titles_and_summaries_in_a_narrow_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "show", "CosineAnnealingLR(T_max=100000)", "--lr", "0.1,0.2", "--width", "50", "--height", "16"
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[:2] == ["CosineAnnealingLR(T_max=100000)", "lr 0.1, 0.2  ·  steps 0..100000"]
    assert lines[-5:] == [
        "lr_0: start 0.1  peak 0.1 (step 0)",
        "      min 0 (step 100000)  final 0",
        "lr_1: start 0.2  peak 0.2 (step 0)",
        "      min 0 (step 100000)  final 0",
        "phase changes: none",
    ]
    assert max(len(line) for line in lines) <= 50 and len(lines) <= 15


@pytest.mark.parametrize("argv", [["--steps", "1"], ["--lr", "0", "--log"], ["--lr", "0.5", "--steps", "2"]])
def test_show_degenerate_curves(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, out, err = run(capsys, "show", "StepLR(step_size=3)", "--width", "60", "--height", "12", *argv)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 60 and len(lines) <= 11
    assert lines[-1] == "phase changes: none"


def test_readme_table_example_is_what_table_prints(capsys: pytest.CaptureFixture[str]) -> None:
    readme = (ROOT / "README.md").read_text()
    block = readme.split("```text\n$ paradox-lr table ", 1)[1].split("\n```", 1)[0]
    command, _, expected = block.partition("\n")
    spec, _, options = command[1:].partition('" ')
    code, out, _ = run(capsys, "table", spec, *options.split())
    assert code == 0
    assert out.rstrip("\n") == expected


def test_a_pure_schedule_previews_like_its_scheduler(capsys: pytest.CaptureFixture[str], tmp_path: Any) -> None:
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
    code, out, _ = run(capsys, "list")
    assert code == 0 and "CosineAnnealing(T_max, eta_min=0.0)" in out.splitlines()

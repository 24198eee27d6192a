"""The preview's generic paths, driven by torch's own classes.

torch's schedulers need a torch optimizer, so the stand-in optimizer is swapped for a torch Adam;
everything else (spec parsing, nesting, momentum columns, metrics, refusing function parameters)
is the preview's own code meeting torch's signatures. torch's classes have no pure schedule, so
their natural length is not known: these tests give --steps.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import quiet

torch = pytest.importorskip("torch")
from torch.optim import lr_scheduler as torch_sched  # noqa: E402

import paradox.scheduler.preview.simulate as simulate_module  # noqa: E402
from paradox.scheduler.preview.cli import main  # noqa: E402
from paradox.scheduler.preview.spec import register, unregister  # noqa: E402

FAMILY = [
    "ChainedScheduler",
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "ExponentialLR",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "MultiplicativeLR",
    "OneCycleLR",
    "PolynomialLR",
    "ReduceLROnPlateau",
    "SequentialLR",
    "StepLR",
]


def torch_adam(lrs: list[float]) -> Any:
    return torch.optim.Adam([{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in lrs])


@pytest.fixture
def torch_family(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    classes = [getattr(torch_sched, name) for name in FAMILY]
    for cls in classes:
        register(cls)
    monkeypatch.setattr(simulate_module, "PreviewOptimizer", torch_adam)
    with quiet():
        yield
    for cls in classes:
        unregister(cls)


def table(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, str]]:
    code = main(["table", *argv])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return list(csv.DictReader(io.StringIO(captured.out)))


def test_list_reads_every_torch_signature(capsys: pytest.CaptureFixture[str], torch_family: None) -> None:
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "OneCycleLR(max_lr, total_steps=None, epochs=None, steps_per_epoch=None, pct_start=0.3, " in out
    assert "SequentialLR(schedulers, milestones, last_epoch=-1)" in out
    assert "ChainedScheduler(schedulers)" in out  # torch's optional optimizer is supplied, not listed


def test_one_cycle_natural_length_and_momentum(capsys: pytest.CaptureFixture[str], torch_family: None) -> None:
    rows = table(capsys, "OneCycleLR(max_lr=0.1, total_steps=10)", "--steps", "10")
    assert list(rows[0]) == ["step", "lr", "momentum"]
    assert len(rows) == 10
    optimizer = torch_adam([0.1])
    reference = torch_sched.OneCycleLR(optimizer, max_lr=0.1, total_steps=10)
    for row in rows:
        group = optimizer.param_groups[0]
        assert (float(row["lr"]), float(row["momentum"])) == (group["lr"], group["betas"][0])
        optimizer.step()
        if int(row["step"]) < 9:
            reference.step()


def test_sequential_children_and_natural_length(capsys: pytest.CaptureFixture[str], torch_family: None) -> None:
    spec = "SequentialLR([LinearLR(start_factor=0.01, total_iters=5), CosineAnnealingLR(T_max=95)], milestones=[5])"
    rows = table(capsys, spec, "--steps", "101")
    assert len(rows) == 5 + 96
    lrs = [float(row["lr"]) for row in rows]
    assert lrs[0] == pytest.approx(0.001) and lrs[5] == pytest.approx(0.1) and lrs[-1] == pytest.approx(0.0, abs=1e-12)
    assert "momentum" not in rows[0]


def test_chained_scheduler_gets_the_optimizer_by_keyword(
    capsys: pytest.CaptureFixture[str], torch_family: None
) -> None:
    rows = table(capsys, "ChainedScheduler([ConstantLR(factor=0.5, total_iters=3), ExponentialLR(gamma=0.9)])")
    assert len(rows) == 100
    assert float(rows[3]["lr"]) == pytest.approx(0.1 * 0.9**3)


def test_reduce_on_plateau_reads_metrics(capsys: pytest.CaptureFixture[str], torch_family: None, tmp_path: Any) -> None:
    metrics = tmp_path / "loss.txt"
    metrics.write_text("\n".join(["1.0", "0.5", "0.6", "0.6", "0.6", "0.6"]))
    rows = table(capsys, "ReduceLROnPlateau(patience=2, factor=0.5)", "--lr", "1", "--metrics", str(metrics))
    assert [float(row["lr"]) for row in rows] == [1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5]


@pytest.mark.parametrize("name", ["LambdaLR", "MultiplicativeLR"])
def test_function_parameters_are_refused(capsys: pytest.CaptureFixture[str], torch_family: None, name: str) -> None:
    assert main(["show", f"{name}()"]) == 2
    assert capsys.readouterr().err == (
        f"paradox-lr: error: column 1: {name}: lr_lambda takes a function, which a spec cannot give; build the "
        "scheduler in Python and pass it to paradox.scheduler.simulate()\n"
    )


@pytest.mark.parametrize(
    ("spec", "steps", "phases"),
    [
        ("MultiStepLR(milestones=[30, 80])", 161, "phase changes at steps 30, 80"),
        ("OneCycleLR(max_lr=0.1, total_steps=1000)", 1000, "phase changes at steps 299"),
        (
            "CyclicLR(base_lr=0.01, max_lr=0.1, step_size_up=10)",
            100,
            "phase changes at steps 10, 20, 30, 40, 50, 60, 70, 80, 90",
        ),
        ("CosineAnnealingWarmRestarts(T_0=10)", 100, "phase changes at steps 10, 20, 30, 40, 50, 60, 70, 80, 90"),
        ("LinearLR(start_factor=0.1, total_iters=10)", 100, "phase changes at steps 10"),
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

"""The numbers and messages the README shows are the ones the library gives."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

import paradox.scheduler as ps
from conftest import PlainOptimizer
from paradox.scheduler.preview.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_first_command_installs_and_runs_paradox_lr_and_the_committed_plot_is_shown() -> None:
    first = README.split("```bash\n", 1)[1].split("\n```", 1)[0]
    assert first.startswith(
        'python3 -m venv .venv && . .venv/bin/activate && pip install -e ".[plot]" && paradox-lr show '
    )
    assert "](docs/schedules.png)" in README
    data = (ROOT / "docs" / "schedules.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


@pytest.mark.parametrize(("command", "options"), [("show", ["--width", "80", "--height", "24"]), ("table", [])])
def test_the_cli_examples_are_what_paradox_lr_prints(
    capsys: pytest.CaptureFixture[str], command: str, options: list[str]
) -> None:
    block = README.split(f"```text\n$ paradox-lr {command} ", 1)[1].split("\n```", 1)[0]
    arguments, _, shown = block.partition("\n")
    assert main([command, *shlex.split(arguments), *options]) == 0
    assert [line.rstrip() for line in capsys.readouterr().out.splitlines()] == shown.splitlines()


def test_the_error_message_shown() -> None:
    shown = re.search(r"`ValueError: (StepLR: step_size must be [^`]+)`", README)
    assert shown is not None
    with pytest.raises(ValueError) as info:
        ps.StepLR(PlainOptimizer(0.1), step_size=0)
    assert str(info.value) == shown.group(1)


def test_the_two_layers_example() -> None:
    cosine = ps.CosineAnnealing(T_max=100, eta_min=1e-5)
    assert "cosine(50, base=0.1)  # the value at step 50: 0.050005" in README
    assert cosine(50, base=0.1) == pytest.approx(0.050005, rel=1e-12)
    assert len(cosine.simulate(100, base=0.1)) == 100
    assert f"cosine.to_config()  # {cosine.to_config()}" in README


def test_the_simulate_example() -> None:
    trace = ps.simulate("CosineAnnealingLR(T_max=100, eta_min=1e-5)", lr=[0.1, 0.01])
    assert f"[0.1, {trace.lr[0][1]!r}, {trace.lr[0][2]!r}]" in README
    assert list(trace.lr[0][:3]) == [0.1, trace.lr[0][1], trace.lr[0][2]]
    assert trace.rows()[0] == [0, 0.1, 0.01]


def test_the_sequential_example_matches_sequential_lr() -> None:
    warmup_cosine = ps.Sequential(
        [ps.LinearFactor(start_factor=0.01, total_iters=1000), ps.CosineAnnealing(T_max=99_000)], [1000]
    )
    optimizer = PlainOptimizer(0.1)
    scheduler = ps.SequentialLR(
        optimizer,
        [ps.LinearLR(optimizer, start_factor=0.01, total_iters=1000), ps.CosineAnnealingLR(optimizer, T_max=99_000)],
        milestones=[1000],
    )
    values = warmup_cosine.simulate(2000, base=0.1)
    for step in range(2000):
        assert values[step] == optimizer.param_groups[0]["lr"], step
        scheduler.step()

"""The numbers and messages the README shows are the ones the library gives."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

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


# -- issue 13: every schedule people train with ---------------------------------------------

SECTION = README.split("## Every schedule people train with", 1)[1].split("\n## ", 1)[0]


def test_the_warmup_conventions_table_is_what_warmup_gives() -> None:
    cosine4, cosine8 = ps.CosineAnnealing(T_max=4), ps.CosineAnnealing(T_max=8)
    rows = {
        '`steps=4` (`peak="after"`, `prefix=True`)': ps.Warmup(cosine4, steps=4),
        '`steps=4, peak="last"`': ps.Warmup(cosine4, steps=4, peak="last"),
        "`steps=3`": ps.Warmup(cosine4, steps=3),
        "`steps=4, start_value=0.1, prefix=False` into `T_max=8`": ps.Warmup(
            cosine8, steps=4, start_value=0.1, prefix=False
        ),
    }
    for label, warmup in rows.items():
        cells = SECTION.split(f"| {label} |", 1)[1].split("\n", 1)[0].split("|")
        shown = [float(cell) for cell in cells[:7]]
        assert shown == [round(value, 3) for value in warmup.simulate(7, base=1.0)], label
    assert "](docs/warmup-conventions.png)" in SECTION
    assert (ROOT / "docs" / "warmup-conventions.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_wsd_cooldown_example() -> None:
    assert 'scheduler.state_dict()["config"]["cooldown_start"]  # 30000' in SECTION
    optimizer = PlainOptimizer(0.1)
    scheduler = ps.WarmupStableDecayLR(
        optimizer, num_warmup_steps=2_000, num_decay_steps=0.2, num_training_steps=100_000
    )
    for _ in range(30_000):
        scheduler.step()
    scheduler.cooldown(5_000)
    assert scheduler.state_dict()["config"]["cooldown_start"] == 30_000
    lrs = []
    for _ in range(5_000):
        scheduler.step()
        lrs.append(optimizer.param_groups[0]["lr"])
    assert lrs[2_499] == pytest.approx(0.1 * (1 - 0.5**0.5), rel=1e-12) and lrs[-1] == 0.0


def test_the_drop_in_examples_run_as_written() -> None:
    optimizer = PlainOptimizer(0.1)
    hf = ps.get_scheduler(
        "cosine_with_min_lr",
        optimizer,
        num_warmup_steps=500,
        num_training_steps=10_000,
        scheduler_specific_kwargs={"min_lr_rate": 0.1},
    )
    for _ in range(10_000):
        hf.step()
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.01, rel=1e-12)
    optimizer = PlainOptimizer(0.1)
    timm = ps.CosineLRScheduler(
        optimizer, t_initial=100, cycle_decay=0.5, cycle_limit=3, warmup_t=5, warmup_lr_init=1e-5
    )
    lrs = []
    for epoch in range(300):
        timm.step(epoch + 1)
        lrs.append(optimizer.param_groups[0]["lr"])
    # epoch 100 and 200 start cycles at half the last peak; after the third cycle, lr_min (0)
    assert (lrs[99], lrs[199], lrs[299]) == (pytest.approx(0.05, rel=1e-12), pytest.approx(0.025, rel=1e-12), 0.0)


def test_the_source_table_names_tests_that_exist() -> None:
    table = SECTION.split("### Where each schedule comes from", 1)[1]
    named = 0
    for row in table.splitlines():
        if not row.startswith("| ") or row.startswith("| Schedule"):
            continue
        module = None
        for file, test in re.findall(r"`(test_\w+\.py)?::(test_\w+)`", row.split("|")[-2]):
            module = file or module
            assert module is not None, row
            source = (ROOT / "tests" / module).read_text(encoding="utf-8")
            assert f"def {test}(" in source, (module, test)
            named += 1
    assert named >= 20


def run_block(heading: str) -> int:
    """Run the first python block of the README section ``heading`` as written, checking each value
    it shows (``expression  # 0.065796`` or ``a, b  # 1, 2``, to 6 decimals); return how many."""
    section = README.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    code = section.split("```python\n", 1)[1].split("\n```", 1)[0]
    namespace: dict[str, Any] = {}
    shown_lines, pending = 0, []
    for line in code.splitlines():  # run the block in order, checking each value where it is shown
        shown = re.fullmatch(r"(\S.*?)  # (-?[\d.e-]+(?:, [\d.e-]+)*)", line)
        if shown is None:
            pending.append(line)
            continue
        exec(compile("\n".join(pending), "README.md", "exec"), namespace)  # our own README, as written
        pending = []
        value = eval(shown.group(1), namespace)
        values = value if isinstance(value, tuple) else (value,)
        assert [round(v, 6) for v in values] == [float(item) for item in shown.group(2).split(", ")], line
        shown_lines += 1
    exec(compile("\n".join(pending), "README.md", "exec"), namespace)
    return shown_lines


def test_the_changed_budget_example_runs_and_shows_what_it_gives() -> None:
    assert run_block("A changed budget") == 4  # every number shown was checked


def test_the_any_hyperparameter_example_runs_resumes_bit_for_bit_and_shows_what_it_gives() -> None:
    assert run_block("Schedule any hyperparameter, in any unit") == 2


def test_the_param_scheduler_plot_command_runs(tmp_path: Path) -> None:
    section = README.split("## Schedule any hyperparameter, in any unit\n", 1)[1].split("\n## ", 1)[0]
    command = section.split("```bash\n", 1)[1].split("\n```", 1)[0]
    arguments = shlex.split(command)
    assert arguments[:2] == ["paradox-lr", "plot"] and arguments[-1] == "docs/param-schedule.png"
    assert main([*arguments[1:-1], str(tmp_path / "figure.png")]) == 0
    assert (tmp_path / "figure.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (ROOT / "docs" / "param-schedule.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

"""Time units (issue 14): lengths in steps, epochs or fractions of the run, resolved to steps once."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

import paradox.scheduler as ps
from conftest import PlainOptimizer, lrs_of
from paradox.scheduler import CosineAnnealing, Schedule, StepDecay, Units, Warmup
from paradox.scheduler.preview.cli import main
from paradox.scheduler.units import is_time


@pytest.mark.parametrize(
    ("value", "steps"),
    [(42, 42), ("500ba", 500), ("2ep", 2000), ("0.25ep", 250), ("2.5ep", 2500), (".5ep", 500), ("0.1dur", 9000),
     ("1dur", 90_000), ("0.00001dur", 1), ("0.000005dur", 0), ("0.0005ep", 1), ("0.0004ep", 0)],
)  # fmt: skip
def test_each_unit_resolves_to_the_nearest_step(value: Any, steps: int) -> None:
    assert Units(steps_per_epoch=1000, total_steps=90_000)(value) == steps


def test_shape_names_and_other_strings_are_never_time() -> None:
    assert [is_time(text) for text in ("2ep", "0.1dur", "10ba", "1.ep")] == [True] * 4
    assert not any(
        is_time(text) for text in ("cosine", "1-sqrt", "linear", "ep", "2", "2 ep", "-2ep", "2epoch", "1e3ep")
    )


@pytest.mark.parametrize(
    ("units", "value", "error", "message"),
    [
        (Units(), "2ep", ValueError, r"^paradox.scheduler: steps_per_epoch must be an int >= 1 to resolve value='2ep' "
         r"\('ep' counts in steps_per_epoch\)\. Received: steps_per_epoch=None"),
        (Units(steps_per_epoch=10), "0.5dur", ValueError, r"total_steps must be an int >= 1 to resolve value='0.5dur'"),
        (Units(), "2.5ba", ValueError, r"value must be a whole number of steps \('ba'\)\. Received: value='2.5ba'"),
        (Units(), "2sp", ValueError, r"value must be an int \(steps\) or a time string: a number and a unit, 'ba' "
         r"\(steps\), 'ep' \(epochs\) or 'dur' \(the run\)\. Received: value='2sp' \(str\)$"),
        (Units(), 2.0, TypeError, r"value must be an int \(steps\) or a time string"),
    ],
)  # fmt: skip
def test_a_unit_without_its_count_or_a_bad_string_is_refused(
    units: Units, value: Any, error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        units(value)


@pytest.mark.parametrize(
    ("kwargs", "name"), [({"steps_per_epoch": 0}, "steps_per_epoch"), ({"total_steps": -1}, "total_steps")]
)
def test_bad_counts_are_refused(kwargs: dict[str, int], name: str) -> None:
    with pytest.raises(ValueError, match=rf"^paradox.scheduler: {name} must be an int >= 1"):
        Units(**kwargs)


def test_configs_resolve_at_any_depth_and_lists_of_milestones_too() -> None:
    config = {
        "name": "Sequential",
        "schedules": [
            {"name": "Warmup", "steps": "1ep", "schedule": {"name": "CosineAnnealing", "T_max": "0.5dur"}},
            {"name": "MultiStepDecay", "milestones": ["1ep", "3ep", 5000], "gamma": 0.5},
        ],
        "milestones": ["0.5dur"],
    }
    built = Schedule.from_config(config, steps_per_epoch=100, total_steps=1000)
    expected = ps.Sequential(
        [Warmup(CosineAnnealing(T_max=500), steps=100), ps.MultiStepDecay([100, 300, 5000], gamma=0.5)], [500]
    )
    assert built == expected
    assert built.to_config()["milestones"] == [500]  # configs and states stay in steps
    with pytest.raises(ValueError, match=r"steps_per_epoch must be an int >= 1 to resolve config\['schedules'\]\[0\]"):
        Schedule.from_config(config, total_steps=1000)


def test_a_warmup_in_steps_then_a_cosine_ending_at_epoch_90_in_one_schedule() -> None:
    units = Units(steps_per_epoch=1000)
    mixed = Warmup(CosineAnnealing(T_max=units("90ep")), steps=units("500ba"), prefix=False)  # the cosine's own clock
    assert mixed(500, 1.0) == CosineAnnealing(T_max=90_000)(500, 1.0)  # the warmup hands over at step 500
    assert mixed(90_000, 1.0) == 0.0  # and the cosine ends at epoch 90, not 90 epochs after the warmup
    assert mixed(250, 1.0) < mixed(500, 1.0)


def test_stepped_per_batch_a_schedule_in_epochs_is_at_fractional_epochs() -> None:
    per_epoch = 1000
    units = Units(steps_per_epoch=per_epoch)
    step_decay = ps.StepLR(PlainOptimizer(1.0), step_size=units("2ep"), gamma=0.5)
    cosine = ps.CosineAnnealingLR(PlainOptimizer(1.0), T_max=units("90ep"))
    for batch in range(1, 10_001):
        step_decay.step()
        cosine.step()
        epoch = batch / per_epoch
        assert lrs_of(step_decay.optimizer) == [0.5 ** math.floor(epoch / 2)]  # exact: halves at epochs 2, 4, ...
        assert math.isclose(lrs_of(cosine.optimizer)[0], 0.5 * (1 + math.cos(math.pi * epoch / 90)), rel_tol=1e-14)


def test_param_scheduler_takes_configs_with_time_strings() -> None:
    optimizer = PlainOptimizer(0.1, weight_decay=0.01)
    scheduler = ps.ParamScheduler(
        optimizer,
        {
            "lr": {"name": "StepDecay", "step_size": "1ep", "gamma": 0.5},
            "weight_decay": {"name": "CosineAnnealing", "T_max": "1dur", "eta_min": 0.1},
        },
        steps_per_epoch=10,
        total_steps=40,
    )
    assert scheduler.schedules["lr"] == [StepDecay(step_size=10, gamma=0.5)]
    assert scheduler.schedules["weight_decay"] == [CosineAnnealing(T_max=40, eta_min=0.1)]
    with pytest.raises(
        ValueError, match=r"^ParamScheduler: steps_per_epoch must be an int >= 1 to resolve schedules\['lr'\]"
    ):
        ps.ParamScheduler(PlainOptimizer(0.1), {"lr": {"name": "StepDecay", "step_size": "1ep"}})


def test_paradox_lr_resolves_time_strings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["table", "StepLR(step_size='2ep', gamma=0.5)", "--steps-per-epoch", "3", "--steps", "8"]) == 0
    rows = capsys.readouterr().out.split()
    assert rows == ["step,lr", "0,0.1", "1,0.1", "2,0.1", "3,0.1", "4,0.1", "5,0.1", "6,0.05", "7,0.05"]
    assert main(["table", "CosineAnnealingLR(T_max='1dur')", "--total-steps", "4", "--lr", "1"]) == 0
    assert capsys.readouterr().out.split()[-1] == "4,0.0"
    assert main(["show", "StepLR(step_size='2ep')"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("paradox-lr: error: column 1: StepLR: steps_per_epoch must be an int >= 1 to resolve ")


def test_paradox_lr_plots_and_tables_every_key_of_a_param_scheduler(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = (
        "ParamScheduler(schedules={'lr': CosineAnnealing(T_max='2ep'), 'weight_decay': CosineAnnealing(T_max='2ep', "
        "eta_min=0.1), 'betas[1]': CosineAnnealing(T_max='2ep', eta_min=0.999)})"
    )
    options = ["--steps-per-epoch", "2", "--set", "weight_decay=0.01", "--set", "betas=(0.9, 0.95)", "--lr", "1"]
    assert main(["table", spec, *options]) == 0
    rows = [line.split(",") for line in capsys.readouterr().out.split()]
    assert rows[0] == ["step", "lr", "weight_decay", "betas[1]"]
    assert [float(value) for value in rows[-1]] == [4.0, 0.0, 0.1, 0.999]  # the natural length: 4 steps, 5 rows
    assert [float(value) for value in rows[3][1:]] == [
        0.5,
        CosineAnnealing(4, 0.1)(2, 0.01),
        CosineAnnealing(4, 0.999)(2, 0.95),
    ]
    output = tmp_path / "recipe.png"
    assert main(["plot", spec, *options, "-o", str(output)]) == 0
    assert output.read_bytes().startswith(b"\x89PNG")
    figure = ps.plot(spec, steps_per_epoch=2, group={"weight_decay": 0.01, "betas": (0.9, 0.95)})
    assert [axes.get_ylabel() for axes in figure.axes] == ["learning rate", "weight_decay", "betas[1]"]
    assert main(["plot", spec, "--set", "weight_decay", "-o", str(output)]) == 2
    assert "--set takes KEY=VALUE with a Python literal value, not 'weight_decay'" in capsys.readouterr().err

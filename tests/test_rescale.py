"""A changed budget (issue 14, part 4): ``Schedule.rescale(at, total_steps)`` and ``scheduler.rescale(total_steps)``.

Each family's rule (the README's "A changed budget" table) is pinned here: values before ``at``
unchanged, no jump at ``at``, the shape ending at the new total; resume through JSON; errors.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from pathlib import Path
from typing import Any

import numpy  # imported: simulate takes the array path
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import paradox.scheduler as ps
from cases import CASES, Case
from conftest import PlainOptimizer, lrs_of, refused, stable_id
from paradox.scheduler.schedule import Math, Rescaled
from test_contract import build
from test_simulate import assert_ulps

ROOT = Path(__file__).resolve().parents[1]


def cosine_at(step: float, T_max: int, eta_min: float, base: float) -> float:
    """The SGDR closed form, written out here as the reference."""
    return eta_min + (base - eta_min) * (1.0 + math.cos(math.pi * step / T_max)) / 2.0


def run(scheduler: Any, steps: int) -> list[float]:
    """The first group's lr after each of ``steps`` steps."""
    out = []
    for _ in range(steps):
        scheduler.step()
        out.append(scheduler.optimizer.param_groups[0]["lr"])
    return out


def through_json(state: dict[str, Any]) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(json.dumps(state))
    return loaded


# -- the default rule: the remaining part warped in time ------------------------------------------


@pytest.mark.parametrize(("at", "total"), [(30, 200), (30, 60), (0, 50), (99, 100), (50, 51)])
def test_cosine_stretches_its_remaining_part_from_the_current_value(at: int, total: int) -> None:
    cosine = ps.CosineAnnealing(T_max=100, eta_min=0.01)
    rescaled = cosine.rescale(at, total)
    assert rescaled == Rescaled(cosine, at, total) and rescaled.length == total
    for step in range(at + 1):  # before at, and at at itself: the very same values (no jump)
        assert rescaled(step, 0.5) == cosine(step, 0.5)
    for step in range(at, total + 1):
        warped = at + (step - at) * (100 - at) / (total - at)
        assert rescaled(step, 0.5) == pytest.approx(cosine_at(warped, 100, 0.01, 0.5), rel=1e-12, abs=1e-15)
    assert rescaled(total, 0.5) == 0.01  # eta_min exactly at the new total
    assert rescaled(total - 1, 0.5) > 0.01


def test_cosine_driver_follows_the_rescaled_schedule_and_keeps_torchs_config() -> None:
    optimizer = PlainOptimizer(0.1, 0.02)
    scheduler = ps.CosineAnnealingLR(optimizer, T_max=100, eta_min=0.001)
    before = run(scheduler, 40)
    scheduler.rescale(total_steps=250)
    assert lrs_of(optimizer) == [before[-1], scheduler.get_last_lr()[1]]  # nothing written, no jump
    after = run(scheduler, 210)
    pure = ps.CosineAnnealing(T_max=100, eta_min=0.001).rescale(40, 250)
    assert after == [pure(step, 0.1) for step in range(41, 251)]
    assert after[-1] == 0.001 and lrs_of(optimizer)[1] == 0.001
    state = scheduler.state_dict()
    assert state["config"] == {"T_max": 100, "eta_min": 0.001}  # torch's arguments, unchanged
    assert state["rescaled"] == [[40, 250]]
    assert (scheduler.T_max, scheduler.eta_min) == (100, 0.001)


def test_shorten_then_extend_several_times_in_a_row() -> None:
    optimizer = PlainOptimizer(1.0)
    scheduler = ps.CosineAnnealingLR(optimizer, T_max=1000)
    lrs = [1.0, *run(scheduler, 100)]
    for total, steps in ((400, 100), (900, 300), (700, 100)):
        now = lrs[-1]
        scheduler.rescale(total)
        assert optimizer.param_groups[0]["lr"] == now
        lrs += run(scheduler, steps)
    lrs += run(scheduler, 700 - scheduler.last_epoch)
    assert scheduler.last_epoch == 700 and lrs[-1] == 0.0
    assert scheduler.state_dict()["rescaled"] == [[100, 400], [200, 900], [500, 700]]
    assert all(a >= b for a, b in itertools.pairwise(lrs))  # monotone throughout
    pure = ps.CosineAnnealing(T_max=1000).rescale(100, 400).rescale(200, 900).rescale(500, 700)
    assert lrs == [pure(step) for step in range(701)]


@pytest.mark.parametrize("name", ["cosine_with_min_lr", "cosine_warmup_with_min_lr"])
def test_transformers_cosine_with_min_lr_ends_at_the_new_total(name: str) -> None:
    optimizer = PlainOptimizer(0.1)
    kwargs = {"scheduler_specific_kwargs": {"min_lr_rate": 0.1}}
    scheduler = ps.get_scheduler(name, optimizer, num_warmup_steps=10, num_training_steps=100, **kwargs)
    lrs = run(scheduler, 50)
    scheduler.rescale(400)
    assert optimizer.param_groups[0]["lr"] == lrs[-1]
    after = run(scheduler, 350)
    assert after[-1] == pytest.approx(0.01, rel=1e-15) and after[-2] > after[-1]  # min_lr exactly at 400
    assert all(a >= b for a, b in itertools.pairwise([lrs[-1], *after]))
    assert scheduler.state_dict()["rescaled"] == [[50, 400]]
    assert scheduler.schedule.schedule.at == 40  # the warmup done stays done: the decay rescaled in its clock


def test_rescaled_config_round_trips_and_prints() -> None:
    rescaled = ps.Warmup(ps.CosineAnnealing(T_max=8), steps=2).rescale(5, 20)
    config = rescaled.to_config()
    assert config["schedule"] == {
        "name": "Rescaled",
        "schedule": {"name": "CosineAnnealing", "T_max": 8, "eta_min": 0.0},
        "at": 3,
        "total_steps": 18,
    }
    assert ps.Schedule.from_config(json.loads(json.dumps(config))) == rescaled
    assert repr(rescaled.schedule) == "Rescaled(schedule=CosineAnnealing(T_max=8, eta_min=0.0), at=3, total_steps=18)"
    with pytest.raises(AttributeError, match="immutable"):
        rescaled.schedule.at = 4  # type: ignore[misc]


@pytest.mark.parametrize(
    "schedule",
    [
        ps.CosineAnnealing(T_max=300, eta_min=0.05),
        ps.Warmup(ps.CosineAnnealing(T_max=250), steps=50),
        ps.WarmupStableDecay(num_warmup_steps=20, num_decay_steps=80, num_training_steps=300, decay_type="cosine"),
        ps.WarmupStableDecay(num_warmup_steps=20, num_decay_steps=80, num_training_steps=300, min_lr=0.01),
        ps.Sequential([ps.LinearFactor(0.1, total_iters=30), ps.CosineAnnealing(T_max=270)], [30]),
        ps.Cycles(ps.CosineAnnealing(T_max=100), cycle_limit=3, cycle_decay=0.5),
        ps.HFDecay(steps=300, shape="power"),
        ps.TanhDecay(T_max=300, eta_min=0.001),
        ps.KDecay(ps.CosineAnnealing(T_max=300, eta_min=0.01), k=2.5),
    ],
    ids=stable_id,
)
@pytest.mark.parametrize(("at", "total"), [(10, 700), (120, 180), (260, 1000)])
def test_simulate_of_a_rescaled_schedule_is_stepping_to_2_ulp(schedule: ps.Schedule, at: int, total: int) -> None:
    rescaled = schedule.rescale(at, total)
    stepped = rescaled.simulate(total + 20, base=0.3, exact=True)
    assert stepped == [rescaled(step, 0.3) for step in range(total + 20)]
    assert stepped[: at + 1] == schedule.simulate(at + 1, base=0.3, exact=True)  # unchanged up to at
    assert_ulps(rescaled.simulate(total + 20, base=0.3), stepped)


def test_the_warped_steps_are_the_same_bits_for_one_step_and_for_an_array() -> None:
    # The warp adds no rounding of its own to the array path.
    rescaled = Rescaled(ps.TanhDecay(T_max=997), at=123, total_steps=4567)
    steps = numpy.arange(0, 5000, dtype=numpy.float64)
    assert rescaled.warp(steps, Math(numpy)).tolist() == [float(rescaled.warp(step)) for step in range(5000)]
    assert rescaled.warp(4567) == 997.0 and rescaled.warp(123) == 123


def test_simulate_of_a_rescaled_scheduler_is_stepping() -> None:
    optimizer = PlainOptimizer(0.1)
    scheduler = ps.WarmupStableDecayLR(optimizer, num_warmup_steps=100, num_decay_steps=0.2, num_training_steps=1000)
    run(scheduler, 300)
    scheduler.rescale(3000)
    trace = ps.simulate(scheduler, 2800)
    stepped = [optimizer.param_groups[0]["lr"], *run(scheduler, 2799)]
    assert_ulps(list(trace.lr[0]), stepped)
    assert stepped[-1] == 0.0 and stepped[2700 - 300 - 1] == 0.1  # the cooldown starts at 2800, not 800


# -- WSD: the stable phase keeps going, the cooldown moves ----------------------------------------


def test_wsd_stable_phase_extends_and_the_cooldown_lasts_as_before() -> None:
    wsd = ps.WarmupStableDecay(num_warmup_steps=10, num_decay_steps=0.2, num_training_steps=100, min_lr_ratio=0.1)
    longer = wsd.rescale(50, 300)
    assert longer.decay_span() == (280, 20) and longer.length == 300
    for step in range(81):  # the warmup and the stable phase as before, until the old cooldown
        assert longer(step, 0.5) == wsd(step, 0.5)
    assert [longer(step, 0.5) for step in range(80, 281)] == [0.5] * 201  # stable until 280
    assert [longer(280 + step, 0.5) for step in range(21)] == [wsd(80 + step, 0.5) for step in range(21)]
    assert longer(300, 0.5) == longer(400, 0.5) == 0.05
    shorter = wsd.rescale(30, 60)  # the cooldown still fits: it moves earlier, as long as before
    assert shorter.decay_span() == (40, 20)
    assert [shorter(40 + step, 0.5) for step in range(21)] == [wsd(80 + step, 0.5) for step in range(21)]


def test_wsd_cooldown_is_shortened_when_the_new_total_leaves_less_room() -> None:
    wsd = ps.WarmupStableDecay(num_warmup_steps=10, num_decay_steps=20, num_training_steps=100, decay_type="linear")
    squeezed = wsd.rescale(50, 60)  # 10 steps left: the cooldown starts now and lasts them
    assert squeezed.decay_span() == (50, 10)
    expected = [1.0, 1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0, 0.0]
    assert [squeezed(step) for step in range(49, 62)] == pytest.approx(expected, rel=1e-12, abs=1e-15)
    in_warmup = wsd.rescale(5, 15)  # the warmup keeps its length, the cooldown takes the rest
    assert in_warmup.decay_span() == (10, 5)
    assert [in_warmup(step) for step in range(16)][:11] == [wsd(step) for step in range(11)]
    with pytest.raises(ValueError, match=r"total_steps must be an int > num_warmup_steps=10 \(a warmup under way"):
        wsd.rescale(5, 10)


def test_wsd_cooldown_under_way_is_warped() -> None:
    wsd = ps.WarmupStableDecay(num_warmup_steps=10, num_decay_steps=40, num_training_steps=100, decay_type="linear")
    rescaled = wsd.rescale(70, 130)  # 10 of 40 cooldown steps done: the other 30 now take 60
    assert isinstance(rescaled, Rescaled) and rescaled.length == 130
    assert rescaled(70) == wsd(70) == 0.75
    assert rescaled(100) == pytest.approx(0.375, rel=1e-15) and rescaled(130) == 0.0
    with pytest.raises(ValueError, match=r"at must be an int in \[0, 99\] \(a step before the shape ends at step 100"):
        wsd.rescale(100, 200)  # cooled down: nothing left to rescale


def test_wsd_driver_rescale_resumes_and_refuses_a_cooldown_after_it() -> None:
    optimizer = PlainOptimizer(0.1)
    args = {"num_warmup_steps": 100, "num_decay_steps": 0.1, "num_training_steps": 1000}
    scheduler = ps.WarmupStableDecayLR(optimizer, **args)
    run(scheduler, 500)
    scheduler.rescale(total_steps=2000)
    state = through_json(scheduler.state_dict())
    assert state["config"]["num_training_steps"] == 1000 and state["rescaled"] == [[500, 2000]]
    assert scheduler.num_training_steps == 1000 and scheduler.schedule.length == 2000
    with refused(scheduler, ValueError, r"cooldown: the run was rescaled \(at step 500, to end at 2000\)"):
        scheduler.cooldown(50)
    resumed_optimizer = PlainOptimizer(0.1)
    resumed = ps.WarmupStableDecayLR(resumed_optimizer, **args)
    resumed.load_state_dict(state)
    assert run(resumed, 1600) == run(scheduler, 1600)
    assert resumed_optimizer.param_groups[0]["lr"] == 0.0


def test_wsd_rescale_after_a_cooldown_warps_it() -> None:
    optimizer = PlainOptimizer(1.0)
    scheduler = ps.WarmupStableDecayLR(optimizer, num_warmup_steps=2, decay_type="linear")
    run(scheduler, 10)
    scheduler.cooldown(10)
    run(scheduler, 5)  # halfway down
    assert optimizer.param_groups[0]["lr"] == 0.5
    scheduler.rescale(25)  # the other 5 cooldown steps now take 10
    expected = [0.45, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15, 0.1, 0.05, 0.0, 0.0]
    assert run(scheduler, 11) == pytest.approx(expected, rel=1e-12, abs=1e-15)
    state = scheduler.state_dict()
    assert state["config"]["cooldown_start"] == 10 and state["rescaled"] == [[15, 25]]


# -- warmup: done stays done; under way keeps its length ------------------------------------------


def test_a_warmup_already_done_stays_done() -> None:
    warmup = ps.Warmup(ps.CosineAnnealing(T_max=100, eta_min=0.1), steps=20)
    rescaled = warmup.rescale(50, 220)
    assert rescaled.steps == 20 and rescaled.schedule == Rescaled(ps.CosineAnnealing(T_max=100, eta_min=0.1), 30, 200)
    assert [rescaled(step) for step in range(51)] == [warmup(step) for step in range(51)]
    assert rescaled(220) == 0.1
    absolute = ps.Warmup(ps.CosineAnnealing(T_max=120), steps=20, prefix=False).rescale(50, 220)
    assert absolute.schedule == Rescaled(ps.CosineAnnealing(T_max=120), 50, 220)  # on the absolute clock


def test_a_warmup_under_way_keeps_its_length() -> None:
    warmup = ps.Warmup(ps.CosineAnnealing(T_max=100), steps=20, start_factor=0.1)
    rescaled = warmup.rescale(5, 420)
    assert [rescaled(step) for step in range(21)] == [warmup(step) for step in range(21)]  # ramp and peak
    assert rescaled.schedule == Rescaled(ps.CosineAnnealing(T_max=100), 0, 400)
    assert rescaled(220) == pytest.approx(0.5, rel=1e-12) and rescaled(420) == 0.0
    timm = ps.Warmup(ps.CosineAnnealing(T_max=100), steps=20, start_value=0.01, prefix=False).rescale(5, 400)
    assert timm.schedule == Rescaled(ps.CosineAnnealing(T_max=100), 20, 400)  # from where it takes over
    with pytest.raises(ValueError, match=r"total_steps must be an int > 20 \(a warmup under way \(steps=20\) keeps"):
        warmup.rescale(5, 20)


def test_warmup_lr_rescales_its_child_as_the_pure_rule() -> None:
    for at in (3, 30):
        optimizer = PlainOptimizer(0.1)
        scheduler = ps.WarmupLR(ps.CosineAnnealingLR(optimizer, T_max=100), steps=10)
        run(scheduler, at)
        scheduler.rescale(300)
        pure = ps.Warmup(ps.CosineAnnealing(T_max=100), steps=10).rescale(at, 300)
        assert scheduler.schedule == pure
        assert run(scheduler, 300 - at) == pytest.approx([pure(step, 0.1) for step in range(at + 1, 301)], rel=1e-12)
        assert optimizer.param_groups[0]["lr"] == 0.0
        state = through_json(scheduler.state_dict())
        assert state["schedulers"][0]["rescaled"] == [[max(at - 10, 0), 290]]


# -- sequential: the last part takes the change -----------------------------------------------------


def test_sequential_last_part_takes_the_change() -> None:
    sequence = ps.Sequential([ps.LinearFactor(0.1, total_iters=10), ps.CosineAnnealing(T_max=90)], [10])
    during = sequence.rescale(4, 190)  # during the first part: it keeps its length
    assert during.milestones == (10,) and during.schedules[1] == Rescaled(ps.CosineAnnealing(T_max=90), 0, 180)
    after = sequence.rescale(40, 190)
    assert after.schedules[1] == Rescaled(ps.CosineAnnealing(T_max=90), 30, 180)
    for rescaled, at in ((during, 4), (after, 40)):
        assert [rescaled(step) for step in range(at + 1)] == [sequence(step) for step in range(at + 1)]
        assert rescaled(190) == 0.0
    with pytest.raises(ValueError, match=r"total_steps must be an int > 10 \(what runs before the last milestone"):
        sequence.rescale(4, 10)


def test_sequential_lr_rescales_its_last_child_and_resumes() -> None:
    def build() -> tuple[PlainOptimizer, ps.SequentialLR]:
        optimizer = PlainOptimizer(0.1, 0.05)
        children = [
            ps.LinearLR(optimizer, 0.1, total_iters=10),
            ps.CosineAnnealingLR(optimizer, T_max=90, eta_min=1e-4),
        ]
        return optimizer, ps.SequentialLR(optimizer, children, milestones=[10])

    optimizer, scheduler = build()
    run(scheduler, 6)
    scheduler.rescale(200)
    run(scheduler, 40)
    state = through_json(scheduler.state_dict())
    fresh_optimizer, fresh = build()
    fresh.load_state_dict(state)
    assert lrs_of(fresh_optimizer) == lrs_of(optimizer)
    assert run(fresh, 154) == run(scheduler, 154)
    assert scheduler.last_epoch == 200 and lrs_of(optimizer) == [1e-4, 1e-4]  # eta_min at the new total
    pure = ps.Sequential([ps.LinearFactor(0.1, total_iters=10), ps.CosineAnnealing(T_max=90, eta_min=1e-4)], [10])
    assert scheduler.schedule == pure.rescale(6, 200)


# -- resume: the state records the changes -----------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "at", "total"),
    [
        (lambda o: ps.CosineAnnealingLR(o, T_max=100, eta_min=1e-3), 37, 300),
        (lambda o: ps.CosineAnnealingLR(o, T_max=100), 80, 90),
        (lambda o: ps.TanhDecayLR(o, T_max=100), 50, 120),
        (lambda o: ps.RestartsLR(o, ps.CosineAnnealing(T_max=30), cycle_limit=3), 40, 200),
        (lambda o: ps.NoisyLR(o, ps.CosineAnnealing(T_max=100), start=0, std=0.1, seed=3), 20, 150),
        (lambda o: ps.ScheduledLR(o, ps.Warmup(ps.HFDecay(steps=90, shape="power"), steps=10)), 5, 60),
    ],
)
def test_resume_through_json_is_bit_identical(build: Any, at: int, total: int) -> None:
    optimizer = PlainOptimizer(0.1, 0.3)
    scheduler = build(optimizer)
    run(scheduler, at)
    scheduler.rescale(total)
    run(scheduler, 7)
    state = through_json(scheduler.state_dict())
    fresh_optimizer = PlainOptimizer(0.1, 0.3)
    fresh = build(fresh_optimizer)  # the original arguments
    fresh.load_state_dict(state)
    assert fresh.schedule == scheduler.schedule and fresh.state_dict() == scheduler.state_dict()
    ours, theirs = [], []
    for _ in range(total + 10 - at - 7):
        scheduler.step()
        fresh.step()
        ours.append(lrs_of(optimizer))
        theirs.append(lrs_of(fresh_optimizer))
    assert ours == theirs


def test_an_old_state_without_the_key_loads_and_undoes_a_rescale() -> None:
    optimizer = PlainOptimizer(0.1)
    scheduler = ps.CosineAnnealingLR(optimizer, T_max=100)
    run(scheduler, 10)
    old = through_json(scheduler.state_dict())
    assert "rescaled" not in old  # the format of a run never rescaled is the one it always was
    scheduler.rescale(500)
    run(scheduler, 20)
    scheduler.load_state_dict(old)
    assert scheduler.schedule == ps.CosineAnnealing(T_max=100) and "rescaled" not in scheduler.state_dict()
    assert run(scheduler, 90)[-1] == 0.0


def test_a_live_config_takes_the_saved_rescales_or_refuses_them() -> None:
    optimizer = PlainOptimizer(1.0)
    scheduler = ps.CosineAnnealingLR(optimizer, T_max=100)
    run(scheduler, 40)
    scheduler.rescale(200)
    state = through_json(scheduler.state_dict())
    longer = ps.CosineAnnealingLR(PlainOptimizer(1.0), T_max=150)
    longer.load_state_dict(state, config="live")  # the run's changes of budget, on the live T_max
    assert longer.schedule == Rescaled(ps.CosineAnnealing(T_max=150), 40, 200) and longer.T_max == 150
    shorter = ps.CosineAnnealingLR(PlainOptimizer(1.0), T_max=30)
    with refused(shorter, ValueError, r"in state_dict\['rescaled'\]\[0\]: .*at must be an int in \[0, 29\]"):
        shorter.load_state_dict(state, config="live")


def test_an_lr_set_by_hand_after_a_rescale_is_taken_up_along_the_rescaled_cosine() -> None:
    optimizer = PlainOptimizer(1.0)
    scheduler = ps.CosineAnnealingLR(optimizer, T_max=100)
    run(scheduler, 20)
    scheduler.rescale(300)
    run(scheduler, 30)  # at step 50
    optimizer.param_groups[0]["lr"] = 0.2  # by hand: torch's chaining continues from it
    scheduler.step()

    def factor(step: int) -> float:
        return (1.0 + math.cos(math.pi * (20 + (step - 20) * 80 / 280) / 100)) / 2.0

    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.2 * factor(51) / factor(50), rel=1e-12)


def test_a_config_set_by_hand_keeps_the_rescale() -> None:
    optimizer = PlainOptimizer(1.0)
    scheduler = ps.CosineAnnealingLR(optimizer, T_max=100)
    run(scheduler, 10)
    scheduler.rescale(300)
    scheduler.eta_min = 0.1
    assert scheduler.schedule == Rescaled(ps.CosineAnnealing(T_max=100, eta_min=0.1), 10, 300)
    with refused(scheduler, ValueError, r"at must be an int in \[0, 4\]"):
        scheduler.T_max = 5  # the recorded rescale at step 10 is past the end of a 5-step cosine


def test_a_hundred_rescales_nest_and_the_next_is_refused() -> None:
    schedule: ps.Schedule = ps.CosineAnnealing(T_max=10**6)
    for at in range(100):
        schedule = schedule.rescale(at, 10**6 + at)
    assert schedule(0) == 1.0 and schedule(10**6 + 99) == 0.0 and schedule.length == 10**6 + 99
    with pytest.raises(ValueError, match=r"schedule must be a schedule rescaled fewer than 100 times"):
        schedule.rescale(100, 2 * 10**6)


# -- errors: clear, naming the parameter, changing nothing ---------------------------------------------


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (
            30,
            ValueError,
            r"CosineAnnealingLR.rescale: total_steps must be an int > last_epoch=30 \(a new total in the "
            r"future: the run is at step 30\). Received: total_steps=30 \(int\)",
        ),
        (12, ValueError, r"total_steps must be an int > last_epoch=30 .* Received: total_steps=12 \(int\)"),
        (0, ValueError, r"total_steps must be an int >= 1\. Received: total_steps=0 \(int\)"),
        (2**60, ValueError, r"total_steps must be an int in \[1, 2\*\*53\]"),
        (40.5, ValueError, r"total_steps must be an int >= 1\. Received: total_steps=40.5 \(float\)"),
        ("40", TypeError, r"total_steps must be an int >= 1\. Received: total_steps='40' \(str\)"),
        (True, TypeError, r"total_steps must be an int >= 1\. Received: total_steps=True \(bool\)"),
        (None, TypeError, r"total_steps must be an int >= 1\. Received: total_steps=None"),
    ],
)
def test_a_bad_total_is_refused_naming_it(value: Any, error: type[Exception], message: str) -> None:
    scheduler = ps.CosineAnnealingLR(PlainOptimizer(0.1), T_max=100)
    run(scheduler, 30)
    with refused(scheduler, error, message):
        scheduler.rescale(value)


def test_past_the_end_of_the_shape_is_refused() -> None:
    scheduler = ps.CosineAnnealingLR(PlainOptimizer(0.1), T_max=10)
    run(scheduler, 12)
    message = (
        r"CosineAnnealingLR.rescale: at must be an int in \[0, 9\] \(a step before the shape ends at step 10: "
        r"after it nothing is left to rescale\). Received: at=12 \(int\)"
    )
    with refused(scheduler, ValueError, message):
        scheduler.rescale(100)


@pytest.mark.parametrize(
    "schedule",
    [
        ps.LinearFactor(1.0, 0.0, total_iters=100),
        ps.ConstantFactor(0.5, total_iters=100),
        ps.PolynomialDecay(total_iters=100, power=2.0),
        ps.PiecewiseLinear([(0, 1.0), (40, 0.5), (100, 0.1)]),
        ps.PiecewiseConstant([30, 100], [0.5, 0.1]),
    ],
    ids=stable_id,
)
def test_decays_that_end_and_hold_move_their_end(schedule: ps.Schedule) -> None:
    rescaled = schedule.rescale(30, 230)
    assert rescaled.simulate(31, exact=True) == schedule.simulate(31, exact=True)  # unchanged up to at
    assert rescaled(230) == schedule(100) and rescaled(500) == schedule(500)  # the end moved, then it holds
    assert rescaled(130) == schedule(65)  # halfway through the rest: twice as slow


def test_transformers_linear_schedule_rescales() -> None:
    optimizer = PlainOptimizer(1.0)
    scheduler = ps.get_linear_schedule_with_warmup(optimizer, num_warmup_steps=10, num_training_steps=110)
    run(scheduler, 60)
    assert lrs_of(optimizer) == [0.5]
    scheduler.rescale(total_steps=160)  # 50 more steps: the rest of the decay takes twice as long
    run(scheduler, 50)
    assert lrs_of(optimizer) == [0.25]
    run(scheduler, 50)
    assert lrs_of(optimizer) == [0.0]


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (
            lambda o: ps.StepLR(o, step_size=3),
            ValueError,
            r"StepLR.rescale: schedule must be a schedule with an end "
            r"to move \(StepDecay has no length: it goes on for ever\)",
        ),
        (lambda o: ps.MultiStepLR(o, [10, 20]), ValueError, r"MultiStepDecay has no length"),
        (lambda o: ps.ExponentialLR(o, 0.9), ValueError, r"ExponentialDecay has no length"),
        (lambda o: ps.LambdaLR(o, lambda t: 0.9**t), ValueError, r"LambdaFactor has no length"),
        (lambda o: ps.WarmupStableDecayLR(o, num_warmup_steps=2), ValueError, r"WarmupStableDecay has no length"),
        (
            lambda o: ps.CosineAnnealingWarmRestarts(o, T_0=10),
            ValueError,
            r"\(CosineWarmRestarts restarts for ever: it has no end\)",
        ),
        (lambda o: ps.CyclicLR(o, 0.01, 0.1, cycle_momentum=False), ValueError, r"\(Cyclic cycles by fixed phases"),
        (
            lambda o: ps.OneCycleLR(o, 0.1, total_steps=100, cycle_momentum=False),
            ValueError,
            r"\(OneCycle cycles by fixed phases: build a new one for a new budget\)",
        ),
        (
            lambda o: ps.ReduceLROnPlateau(o),
            TypeError,
            r"ReduceLROnPlateau.rescale: scheduler must be a scheduler "
            r"that follows a schedule with an end to move",
        ),
        (lambda o: ps.ChainedScheduler([ps.CosineAnnealingLR(o, T_max=50)]), TypeError, r"ChainedScheduler.rescale"),
    ],
)
def test_families_with_no_end_to_move_refuse(build: Any, error: type[Exception], message: str) -> None:
    scheduler = build(PlainOptimizer(0.1))
    for _ in range(3):
        scheduler.step(1.0) if isinstance(scheduler, ps.ReduceLROnPlateau) else scheduler.step()
    with refused(scheduler, error, message):
        scheduler.rescale(1000)


@pytest.mark.parametrize(
    ("rescaled", "error", "message"),
    [
        ({"x": 1}, TypeError, r"state_dict\['rescaled'\] must be a list of \[at, total_steps\] pairs"),
        ([[5]], ValueError, r"state_dict\['rescaled'\]\[0\] must be \[at, total_steps\]"),
        ([[5, 5]], ValueError, r"state_dict\['rescaled'\]\[0\]\[1\] must be an int >= 6"),
        ([[-1, 5]], ValueError, r"state_dict\['rescaled'\]\[0\]\[0\] must be an int >= 0"),
        ([[5, 50], [200, 300]], ValueError, r"in state_dict\['rescaled'\]\[1\]: .*at must be an int in \[0, 49\]"),
    ],
)
def test_a_bad_saved_rescale_is_refused_naming_the_key(rescaled: Any, error: type[Exception], message: str) -> None:
    scheduler = ps.CosineAnnealingLR(PlainOptimizer(0.1), T_max=100)
    run(scheduler, 5)
    state = {**scheduler.state_dict(), "rescaled": rescaled}
    run(scheduler, 3)
    with refused(scheduler, error, message):
        scheduler.load_state_dict(state)


def test_a_scheduler_with_no_schedule_refuses_a_saved_rescale() -> None:
    scheduler = ps.ReduceLROnPlateau(PlainOptimizer(0.1))
    state = {**scheduler.state_dict(), "rescaled": [[0, 10]]}
    with refused(scheduler, ValueError, r"state_dict\['rescaled'\] must be \[\] \(ReduceLROnPlateau follows no"):
        scheduler.load_state_dict(state)


#: The public schedulers (as tests/cases.py builds them) whose schedule has an end to move.
RESCALABLE = {
    "CosineAnnealingLR",
    "SequentialLR",
    "TanhDecayLR",
    "KDecayLR",
    "RestartsLR",
    "NoisyLR",
    "WarmupStableDecayLR",
    "ParamScheduler",
    "ConstantLR",
    "LinearLR",
    "PolynomialLR",
    "PiecewiseLinearLR",
    "PiecewiseConstantLR",
}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_public_scheduler_rescales_by_its_rule_or_refuses_clearly(case: Case) -> None:
    optimizer = PlainOptimizer(0.1, 0.02)
    scheduler = build(case, optimizer)
    for _ in range(3):
        scheduler.step(*case.step_args)
    if case.name not in RESCALABLE:
        with refused(scheduler, (TypeError, ValueError), rf"^{case.name}\.rescale: \S+ must be .+\. Received: "):
            scheduler.rescale(500)
        return
    lrs = lrs_of(optimizer)
    scheduler.rescale(500)
    assert lrs_of(optimizer) == lrs  # no jump
    state = through_json(scheduler.state_dict())
    assert "rescaled" in json.dumps(state)
    fresh_optimizer = PlainOptimizer(0.1, 0.02)
    fresh = build(case, fresh_optimizer)
    fresh.load_state_dict(state)
    for _ in range(30):
        scheduler.step(*case.step_args)
        fresh.step(*case.step_args)
        assert lrs_of(fresh_optimizer) == lrs_of(optimizer)


# -- properties ------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    T_max=st.integers(1, 10_000),
    eta_min=st.floats(0.0, 0.5),
    base=st.floats(0.0, 2.0),
    data=st.data(),
)
def test_continuity_at_the_rescale_and_the_same_past(T_max: int, eta_min: float, base: float, data: Any) -> None:
    at = data.draw(st.integers(0, T_max - 1))
    total = data.draw(st.integers(at + 1, 4 * T_max + 10))
    cosine = ps.CosineAnnealing(T_max=T_max, eta_min=eta_min)
    rescaled = cosine.rescale(at, total)
    probe = data.draw(st.integers(0, at))
    assert rescaled(probe, base) == cosine(probe, base)
    assert rescaled(at, base) == cosine(at, base)  # no jump
    assert rescaled(total, base) == eta_min  # ends at the new total
    step = data.draw(st.integers(at, total))
    expected = cosine_at(at + (step - at) * (T_max - at) / (total - at), T_max, eta_min, base)
    assert rescaled(step, base) == pytest.approx(expected, rel=1e-9, abs=1e-12)


@settings(max_examples=120, deadline=None)
@given(
    warmup=st.integers(0, 50),
    stable=st.integers(0, 200),
    decay=st.integers(1, 200),
    kind=st.sampled_from(["linear", "cosine", "1-sqrt", "square"]),
    data=st.data(),
)
def test_monotone_stays_monotone(warmup: int, stable: int, decay: int, kind: str, data: Any) -> None:
    total = warmup + stable + decay
    wsd = ps.WarmupStableDecay(warmup, decay, total, decay_type=kind, min_lr_ratio=0.01)
    at = data.draw(st.integers(0, total - 1))
    new_total = data.draw(st.integers(max(at, warmup) + 1, 3 * total + 10))
    rescaled = wsd.rescale(at, new_total)
    values = rescaled.simulate(new_total + 5, exact=True)
    assert values[: at + 1] == wsd.simulate(at + 1, exact=True)
    after = values[warmup:]
    assert all(a >= b for a, b in itertools.pairwise(after)), (at, new_total)  # non-increasing after the warmup
    assert values[new_total] == values[-1] == pytest.approx(0.01, rel=1e-12)
    again = rescaled.rescale(new_total - 1, new_total + 7)  # and rescaled once more
    assert again.simulate(new_total, exact=True) == values[:new_total]


# -- the README's example -----------------------------------------------------------------------------


def test_every_rule_in_the_readme_table_is_pinned_by_a_test_that_exists() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## A changed budget", 1)[1].split("\n## ", 1)[0].split("| Family |", 1)[1]
    source = Path(__file__).read_text(encoding="utf-8")
    rows = [row for row in table.splitlines() if row.startswith("| ") and not row.startswith("|---")]
    assert len(rows) >= 9
    for row in rows[1:] if rows[0].startswith("| Rule") else rows:
        tests = re.findall(r"`::(test_\w+)`", row.split("|")[-2])
        assert tests, row
        for test in tests:
            assert f"def {test}(" in source, test

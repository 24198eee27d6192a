"""The 1cycle policy (Smith 2018): the pure :class:`OneCycle` schedule and torch's ``OneCycleLR``."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from .base import ConfigParam
from .cyclic import (
    Anchor,
    CycledLR,
    CycledSchedule,
    CycleMomentumParam,
    as_number,
    check_anchor,
    check_choice,
    check_flag,
)
from .schedule import SCALAR, distinct, spread
from .validate import check_float, check_steps, fail, is_number, named, naming

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from typing import Any, Literal

    from .base import SupportsParamGroups


class OneCycle(CycledSchedule):
    r"""Warm up to the peak, then anneal far below the start: the 1cycle policy.

    A group's ``base`` is its peak lr (``max_lr``). With ``T = total_steps``, ``p = pct_start``,
    ``initial = base / div_factor`` and ``min = initial / final_div_factor``, each phase anneals
    from a start to an end value::

        two phases (default):   initial -> base      over steps 0 .. p*T - 1
                                base    -> min       over p*T - 1 .. T - 1
        three_phase=True:       initial -> base      over steps 0 .. p*T - 1
                                base    -> initial   over p*T - 1 .. 2*p*T - 2
                                initial -> min       over 2*p*T - 2 .. T - 1

        pct      = (t - phase_start) / (phase_end - phase_start)
        value(t) = end + (start - end) * (1 + cos(pi * pct)) / 2   ('cos')
                   start + (end - start) * pct                     ('linear')

    Momentum moves the other way along the same phases (``max_momentum -> base_momentum ->
    max_momentum``, staying at ``max_momentum`` in a third phase), in torch's order of operations.
    Step ``T`` holds the value of step ``T - 1``; a phase of zero length (``p * T == 1``) gives its
    end value.

    Args:
        total_steps: the steps of the cycle, an int in [1, 2**53].
        pct_start: the fraction of the steps spent warming up, a number in (0, 1).
        anneal_strategy: ``'cos'`` or ``'linear'``.
        cycle_momentum: whether :meth:`momenta` cycles momentum, a bool.
        base_momentum, max_momentum: the momentum at the peak lr and at the start, each a finite
            number >= 0 or a tuple of them (one per group); the optimizer judges the values.
        div_factor: ``base / initial``, a finite number > 0.
        final_div_factor: ``initial / min``, a finite number > 0.
        three_phase: use the three-phase form of the paper, a bool.

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: a value is out of range, or ``anneal_strategy`` is unknown; at evaluation, a
            step outside ``[0, total_steps]``.

    >>> one = OneCycle(total_steps=10, pct_start=0.3, div_factor=10.0, final_div_factor=100.0)
    >>> [round(one(t, base=1.0), 6) for t in (0, 1, 2, 5, 9, 10)]
    [0.1, 0.55, 1.0, 0.611649, 0.001, 0.001]
    >>> [round(m, 6) for t in (0, 2, 9) for m in one.momenta(t) or []]
    [0.95, 0.85, 0.95]
    """

    def __init__(
        self,
        total_steps: int,
        pct_start: float = 0.3,
        anneal_strategy: str = "cos",
        cycle_momentum: bool = True,
        base_momentum: Anchor = 0.85,
        max_momentum: Anchor = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
    ) -> None:
        with self._building():
            self.total_steps = check_steps("total_steps", total_steps)
            self.pct_start = check_float("pct_start", pct_start, minimum=0.0, maximum=1.0, min_open=True, max_open=True)
            self.anneal_strategy = check_choice("anneal_strategy", anneal_strategy, ("cos", "linear"))
            self.cycle_momentum = check_flag("cycle_momentum", cycle_momentum)
            self.base_momentum = check_anchor("base_momentum", base_momentum)
            self.max_momentum = check_anchor("max_momentum", max_momentum)
            self.div_factor = check_float("div_factor", div_factor, minimum=0.0, min_open=True)
            self.final_div_factor = check_float("final_div_factor", final_div_factor, minimum=0.0, min_open=True)
            self.three_phase = check_flag("three_phase", three_phase)
            self._table = self._phases()

    @property
    def length(self) -> int:
        return self.total_steps - 1  # the last step of the cycle

    def phase_ends(self) -> list[float]:
        """The step at which each phase ends (torch's ``end_step``), the last being ``T - 1``."""
        total, pct = self.total_steps, self.pct_start
        if self.three_phase:
            return [float(pct * total) - 1, float(2 * pct * total) - 2, float(total - 1)]
        return [float(pct * total) - 1, float(total - 1)]

    def _phases(self) -> tuple[tuple[float, ...], tuple[tuple[float, ...], ...]]:
        """The table :meth:`evaluate` reads: the steps after which the next phase starts (torch's
        ``step > end_step``, as a running maximum), and per phase its start, its length and the
        indices of the anchors it goes from and to, in :meth:`lr_anchors` and in the momentum's
        ``(base, max)``. A phase of zero length starts at ``end - 1`` and lasts 1 step, so that
        its one step gives its end value, as torch intends.
        """
        ends = self.phase_ends()
        momentum = (1, 0, 1, 1)  # against the lr: max -> base -> max, then max
        rows = []
        for phase, end in enumerate(ends):
            start = ends[phase - 1] if phase else 0.0
            span = end - start
            rows.append(
                (start - 1.0 if span == 0.0 else start, span or 1.0, phase, phase + 1, *momentum[phase : phase + 2])
            )
        return tuple(max(ends[: index + 1]) for index in range(len(ends) - 1)), tuple(rows)

    def lr_anchors(self, peak: Any) -> tuple[Any, ...]:
        """The lrs the phases go through for a group whose peak is ``peak``: ``(initial, peak,
        min)``, or ``(initial, peak, initial, min)`` in three phases."""
        initial = peak / self.div_factor
        low = initial / self.final_div_factor
        return (initial, peak, initial, low) if self.three_phase else (initial, peak, low)

    def factor(self, step: Any, xp: Any = SCALAR) -> Any:
        return self.values(step, (1.0,), xp)[0]

    def evaluate(self, step: Any, bases: Sequence[float], xp: Any = SCALAR) -> tuple[list[Any], list[Any] | None]:
        # The phase and its weight are computed once per step; each group's lr (and momentum) is
        # then one step between its two anchors of the phase, in torch's order of operations.
        total = self.total_steps
        if not xp.all((step >= 0) & (step <= total)):
            with naming(self._owner):
                rule = f"in [0, total_steps={total}] (the cycle ends there; pass a larger total_steps to go on)"
                fail("step", rule, step)
        step = xp.minimum(step, total - 1)  # step total_steps keeps the last value
        edges, rows = self._table
        start, span, lr_from, lr_to, momentum_from, momentum_to = xp.pick(rows, xp.before(edges, step))
        pct = (step - start) / span
        cosine = self.anneal_strategy == "cos"
        weight = (xp.cos(math.pi * pct) + 1) / 2.0 if cosine else pct
        lrs = []
        for peak in distinct(bases):
            anchors = self.lr_anchors(peak)
            begin, end = xp.pick(anchors, lr_from), xp.pick(anchors, lr_to)
            lrs.append(end + (begin - end) * weight if cosine else (end - begin) * weight + begin)
        count = len(bases)
        if not self.cycle_momentum:
            return spread(lrs, count), None
        pairs: Any = [(self.base_momentum, self.max_momentum)]
        if isinstance(self.base_momentum, tuple) or isinstance(self.max_momentum, tuple):
            pairs = list(zip(self.spread("base_momentum", count), self.spread("max_momentum", count)))
        momenta = []
        for pair in pairs:
            begin, end = xp.pick(pair, momentum_from), xp.pick(pair, momentum_to)
            momenta.append(end + (begin - end) * weight if cosine else (end - begin) * weight + begin)
        return spread(lrs, count), spread(momenta, count)


def total_of(total_steps: Any, epochs: Any, steps_per_epoch: Any) -> int:
    """``total_steps``, or ``epochs * steps_per_epoch`` when it is None (torch's precedence)."""
    if epochs is not None:
        epochs = check_steps("epochs", epochs)
    if steps_per_epoch is not None:
        steps_per_epoch = check_steps("steps_per_epoch", steps_per_epoch)
    if total_steps is not None:
        return check_steps("total_steps", total_steps)
    for name, value in (("epochs", epochs), ("steps_per_epoch", steps_per_epoch)):
        if value is None:
            rule = "an int >= 1 when total_steps is None (pass total_steps, or epochs and steps_per_epoch)"
            fail(name, rule, value)
    return int(epochs) * int(steps_per_epoch)


class OneCycleLR(CycledLR):
    r"""The 1cycle policy (torch's ``OneCycleLR``): warm up to ``max_lr``, then anneal far below.

    Formula and arguments as :class:`OneCycle`, with ``t = last_epoch`` (a batch index), each
    group's peak ``max_lr``, ``initial_lr = max_lr / div_factor`` and
    ``min_lr = initial_lr / final_div_factor``.

    At construction (``last_epoch=-1``) each group gets ``initial_lr``, ``max_lr`` and ``min_lr``
    entries and, with ``cycle_momentum``, ``max_momentum`` and ``base_momentum`` entries, its
    momentum (or ``betas[0]`` when the optimizer's defaults hold ``betas``) set to
    ``max_momentum``, as torch's. Unlike torch's, step ``total_steps`` (where the usual loop ends)
    keeps ``min_lr``, and a step past it raises ``ValueError``, changing nothing. torch's state
    dict keeps the lr anchors in the param groups: load the optimizer's state first.

    Args:
        optimizer: any object with ``param_groups`` (a list of dicts holding ``"lr"``).
        max_lr: the peak lr, a finite number >= 0, or a list with one per group.
        total_steps: the steps of the cycle, an int in [1, 2**53]; None to use ``epochs * steps_per_epoch``.
        epochs, steps_per_epoch: ints >= 1, the cycle's length when ``total_steps`` is None.
        base_momentum, max_momentum: as :class:`OneCycle`, or a list with one per group.
        last_epoch: the index of the last batch, an int >= -1. Default: -1 (start fresh).

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: a value is out of range, neither ``total_steps`` nor both ``epochs`` and
            ``steps_per_epoch`` are given, ``anneal_strategy`` is unknown, a list has the wrong
            length, or ``cycle_momentum=True`` with an optimizer that has neither ``momentum``
            nor ``betas``; at ``step()``, a step past ``total_steps``.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.5, "betas": (0.9, 0.999)}]})()
    >>> scheduler = OneCycleLR(optimizer, max_lr=1.0, total_steps=10, div_factor=10.0,
    ...                        final_div_factor=100.0, anneal_strategy="linear")
    >>> for step in range(11):
    ...     group = optimizer.param_groups[0]
    ...     print(step, round(group["lr"], 6), round(group["betas"][0], 6))
    ...     scheduler.step() if step < 10 else None
    0 0.1 0.95
    1 0.55 0.9
    2 1.0 0.85
    3 0.857286 0.864286
    4 0.714571 0.878571
    5 0.571857 0.892857
    6 0.429143 0.907143
    7 0.286429 0.921429
    8 0.143714 0.935714
    9 0.001 0.95
    10 0.001 0.95
    """

    _schedule: OneCycle

    total_steps = ConfigParam()
    pct_start = ConfigParam()
    anneal_strategy = ConfigParam()
    cycle_momentum = CycleMomentumParam()
    div_factor = ConfigParam()
    final_div_factor = ConfigParam()
    three_phase = ConfigParam()

    @named
    def __init__(
        self,
        optimizer: SupportsParamGroups,
        max_lr: float | list[float],
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: Literal["cos", "linear"] = "cos",
        cycle_momentum: bool = True,
        base_momentum: float | list[float] = 0.85,
        max_momentum: float | list[float] = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ) -> None:
        peaks = check_anchor("max_lr", max_lr)
        total = total_of(total_steps, epochs, steps_per_epoch)
        schedule = OneCycle(
            total,
            pct_start,
            anneal_strategy,
            cycle_momentum,
            base_momentum,
            max_momentum,
            div_factor,
            final_div_factor,
            three_phase,
        )
        super().__init__(optimizer, schedule, peaks, last_epoch)

    def _lr_keys(self, schedule: CycledSchedule, peaks: list[float], start: int) -> list[dict[str, Any]]:
        # The lr anchors depend on the factors alone, which only the live schedule holds at init.
        anchors = [self._schedule.lr_anchors(peak) for peak in peaks]
        for peak, (initial, *_, low) in zip(peaks, anchors):
            if not initial < math.inf:
                rule = f"a number with max_lr / div_factor finite (max_lr={peak!r})"
                fail("div_factor", rule, self._schedule.div_factor)
            if not low < math.inf:
                rule = f"a number with max_lr / div_factor / final_div_factor finite (max_lr={peak!r})"
                fail("final_div_factor", rule, self._schedule.final_div_factor)
        return [{"initial_lr": lrs[0], "max_lr": lrs[1], "min_lr": lrs[-1]} for lrs in anchors]

    def _scheduled(self, step: float) -> list[Any]:
        # Also refuses a resume past the end (at the initial step), before anything is written.
        total = self._schedule.total_steps
        if step > total:
            with naming(f"{type(self).__name__}.step"):
                rule = f"<= total_steps={total} (the cycle ends there; build the scheduler with a larger "
                fail("step", rule + "total_steps, or epochs, to go on)", step)
        return super()._scheduled(step)

    # -- state -------------------------------------------------------------------------------

    @named
    def load_state_dict(self, state_dict: Mapping[str, Any], *, config: Literal["saved", "live"] = "saved") -> None:
        """Restore a state from :meth:`state_dict`, or from torch's ``state_dict()`` of this class;
        a state past the end of its cycle (``last_epoch > total_steps``) is refused, as at
        construction, since no step could follow it."""
        if isinstance(state_dict, Mapping):
            fields = state_dict.get("config") if "format" in state_dict else state_dict  # torch's: at the top
            total: Any = self.total_steps
            if config == "saved" and isinstance(fields, Mapping) and "total_steps" in fields:
                total = fields["total_steps"]  # checked with the rest of the config, if it is no count
            last_epoch = state_dict.get("last_epoch")
            if is_number(total) and total >= 1 and is_number(last_epoch) and last_epoch > total:
                rule = f"an int in [-1, total_steps={total}] (a step of the cycle the state holds)"
                fail("state_dict['last_epoch']", rule, last_epoch)
        super().load_state_dict(state_dict, config=config)

    _torch_key = "_schedule_phases"

    def _from_torch(self, state: Mapping[str, Any]) -> tuple[dict[str, Any], list[Any], Any]:
        saved = self._config()
        total = saved["total_steps"] = state.get("total_steps", saved["total_steps"])
        if "_anneal_func_type" in state:
            saved["anneal_strategy"] = state["_anneal_func_type"]
        if "cycle_momentum" in state:
            saved["cycle_momentum"] = state["cycle_momentum"]
        phases = state["_schedule_phases"]
        if isinstance(phases, list) and phases and isinstance(phases[0], Mapping):
            saved["three_phase"] = len(phases) == 3
            end, live_pct = phases[0].get("end_step"), saved["pct_start"]
            if isinstance(end, (int, float)) and isinstance(total, int) and total > 0:
                saved["pct_start"] = live_pct if float(live_pct * total) - 1 == end else (end + 1) / total
        groups, bases = self.optimizer.param_groups, list(self._bases)
        if len(groups) == len(bases) and all("max_lr" in group for group in groups):
            bases = [as_number(group["max_lr"]) for group in groups]
        return saved, bases, state.get("_last_lr", self._last_lr)

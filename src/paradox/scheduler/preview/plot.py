"""Plot one or more schedules into one figure with matplotlib (the ``plot`` extra), imported lazily."""

from __future__ import annotations

from .simulate import Trace, piecewise_constant, simulate

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path
    from typing import Any


#: The hint shown when matplotlib is missing.
INSTALL_HINT = 'plotting needs matplotlib: pip install "paradox[plot]"'

_FORMATS = (".png", ".svg", ".pdf")


class PlotUnavailable(ImportError):
    """matplotlib is not installed."""


def plot(
    *specs: Any,
    output: str | Path | None = None,
    steps: int | None = None,
    lr: float | Sequence[float] = 0.1,
    log: bool = False,
    metrics: Sequence[float] | None = None,
    title: str | None = None,
) -> Any:
    """Overlay the lr curves of ``specs`` in one matplotlib figure, with a legend of their specs.

    Args:
        specs: spec strings, ``"@path"`` configs, config dicts, schedules, schedulers, or
            :class:`Trace` objects from :func:`simulate`.
        output: write the figure there (``.png``, ``.svg`` or ``.pdf``); None only returns it.
        steps, lr, metrics: as for :func:`simulate`.
        log: a log-scale y axis.
        title: the figure title; default: none for one spec's legend says it all.

    Returns:
        The ``matplotlib.figure.Figure`` (no pyplot state is touched).

    Raises:
        PlotUnavailable: matplotlib is not installed (the message says how to install it).
        ValueError: no specs, or ``output`` has another extension.
        SpecError: a spec is malformed.
    """
    if not specs:
        raise ValueError("plot: give at least one spec, schedule or scheduler")
    from pathlib import Path

    path = None if output is None else Path(output)
    if path is not None and path.suffix.lower() not in _FORMATS:
        raise ValueError(f"plot: output must end in .png, .svg or .pdf. Received: output={str(output)!r} (str)")
    figure_class = _figure_class()
    traces = [spec if isinstance(spec, Trace) else simulate(spec, steps, lr=lr, metrics=metrics) for spec in specs]
    if steps is None and len(traces) > 1:
        traces = _same_length(specs, traces, lr, metrics)
    figure = figure_class(figsize=(8, 4.5), dpi=110, layout="constrained")
    axes = figure.add_subplot()
    for trace in traces:
        many = len(trace.lr) > 1
        for index, series in enumerate(trace.lr):
            label = f"{trace.label} [lr_{index}]" if many else trace.label
            style = "steps-post" if piecewise_constant(series) else "default"
            axes.plot(range(trace.steps), series, label=label, linewidth=1.8, drawstyle=style)
    axes.set_xlabel("step")
    axes.set_ylabel("learning rate")
    if log:
        axes.set_yscale("log")
    axes.grid(True, which="major", alpha=0.3)
    axes.margins(x=0.01)
    axes.legend(loc="best", fontsize="small", frameon=False)
    if title:
        axes.set_title(title)
    if path is not None:
        figure.savefig(path)
    return figure


def _same_length(specs: Sequence[Any], traces: list[Trace], lr: Any, metrics: Any) -> list[Trace]:
    """Extend shorter traces to the longest natural length, where the schedule allows it."""
    import contextlib

    from .spec import SpecError

    target = max(trace.steps for trace in traces)
    result = []
    for spec, trace in zip(specs, traces):
        if trace.steps < target and not isinstance(spec, Trace):
            # A schedule that ends earlier (OneCycleLR) or runs out of metrics keeps its own length.
            with contextlib.suppress(SpecError, ValueError):
                trace = simulate(spec, target, lr=lr, metrics=metrics)
        result.append(trace)
    return result


def _figure_class() -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise PlotUnavailable(INSTALL_HINT) from None
    return Figure

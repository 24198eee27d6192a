"""Plot one or more schedules into one figure with matplotlib (the ``plot`` extra), imported lazily."""

from __future__ import annotations

from .simulate import Trace, piecewise_constant, simulate

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path
    from typing import Any


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

    Without ``steps``, each curve is extended to the longest natural length where it can be.

    Args:
        specs: spec strings, ``"@path"`` configs, config dicts, schedules, schedulers, or :class:`Trace` objects.
        output: write the figure there (``.png``, ``.svg`` or ``.pdf``); None only returns it.
        steps, lr, metrics: as for :func:`simulate`.
        log: a log-scale y axis.
        title: the figure title (default none).

    Returns:
        The ``matplotlib.figure.Figure`` (no pyplot state is touched).

    Raises:
        PlotUnavailable: matplotlib is not installed (the message says how to install it).
        ValueError: no specs, or ``output`` has another extension.
        SpecError: a spec is malformed.
    """
    if not specs:
        raise ValueError("plot: give at least one spec, schedule or scheduler")
    import contextlib
    import textwrap
    from pathlib import Path

    if output is not None and Path(output).suffix.lower() not in (".png", ".svg", ".pdf"):
        raise ValueError(f"plot: output must end in .png, .svg or .pdf. Received: output={str(output)!r} (str)")
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise PlotUnavailable('plotting needs matplotlib: pip install "paradox[plot]"') from None
    traces = [spec if isinstance(spec, Trace) else simulate(spec, steps, lr=lr, metrics=metrics) for spec in specs]
    longest = max(trace.steps for trace in traces)
    figure = Figure(figsize=(8, 4.5), dpi=110, layout="constrained")
    axes = figure.add_subplot()
    for spec, trace in zip(specs, traces):
        if steps is None and trace.steps < longest and not isinstance(spec, Trace):
            with contextlib.suppress(ValueError):  # a SpecError too
                trace = simulate(spec, longest, lr=lr, metrics=metrics)
        for index, series in enumerate(trace.lr):
            label = f"{trace.label} [lr_{index}]" if len(trace.lr) > 1 else trace.label
            label = textwrap.fill(label, 100, subsequent_indent="    ")  # a long spec wraps, not widens the figure
            style = "steps-post" if piecewise_constant(series) else "default"
            axes.plot(range(trace.steps), series, label=label, linewidth=1.8, drawstyle=style)
    axes.set(xlabel="step", ylabel="learning rate", yscale="log" if log else "linear", title=title or "")
    axes.grid(True, which="major", alpha=0.3)
    axes.margins(x=0.01)
    figure.legend(loc="outside lower center", fontsize="small", frameon=False)  # below the axes, never over a curve
    if output is not None:
        figure.savefig(output)
    return figure

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
    **options: Any,
) -> Any:
    """Overlay the lr curves of ``specs`` in one matplotlib figure, with a legend of their specs.

    Without ``steps``, each curve is extended to the longest natural length where it can be.

    Args:
        specs: spec strings, ``"@path"`` configs, config dicts, schedules, schedulers, or :class:`Trace` objects.
        output: write the figure there (``.png``, ``.svg`` or ``.pdf``); None only returns it.
        steps, lr, metrics: as for :func:`simulate`.
        log: a log-scale y axis.
        title: the figure title (default none).
        options: ``steps_per_epoch``, ``total_steps``, ``group``, as for :func:`simulate`. The other
            keys a :class:`~paradox.scheduler.ParamScheduler` drives get a panel each, below the lr's.

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

    def run(spec: Any, count: int | None) -> Trace:
        return spec if isinstance(spec, Trace) else simulate(spec, count, lr=lr, metrics=metrics, **options)

    traces = [run(spec, steps) for spec in specs]
    longest = max(trace.steps for trace in traces)
    for index, (spec, trace) in enumerate(zip(specs, traces)):
        if steps is None and trace.steps < longest and not isinstance(spec, Trace):
            with contextlib.suppress(ValueError):  # a SpecError too
                traces[index] = run(spec, longest)
    keys = list(dict.fromkeys(key for trace in traces for key in trace.keys))  # a panel each, below the lr's
    figure = Figure(figsize=(8, 4.5 + 2.0 * len(keys)), dpi=110, layout="constrained")
    panels = figure.subplots(1 + len(keys), 1, sharex=True, squeeze=False)[:, 0]
    for trace in traces:
        for panel, (key, table) in zip(panels, [("lr", trace.lr), *((key, trace.keys.get(key, ())) for key in keys)]):
            for index, series in enumerate(table):
                label = f"{trace.label} [{key}_{index}]" if len(table) > 1 else trace.label
                label = textwrap.fill(label, 100, subsequent_indent="    ")  # a long spec wraps, not widens the figure
                style = "steps-post" if piecewise_constant(series) else "default"
                shown = {"label": label} if panel is panels[0] else {}  # one legend entry per curve
                panel.plot(range(trace.steps), series, linewidth=1.8, drawstyle=style, **shown)
    for panel, key in zip(panels, ["learning rate", *keys]):
        panel.set(ylabel=key, yscale="log" if log else "linear")
        panel.grid(True, which="major", alpha=0.3)
        panel.margins(x=0.01)
    panels[0].set(title=title or "")
    panels[-1].set(xlabel="step")
    figure.legend(loc="outside lower center", fontsize="small", frameon=False)  # below the axes, never over a curve
    if output is not None:
        figure.savefig(output)
    return figure

"""A terminal chart of a :class:`Trace`: Unicode braille dots sized to the terminal, and a summary."""

from __future__ import annotations

import itertools
import math
import sys

from .simulate import Trace, piecewise_constant

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

# Braille dot bits, by (column, row) inside a 2x4 cell.
_DOTS = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))
_BLANK = 0x2800
#: Columns a chart takes: fewer cannot hold the labels, more would only allocate.
MIN_WIDTH, MAX_WIDTH = 40, 1000


def render(
    trace: Trace, width: int = 80, height: int = 24, log: bool = False, lr: Sequence[float] | None = None
) -> str:
    """The chart and summary of ``trace``, at most ``width`` columns (held in [40, 1000]) and about ``height`` lines.

    The header names ``lr``, the base lr of each group, when given (a schedule that sets its own scale,
    such as OneCycleLR's max_lr, is given none).
    """
    width = min(max(width, MIN_WIDTH), MAX_WIDTH)
    info = (f"lr {', '.join(f'{value:.6g}' for value in lr)}  ·  " if lr else "") + f"steps 0..{trace.steps - 1}"
    info += "  ·  log scale" if log else ""
    header = [f"{trace.label}  ·  {info}"]
    if len(header[0]) > width:
        header = [_fit(trace.label, width), _fit(info, width)]
    summary = summary_lines(trace, width)
    rows = max(4, min(height - 3 - len(header) - len(summary), 24))
    return "\n".join([*header, *_chart(trace, width, rows, log), *summary])


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _chart(trace: Trace, width: int, rows: int, log: bool) -> list[str]:
    values = [v for series in trace.lr for v in series]  # one scale for all the groups
    positive = [v for v in values if v > 0 and math.isfinite(v)] if log else []
    is_log = bool(positive)
    if is_log:  # log10, with values <= 0 drawn at the smallest positive one
        floor = math.log10(min(positive))
        values = [math.log10(v) if v > 0 else floor for v in values]
    finite = values if is_log else [v for v in values if math.isfinite(v)]
    low, high = (min(finite), max(finite)) if finite else (0.0, 0.0)
    flat = high - low <= 1e-12 * abs(high)  # drawn across the middle, labelled with its one value (0 too)
    only = f"{10**high if is_log else high:.3g}"
    if flat:
        low, high = low - 1.0, high + 1.0

    labels = {rows // 2: only} if flat else _y_labels(low, high, rows, is_log)
    label_width = max(len(text) for text in labels.values())
    cells = width - label_width - 2
    dots_x, dots_y = 2 * cells, 4 * rows
    grid = [[0] * cells for _ in range(rows)]

    def plot(x: int, y: int) -> None:
        y = min(max(y, 0), dots_y - 1)
        grid[y // 4][x // 2] |= _DOTS[x % 2][y % 4]

    count = trace.steps
    for group, series in enumerate(trace.lr):
        stepped = piecewise_constant(series)  # hold the value for the whole step, then jump at its end
        points = [
            (round(step * (dots_x - 1) / max(count - 1, 1)), round((high - v) / (high - low) * (dots_y - 1)))
            for step, v in enumerate(values[group * count : (group + 1) * count])
        ]
        plot(*points[0])
        for (previous_x, previous_y), (x, y) in itertools.pairwise(points):
            span, last = x - previous_x, previous_y
            for dx in range(1, span + 1) if span else (0,):
                cy = y if dx == span else previous_y if stepped else round(previous_y + (y - previous_y) * dx / span)
                for fill in range(min(last, cy), max(last, cy) + 1):
                    plot(previous_x + dx, fill)
                last = cy

    lines = [
        f"{labels.get(r, '').rjust(label_width)} {'┤' if r in labels else '│'}"
        + "".join(chr(_BLANK + bits) if bits else " " for bits in grid[r]).rstrip()
        for r in range(rows)
    ]
    axis_line, label_line = _x_axis(count, cells)
    lines.append(" " * label_width + " └" + axis_line)
    lines.append(" " * (label_width + 2) + label_line)
    return lines


def _nice(raw: float) -> float:
    """The smallest of 1, 2, 2.5, 5, 10 times a power of ten that is >= ``raw``."""
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * (1 - 1e-9))


def _y_labels(low: float, high: float, rows: int, is_log: bool) -> dict[int, str]:
    """Row labels: the top and bottom values, and round values in between (powers of ten on a log axis)."""

    def shown(y: float) -> float:
        return 10**y if is_log else y

    labels = {0: f"{shown(high):.3g}", rows - 1: f"{shown(low):.3g}"}
    if is_log and high - low < 2:  # less than two decades: 1, 2, 5 times each power of ten
        ticks = [math.log10(m) + k for k in range(math.floor(low), math.ceil(high) + 1) for m in (1, 2, 5)]
        ticks = [tick for tick in ticks if low <= tick <= high]
    else:
        raw = (high - low) / max(1, rows // 4)
        spacing = max(1.0, float(math.ceil(raw))) if is_log else _nice(raw) if raw >= sys.float_info.min else 0.0
        ticks = (
            []
            if not spacing
            else [k * spacing for k in range(math.ceil(low / spacing), math.floor(high / spacing) + 1)]
        )
    for tick in ticks:
        row = round((high - tick) / (high - low) * (rows - 1))
        if all(abs(row - other) >= 2 for other in labels):
            labels[row] = f"{shown(tick):.3g}"
    return labels


def _x_axis(count: int, cells: int) -> tuple[str, str]:
    if count <= 1:
        return "┬" + "─" * (cells - 1), "0"
    last = count - 1
    spacing = max(1, round(_nice(last / max(1, cells // 12))))
    axis, labels, free = ["─"] * cells, [" "] * cells, 0
    ticks = [step for step in range(0, last + 1, spacing) if last - step >= spacing / 2]
    for step in [*ticks, last]:  # the last step is placed last
        cell = min(cells - 1, round(step * (2 * cells - 1) / last) // 2)
        text = str(step)
        start = min(max(0, cell - len(text) // 2), cells - len(text))
        if start >= free and axis[cell] != "┬":
            axis[cell] = "┬"
            labels[start : start + len(text)] = list(text)
            free = start + len(text) + 1
    return "".join(axis), "".join(labels).rstrip()


def summary_lines(trace: Trace, width: int) -> list[str]:
    """Start, peak (where), minimum (where), final, and the steps where the phase changes."""
    lines = []
    for index, series in enumerate(trace.lr):
        peak = max(range(len(series)), key=lambda i: (series[i], -i))
        low = min(range(len(series)), key=lambda i: (series[i], i))
        prefix = f"lr_{index}: " if len(trace.lr) > 1 else ""
        for digits in (6, 3):  # full precision if it fits on one line, else 3 digits
            first = f"{prefix}start {series[0]:.{digits}g}  peak {series[peak]:.{digits}g} (step {peak})"
            second = f"min {series[low]:.{digits}g} (step {low})  final {series[-1]:.{digits}g}"
            if len(first) + 2 + len(second) <= width:
                lines.append(f"{first}  {second}")
                break
        else:
            lines += [_fit(first, width), _fit(" " * len(prefix) + second, width)]
        if index == 3 and len(trace.lr) > 4:
            lines.append(f"... and {len(trace.lr) - 4} more groups")
            break
    if trace.momentum is not None:
        values = trace.momentum[0]
        lines.append(_fit(f"momentum {min(values):.6g} .. {max(values):.6g} (cycled)", width))
    lines.append(_phase_line(trace.phases(), width))
    return lines


def _phase_line(phases: list[int], width: int) -> str:
    """Every phase change, or as many as fit and the count; never an empty list."""
    if len(phases) < 2:
        return f"phase change at step {phases[0]}" if phases else "phase changes: none"
    head, tail = "phase changes at steps ", f", ... ({len(phases)} in all)"
    if len(head + ", ".join(map(str, phases))) <= width:
        return head + ", ".join(map(str, phases))
    shown = len(phases) - 1  # as many as fit with the tail
    while shown and len(head + ", ".join(map(str, phases[:shown])) + tail) > width:
        shown -= 1
    if not shown:
        count = f"{len(phases)} phase changes"
        return count if len(f"{count}, first at step {phases[0]}") > width else f"{count}, first at step {phases[0]}"
    return head + ", ".join(map(str, phases[:shown])) + tail

"""Shared pieces of the benchmark scripts: optimizers, timing, and table printing.

Every figure a script prints is a ratio measured in one run (against torch, against the floor):
these machines are shared and noisy, so absolute times are shown for orientation only.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable


def best_time(fn: Callable[[], object], *, number: int, repeat: int = 7) -> float:
    """The fastest of ``repeat`` timings of ``number`` calls, in seconds per call."""
    gc.disable()
    try:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            for _ in range(number):
                fn()
            times.append((time.perf_counter() - start) / number)
        return min(times)
    finally:
        gc.enable()


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A GitHub-flavoured markdown table."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths)) + " |"
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = ["| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |" for row in rows]
    return "\n".join([line, rule, *body])

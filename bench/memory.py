"""Memory over long runs: bytes held (tracemalloc) from step 10^5 to step 10^6, per class.

Target (issue 5): 10^6 ``step()`` calls leave memory flat. Run::

    python bench/memory.py [--first 100000] [--last 1000000]

tracemalloc slows every allocation down, so this takes a minute or two.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from _common import table
from test_memory import ALLOWED, builders, growth


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--first", type=int, default=100_000)
    parser.add_argument("--last", type=int, default=1_000_000)
    args = parser.parse_args()
    rows, flat = [], True
    for name, build in builders(args.last).items():
        grown = growth(build, args.first, args.last)
        flat = flat and grown <= ALLOWED
        rows.append([name, f"{grown:+d} B", "flat" if grown <= ALLOWED else "GROWS"])
    print(f"traced memory from step {args.first:,} to step {args.last:,} (flat: <= {ALLOWED} B)\n")
    print(table(["scheduler", "growth", "verdict"], rows))
    return 0 if flat else 1


if __name__ == "__main__":
    sys.exit(main())

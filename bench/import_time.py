"""Cost of ``import paradox.scheduler``: a whole process, against a bare ``python -c pass``.

Target (issue 5): at most 2x the bare interpreter, median of several runs, and neither torch nor
numpy imported. Run::

    python bench/import_time.py [--runs 31]

Bytecode is compiled once before timing (as an installed package has it), whatever
PYTHONDONTWRITEBYTECODE says; torch's import is timed the same way for scale.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time


def timed(code: str, runs: int, env: dict[str, str]) -> float:
    subprocess.run([sys.executable, "-c", code], env=env, check=True)  # warm: writes the bytecode
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], env=env, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=31)
    parser.add_argument("--no-torch", action="store_true", help="skip timing torch's import")
    args = parser.parse_args()
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    bare = timed("pass", args.runs, env)
    ours = timed("import paradox.scheduler", args.runs, env)
    leaked = subprocess.run(
        [sys.executable, "-c", "import sys, paradox.scheduler; print(sorted({'torch', 'numpy'} & set(sys.modules)))"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    print(f"python -c pass                      {bare:7.1f} ms")
    print(f"python -c 'import paradox.scheduler' {ours:7.1f} ms   {ours / bare:.2f}x bare (target <= 2x)")
    if not args.no_torch:
        theirs = timed("import torch.optim.lr_scheduler", max(5, args.runs // 4), env)
        print(f"python -c 'import torch.optim.lr_scheduler' {theirs:7.1f} ms   {theirs / bare:.1f}x bare")
    print(f"heavy modules imported by paradox.scheduler: {leaked} (target: [])")
    return 0 if ours / bare <= 2.0 and leaked == "[]" else 1


if __name__ == "__main__":
    raise SystemExit(main())

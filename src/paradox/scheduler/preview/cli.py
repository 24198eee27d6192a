"""``paradox-lr``: preview any schedule before training (``show``, ``table``, ``plot``, ``list``).

Exit status: 0 on success, 2 for bad input, 1 when an optional package is missing or the output
cannot be written. Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import sys
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, NoReturn, TextIO

PROG = "paradox-lr"

_EXAMPLES = """\
examples:
  paradox-lr show "CosineAnnealingLR(T_max=100, eta_min=1e-5)"
  paradox-lr show "StepLR(step_size=30, gamma=0.1)" --steps 100 --log
  paradox-lr table "StepLR(step_size=2)" --lr 0.1,0.01 --steps 6 --format md
  paradox-lr plot "StepLR(step_size=30)" "CosineAnnealingLR(T_max=100)" -o schedules.png
  paradox-lr show @schedule.yaml
  paradox-lr list
"""


#: Schedules whose lrs come from their own arguments, not from the optimizer's lr (--lr).
_OWN_SCALE = ("OneCycleLR", "CyclicLR")


class _InputError(Exception):
    """Bad input: exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        raise _InputError(message)


def _lrs(text: str) -> list[float]:
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--lr must be numbers separated by commas, such as 0.1 or 0.1,0.01. Received: {text!r}"
        ) from None
    if any(not math.isfinite(v) or v < 0 for v in values):
        raise argparse.ArgumentTypeError(f"--lr values must be finite numbers >= 0. Received: {text!r}")
    return values


def _positive(name: str, text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1 or str(value) != text.strip().lstrip("+"):
        raise argparse.ArgumentTypeError(f"{name} must be an int >= 1. Received: {text!r}")
    return value


def _key_value(text: str) -> tuple[str, Any]:
    """``--set KEY=VALUE``: a param-group key and a Python literal (a number, or a tuple of them)."""
    import ast

    key, equals, value = text.partition("=")
    try:
        if not equals or not key.strip().isidentifier():
            raise ValueError
        return key.strip(), ast.literal_eval(value.strip())
    except (ValueError, SyntaxError):
        raise argparse.ArgumentTypeError(f"--set takes KEY=VALUE with a Python literal value, not {text!r}") from None


def _width(text: str) -> int:
    from .chart import MAX_WIDTH, MIN_WIDTH

    value = _positive("--width", text)
    if not MIN_WIDTH <= value <= MAX_WIDTH:
        raise argparse.ArgumentTypeError(f"--width must be an int in [{MIN_WIDTH}, {MAX_WIDTH}]. Received: {text!r}")
    return value


def _parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    groups = "base lr; a comma list means several param groups (default 0.1)"
    common.add_argument("--lr", type=_lrs, default=[0.1], metavar="LR[,LR...]", help=groups)
    natural = "steps to show, at most 1000000 (default: the schedule's natural length, else 100)"
    common.add_argument("--steps", type=partial(_positive, "--steps"), metavar="N", help=natural)
    per_epoch = "steps per epoch, to resolve time strings such as T_max='90ep' (composer's 'ba', 'ep', 'dur')"
    common.add_argument("--steps-per-epoch", type=partial(_positive, "--steps-per-epoch"), metavar="N", help=per_epoch)
    run = "steps of the whole run, to resolve fractions such as T_max='0.9dur'"
    common.add_argument("--total-steps", type=partial(_positive, "--total-steps"), metavar="N", help=run)
    keys = "a key every param group holds, for ParamScheduler: --set weight_decay=0.01 --set 'betas=(0.9, 0.95)'"
    common.add_argument("--set", type=_key_value, action="append", default=[], metavar="KEY=VALUE", help=keys)
    common.add_argument(
        "--metrics",
        metavar="FILE",
        help="one metric per step, for ReduceLROnPlateau (at most 999999 metrics and 32000000 bytes)",
    )

    parser = _Parser(
        prog=PROG,
        description="Preview a learning-rate schedule before training. SPEC is a schedule written as in "
        'Python without the optimizer, e.g. "CosineAnnealingLR(T_max=100)", or @file.json/.yaml/.toml.',
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser, required=True)

    show = commands.add_parser("show", parents=[common], help="draw the schedule in the terminal, with a summary")
    show.add_argument("spec", metavar="SPEC")
    show.add_argument("--log", action="store_true", help="log-scale y axis")
    show.add_argument("--width", type=_width, help="columns, 40 to 1000 (default: the terminal's)")
    show.add_argument("--height", type=partial(_positive, "--height"), help="lines (default: the terminal's)")

    table = commands.add_parser("table", parents=[common], help="print the values, one row per step")
    table.add_argument("spec", metavar="SPEC")
    table.add_argument("--format", choices=("csv", "json", "md"), default="csv", help="output format (default csv)")
    table.add_argument(
        "--every", type=partial(_positive, "--every"), default=1, metavar="K", help="every K-th step (and the last)"
    )

    plot = commands.add_parser(
        "plot", parents=[common], help="overlay schedules in a PNG, SVG or PDF (needs matplotlib)"
    )
    plot.add_argument("specs", metavar="SPEC", nargs="+")
    plot.add_argument("-o", "--output", required=True, metavar="FILE", help="FILE.png, FILE.svg or FILE.pdf")
    plot.add_argument("--log", action="store_true", help="log-scale y axis")
    plot.add_argument("--title", help="figure title")

    commands.add_parser("list", help="name every schedule with its signature and a one-line description")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``paradox-lr`` with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    from .plot import PlotUnavailable
    from .spec import MissingDependency, SpecError

    try:
        return _run(_parser().parse_args(argv), sys.stdout)
    except (MissingDependency, PlotUnavailable) as error:
        return _fail(str(error), 1)
    except (SpecError, _InputError) as error:
        return _fail(str(error), 2)
    except (ValueError, TypeError) as error:
        return _fail(" ".join(str(error).split()), 2)
    except BrokenPipeError:
        return 0
    except OSError as error:
        return _fail(f"{error.strerror or error}{': ' + str(error.filename) if error.filename else ''}", 1)
    except KeyboardInterrupt:
        return 130
    except SystemExit as exit_:  # --help and --version print, then argparse exits 0
        return exit_.code if isinstance(exit_.code, int) else 0


def _fail(message: str, status: int) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return status


def _run(args: argparse.Namespace, out: TextIO) -> int:
    from .spec import description, schedulers, signature_text

    if args.command == "list":
        for cls in schedulers().values():
            out.write(f"{signature_text(cls)}\n    {description(cls)}\n")
        return 0
    metrics = None if args.metrics is None else read_metrics(args.metrics)
    options: dict[str, Any] = {"steps": args.steps, "lr": args.lr, "metrics": metrics}
    options.update(steps_per_epoch=args.steps_per_epoch, total_steps=args.total_steps, group=dict(args.set))
    if args.command == "plot":
        from .plot import plot

        plot(*args.specs, output=args.output, log=args.log, title=args.title, **options)
        out.write(f"wrote {args.output}\n")
        return 0
    from .simulate import simulate

    # table promises exact values on every platform: cosines by math.cos (see simulate's exact).
    trace = simulate(args.spec, exact=args.command == "table", **options)
    if args.command == "show":
        from .chart import render
        from .spec import load

        size = shutil.get_terminal_size((80, 24))
        # OneCycleLR and CyclicLR set every lr from max_lr (base_lr), as torch's do: --lr gives only the groups
        base = None if load(args.spec).cls.__name__ in _OWN_SCALE else args.lr
        out.write(render(trace, args.width or size.columns, args.height or size.lines, args.log, base) + "\n")
    else:
        out.write(format_table(trace, args.format, args.every))
    return 0


def format_table(trace: Any, fmt: str, every: int = 1) -> str:
    """The trace as CSV (exact values), JSON (a list of objects) or a Markdown table."""
    columns, rows = trace.columns(), trace.rows(every)
    if fmt == "json":
        return "[\n" + ",\n".join(f"  {json.dumps(dict(zip(columns, row)))}" for row in rows) + "\n]\n"
    if fmt == "csv":
        lines = [",".join(columns), *(",".join([str(row[0]), *(repr(float(v)) for v in row[1:])]) for row in rows)]
    else:
        lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---:" for _ in columns) + "|"]
        lines += ["| " + " | ".join([str(row[0]), *(f"{v:.6g}" for v in row[1:])]) + " |" for row in rows]
    return "\n".join(lines) + "\n"


#: Largest --metrics file read, in bytes: the 10^6 steps' metrics, written out in full, fit in it.
MAX_METRICS_BYTES = 32_000_000


def read_metrics(path: str) -> list[float]:
    """Metrics from a file: a JSON list, or numbers separated by newlines, commas or spaces (``#`` comments).

    At most :data:`MAX_METRICS_BYTES` are read and at most ``MAX_STEPS - 1`` metrics (one per step after
    step 0) are taken, checked before anything larger is read or allocated.
    """
    from .simulate import MAX_METRICS, MAX_STEPS

    try:
        with open(path, "rb") as file:
            data = file.read(MAX_METRICS_BYTES + 1)  # /dev/zero and /dev/urandom end too
    except OSError as error:
        raise _InputError(f"--metrics {path}: cannot read the file: {error.strerror or error}") from None
    if len(data) > MAX_METRICS_BYTES:
        raise _InputError(f"--metrics {path}: the file is larger than the limit of {MAX_METRICS_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _InputError(f"--metrics {path}: cannot read the file: {error.reason} at byte {error.start}") from None
    too_many = f"--metrics {path}: more than {MAX_METRICS} metrics (one per step after step 0, up to {MAX_STEPS} steps)"
    values: list[float] = []
    if text.lstrip().startswith("["):
        if text.count(",") >= MAX_METRICS:  # an upper bound of the count, known before parsing
            raise _InputError(too_many)
        if text.count("[") > 1 or "{" in text:  # nesting is refused before the parser recurses
            raise _InputError(f"--metrics {path}: a JSON file must hold one flat list of numbers, such as [0.9, 0.8]")
        try:
            items = json.loads(text)
        except json.JSONDecodeError as error:
            raise _InputError(f"--metrics {path}: invalid JSON at line {error.lineno}: {error.msg}") from None
        for index, item in enumerate(items):
            values.append(_metric(item, lambda: f"--metrics {path}: item {index}"))  # noqa: B023 (called at once)
    else:  # one number at a time, so that a huge file is refused before it is split
        for match in re.finditer(r"#[^\n]*|[^\s,#]+", text):
            if len(values) == MAX_METRICS:
                raise _InputError(too_many)
            if not match[0].startswith("#"):
                line = lambda: f"--metrics {path}: line {text.count(chr(10), 0, match.start()) + 1}"  # noqa: B023, E731
                values.append(_metric(match[0], line))
    if not values:
        raise _InputError(f"--metrics {path}: the file holds no numbers")
    return values


def _metric(item: Any, place: Callable[[], str]) -> float:
    """``item`` as a finite float, else an error that names its place (``place()``)."""
    try:
        value = math.nan if isinstance(item, bool) else float(item)
    except (TypeError, ValueError, OverflowError):  # OverflowError: a JSON int beyond the float range
        value = math.nan
    if not math.isfinite(value):
        raise _InputError(f"{place()}: {item!r} is not a finite number")
    return value

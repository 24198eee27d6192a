"""Spec strings and config dicts: a schedule written the way it is constructed, minus the optimizer.

A spec is parsed with :mod:`ast`, never evaluated; a config dict is the same tree as data
(``{"name": "StepLR", "step_size": 10}``); ``@path`` reads one from JSON, YAML or TOML.
"""

from __future__ import annotations

import ast
import difflib
import importlib
import inspect
import json
import re
import sys
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from .. import (
    compose,
    cosine,
    cycles,
    cyclic,
    hf,
    inverse_sqrt,
    kdecay,
    lambdas,
    noise,
    one_cycle,
    params,
    piecewise,
    plateau,
    polynomial,
    step,
    tanh,
    timm,
    warmup,
    wsd,
)
from ..base import LRScheduler, ScheduledLR
from ..chain import ChainableLR, DecayLR
from ..cyclic import CycledLR
from ..schedule import SCHEDULES
from ..timm import TimmScheduler
from ..units import Units
from ..validate import MAX_DEPTH, naming

#: Longest spec accepted, in characters (the deepest nesting of lists and calls: MAX_DEPTH).
MAX_LENGTH = 10_000
#: Largest config file (``@path``) read, in bytes.
MAX_CONFIG_BYTES = 1_000_000

_BASES = (LRScheduler, ScheduledLR, ChainableLR, DecayLR, CycledLR)
_FAMILIES = (
    step,
    polynomial,
    cosine,
    lambdas,
    cyclic,
    one_cycle,
    plateau,
    compose,
    inverse_sqrt,
    piecewise,
    warmup,
    wsd,
    hf,
    noise,
    cycles,
    kdecay,
    tanh,
    timm,
    params,
)
#: What a spec may call: a scheduler or schedule class, or a function building one (transformers' get_*).
Maker = Callable[..., Any]
_REGISTERED: dict[str, type[Any]] = {}
_FUNCTION_PARAMS = frozenset({"lr_lambda", "scale_fn"})


class SpecError(ValueError):
    """A spec that cannot be built: malformed, hostile, unknown name or bad argument. One line."""


class MissingDependency(SpecError):
    """An optional package needed for this input (PyYAML, tomli) is not installed."""


def register(cls: type[Any]) -> type[Any]:
    """Make a scheduler class usable in specs (usable as a decorator; :func:`unregister` undoes it)."""
    _REGISTERED[cls.__name__] = cls
    return cls


def unregister(cls: type[Any]) -> None:
    """Forget a class added with :func:`register`."""
    if _REGISTERED.get(cls.__name__) is cls:
        del _REGISTERED[cls.__name__]


def schedulers() -> dict[str, Maker]:
    """Every schedule a spec may name, by name, sorted: public schedulers, pure schedules, timm's
    drop-ins, transformers' ``get_*`` functions, registered ones."""
    found: dict[str, Maker] = {}
    for module in _FAMILIES:
        for name, value in vars(module).items():
            if getattr(value, "__module__", None) != module.__name__ or name.startswith("_"):
                continue
            if isinstance(value, type):
                drop_in = issubclass(value, TimmScheduler) and value is not TimmScheduler
                if drop_in or value in SCHEDULES.values() or (issubclass(value, LRScheduler) and value not in _BASES):
                    found[name] = value
            elif module is hf and name.startswith("get_"):
                found[name] = value
    found.update(_REGISTERED)
    return dict(sorted(found.items()))


@dataclass(repr=False)
class Pending:
    """A scheduler to build: its class, its arguments (which may hold Pending children), and where."""

    cls: Maker
    kwargs: dict[str, Any]
    where: str

    def text(self) -> str:
        """The spec as text: ``StepLR(step_size=10, gamma=0.5)``, children written out too."""
        return f"{self.cls.__name__}({', '.join(f'{name}={value!r}' for name, value in self.kwargs.items())})"

    __repr__ = text

    def build(self, optimizer: Any, units: Units | None = None) -> Any:
        """Build children first (in order), then this scheduler, on ``optimizer``; time strings
        (``T_max="90ep"``) are resolved to steps by ``units``."""
        units = units or Units()
        try:
            with naming(self.cls.__name__):
                resolved = {name: units.resolve(value, name) for name, value in self.kwargs.items()}
        except (TypeError, ValueError) as error:
            raise SpecError(f"{self.where}: {_one_line(error)}") from None
        kwargs = {name: _build(value, optimizer, units) for name, value in resolved.items()}
        if "optimizer" in inspect.signature(self.cls).parameters:
            kwargs["optimizer"] = optimizer
        try:
            return self.cls(**kwargs)
        except Exception as error:  # a scheduler's own failure too, reported without a traceback
            crash = not isinstance(error, (TypeError, ValueError))
            failed = f"{self.cls.__name__} failed: {type(error).__name__}: " if crash else ""
            raise SpecError(f"{self.where}: {failed}{_one_line(error)}") from None


def _build(value: Any, optimizer: Any, units: Units) -> Any:
    if isinstance(value, Pending):
        return value.build(optimizer, units)
    if isinstance(value, (list, tuple)):
        return type(value)(_build(item, optimizer, units) for item in value)
    if isinstance(value, dict):
        return {key: _build(item, optimizer, units) for key, item in value.items()}
    return value


def _one_line(error: BaseException) -> str:
    return " ".join((str(error).strip() or type(error).__name__).split())


def _signature(cls: Maker) -> tuple[dict[str, inspect.Parameter], bool]:
    """The constructor's named parameters but the optimizer, and whether it takes ``*args`` or ``**kwargs``."""
    params = inspect.signature(cls).parameters.values()
    named = {param.name: param for param in params if param.kind not in (param.VAR_POSITIONAL, param.VAR_KEYWORD)}
    return {name: param for name, param in named.items() if name != "optimizer"}, len(named) < len(params)


def signature_text(cls: Maker) -> str:
    """``StepLR(step_size, gamma=0.1, last_epoch=-1)``: the constructor without the optimizer."""
    parts = [
        name if param.default is param.empty else f"{name}={param.default!r}"
        for name, param in _signature(cls)[0].items()
    ]
    return f"{cls.__name__}({', '.join(parts)})"


def description(cls: Maker) -> str:
    """The docstring's first sentence, on one line (a summary may run over two lines)."""
    paragraph = " ".join((inspect.getdoc(cls) or "").strip().split("\n\n")[0].split()).replace("``", "")
    paragraph = re.sub(r":\w+:`~?(?:[\w.]*\.)?(\w+)`", r"\1", paragraph)  # :func:`~a.b.name` -> name
    return re.split(r"(?<=\.)\s", paragraph, maxsplit=1)[0]


def parse(text: str) -> Pending:
    """Parse a spec string into a :class:`Pending` scheduler; nothing is evaluated.

    Raises:
        SpecError: the spec is empty, too long, malformed, or holds anything other than literals
            and known schedulers; the message is one line and names the column.
    """
    if not isinstance(text, str):
        raise SpecError(f"a spec must be a string. Received: {text!r} ({type(text).__name__})")
    if not text.strip():
        raise SpecError('the spec is empty; write a schedule such as "StepLR(step_size=10)" or @config.json')
    if len(text) > MAX_LENGTH:
        raise SpecError(f"the spec is {len(text)} characters long; the limit is {MAX_LENGTH}")
    source = text.strip()
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        message = _one_line(error).split(" (<unknown>")[0]
        raise SpecError(f"invalid syntax at column {error.offset or 1}: {message}") from None
    except (ValueError, RecursionError, MemoryError) as error:
        raise SpecError(f"the spec cannot be parsed: {_one_line(error)}") from None
    reader, node = _Reader(source), tree.body
    if not isinstance(node, ast.Call) and not (isinstance(node, ast.Name) and node.id in reader.known):
        raise reader.refuse(node, "a spec is a call to a schedule such as StepLR(step_size=10); found {}")
    return reader.call(node, 0)


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.known = schedulers()

    def where(self, node: ast.AST) -> str:
        return f"column {getattr(node, 'col_offset', 0) + 1}"

    def text(self, node: ast.AST, limit: int = 40) -> str:
        segment = " ".join((ast.get_source_segment(self.source, node) or type(node).__name__).split())
        return segment if len(segment) <= limit else segment[: limit - 3] + "..."

    def fail(self, node: ast.AST, problem: str) -> SpecError:
        return SpecError(f"{self.where(node)}: {problem}")

    def call(self, node: ast.Call | ast.Name, depth: int) -> Pending:
        """A schedule called with arguments, or named alone (``StepLR`` for ``StepLR()``)."""
        func = node.func if isinstance(node, ast.Call) else node
        if not isinstance(func, ast.Name):
            raise self.refuse(func, "only schedules may be called; found a call of {}")
        if func.id not in self.known:
            raise self.fail(func, _unknown_schedule(func.id, self.known))
        cls = self.known[func.id]
        args, keywords = (node.args, node.keywords) if isinstance(node, ast.Call) else ([], [])
        names = list(_signature(cls)[0])

        def items() -> Iterator[tuple[str, str, str, ast.expr]]:
            for index, arg in enumerate(args):
                if isinstance(arg, ast.Starred):
                    raise self.refuse(arg, "")
                if index >= len(names):
                    most = f"at most {len(names)} arguments ({', '.join(names)})"
                    raise self.fail(arg, f"{cls.__name__} takes {most}; got {len(args)}")
                yield names[index], self.where(arg), self.where(arg), arg
            for keyword in keywords:
                if keyword.arg is None:
                    raise self.fail(keyword, f"unpacking (**{self.text(keyword.value)}) is not allowed in a spec")
                yield keyword.arg, self.where(keyword), self.where(keyword), keyword.value

        return _call(cls, items(), self.where(func), lambda _, value: self.value(value, depth + 1))

    def value(self, node: ast.expr, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise self.fail(node, f"the spec is nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, ast.Constant):
            if node.value is None or isinstance(node.value, (bool, int, float, str)):
                return node.value
            raise self.fail(node, f"a {type(node.value).__name__} literal ({self.text(node)}) is not allowed in a spec")
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.value(node.operand, depth + 1)
            if isinstance(operand, (int, float)) and not isinstance(operand, bool):
                return -operand if isinstance(node.op, ast.USub) else operand
            raise self.fail(node, f"a sign applies only to a number; found {self.text(node)}")
        if isinstance(node, (ast.List, ast.Tuple)):
            items = [self.value(item, depth + 1) for item in node.elts]
            return items if isinstance(node, ast.List) else tuple(items)
        if isinstance(node, ast.Dict):
            result: dict[Any, Any] = {}
            for key, item in zip(node.keys, node.values):
                if key is None:
                    raise self.fail(item, f"unpacking (**{self.text(item)}) is not allowed in a spec")
                key_value = self.value(key, depth + 1)
                if not isinstance(key_value, (str, int, float, bool)) and key_value is not None:
                    raise self.fail(key, f"a dict key must be a literal; found {self.text(key)}")
                result[key_value] = self.value(item, depth + 1)
            return result
        if isinstance(node, ast.Call) or (isinstance(node, ast.Name) and node.id in self.known):
            return self.call(node, depth)
        if isinstance(node, ast.Name):
            close = difflib.get_close_matches(node.id, list(self.known), n=1)
            hint = f"; did you mean {close[0]}(...)?" if close else ""
            literal = "a literal (number, string, True, False, None, list, tuple, dict)"
            raise self.fail(node, f"{node.id!r} is not a value; write {literal} or a schedule{hint}")
        raise self.refuse(node, "{} is not allowed in a spec")

    def refuse(self, node: ast.AST, problem: str) -> SpecError:
        """The error for a construct a spec may not hold: its pinned message, else ``problem``."""
        if not (isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd))):
            problem = next((text for kinds, text in _REFUSED if isinstance(node, kinds)), problem)
        return self.fail(node, problem.format(self.text(node)))


_REFUSED: tuple[tuple[type[ast.AST] | tuple[type[ast.AST], ...], str], ...] = (
    (ast.Attribute, "attribute access ({}) is not allowed in a spec"),
    (ast.Lambda, "a lambda is not allowed in a spec: functions cannot be given on the command line"),
    (
        (ast.BinOp, ast.BoolOp, ast.Compare, ast.UnaryOp),
        "the expression {} is not allowed; write a literal number (operators are not evaluated)",
    ),
    (
        (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp),
        "a comprehension ({}) is not allowed in a spec; write the values out",
    ),
    (ast.JoinedStr, "an f-string ({}) is not allowed in a spec; write a plain string"),
    (ast.Starred, "unpacking ({}) is not allowed in a spec"),
    (ast.Subscript, "indexing ({}) is not allowed in a spec"),
)


def _unknown_schedule(name: str, known: Mapping[str, Maker]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    if close:
        return f"unknown schedule {name!r}; did you mean {close[0]!r}? (paradox-lr list names them all)"
    return f"unknown schedule {name!r}; a spec may call only the schedules `paradox-lr list` names"


def _call(
    cls: Maker, items: Iterable[tuple[Any, str, str, Any]], where: str, read: Callable[[str, Any], Any]
) -> Pending:
    """A call checked alike in both forms; ``items`` are ``(name, where it is, where its value is, value)``."""
    params, varargs = _signature(cls)
    kwargs: dict[str, Any] = {}
    wheres: dict[str, str] = {}
    for name, at, value_at, value in items:
        if not isinstance(name, str):
            raise SpecError(f"{at}: keys must be strings. Received: {name!r}")
        if name == "optimizer":
            raise SpecError(f"{at}: {cls.__name__}'s optimizer is supplied by paradox-lr; leave it out")
        if name not in params and not varargs:
            close = difflib.get_close_matches(name, list(params), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise SpecError(f"{at}: {cls.__name__} has no parameter {name!r}{hint} ({signature_text(cls)})")
        if name in kwargs:
            raise SpecError(f"{at}: {cls.__name__} got {name!r} twice")
        kwargs[name], wheres[name] = read(name, value), value_at
    for name, param in params.items():
        if param.default is not param.empty and name not in kwargs:
            continue
        if name in _FUNCTION_PARAMS or "Callable" in str(param.annotation):
            raise SpecError(
                f"{wheres.get(name, where)}: {cls.__name__}: {name} takes a function, which a spec cannot give; "
                "build the scheduler in Python and pass it to paradox.scheduler.simulate()"
            )
        if name not in kwargs:
            raise SpecError(
                f"{where}: {cls.__name__} is missing the required argument {name!r} ({signature_text(cls)})"
            )
    children = kwargs.get("schedulers", [])
    for index, child in enumerate(children if isinstance(children, (list, tuple)) else [children]):
        if not isinstance(child, Pending):
            raise SpecError(
                f"{wheres['schedulers']}: {cls.__name__}: schedulers[{index}] must be a schedule such as "
                f"StepLR(step_size=10). Received: {child!r}"
            )
    return Pending(cls, kwargs, where)


def from_config(config: Any, origin: str = "config") -> Pending:
    """A :class:`Pending` scheduler from a config dict (``{"name": "StepLR", "step_size": 10}``)."""
    if not isinstance(config, Mapping) or "name" not in config:
        example, kind = '{"name": "StepLR", "step_size": 10}', type(config).__name__
        raise SpecError(f"{origin}: the top level must be a dict with a 'name', such as {example}. Received: {kind}")
    return _config_call(config, origin, "", schedulers(), 0)


def _config_call(config: Mapping[str, Any], origin: str, path: str, known: dict[str, Maker], depth: int) -> Pending:
    where, dotted = f"{origin}: {path or 'top level'}", f"{path}." if path else ""
    name = config["name"]
    if not isinstance(name, str) or name not in known:
        problem = _unknown_schedule(name, known) if isinstance(name, str) else f"'name' must be a string, not {name!r}"
        raise SpecError(f"{origin}: {dotted}name: {problem}")
    items = ((key, where, f"{origin}: {dotted}{key}", value) for key, value in config.items() if key != "name")
    return _call(
        known[name], items, where, lambda key, value: _config_value(value, origin, dotted + key, known, depth + 1)
    )


def _config_value(value: Any, origin: str, path: str, known: dict[str, Maker], depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise SpecError(f"{origin}: {path}: the config is nested more than {MAX_DEPTH} levels deep")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_config_value(item, origin, f"{path}[{index}]", known, depth + 1) for index, item in enumerate(value)]
    if isinstance(value, Mapping):
        if "name" in value:
            return _config_call(value, origin, path, known, depth)
        return {key: _config_value(item, origin, f"{path}.{key}", known, depth + 1) for key, item in value.items()}
    raise SpecError(
        f"{origin}: {path}: a config value must be a number, string, bool, null, list or dict. "
        f"Received: {value!r} ({type(value).__name__})"
    )


def read_config(path: str) -> Pending:
    """Read ``path`` (JSON, YAML or TOML, by extension) and parse it as a config dict."""
    file = Path(path)
    name, suffix = file.name, file.suffix.lower()
    if suffix not in (".json", ".yaml", ".yml", ".toml"):
        raise SpecError(
            f"@{path}: unknown config format {suffix or '(no extension)'!r}; use .json, .yaml, .yml or .toml"
        )
    try:
        with file.open("rb") as stream:
            raw = stream.read(MAX_CONFIG_BYTES + 1)  # a device or a huge file ends here too
    except OSError as error:
        raise SpecError(f"@{path}: cannot read the file: {error.strerror or _one_line(error)}") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise SpecError(f"@{path}: the file is larger than the limit of {MAX_CONFIG_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SpecError(f"@{path}: the file is not UTF-8 text: {_one_line(error)}") from None
    toml = "tomllib" if sys.version_info >= (3, 11) else "tomli"
    try:
        if suffix == ".json":
            _check_nesting(text, _JSON_PARTS, name)
            data = json.loads(text, object_pairs_hook=partial(_unique, name))
        elif suffix == ".toml":
            module = _optional(toml, "reading TOML on Python 3.10 needs tomli: pip install tomli")
            _check_nesting(text, _TOML_PARTS, name)
            data = module.loads(text)
        else:
            data = _read_yaml(text, name)
    except SpecError:  # a missing module, too deep a nesting, an alias, a key given twice
        raise
    except json.JSONDecodeError as error:
        raise SpecError(f"{name}: invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}") from None
    except Exception as error:  # TOML's or YAML's decode error
        mark = getattr(error, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or _one_line(error)
        kind = {".json": "JSON", ".toml": "TOML"}.get(suffix, "YAML")
        raise SpecError(f"{name}: invalid {kind}{at}: {problem}") from None
    return from_config(data, name)


#: What a nesting scan steps over: JSON's strings; TOML's strings, comments and keys, dotted ones
#: (``a.b.c = 1`` nests three deep) whole.
_JSON_PARTS = r'"(?:[^"\\]|\\.)*"'
_TOML_KEY = r"""[\w-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*'"""
_TOML_PARTS = rf"""\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|#[^\n]*|(?:{_TOML_KEY})(?:[ \t]*\.[ \t]*(?:{_TOML_KEY}))*"""


def _check_nesting(text: str, parts: str, name: str) -> None:
    """Refuse nesting deeper than :data:`MAX_DEPTH` before a parser recurses into it (or, for TOML's
    dotted keys, spends time quadratic in their length)."""
    depth = 0
    for match in re.finditer(rf"{parts}|[\[{{\]}}]", text):
        token = match[0]
        depth += 1 if token in ("[", "{") else -1 if token in ("]", "}") else 0
        dotted = parts is _TOML_PARTS and token.count(".") >= MAX_DEPTH
        if depth > MAX_DEPTH or (dotted and len(re.findall(_TOML_KEY, token)) > MAX_DEPTH):
            raise SpecError(f"{name}: the config is nested more than {MAX_DEPTH} levels deep")


def _unique(name: str, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object's pairs as a dict, refusing a key given twice (as TOML does)."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise SpecError(f"{name}: invalid JSON: the key {key!r} is given twice in one object")
        result[key] = value
    return result


def _read_yaml(text: str, name: str) -> Any:
    """YAML without aliases (a billion laughs), nesting deeper than :data:`MAX_DEPTH`, or a key given twice.

    The events are read first: the parser keeps its own stack, so neither check recurses or expands.
    """
    yaml = _optional("yaml", f"{name}: reading YAML needs PyYAML: pip install pyyaml")
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            raise SpecError(
                f"{name}: line {mark.line + 1}, column {mark.column + 1}: a YAML alias (*{event.anchor}) is not "
                "allowed in a config; write the value out"
            )
        depth += isinstance(event, yaml.CollectionStartEvent) - isinstance(event, yaml.CollectionEndEvent)
        if depth > MAX_DEPTH:
            raise SpecError(f"{name}: the config is nested more than {MAX_DEPTH} levels deep")

    class Loader(yaml.SafeLoader):  # type: ignore[misc,name-defined]
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if isinstance(key, Hashable):  # an unhashable key gets SafeLoader's own error
                    if key in seen:
                        problem = f"the key {key!r} is given twice in one mapping"
                        raise yaml.constructor.ConstructorError(None, None, problem, key_node.start_mark)
                    seen.add(key)
            return super().construct_mapping(node, deep)

    return yaml.load(text, Loader=Loader)  # a SafeLoader


def _optional(module: str, hint: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependency(hint) from None


def load(spec: str | Mapping[str, Any]) -> Pending:
    """A spec string, ``@path`` or config dict as a :class:`Pending` scheduler."""
    if isinstance(spec, Mapping):
        return from_config(spec)
    if isinstance(spec, str) and spec.strip().startswith("@"):
        return read_config(spec.strip()[1:])
    return parse(spec)

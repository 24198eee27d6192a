"""SPEC strings and config dicts: a schedule written the way it is constructed, minus the optimizer.

A spec is parsed with :mod:`ast` and never evaluated: the only calls it may hold are calls to
known schedulers (the public ``LRScheduler`` subclasses in ``paradox.scheduler.__all__``, plus any
registered with :func:`register`), and every argument is a literal (number, string, ``True``,
``False``, ``None``, list, tuple, dict) or another scheduler call. Anything else (a name, an
attribute, an operator, a lambda, a comprehension, an f-string, an unpacking) is refused with a
:class:`SpecError` whose one-line message points at the problem, before anything runs.

A scheduler call nested in an argument (``SequentialLR([LinearLR(...), ...], ...)``) becomes a
*pending* child, built on the same optimizer just before its parent, as it would be in Python.

The config-dict form is the same tree as plain data: ``{"name": "StepLR", "step_size": 10}``,
with nested ``{"name": ...}`` dicts for children. ``@path`` reads it from JSON, YAML or TOML.
"""

from __future__ import annotations

import ast
import difflib
import importlib
import inspect
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..base import LRScheduler, ScheduledLR, _LRScheduler

#: Longest spec accepted, in characters, and deepest nesting of lists and calls.
MAX_LENGTH = 10_000
MAX_DEPTH = 32

_BASES = (LRScheduler, _LRScheduler, ScheduledLR)
_REGISTERED: dict[str, type[Any]] = {}
_FUNCTION_PARAMS = frozenset({"lr_lambda", "scale_fn"})


class SpecError(ValueError):
    """A spec that cannot be built: malformed, hostile, unknown name or bad argument. One line."""


def register(cls: type[Any]) -> type[Any]:
    """Make a scheduler class usable in specs (``paradox.scheduler``'s own are found already).

    Usable as a decorator; :func:`unregister` undoes it.
    """
    _REGISTERED[cls.__name__] = cls
    return cls


def unregister(cls: type[Any]) -> None:
    """Forget a class added with :func:`register`."""
    if _REGISTERED.get(cls.__name__) is cls:
        del _REGISTERED[cls.__name__]


def schedulers() -> dict[str, type[Any]]:
    """Every scheduler a spec may name, by name, sorted: the package's public ones and registered ones."""
    import paradox.scheduler as package

    found: dict[str, type[Any]] = {}
    for name in package.__all__:
        value = getattr(package, name, None)
        if (
            isinstance(value, type)
            and issubclass(value, LRScheduler)
            and value not in _BASES
            and not name.startswith("_")
        ):
            found[name] = value
    found.update(_REGISTERED)
    return dict(sorted(found.items()))


# -- the parsed tree ------------------------------------------------------------------------


@dataclass
class Pending:
    """A scheduler to build: its class, its arguments (which may hold Pending children), and where."""

    cls: type[Any]
    kwargs: dict[str, Any]
    where: str

    def text(self) -> str:
        """The spec as text: ``StepLR(step_size=10, gamma=0.5)``, children written out too."""
        return f"{self.cls.__name__}({', '.join(f'{name}={_text(value)}' for name, value in self.kwargs.items())})"

    def build(self, optimizer: Any) -> Any:
        """Build children first (in order), then this scheduler, on ``optimizer``."""
        kwargs = {name: _build_value(value, optimizer) for name, value in self.kwargs.items()}
        params = _parameters(self.cls)
        if "optimizer" in params:
            kwargs["optimizer"] = optimizer
        try:
            return self.cls(**kwargs)
        except SpecError:
            raise
        except (TypeError, ValueError) as error:
            raise SpecError(f"{self.where}: {_one_line(error)}") from None
        except Exception as error:  # a scheduler's own failure, reported without a traceback
            raise SpecError(
                f"{self.where}: {self.cls.__name__} failed: {type(error).__name__}: {_one_line(error)}"
            ) from None


def _text(value: Any) -> str:
    if isinstance(value, Pending):
        return value.text()
    if isinstance(value, list):
        return "[" + ", ".join(_text(item) for item in value) + "]"
    if isinstance(value, tuple):
        return "(" + ", ".join(_text(item) for item in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_text(key)}: {_text(item)}" for key, item in value.items()) + "}"
    return repr(value)


def _build_value(value: Any, optimizer: Any) -> Any:
    if isinstance(value, Pending):
        return value.build(optimizer)
    if isinstance(value, list):
        return [_build_value(item, optimizer) for item in value]
    if isinstance(value, tuple):
        return tuple(_build_value(item, optimizer) for item in value)
    if isinstance(value, dict):
        return {key: _build_value(item, optimizer) for key, item in value.items()}
    return value


def _one_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return " ".join(text.split())


@dataclass
class _Param:
    name: str
    required: bool
    function: bool
    default: Any = None


@dataclass
class _Signature:
    params: dict[str, _Param] = field(default_factory=dict)
    varargs: bool = False


def _parameters(cls: type[Any]) -> dict[str, _Param]:
    return _signature(cls).params


def _signature(cls: type[Any]) -> _Signature:
    result = _Signature()
    for param in inspect.signature(cls).parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            result.varargs = True
            continue
        annotation = param.annotation
        text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", repr(annotation))
        function = param.name in _FUNCTION_PARAMS or "Callable" in str(text)
        required = param.default is param.empty
        result.params[param.name] = _Param(param.name, required, function, None if required else param.default)
    return result


def signature_text(cls: type[Any]) -> str:
    """``StepLR(step_size, gamma=0.1, last_epoch=-1)``: the constructor without the optimizer."""
    parts = []
    for param in _parameters(cls).values():
        if param.name == "optimizer":
            continue
        parts.append(param.name if param.required else f"{param.name}={param.default!r}")
    return f"{cls.__name__}({', '.join(parts)})"


def description(cls: type[Any]) -> str:
    """The first line of the class docstring."""
    doc = inspect.getdoc(cls) or ""
    return doc.strip().splitlines()[0].replace("``", "") if doc.strip() else ""


# -- the text form --------------------------------------------------------------------------


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
        column = error.offset or 1
        message = _one_line(error).split(" (<unknown>")[0]
        raise SpecError(f"invalid syntax at column {column}: {message}") from None
    except (ValueError, RecursionError, MemoryError) as error:
        raise SpecError(f"the spec cannot be parsed: {_one_line(error)}") from None
    return _Reader(source).top(tree.body)


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.known = schedulers()

    def where(self, node: ast.AST) -> str:
        return f"column {getattr(node, 'col_offset', 0) + 1}"

    def text(self, node: ast.AST, limit: int = 40) -> str:
        segment = ast.get_source_segment(self.source, node) or type(node).__name__
        segment = " ".join(segment.split())
        return segment if len(segment) <= limit else segment[: limit - 3] + "..."

    def fail(self, node: ast.AST, problem: str) -> SpecError:
        return SpecError(f"{self.where(node)}: {problem}")

    def top(self, node: ast.expr) -> Pending:
        if isinstance(node, ast.Name) and node.id in self.known:
            return self.call_of(node, [], [])
        if not isinstance(node, ast.Call):
            self.refuse(node)
            raise self.fail(
                node,
                f"a spec is a call to a schedule such as StepLR(step_size=10); found {self.text(node)}",
            )
        return self.call(node, depth=0)

    def call(self, node: ast.Call, depth: int) -> Pending:
        # depth is checked by the callers: top() passes 0, value() has just checked the same depth
        func = node.func
        if isinstance(func, ast.Name):
            if func.id not in self.known:
                raise self.fail(func, _unknown_schedule(func.id, self.known))
            return self.call_of(func, node.args, node.keywords, depth)
        self.refuse(func)
        raise self.fail(func, f"only schedules may be called; found a call of {self.text(func)}")

    def call_of(self, func: ast.Name, args: list[ast.expr], keywords: list[ast.keyword], depth: int = 0) -> Pending:
        cls = self.known[func.id]
        signature = _signature(cls)
        names = [name for name in signature.params if name != "optimizer"]
        kwargs: dict[str, Any] = {}
        nodes: dict[str, ast.AST] = {}
        for index, arg in enumerate(args):
            if isinstance(arg, ast.Starred):
                raise self.fail(arg, f"unpacking ({self.text(arg)}) is not allowed in a spec")
            if index >= len(names):
                raise self.fail(
                    arg,
                    f"{cls.__name__} takes at most {len(names)} arguments ({', '.join(names)}); got {len(args)}",
                )
            kwargs[names[index]] = self.value(arg, depth + 1)
            nodes[names[index]] = arg
        for keyword in keywords:
            if keyword.arg is None:
                raise self.fail(keyword, f"unpacking (**{self.text(keyword.value)}) is not allowed in a spec")
            name = keyword.arg
            if name == "optimizer" and "optimizer" in signature.params:
                raise self.fail(keyword, f"{cls.__name__}'s optimizer is supplied by paradox-lr; leave it out")
            if name not in signature.params and not signature.varargs:
                raise self.fail(keyword, _unknown_parameter(cls, name, names))
            if name in kwargs:
                raise self.fail(keyword, f"{cls.__name__} got {name!r} twice")
            kwargs[name] = self.value(keyword.value, depth + 1)
            nodes[name] = keyword
        return _check_call(cls, signature, kwargs, self.where(func), lambda name: self.where(nodes[name]))

    def value(self, node: ast.expr, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise self.fail(node, f"the spec is nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, ast.Constant):
            value = node.value
            if value is None or isinstance(value, (bool, int, float, str)):
                return value
            raise self.fail(node, f"a {type(value).__name__} literal ({self.text(node)}) is not allowed in a spec")
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
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        if isinstance(node, ast.Name):
            if node.id in self.known:
                return self.call_of(node, [], [], depth)
            close = difflib.get_close_matches(node.id, list(self.known), n=1)
            hint = f"; did you mean {close[0]}(...)?" if close else ""
            raise self.fail(
                node,
                f"{node.id!r} is not a value; write a literal (number, string, True, False, None, "
                f"list, tuple, dict) or a schedule{hint}",
            )
        self.refuse(node)
        raise self.fail(node, f"{self.text(node)} is not allowed in a spec")

    def refuse(self, node: ast.AST) -> None:
        """Raise the pinned message for a construct a spec may not hold (does nothing for others)."""
        text = self.text(node)
        if isinstance(node, ast.Attribute):
            raise self.fail(node, f"attribute access ({text}) is not allowed in a spec")
        if isinstance(node, ast.Lambda):
            raise self.fail(node, "a lambda is not allowed in a spec: functions cannot be given on the command line")
        if isinstance(node, (ast.BinOp, ast.BoolOp, ast.Compare)) or (
            isinstance(node, ast.UnaryOp) and not isinstance(node.op, (ast.USub, ast.UAdd))
        ):
            raise self.fail(
                node, f"the expression {text} is not allowed; write a literal number (operators are not evaluated)"
            )
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            raise self.fail(node, f"a comprehension ({text}) is not allowed in a spec; write the values out")
        if isinstance(node, ast.JoinedStr):
            raise self.fail(node, f"an f-string ({text}) is not allowed in a spec; write a plain string")
        if isinstance(node, ast.Starred):
            raise self.fail(node, f"unpacking ({text}) is not allowed in a spec")
        if isinstance(node, ast.Subscript):
            raise self.fail(node, f"indexing ({text}) is not allowed in a spec")


def _unknown_schedule(name: str, known: Mapping[str, type[Any]]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    if close:
        return f"unknown schedule {name!r}; did you mean {close[0]!r}? (paradox-lr list names them all)"
    return f"unknown schedule {name!r}; a spec may call only the schedules `paradox-lr list` names"


def _unknown_parameter(cls: type[Any], name: str, names: list[str]) -> str:
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"{cls.__name__} has no parameter {name!r}{hint} ({signature_text(cls)})"


def _check_call(
    cls: type[Any],
    signature: _Signature,
    kwargs: dict[str, Any],
    where: str,
    where_of: Any,
) -> Pending:
    """The checks shared by the text and the config forms, once the arguments are known."""
    for name, param in signature.params.items():
        if name == "optimizer":
            continue
        if param.function and (param.required or name in kwargs):
            raise SpecError(
                f"{where_of(name) if name in kwargs else where}: {cls.__name__}: {name} takes a function, "
                "which a spec cannot give; build the scheduler in Python and pass it to "
                "paradox.scheduler.simulate()"
            )
        if param.required and name not in kwargs:
            raise SpecError(
                f"{where}: {cls.__name__} is missing the required argument {name!r} ({signature_text(cls)})"
            )
    if "schedulers" in kwargs:
        children = kwargs["schedulers"]
        items = children if isinstance(children, (list, tuple)) else [children]
        for index, child in enumerate(items):
            if not isinstance(child, Pending):
                raise SpecError(
                    f"{where_of('schedulers')}: {cls.__name__}: schedulers[{index}] must be a schedule such as "
                    f"StepLR(step_size=10). Received: {child!r}"
                )
    return Pending(cls, kwargs, where)


# -- the config form ------------------------------------------------------------------------


def from_config(config: Any, origin: str = "config") -> Pending:
    """A :class:`Pending` scheduler from a config dict (``{"name": "StepLR", "step_size": 10}``)."""
    known = schedulers()
    if not isinstance(config, Mapping) or "name" not in config:
        raise SpecError(
            f"{origin}: the top level must be a dict with a 'name', such as "
            '{"name": "StepLR", "step_size": 10}. '
            f"Received: {type(config).__name__}"
        )
    return _config_call(config, origin, "", known, 0)


def _config_call(config: Mapping[str, Any], origin: str, path: str, known: dict[str, type[Any]], depth: int) -> Pending:
    # depth is checked by the callers: from_config() passes 0, _config_value() has just checked it
    where = f"{origin}: {path or 'top level'}"
    name = config["name"]
    if not isinstance(name, str) or name not in known:
        problem = _unknown_schedule(name, known) if isinstance(name, str) else f"'name' must be a string, not {name!r}"
        raise SpecError(f"{origin}: {path + '.' if path else ''}name: {problem}")
    cls = known[name]
    signature = _signature(cls)
    names = [key for key in signature.params if key != "optimizer"]
    kwargs: dict[str, Any] = {}
    for key, value in config.items():
        if key == "name":
            continue
        if not isinstance(key, str):
            raise SpecError(f"{where}: keys must be strings. Received: {key!r}")
        if key == "optimizer":
            raise SpecError(f"{where}: {name}'s optimizer is supplied by paradox-lr; leave it out")
        if key not in signature.params and not signature.varargs:
            raise SpecError(f"{where}: {_unknown_parameter(cls, key, names)}")
        kwargs[key] = _config_value(value, origin, f"{path}.{key}" if path else key, known, depth + 1)

    def where_of(key: str) -> str:
        return f"{origin}: {path + '.' if path else ''}{key}"

    return _check_call(cls, signature, kwargs, where, where_of)


def _config_value(value: Any, origin: str, path: str, known: dict[str, type[Any]], depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise SpecError(f"{origin}: {path}: the config is nested more than {MAX_DEPTH} levels deep")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value  # a non-finite float too: the scheduler's own check names the parameter
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
    suffix = file.suffix.lower()
    if suffix not in (".json", ".yaml", ".yml", ".toml"):
        raise SpecError(
            f"@{path}: unknown config format {suffix or '(no extension)'!r}; use .json, .yaml, .yml or .toml"
        )
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as error:
        raise SpecError(f"@{path}: cannot read the file: {error.strerror or _one_line(error)}") from None
    except UnicodeDecodeError as error:
        raise SpecError(f"@{path}: the file is not UTF-8 text: {_one_line(error)}") from None
    data = _load(path, suffix, text)
    return from_config(data, file.name)


def _load(path: str, suffix: str, text: str) -> Any:
    name = Path(path).name
    if suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise SpecError(f"{name}: invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}") from None
    if suffix in (".yaml", ".yml"):
        try:
            yaml = importlib.import_module("yaml")
        except ImportError:
            raise MissingDependency(f"{name}: reading YAML needs PyYAML: pip install pyyaml") from None
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
            problem = getattr(error, "problem", None) or _one_line(error)
            raise SpecError(f"{name}: invalid YAML{at}: {problem}") from None
    toml = _toml()
    try:
        return toml.loads(text)
    except Exception as error:  # tomllib.TOMLDecodeError / tomli's
        raise SpecError(f"{name}: invalid TOML: {_one_line(error)}") from None


def _toml() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib
    try:
        return importlib.import_module("tomli")
    except ImportError:
        raise MissingDependency("reading TOML on Python 3.10 needs tomli: pip install tomli") from None


class MissingDependency(SpecError):
    """An optional package needed for this input (PyYAML, tomli) is not installed."""


def load(spec: str | Mapping[str, Any]) -> Pending:
    """A spec string, ``@path`` or config dict as a :class:`Pending` scheduler."""
    if isinstance(spec, Mapping):
        return from_config(spec)
    if isinstance(spec, str) and spec.strip().startswith("@"):
        return read_config(spec.strip()[1:])
    return parse(spec)

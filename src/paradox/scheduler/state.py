"""Scheduler state as strict-JSON data, and the checks that guard loading it."""

from __future__ import annotations

from collections.abc import Mapping

from .validate import check_float, check_int, fail, hyper_value, is_tensor, to_float

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from typing import Any


FORMAT = "paradox.scheduler"
VERSION = 1

STATE_KEYS = ("config", "last_epoch", "step_count", "base_lrs", "last_lr")


def read_ours(state: Mapping[str, Any], class_name: str, keys: tuple[str, ...]) -> dict[str, Any]:
    """Check the envelope of a state of this library's format: format, version, class and ``keys``."""
    if state["format"] != FORMAT:
        fail("state_dict['format']", repr(FORMAT), state["format"])
    if state.get("version") != VERSION:
        fail("state_dict['version']", f"{VERSION} (the only format version known)", state.get("version"))
    if state.get("class") != class_name:
        fail("state_dict['class']", f"{class_name!r} (a state saved by this class)", state.get("class"))
    for key in keys:
        if key not in state:
            fail("state_dict", f"a dict holding {key!r}", sorted(state))
    return dict(state)


def check_mapping(state: object) -> Mapping[str, Any]:
    if not isinstance(state, Mapping):
        fail("state_dict", "a dict returned by state_dict()", state, kind=True)
    return state


def read_state(state: object, class_name: str, config_keys: tuple[str, ...]) -> dict[str, Any]:
    """Check the envelope of ``state`` and return it in this library's layout (torch's state of the
    same class converted, and kept whole under ``torch`` for the entries a class reads itself)."""
    state = check_mapping(state)
    if "format" in state:
        return read_ours(state, class_name, STATE_KEYS)
    if "base_lrs" in state and "last_epoch" in state:  # torch's format
        return {
            "config": {key: state[key] for key in config_keys if key in state},
            "last_epoch": state["last_epoch"],
            "step_count": state.get("_step_count", 1),
            "base_lrs": state["base_lrs"],
            "last_lr": state.get("_last_lr", state["base_lrs"]),
            "torch": state,
        }
    fail(
        "state_dict",
        f"a state dict with 'format': {FORMAT!r} or torch's 'base_lrs' and 'last_epoch'",
        sorted(state),
    )


def read_values(key: str, values: object, count: int, *, signed: bool = False) -> list[float]:
    """A saved list of per-group values: a list of ``count`` finite numbers, >= 0 unless ``signed``."""
    if not isinstance(values, (list, tuple)):
        fail(f"state_dict[{key!r}]", "a list of numbers", values, kind=True)
    if len(values) != count:
        fail(f"state_dict[{key!r}]", f"a list of {count} values, one per param group", values)
    if signed:  # a rebased base may lie below 0 (an lr set to 0 under a cosine with eta_min > 0)
        return [_signed(f"state_dict[{key!r}][{index}]", value) for index, value in enumerate(values)]
    return [hyper_value(f"state_dict[{key!r}][{index}]", value) for index, value in enumerate(values)]


def _signed(where: str, value: Any) -> float:
    """A finite number of either sign; a one-element tensor (torch's states) counts as its value."""
    if is_tensor(value) and value.numel() == 1:
        value = to_float(value)
    return check_float(where, value)


def read_rescales(value: object) -> tuple[tuple[int, int], ...]:
    """The saved changes of budget: a list of ``[at, total_steps]`` pairs of ints, ``0 <= at <
    total_steps`` (checked again, with the schedule, when they are applied)."""
    rule = "a list of [at, total_steps] pairs of ints with 0 <= at < total_steps (the changes of budget)"
    if not isinstance(value, (list, tuple)):
        fail("state_dict['rescaled']", rule, value, kind=True)
    events = []
    for index, item in enumerate(value):
        where = f"state_dict['rescaled'][{index}]"
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            fail(where, "[at, total_steps]", item, kind=not isinstance(item, (list, tuple)))
        at = check_int(f"{where}[0]", item[0], minimum=0)
        events.append((at, check_int(f"{where}[1]", item[1], minimum=at + 1)))
    return tuple(events)


def read_count(key: str, value: object, minimum: int) -> int:
    return check_int(f"state_dict[{key!r}]", value, minimum=minimum)


def read_config(value: object) -> dict[str, Any]:
    """The saved config: a dict of field values (validated later by building the schedule)."""
    if not isinstance(value, Mapping):
        fail("state_dict['config']", "a dict of config fields", value, kind=True)
    return dict(value)

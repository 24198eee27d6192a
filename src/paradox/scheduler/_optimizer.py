"""What a scheduler needs from an optimizer: ``param_groups``, a list of dicts that hold ``"lr"``.

Nothing here imports torch. A torch ``Tensor`` lr (``lr=torch.tensor(0.01)``) is recognised by
duck typing (a one-element number with ``fill_``) and updated in place, never replaced.
"""

from __future__ import annotations

import math
from _collections_abc import MutableMapping

from ._validate import fail, is_number, to_float

TYPE_CHECKING = False  # typing is not imported at run time: it would double the import time
if TYPE_CHECKING:
    from typing import Any, Protocol

    ParamGroup = MutableMapping[str, Any]

    class SupportsParamGroups(Protocol):
        """Any optimizer: torch's, the Paradox Framework's, or a plain object with ``param_groups``."""

        @property
        def param_groups(self) -> list[ParamGroup]: ...


def is_tensor(value: object) -> bool:
    """True for a torch-like tensor, which is updated with ``fill_`` instead of replaced."""
    return hasattr(value, "fill_") and hasattr(value, "numel")


def set_lr(group: ParamGroup, value: float) -> None:
    """Set a group's lr: a tensor lr is filled in place, anything else is replaced."""
    current = group["lr"]
    if is_tensor(current):
        current.fill_(value)
    else:
        group["lr"] = value


def param_groups(owner: str, optimizer: object) -> list[ParamGroup]:
    """The optimizer's ``param_groups``, checked: a non-empty list of dicts."""
    rule = "an optimizer with `param_groups`, a non-empty list of dicts that each hold 'lr'"
    groups = getattr(optimizer, "param_groups", None)
    if not isinstance(groups, list):
        fail(owner, "optimizer", rule, optimizer, kind=True)
    if not groups:
        fail(owner, "optimizer.param_groups", "a non-empty list of dicts", groups)
    for index, group in enumerate(groups):
        if not isinstance(group, MutableMapping):
            fail(owner, f"optimizer.param_groups[{index}]", "a dict", group, kind=True)
    return groups


def hyper_value(owner: str, where: str, value: Any) -> float:
    """A group hyperparameter (``lr``, ``initial_lr``, ...) as a float: finite and >= 0."""
    rule = "a finite number >= 0 (a float or a one-element tensor)"
    if is_tensor(value):
        if value.numel() != 1:
            fail(owner, where, rule, value)
        number = float(value)
    elif is_number(value):
        number = to_float(value)
    else:
        fail(owner, where, rule, value, kind=True)
    if not math.isfinite(number) or number < 0.0:
        fail(owner, where, rule, value)
    return number


def group_value(owner: str, groups: list[ParamGroup], index: int, key: str) -> float:
    """``groups[index][key]`` checked by :func:`hyper_value`; a missing key is a ValueError."""
    group = groups[index]
    if key not in group:
        fail(owner, f"optimizer.param_groups[{index}]", f"a dict holding {key!r}", sorted(group))
    return hyper_value(owner, f"optimizer.param_groups[{index}][{key!r}]", group[key])


def copy_value(value: Any) -> Any:
    """A copy that does not alias a tensor (``clone``); floats are returned as they are."""
    return value.clone() if is_tensor(value) else value

"""torch as the reference implementation: optimizers built the same way for torch and for us."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

torch = pytest.importorskip("torch")
from torch.optim import lr_scheduler as torch_sched  # noqa: E402


def torch_optimizer(lrs: list[float], *, tensor: bool = False, kind: str = "sgd") -> Any:
    """A torch optimizer with one param group per lr; tensor lrs are float64 scalars."""
    groups = []
    for lr in lrs:
        param = torch.nn.Parameter(torch.zeros(2))
        value = torch.tensor(lr, dtype=torch.float64) if tensor else lr
        groups.append({"params": [param], "lr": value})
    if kind == "adam":
        return torch.optim.Adam(groups, lr=0.1)
    return torch.optim.SGD(groups, lr=0.1, momentum=0.9)


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Ignore every warning inside (torch's deprecation and call-order warnings in reference runs)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


__all__ = ["torch", "torch_optimizer", "torch_sched", "quiet"]

"""Regression tests for bugs found in review (one test per bug, named for it)."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from conftest import assert_close, lrs_of
from paradox.scheduler import CosineAnnealingLR, StepLR

torch = pytest.importorskip("torch")


def _sgd(count: int, *, tensor: bool) -> Any:
    groups = []
    for _ in range(count):
        lr: Any = torch.tensor(0.1, dtype=torch.float64) if tensor else 0.1
        groups.append({"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr})
    return torch.optim.SGD(groups, lr=0.1)


@pytest.mark.parametrize(
    ("cls", "kwargs"),
    [(CosineAnnealingLR, {"T_max": 10}), (StepLR, {"step_size": 2, "gamma": 0.5})],
)
def test_loaded_state_compares_tensor_lrs_like_float_lrs(cls: Any, kwargs: dict[str, Any]) -> None:
    # A state loaded into a fresh scheduler on a fresh optimizer (its state not loaded): the
    # groups hold 0.1, not the loaded last_lr, so the next step takes that lr up, tensor or not.
    lrs = {}
    for tensor in (False, True):
        scheduler = cls(_sgd(3, tensor=tensor), **kwargs)
        for _ in range(5):
            scheduler.step()
        state = scheduler.state_dict()
        optimizer = _sgd(3, tensor=tensor)
        fresh = cls(optimizer, **kwargs)
        fresh.load_state_dict(state)
        fresh.step()
        lrs[tensor] = [float(group["lr"]) for group in optimizer.param_groups]
    assert lrs[True] == lrs[False]
    # and both are torch's (its recursive form continues from the groups' 0.1)
    reference = getattr(torch.optim.lr_scheduler, cls.__name__)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = reference(_sgd(3, tensor=False), **kwargs)
        for _ in range(5):
            theirs.step()
        optimizer = _sgd(3, tensor=False)
        fresh_theirs = reference(optimizer, **kwargs)
        fresh_theirs.load_state_dict(theirs.state_dict())
        fresh_theirs.step()
    assert_close(lrs[False], lrs_of(optimizer))

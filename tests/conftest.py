"""Shared helpers: plain optimizers, torch optimizers, warning silencing and lr comparison."""

from __future__ import annotations

import contextlib
import copy
import math
import os
import random
import re
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from hypothesis import settings

# The property tests draw the same examples on every run, so a red run can be replayed and CI is
# not decided by luck; HYPOTHESIS_PROFILE=explore draws new ones (and found two bugs that way).
settings.register_profile("replay", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "replay"))


class PlainOptimizer:
    """The smallest optimizer a scheduler accepts: an object with ``param_groups`` (extra keys per group)."""

    def __init__(self, *lrs: float, **extra: Any) -> None:
        self.param_groups: list[dict[str, Any]] = [{"lr": lr, **extra} for lr in lrs]


def stable_id(value: object) -> str:
    """A test id from ``repr(value)`` without memory addresses (``<function <lambda> at 0x...>``), so
    that every run, and every pytest-xdist worker, collects the same ids."""
    return re.sub(r" at 0x[0-9a-fA-F]+", "", repr(value))


def lrs_of(optimizer: Any) -> list[float]:
    return [float(group["lr"]) for group in optimizer.param_groups]


def snapshot(optimizer: Any) -> list[dict[str, Any]]:
    return copy.deepcopy(optimizer.param_groups)


@contextlib.contextmanager
def refused(scheduler: Any, error: type[Exception], pattern: str) -> Iterator[None]:
    """Expect ``error`` matching ``pattern``, with the scheduler's state and its optimizer's groups unchanged."""
    groups, state = snapshot(scheduler.optimizer), scheduler.state_dict()
    with pytest.raises(error, match=pattern):
        yield
    assert scheduler.optimizer.param_groups == groups
    assert scheduler.state_dict() == state


def shrink(epoch: int) -> float:
    """A module-level factor function (picklable, stable name) for LambdaLR and MultiplicativeLR."""
    return 0.97 if epoch % 3 else 0.9


def random_lrs(rng: random.Random) -> list[float]:
    return [rng.uniform(1e-4, 1.0) for _ in range(3)]


def assert_close(ours: Sequence[float], reference: Sequence[float], rel: float = 1e-9, abs_: float = 1e-15) -> None:
    assert len(ours) == len(reference), (ours, reference)
    for a, b in zip(ours, reference):
        assert math.isclose(float(a), float(b), rel_tol=rel, abs_tol=abs_), (list(ours), list(reference))


@contextlib.contextmanager
def quiet(action: str = "ignore", category: type[Warning] = Warning) -> Iterator[None]:
    """Apply ``action`` to warnings of ``category`` inside (default: ignore torch's deprecation warnings)."""
    with warnings.catch_warnings():
        warnings.simplefilter(action, category)  # type: ignore[arg-type]
        yield


@pytest.fixture
def quiet_warnings() -> Iterator[None]:
    with quiet():
        yield


def torch_optimizer(lrs: list[float], *, tensor: bool = False, kind: str = "sgd") -> Any:
    """A torch optimizer with one param group per lr; tensor lrs are float64 scalars."""
    import torch

    groups = []
    for lr in lrs:
        param = torch.nn.Parameter(torch.zeros(2))
        value = torch.tensor(lr, dtype=torch.float64) if tensor else lr
        groups.append({"params": [param], "lr": value})
    if kind == "adam":
        return torch.optim.Adam(groups, lr=0.1)
    return torch.optim.SGD(groups, lr=0.1, momentum=0.9)


def load_timm_scheduler(module: str) -> Any:
    """``timm.scheduler.<module>`` (``"cosine_lr"``, ...), loaded without running timm's ``__init__``,
    which imports torchvision (not installed: its wheel replaces the CPU torch). The scheduler
    modules need torch alone."""
    import importlib
    import importlib.machinery
    import sys
    import types

    spec = importlib.machinery.PathFinder.find_spec("timm")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail("timm is not installed: pip install --no-deps timm==1.0.31 (see the README)")
    for name, path in (("timm", spec.submodule_search_locations[0]), ("timm.scheduler", None)):
        if name not in sys.modules:
            package = types.ModuleType(name)
            package.__path__ = [path or os.path.join(sys.modules["timm"].__path__[0], "scheduler")]
            sys.modules[name] = package
    return importlib.import_module(f"timm.scheduler.{module}")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The trainer tests (``integrations``) run only when asked: they need the ``integrations``
    extra and take minutes."""
    if os.environ.get("PARADOX_INTEGRATIONS"):
        return
    skip = pytest.mark.skip(reason="trainer tests: pip install -e '.[integrations]', then PARADOX_INTEGRATIONS=1")
    for item in items:
        if "integrations" in item.keywords:
            item.add_marker(skip)

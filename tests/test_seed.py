"""The seed's usage example runs as written, from the repository root, on the framework's path."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SEED_EXAMPLE = """\
from modules.framework.scheduler import CosineAnnealingLR

optimizer = Adam(model.parameters(), lr=0.001)
scheduler = CosineAnnealingLR(optimizer, T_max=100)

for epoch in range(100):
    train(model, optimizer)
    scheduler.step() # Learning rate smoothly decreases
"""

TORCH_PRELUDE = """\
import torch
from torch.optim import Adam

torch.manual_seed(0)
model = torch.nn.Linear(4, 1)
data, target = torch.randn(32, 4), torch.randn(32, 1)
seen = []

def train(model, optimizer):
    seen.append(optimizer.param_groups[0]["lr"])
    optimizer.zero_grad()
    torch.nn.functional.mse_loss(model(data), target).backward()
    optimizer.step()
"""

CHECKS = """
import math
assert len(seen) == 100
assert seen[0] == 0.001
assert all(a > b for a, b in zip(seen, seen[1:])), "the lr smoothly decreases"
assert math.isclose(seen[50], 0.0005, rel_tol=1e-12)
assert optimizer.param_groups[0]["lr"] == 0.0
print("ok", seen[1], seen[99])
"""


def run(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_seed_example_runs_as_written_with_torch_adam() -> None:
    pytest.importorskip("torch")
    out = run(TORCH_PRELUDE + SEED_EXAMPLE + CHECKS)
    assert out.startswith("ok 0.000999753")


def test_seed_example_runs_with_a_plain_optimizer() -> None:
    prelude = textwrap.dedent(
        """\
        class Adam:
            def __init__(self, params, lr):
                self.param_groups = [{"params": list(params), "lr": lr}]

        class Model:
            def parameters(self):
                return iter([])

        model = Model()
        seen = []

        def train(model, optimizer):
            seen.append(optimizer.param_groups[0]["lr"])
        """
    )
    assert run(prelude + SEED_EXAMPLE + CHECKS).startswith("ok ")


def test_framework_path_is_the_package() -> None:
    out = run(
        "import modules.framework.scheduler as m, paradox.scheduler as p;"
        "print(m.CosineAnnealingLR is p.CosineAnnealingLR, m._LRScheduler is p._LRScheduler, m.__all__ == p.__all__)"
    )
    assert out.split() == ["True", "True", "True"]

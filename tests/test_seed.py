"""The seed's usage example runs as written, from the repository root, on the framework's path."""

from __future__ import annotations

import subprocess
import sys
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

PLAIN_PRELUDE = """\
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

CHECKS = """
import math
import modules.framework.scheduler as m, paradox.scheduler as p
assert len(seen) == 100
assert seen[0] == 0.001
assert all(a > b for a, b in zip(seen, seen[1:])), "the lr smoothly decreases"
assert math.isclose(seen[50], 0.0005, rel_tol=1e-12)
assert optimizer.param_groups[0]["lr"] == 0.0
assert m.CosineAnnealingLR is p.CosineAnnealingLR and m._LRScheduler is p._LRScheduler and m.__all__ == p.__all__
print("ok", seen[1], seen[99])
"""


@pytest.mark.parametrize(
    "prelude",
    [pytest.param(TORCH_PRELUDE, marks=pytest.mark.slow), PLAIN_PRELUDE],  # a fresh torch import: about 3 s
    ids=["torch-adam", "plain-optimizer"],
)
def test_seed_example_runs_as_written(prelude: str) -> None:
    if prelude is TORCH_PRELUDE:
        pytest.importorskip("torch")
    result = subprocess.run(
        [sys.executable, "-c", prelude + SEED_EXAMPLE + CHECKS], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok 0.000999753")

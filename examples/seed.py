"""The seed's usage example, made runnable: a tiny model, a plain Adam-like optimizer, 100 epochs.

Run from the repository root: ``python examples/seed.py``. It uses the Paradox Framework's path
(``modules.framework.scheduler``) exactly as the seed does.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root

from modules.framework.scheduler import CosineAnnealingLR


class Model:
    """A one-weight model: enough to show the scheduler at work."""

    def __init__(self) -> None:
        self.weight = 5.0

    def parameters(self) -> list["Model"]:
        return [self]


class Adam:
    """A stand-in with the shape of an optimizer: ``param_groups`` holding ``lr``."""

    def __init__(self, params: list[Model], lr: float) -> None:
        self.param_groups = [{"params": list(params), "lr": lr}]

    def step(self, grad: float) -> None:
        for group in self.param_groups:
            for param in group["params"]:
                param.weight -= group["lr"] * (1 if grad > 0 else -1)


def train(model: Model, optimizer: Adam) -> None:
    optimizer.step(grad=2 * model.weight)  # minimise weight**2


model = Model()

optimizer = Adam(model.parameters(), lr=0.001)
scheduler = CosineAnnealingLR(optimizer, T_max=100)

for epoch in range(100):
    train(model, optimizer)
    scheduler.step()  # Learning rate smoothly decreases
    if epoch % 10 == 9 or epoch == 0:
        print(f"epoch {epoch + 1:3d}  lr {optimizer.param_groups[0]['lr']:.6f}  weight {model.weight:.4f}")

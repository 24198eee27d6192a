"""``paradox.scheduler.torch``: the classes trainers accept, checked against torch's own classes.

The quick tests here need torch alone. The trainer tests (Lightning, the HF Trainer, Accelerate,
torch.distributed, torch.compile) are marked ``integrations`` and need ``pip install -e
".[integrations]"``; each runs the same script with torch's class and with ours, and compares.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import warnings
from typing import Any

import pytest
import torch
from torch.optim import lr_scheduler as theirs

import paradox.scheduler as plain
import paradox.scheduler.torch as ours
from conftest import quiet

#: One config per torch-named class: (positional arguments, keyword arguments).
CONFIGS: dict[str, dict[str, Any]] = {
    "StepLR": {"step_size": 3, "gamma": 0.5},
    "MultiStepLR": {"milestones": [2, 5], "gamma": 0.3},
    "ConstantLR": {"factor": 0.5, "total_iters": 4},
    "LinearLR": {"start_factor": 0.2, "total_iters": 5},
    "ExponentialLR": {"gamma": 0.9},
    "PolynomialLR": {"total_iters": 8, "power": 2.0},
    "CosineAnnealingLR": {"T_max": 6, "eta_min": 0.001},
    "CosineAnnealingWarmRestarts": {"T_0": 3, "T_mult": 2},
    "CyclicLR": {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 3},
    "OneCycleLR": {"max_lr": 0.1, "total_steps": 20},
    "LambdaLR": {"lr_lambda": lambda epoch: 0.9**epoch},
    "MultiplicativeLR": {"lr_lambda": lambda epoch: 0.95},
    "ReduceLROnPlateau": {"patience": 1, "factor": 0.5},
}
NAMES = [*CONFIGS, "SequentialLR", "ChainedScheduler"]


def build(module: Any, name: str, optimizer: Any) -> Any:
    if name == "SequentialLR":
        children = [module.LinearLR(optimizer, 0.1, total_iters=3), module.CosineAnnealingLR(optimizer, T_max=10)]
        return module.SequentialLR(optimizer, children, milestones=[3])
    if name == "ChainedScheduler":
        return module.ChainedScheduler([module.StepLR(optimizer, 2, 0.5), module.ExponentialLR(optimizer, 0.9)])
    return getattr(module, name)(optimizer, **CONFIGS[name])


def sgd() -> torch.optim.SGD:
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=0.1, momentum=0.9)


@pytest.mark.parametrize("name", NAMES)
def test_every_class_passes_torchs_isinstance_and_gives_torchs_values(name: str) -> None:
    optimizer, reference_optimizer = sgd(), sgd()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no call-order warning: torch's __init__ never runs
        scheduler = build(ours, name, optimizer)
        assert isinstance(scheduler, theirs.LRScheduler)
        assert isinstance(scheduler, getattr(plain, name))
        assert not hasattr(optimizer.step, "_wrapped_by_lr_sched")
        with quiet():
            reference = build(theirs, name, reference_optimizer)
        args = (1.0,) if name == "ReduceLROnPlateau" else ()  # a flat metric: the plateau cuts the lr
        for _ in range(12):
            scheduler.step(*args)
            with quiet():
                reference.step(*args)
            assert optimizer.param_groups[0]["lr"] == pytest.approx(
                reference_optimizer.param_groups[0]["lr"], rel=1e-12
            )
    assert isinstance(scheduler, theirs.ReduceLROnPlateau) == (name == "ReduceLROnPlateau")


def test_a_subclass_of_the_base_is_accepted_and_keeps_the_seed_name() -> None:
    class Halving(ours.LRScheduler):
        def get_lr(self) -> list[float]:
            return [base * 0.5**self.last_epoch for base in self.base_lrs]

    optimizer = sgd()
    scheduler = Halving(optimizer)
    scheduler.step()
    assert isinstance(scheduler, theirs.LRScheduler)
    assert ours._LRScheduler is ours.LRScheduler
    assert optimizer.param_groups[0]["lr"] == 0.05


def test_the_plain_package_imports_no_torch() -> None:
    code = "import sys, paradox.scheduler; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# -- trainers -------------------------------------------------------------------------------------

FACES = {"theirs": theirs, "ours": ours}


def need(module: str) -> Any:
    """The trainer package, or a skip without the extra (CI sets PARADOX_INTEGRATIONS=required)."""
    if os.environ.get("PARADOX_INTEGRATIONS") == "required":
        return importlib.import_module(module)
    return pytest.importorskip(module)


def data(count: int = 32) -> torch.utils.data.TensorDataset:
    generator = torch.Generator().manual_seed(0)
    return torch.utils.data.TensorDataset(
        torch.randn(count, 4, generator=generator), torch.randn(count, 1, generator=generator)
    )


def lightning_run(
    face: Any, tmp_path: Any, scheduler: Any, *, epochs: int, ckpt: str | None = None, **trainer: Any
) -> list[float]:
    """Fit a linear model with ``scheduler(face, optimizer)`` (a Lightning ``lr_scheduler`` dict);
    return the lr every training step saw."""
    lightning = need("lightning")
    seen: list[float] = []

    class Model(lightning.LightningModule):  # type: ignore[misc, name-defined]
        def __init__(self) -> None:
            super().__init__()
            torch.manual_seed(0)
            self.net = torch.nn.Linear(4, 1)

        def training_step(self, batch: Any, index: int) -> Any:
            seen.append(self.optimizers().param_groups[0]["lr"])
            loss = torch.nn.functional.mse_loss(self.net(batch[0]), batch[1])
            self.log("train_loss", loss, on_epoch=True, on_step=False)
            return loss

        def configure_optimizers(self) -> Any:
            optimizer = torch.optim.SGD(self.parameters(), lr=0.1, momentum=0.9)
            return {"optimizer": optimizer, "lr_scheduler": scheduler(face, optimizer)}

    options = {"logger": False, "enable_checkpointing": False, "enable_progress_bar": False}
    options.update(enable_model_summary=False, accelerator="cpu", max_epochs=epochs, **trainer)
    fit = lightning.Trainer(**options)
    fit.fit(Model(), torch.utils.data.DataLoader(data(), batch_size=8), ckpt_path=ckpt)
    return seen


LIGHTNING = {
    "step interval": lambda face, opt: {
        "scheduler": face.OneCycleLR(opt, max_lr=0.1, total_steps=24),
        "interval": "step",
    },
    "epoch interval, frequency 2": lambda face, opt: {"scheduler": face.StepLR(opt, 1, 0.5), "frequency": 2},
    "monitor": lambda face, opt: {"scheduler": face.ReduceLROnPlateau(opt, "max", patience=1), "monitor": "train_loss"},
}


@pytest.mark.integrations
@pytest.mark.parametrize("case", LIGHTNING)
def test_lightning_drives_ours_as_torchs(case: str, tmp_path: Any) -> None:
    runs = {name: lightning_run(face, tmp_path, LIGHTNING[case], epochs=6) for name, face in FACES.items()}
    assert len(set(runs["ours"])) > 2  # the schedule moved
    assert runs["ours"] == pytest.approx(runs["theirs"], rel=1e-12)


@pytest.mark.integrations
@pytest.mark.parametrize("name", FACES)
def test_lightning_logs_our_lrs_and_resumes_a_checkpoint_exactly(name: str, tmp_path: Any) -> None:
    lightning = need("lightning")
    from lightning.pytorch.callbacks import LearningRateMonitor, ModelCheckpoint
    from lightning.pytorch.loggers import CSVLogger

    def one_cycle(face: Any, optimizer: Any) -> dict[str, Any]:
        return {"scheduler": face.OneCycleLR(optimizer, max_lr=0.1, total_steps=24), "interval": "step"}

    face = FACES[name]
    logger = CSVLogger(tmp_path / "logs", name="run")
    whole = lightning_run(
        face, tmp_path, one_cycle, epochs=6, logger=logger, log_every_n_steps=1, callbacks=[LearningRateMonitor()]
    )
    rows = (tmp_path / "logs" / "run" / "version_0" / "metrics.csv").read_text().splitlines()
    column = rows[0].split(",").index("lr-SGD")
    logged = [float(row.split(",")[column]) for row in rows[1:] if row.split(",")[column]]
    assert logged == pytest.approx(whole[: len(logged)], rel=1e-12) and len(logged) >= 4

    checkpoint = ModelCheckpoint(dirpath=tmp_path / "ckpt", save_last=True)
    first = lightning_run(face, tmp_path, one_cycle, epochs=3, enable_checkpointing=True, callbacks=[checkpoint])
    rest = lightning_run(face, tmp_path, one_cycle, epochs=6, ckpt=str(tmp_path / "ckpt" / "last.ckpt"))
    assert first + rest == pytest.approx(whole, rel=1e-12)
    assert lightning.__version__

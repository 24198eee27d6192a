"""``paradox.scheduler.torch``: the classes trainers accept, checked against torch's own classes.

The quick tests here need torch alone. The trainer tests (Lightning, the HF Trainer, Accelerate,
torch.distributed, torch.compile) are marked ``integrations``: they run with
``PARADOX_INTEGRATIONS=1`` after ``pip install -e ".[integrations]"`` (``.ci/run`` does it), and
each runs the same script with torch's class and with ours, and compares.
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
    """A trainer package: these tests run only with PARADOX_INTEGRATIONS set (see conftest)."""
    return importlib.import_module(module)


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
    need("lightning")
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


def hf_run(
    face: Any, tmp_path: Any, scheduler: Any, *, plateau: bool = False, resume: str | None = None
) -> list[float]:
    """Train 12 steps with the HF Trainer and ``optimizers=(optimizer, scheduler(face, optimizer))``,
    saving a checkpoint every 6; return the logged ``learning_rate`` of each step."""
    transformers = need("transformers")

    class Model(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            torch.manual_seed(0)
            self.net = torch.nn.Linear(4, 1)

        def forward(self, x: Any, labels: Any) -> dict[str, Any]:
            return {"loss": torch.nn.functional.mse_loss(self.net(x), labels)}

    rows = [{"x": x, "labels": y} for x, y in data()]
    model = Model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    evaluation = {"eval_strategy": "steps", "eval_steps": 2, "metric_for_best_model": "loss"} if plateau else {}
    args = transformers.TrainingArguments(
        output_dir=str(tmp_path / "out"),
        max_steps=12,
        per_device_train_batch_size=8,
        logging_steps=1,
        save_steps=6,
        report_to=[],
        use_cpu=True,
        disable_tqdm=True,
        **evaluation,
    )
    trainer = transformers.Trainer(
        model=model,
        args=args,
        train_dataset=rows,
        eval_dataset=rows if plateau else None,
        optimizers=(optimizer, scheduler(face, optimizer)),
    )
    trainer.train(resume_from_checkpoint=resume)
    return [entry["learning_rate"] for entry in trainer.state.log_history if "learning_rate" in entry]


def warmup_cosine(face: Any, optimizer: Any) -> Any:
    children = [face.LinearLR(optimizer, 0.1, total_iters=4), face.CosineAnnealingLR(optimizer, T_max=8)]
    return face.SequentialLR(optimizer, children, milestones=[4])


@pytest.mark.integrations
def test_hf_trainer_logs_and_resumes_ours_as_torchs(tmp_path: Any) -> None:
    runs = {name: hf_run(face, tmp_path / name, warmup_cosine) for name, face in FACES.items()}
    assert len(runs["ours"]) == 12 and len(set(runs["ours"])) > 6
    assert runs["ours"] == pytest.approx(runs["theirs"], rel=1e-12)
    resumed = hf_run(ours, tmp_path / "ours", warmup_cosine, resume=str(tmp_path / "ours" / "out" / "checkpoint-6"))
    assert resumed == pytest.approx(runs["ours"], rel=1e-12)  # the log of steps 1-6 is the checkpoint's


@pytest.mark.integrations
def test_hf_trainer_passes_the_metric_to_our_plateau(tmp_path: Any) -> None:
    def plateau(face: Any, optimizer: Any) -> Any:
        return face.ReduceLROnPlateau(optimizer, "max", patience=0)  # the loss falls: cut at each evaluation

    runs = {name: hf_run(face, tmp_path / name, plateau, plateau=True) for name, face in FACES.items()}
    assert runs["ours"][-1] < 1e-4  # cut at each of the 5 evaluations before the last step
    assert runs["ours"] == pytest.approx(runs["theirs"], rel=1e-12)


def accelerate_run(face: Any, tmp_path: Any, *, save_at: int | None = None, **options: Any) -> list[float]:
    """Train through ``accelerator.prepare`` (OneCycleLR over 20 optimizer steps, 16 batches of 2);
    with ``save_at``, save the state there, run 2 batches more, load it back and go on.
    Return the lr after each batch."""
    need("accelerate")
    from accelerate import Accelerator, DataLoaderConfiguration
    from accelerate.scheduler import AcceleratedScheduler
    from accelerate.state import AcceleratorState, GradientState

    AcceleratorState._reset_state(True)
    GradientState._reset_state()
    split = DataLoaderConfiguration(split_batches=options.pop("split_batches", False))
    accelerator = Accelerator(cpu=True, dataloader_config=split, **options)
    torch.manual_seed(0)
    model = torch.nn.Linear(4, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    scheduler = face.OneCycleLR(optimizer, max_lr=0.1, total_steps=20)
    loader = torch.utils.data.DataLoader(data(), batch_size=2)
    model, optimizer, loader, scheduler = accelerator.prepare(model, optimizer, loader, scheduler)
    assert isinstance(scheduler, AcceleratedScheduler)
    batches, lrs = list(loader), []
    plan = list(range(len(batches)))
    if save_at is not None:
        plan = [*plan[:save_at], "save", *plan[save_at : save_at + 2], "load", *plan[save_at:]]
    for index in plan:
        if index in ("save", "load"):
            getattr(accelerator, f"{index}_state")(str(tmp_path / "state"))
            continue
        x, y = batches[index]
        with accelerator.accumulate(model):
            accelerator.backward(torch.nn.functional.mse_loss(model(x), y))
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
        lrs.append(optimizer.param_groups[0]["lr"])
    return lrs


@pytest.mark.integrations
@pytest.mark.parametrize("options", [{}, {"gradient_accumulation_steps": 2}, {"split_batches": True}])
def test_accelerate_wraps_and_steps_ours_as_torchs(options: dict[str, Any], tmp_path: Any) -> None:
    runs = {name: accelerate_run(face, tmp_path, **options) for name, face in FACES.items()}
    accumulation = options.get("gradient_accumulation_steps", 1)
    # the lr moves on optimizer steps alone (with accumulation, the first batch keeps the initial lr)
    assert len(set(runs["ours"])) == 16 // accumulation + (accumulation > 1)
    assert runs["ours"] == pytest.approx(runs["theirs"], rel=1e-12)


@pytest.mark.integrations
def test_accelerate_saves_and_loads_our_state_with_its_own(tmp_path: Any) -> None:
    runs = {name: accelerate_run(face, tmp_path / name, save_at=4) for name, face in FACES.items()}
    uninterrupted = accelerate_run(ours, tmp_path)
    assert runs["ours"][:6] == uninterrupted[:6]
    assert runs["ours"][6:] == uninterrupted[4:]  # back at step 4 after the load, then on as if never stopped
    assert runs["ours"] == pytest.approx(runs["theirs"], rel=1e-12)


def ddp_rank(rank: int, folder: str) -> None:
    """One rank of a 2-process gloo run, for torch's classes then ours: DDP, a cosine, and a plateau
    fed the all-reduced loss; rank 0 saves a checkpoint at step 1 that every rank then resumes
    from. Writes each face's lrs."""
    import datetime
    import gc
    import json

    import torch.distributed as dist

    # a collective that waits over a minute has failed: raise, not hang (gloo's default is 30 min)
    timeout = datetime.timedelta(seconds=60)
    dist.init_process_group("gloo", init_method=f"file://{folder}/rendezvous", rank=rank, world_size=2, timeout=timeout)
    shard = torch.utils.data.TensorDataset(*(tensor[rank::2] for tensor in data().tensors))
    for name, face in FACES.items():
        torch.manual_seed(0)
        model = torch.nn.parallel.DistributedDataParallel(torch.nn.Linear(4, 1))
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        cosine, plateau = (
            face.CosineAnnealingLR(optimizer, T_max=10),
            face.ReduceLROnPlateau(optimizer, "max", patience=0),
        )
        lrs = []
        for step, (x, y) in enumerate(torch.utils.data.DataLoader(shard, batch_size=4)):
            loss = torch.nn.functional.mse_loss(model(x), y)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            cosine.step()
            metric = loss.detach().clone()  # the recipe: every rank steps the plateau on the mean loss
            dist.all_reduce(metric)
            plateau.step(metric / 2)
            if step == 1:
                if rank == 0:
                    states = {"cosine": cosine.state_dict(), "plateau": plateau.state_dict()}
                    torch.save({**states, "optimizer": optimizer.state_dict()}, f"{folder}/{name}.pt")
                dist.barrier()
                saved = torch.load(f"{folder}/{name}.pt", weights_only=True)
                cosine, plateau = face.CosineAnnealingLR(optimizer, T_max=10), face.ReduceLROnPlateau(optimizer, "max")
                cosine.load_state_dict(saved["cosine"])
                plateau.load_state_dict(saved["plateau"])
                # two schedulers on one optimizer each saved their own lrs: the optimizer's hold both
                optimizer.load_state_dict(saved["optimizer"])
            lrs.append(optimizer.param_groups[0]["lr"])
        with open(f"{folder}/{name}-{rank}.json", "w") as file:
            json.dump(lrs, file)
    # free the DDP model while the process group lives: a model freed after destroy_process_group
    # drops the group's last reference while holding the GIL, and the group's destructor then waits
    # for a gloo thread that is waiting for the GIL (a CI run and a local run hung there, gdb showed)
    del model
    gc.collect()
    dist.destroy_process_group()


def in_fresh_process(function: str, folder: Any) -> None:
    """Run this module's ``function(folder)`` in a new interpreter: the processes it starts must
    not inherit what earlier tests left in this one (a trainer's global state, threads)."""
    code = f"import sys; sys.path[:0] = {sys.path!r}; import test_integrations as t; t.{function}({str(folder)!r})"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=600)


def ddp(folder: str) -> None:
    import torch.multiprocessing as mp

    # gloo picks its interface from the host name, which can hang on a shared machine: loopback
    # (accelerate's debug_launcher does the same)
    os.environ["GLOO_SOCKET_IFNAME"] = "lo"
    mp.spawn(ddp_rank, args=(folder,), nprocs=2)


@pytest.mark.integrations
def test_ddp_ranks_agree_and_resume_from_rank_zeros_checkpoint(tmp_path: Any) -> None:
    import json

    in_fresh_process("ddp", tmp_path)
    runs = {
        f"{name}-{rank}": json.loads((tmp_path / f"{name}-{rank}.json").read_text())
        for name in FACES
        for rank in (0, 1)
    }
    assert runs["ours-0"] == runs["ours-1"]
    assert len(set(runs["ours-0"])) == 4
    assert runs["ours-0"] == pytest.approx(runs["theirs-0"], rel=1e-12)


def compiled_run(module: Any, name: str, inside: bool) -> tuple[int, list[float]]:
    """torch's recipe: a tensor lr, ``opt.step()`` (and ``sched.step()`` when ``inside``) in one
    compiled function. Return the graphs compiled and the lr after each of 12 steps."""
    from torch._dynamo.testing import CompileCounter

    torch._dynamo.reset()
    torch.manual_seed(0)
    model = torch.nn.Linear(4, 1)
    optimizer = torch.optim.Adam(model.parameters(), lr=torch.tensor(0.01))
    for param in model.parameters():
        param.grad = torch.ones_like(param)
    scheduler = build(module, name, optimizer)
    counter = CompileCounter()

    @torch.compile(backend=counter)
    def step() -> None:
        optimizer.step()
        if inside:
            scheduler.step()

    lrs = []
    for _ in range(12):
        step()
        if not inside:
            scheduler.step()
        lrs.append(float(optimizer.param_groups[0]["lr"]))
    return counter.frame_count, lrs


@pytest.mark.integrations
@pytest.mark.parametrize("inside", [False, True], ids=["step outside", "step inside"])
@pytest.mark.parametrize("name", ["StepLR", "CosineAnnealingLR", "OneCycleLR", "SequentialLR"])
def test_torch_compile_compiles_ours_as_often_as_torchs(name: str, inside: bool) -> None:
    with quiet():
        frames, reference = compiled_run(theirs, name, inside)
        ours_frames, lrs = compiled_run(ours, name, inside)
        _, plain_lrs = compiled_run(plain, name, inside)  # traced by Dynamo: more graphs, same values
    assert ours_frames == frames
    assert lrs == pytest.approx(reference, rel=1e-6)  # the tensor lr is float32
    assert plain_lrs == lrs


def accelerate_ranks(folder: str) -> None:
    """One of 2 Accelerate processes: our OneCycleLR and torch's, with and without split_batches."""
    import json

    import torch.distributed as dist

    runs = {
        f"{name}, split {split}": accelerate_run(face, None, split_batches=split)
        for name, face in FACES.items()
        for split in (False, True)
    }
    with open(f"{folder}/{dist.get_rank()}.json", "w") as file:
        json.dump(runs, file)


def accelerate_processes(folder: str) -> None:
    from accelerate import debug_launcher

    debug_launcher(accelerate_ranks, args=(folder,), num_processes=2)


@pytest.mark.integrations
def test_accelerate_steps_ours_as_torchs_over_two_processes(tmp_path: Any) -> None:
    import json

    need("accelerate")
    in_fresh_process("accelerate_processes", tmp_path)
    for rank in (0, 1):
        runs = json.loads((tmp_path / f"{rank}.json").read_text())
        for split in (False, True):
            assert runs[f"ours, split {split}"] == pytest.approx(runs[f"theirs, split {split}"], rel=1e-12)
        # without split_batches each batch is one per process: the scheduler steps twice per batch
        assert runs["ours, split False"][:4] == runs["ours, split True"][1:8:2]

"""The schedulers as torch's trainers accept them: the same classes, also instances of torch's.

Lightning, the HF Trainer and Accelerate decide how to drive a scheduler with
``isinstance(scheduler, torch.optim.lr_scheduler.LRScheduler)`` (and ``...ReduceLROnPlateau``
for the metric); ``paradox.scheduler``'s classes do not import torch, so they fail that test.
This module's classes pass it: each derives from the ``paradox.scheduler`` class of the same
name first and from torch's base class second, so every method is paradox's. torch's
``__init__`` never runs: ``optimizer.step`` is not wrapped and no call-order warning is raised.
As torch's, their ``step()`` runs eagerly inside a ``torch.compile``d function.
Importing this module imports torch; ``paradox.scheduler`` itself never does.

To use it with a trainer, change the one import::

    from paradox.scheduler.torch import OneCycleLR   # was: from torch.optim.lr_scheduler import OneCycleLR

>>> import torch
>>> from paradox.scheduler.torch import StepLR
>>> optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
>>> scheduler = StepLR(optimizer, step_size=2)
>>> isinstance(scheduler, torch.optim.lr_scheduler.LRScheduler), type(scheduler).__mro__[1].__module__
(True, 'paradox.scheduler.step')
"""

from __future__ import annotations

from typing import TypeVar

from torch import compiler
from torch.optim import lr_scheduler as _torch

from . import base, compose, cosine, cyclic, lambdas, one_cycle, plateau, polynomial, step

_T = TypeVar("_T")


def _accepted(ours: type[_T], theirs: type = _torch.LRScheduler) -> type[_T]:
    """``ours`` as a subclass of torch's ``theirs`` too: ``ours``'s name, methods and (through
    ``inspect.getdoc``) docs."""
    # torch.compile runs torch's schedulers eagerly (Dynamo skips lr_scheduler.py): so does it ours,
    # so a step() inside a compiled function compiles nothing more than with torch's class.
    eager_step = compiler.disable(ours.step)  # type: ignore[attr-defined, no-untyped-call]
    accepted: type[_T] = type(ours.__name__, (ours, theirs), {"__module__": __name__, "step": eager_step})
    return accepted


LRScheduler = _LRScheduler = _accepted(base.LRScheduler)
ChainedScheduler = _accepted(compose.ChainedScheduler)
ConstantLR = _accepted(polynomial.ConstantLR)
CosineAnnealingLR = _accepted(cosine.CosineAnnealingLR)
CosineAnnealingWarmRestarts = _accepted(cosine.CosineAnnealingWarmRestarts)
CyclicLR = _accepted(cyclic.CyclicLR)
ExponentialLR = _accepted(step.ExponentialLR)
LambdaLR = _accepted(lambdas.LambdaLR)
LinearLR = _accepted(polynomial.LinearLR)
MultiStepLR = _accepted(step.MultiStepLR)
MultiplicativeLR = _accepted(lambdas.MultiplicativeLR)
OneCycleLR = _accepted(one_cycle.OneCycleLR)
PolynomialLR = _accepted(polynomial.PolynomialLR)
ReduceLROnPlateau = _accepted(plateau.ReduceLROnPlateau, _torch.ReduceLROnPlateau)
SequentialLR = _accepted(compose.SequentialLR)
StepLR = _accepted(step.StepLR)

__all__ = [
    "ChainedScheduler",
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "MultiplicativeLR",
    "OneCycleLR",
    "PolynomialLR",
    "ReduceLROnPlateau",
    "SequentialLR",
    "StepLR",
]

"""Learning-rate scheduling for any optimizer with ``param_groups``, with torch's names and values:
pure schedules (:class:`StepDecay`, ...) and the schedulers that drive them (:class:`StepLR`, ...).

>>> from paradox.scheduler import CosineAnnealingLR
>>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.001}]})()
>>> scheduler = CosineAnnealingLR(optimizer, T_max=100)
>>> for epoch in range(50):
...     scheduler.step()
>>> round(optimizer.param_groups[0]["lr"], 10)
0.0005
"""

from .base import ConfigDriftWarning, LRScheduler, ScheduledLR, _LRScheduler
from .compose import ChainedScheduler, Product, Scaled, Sequential, SequentialLR
from .cosine import CosineAnnealing, CosineAnnealingLR, CosineAnnealingWarmRestarts, CosineWarmRestarts
from .cycles import Cycles, RestartsLR
from .cyclic import Cyclic, CyclicLR
from .hf import (
    HFDecay,
    get_constant_schedule,
    get_constant_schedule_with_warmup,
    get_cosine_schedule_with_warmup,
    get_cosine_with_hard_restarts_schedule_with_warmup,
    get_cosine_with_min_lr_schedule_with_warmup,
    get_cosine_with_min_lr_schedule_with_warmup_lr_rate,
    get_inverse_sqrt_schedule,
    get_linear_schedule_with_warmup,
    get_polynomial_decay_schedule_with_warmup,
    get_reduce_on_plateau_schedule,
    get_scheduler,
    get_wsd_schedule,
)
from .inverse_sqrt import InverseSqrt, InverseSqrtLR
from .kdecay import KDecay, KDecayLR
from .lambdas import LambdaFactor, LambdaLR, MultiplicativeDecay, MultiplicativeLR
from .noise import Noisy, NoisyLR
from .one_cycle import OneCycle, OneCycleLR
from .params import ParamScheduler
from .piecewise import PiecewiseConstant, PiecewiseConstantLR, PiecewiseLinear, PiecewiseLinearLR
from .plateau import ReduceLROnPlateau
from .polynomial import ConstantFactor, ConstantLR, LinearFactor, LinearLR, PolynomialDecay, PolynomialLR
from .schedule import Rescaled, Schedule
from .step import ExponentialDecay, ExponentialLR, MultiStepDecay, MultiStepLR, StepDecay, StepLR
from .tanh import TanhDecay, TanhDecayLR
from .timm import (
    CosineLRScheduler,
    MultiStepLRScheduler,
    PolyLRScheduler,
    StepLRScheduler,
    TanhLRScheduler,
    WSDLRScheduler,
    create_scheduler_v2,
)
from .units import Units
from .warmup import Warmup, WarmupLR
from .wsd import WarmupStableDecay, WarmupStableDecayLR

# The preview tools are loaded on first use (PEP 562).
_LAZY = {"Trace": ".preview.simulate", "plot": ".preview.plot", "simulate": ".preview.simulate"}

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .preview.plot import plot
    from .preview.simulate import Trace, simulate


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return list(__all__)


__all__ = [
    "ChainedScheduler",
    "ConfigDriftWarning",
    "ConstantFactor",
    "ConstantLR",
    "CosineAnnealing",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CosineLRScheduler",
    "CosineWarmRestarts",
    "Cycles",
    "Cyclic",
    "CyclicLR",
    "ExponentialDecay",
    "ExponentialLR",
    "HFDecay",
    "InverseSqrt",
    "InverseSqrtLR",
    "KDecay",
    "KDecayLR",
    "LRScheduler",
    "LambdaFactor",
    "LambdaLR",
    "LinearFactor",
    "LinearLR",
    "MultiStepDecay",
    "MultiStepLR",
    "MultiStepLRScheduler",
    "MultiplicativeDecay",
    "MultiplicativeLR",
    "Noisy",
    "NoisyLR",
    "OneCycle",
    "OneCycleLR",
    "ParamScheduler",
    "PiecewiseConstant",
    "PiecewiseConstantLR",
    "PiecewiseLinear",
    "PiecewiseLinearLR",
    "PolyLRScheduler",
    "PolynomialDecay",
    "PolynomialLR",
    "Product",
    "ReduceLROnPlateau",
    "Rescaled",
    "RestartsLR",
    "Scaled",
    "Schedule",
    "ScheduledLR",
    "Sequential",
    "SequentialLR",
    "StepDecay",
    "StepLR",
    "StepLRScheduler",
    "TanhDecay",
    "TanhDecayLR",
    "TanhLRScheduler",
    "Trace",
    "Units",
    "WSDLRScheduler",
    "Warmup",
    "WarmupLR",
    "WarmupStableDecay",
    "WarmupStableDecayLR",
    "_LRScheduler",
    "create_scheduler_v2",
    "get_constant_schedule",
    "get_constant_schedule_with_warmup",
    "get_cosine_schedule_with_warmup",
    "get_cosine_with_hard_restarts_schedule_with_warmup",
    "get_cosine_with_min_lr_schedule_with_warmup",
    "get_cosine_with_min_lr_schedule_with_warmup_lr_rate",
    "get_inverse_sqrt_schedule",
    "get_linear_schedule_with_warmup",
    "get_polynomial_decay_schedule_with_warmup",
    "get_reduce_on_plateau_schedule",
    "get_scheduler",
    "get_wsd_schedule",
    "plot",
    "simulate",
]

"""torch's LambdaLR and MultiplicativeLR: drivers over schedules built from user functions.

Functions are not saved: ``state_dict()`` records their names (one per param group), and
``load_state_dict()`` checks them against the functions the live scheduler was built with.
"""

from __future__ import annotations

import math
import types
from _collections_abc import Mapping

from ._base import ScheduledLR, _nothing
from ._lambdas import (
    LambdaFactor,
    MultiplicativeDecay,
    _FunctionSchedule,
    check_lambdas,
    function_name,
)
from ._optimizer import param_groups
from ._schedule import leaves_float_range
from ._state import read_count, read_values
from ._validate import fail

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ._base import Apply
    from ._lambdas import LrLambda, LrLambdas
    from ._optimizer import ParamGroup, SupportsParamGroups


class _LambdaLR(ScheduledLR):
    """What LambdaLR and MultiplicativeLR share: functions as arguments, names in the state."""

    _schedule: _FunctionSchedule

    def _build_lambdas(self, optimizer: SupportsParamGroups, lr_lambda: object) -> LrLambdas:
        owner = type(self).__name__
        return check_lambdas(owner, lr_lambda, len(param_groups(owner, optimizer)))

    @property
    def lr_lambdas(self) -> list[LrLambda]:
        """The function of each param group (torch's attribute)."""
        return self._schedule.functions(len(self.base_lrs))

    def _adopt_groups(self, groups: list[ParamGroup]) -> None:
        functions = self._schedule.lr_lambda
        if isinstance(functions, tuple) and len(groups) > len(functions):
            raise ValueError(
                f"{type(self).__name__}: a param group was added, but lr_lambda holds one function per "
                f"group for {len(functions)} groups. Build the scheduler with a single function to let "
                f"groups be added. Received: {len(groups)} param groups"
            )
        super()._adopt_groups(groups)

    # -- state: no config; the functions' names instead ------------------------------------

    def _config(self) -> dict[str, Any]:
        return {}

    def _read_config(self, owner: str, saved: dict[str, Any], mode: str) -> Apply:
        if saved:
            fail(owner, "config", "made of the fields []", sorted(saved))
        return _nothing

    def _extra_state(self) -> dict[str, Any]:
        return {**super()._extra_state(), "lr_lambdas": self._schedule.names(len(self.base_lrs))}

    def _read_extra_state(self, owner: str, state: Mapping[str, Any], count: int) -> Apply:
        apply_base = super()._read_extra_state(owner, state, count)
        functions = self._schedule.functions(count)
        names = [function_name(function) for function in functions]
        torch_entries = state["torch"].get("lr_lambdas") if "torch" in state else None
        updates: list[tuple[Any, dict[str, Any]]] = []
        if torch_entries is not None:
            rule = f"a list of {count} entries (None or a dict), one per param group"
            if not isinstance(torch_entries, (list, tuple)):
                fail(owner, "state_dict['lr_lambdas']", rule, torch_entries, kind=True)
            if len(torch_entries) != count:
                fail(owner, "state_dict['lr_lambdas']", rule, torch_entries)
            for index, entry in enumerate(torch_entries):
                if entry is not None and not isinstance(entry, Mapping):
                    fail(owner, f"state_dict['lr_lambdas'][{index}]", "None or a dict", entry, kind=True)
                if entry is not None and not isinstance(functions[index], types.FunctionType):
                    updates.append((functions[index], dict(entry)))
        elif "lr_lambdas" not in state and "torch" not in state:
            fail(owner, "state_dict", "a dict holding 'lr_lambdas'", sorted(state))
        elif "lr_lambdas" in state and not isinstance(state["lr_lambdas"], list):
            fail(owner, "state_dict['lr_lambdas']", f"a list of {count} function names", state["lr_lambdas"], kind=True)
        elif "lr_lambdas" in state and state["lr_lambdas"] != names:
            fail(
                owner,
                "state_dict['lr_lambdas']",
                f"the names of the live lr_lambda functions {names} (build the scheduler with the same "
                "functions as the run that saved it)",
                state["lr_lambdas"],
            )

        def apply() -> None:
            apply_base()
            for function, entry in updates:  # torch restores a callable object's attributes
                function.__dict__.update(entry)

        return apply


class LambdaLR(_LambdaLR):
    r"""Set each group's lr to its base lr times a function of the epoch.

    Formula: ``lr(t) = base_lr * lr_lambda(t)``, where ``t`` is ``last_epoch`` (with a list, group
    ``i`` uses ``lr_lambda[i]``). Like torch's, this class computes each lr from ``base_lrs``: an lr
    changed outside it is overwritten at the next step.

    Functions are not saved: ``state_dict()`` holds their names; pass the same functions again
    when building the scheduler that loads it.

    Args:
        optimizer: any object with ``param_groups`` (a list of dicts holding ``"lr"``).
        lr_lambda: a function of the epoch (an int) returning a finite number >= 0, or a list of
            such functions, one per param group.
        last_epoch: the index of the last epoch, an int >= -1. Default: -1 (start fresh).

    Raises:
        TypeError: ``lr_lambda`` is not a function or a list of functions; a function returns a
            non-number (at the step that calls it); another argument has the wrong type.
        ValueError: a list whose length is not the number of param groups; a function returns a
            negative or non-finite number; a bad group lr; ``last_epoch < -1``.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.1}, {"lr": 1.0}]})()
    >>> scheduler = LambdaLR(optimizer, lr_lambda=[lambda t: 0.5 ** t, lambda t: 1 / (t + 1)])
    >>> for epoch in range(4):
    ...     print(epoch, [round(lr, 6) for lr in scheduler.get_last_lr()])
    ...     scheduler.step()
    0 [0.1, 1.0]
    1 [0.05, 0.5]
    2 [0.025, 0.333333]
    3 [0.0125, 0.25]
    >>> scheduler.state_dict()["lr_lambdas"]
    ['<lambda>', '<lambda>']
    """

    _chainable = False

    def __init__(
        self,
        optimizer: SupportsParamGroups,
        lr_lambda: LrLambda | list[LrLambda],
        last_epoch: int = -1,
    ) -> None:
        functions = self._build_lambdas(optimizer, lr_lambda)
        super().__init__(optimizer, LambdaFactor.build(type(self).__name__, {"lr_lambda": functions}), last_epoch)

    def get_lr(self) -> list[Any]:
        schedule = self._schedule
        factors = schedule.evaluate(self.last_epoch, len(self._bases), type(self).__name__)
        lrs = [base * factor for base, factor in zip(self._bases, factors)]
        if not all(lr < math.inf for lr in lrs):  # a finite factor times a base can still overflow
            raise leaves_float_range(type(self).__name__, self.last_epoch, f"factors={factors!r}")
        return lrs


class MultiplicativeLR(_LambdaLR):
    r"""Multiply each group's lr by a function of the epoch at every epoch.

    Formula: ``lr(t) = base_lr * lr_lambda(1) * lr_lambda(2) * ... * lr_lambda(t)``, where ``t`` is
    ``last_epoch`` (``lr(0) = base_lr``; with a list, group ``i`` uses ``lr_lambda[i]``).

    The running product is kept (and saved), so a step costs one call of each function; a jump
    with ``step(epoch)`` recomputes the product up to ``epoch``. An lr changed outside the
    scheduler (by hand, or by another scheduler) is continued from: the group's lr becomes
    ``lr_set * lr_lambda(s + 1) * ... * lr_lambda(t)``, as in torch.

    Functions are not saved: ``state_dict()`` holds their names; pass the same functions again
    when building the scheduler that loads it.

    Args:
        optimizer: any object with ``param_groups`` (a list of dicts holding ``"lr"``).
        lr_lambda: a function of the epoch (an int) returning a finite number >= 0, or a list of
            such functions, one per param group.
        last_epoch: the index of the last epoch, an int >= -1. Default: -1 (start fresh).

    Raises:
        TypeError: ``lr_lambda`` is not a function or a list of functions; a function returns a
            non-number (at the step that calls it); another argument has the wrong type.
        ValueError: a list whose length is not the number of param groups; a function returns a
            negative or non-finite number; a bad group lr; ``last_epoch < -1``.

    >>> optimizer = type("Optimizer", (), {"param_groups": [{"lr": 0.1}]})()
    >>> scheduler = MultiplicativeLR(optimizer, lr_lambda=lambda epoch: 0.9)
    >>> lrs = []
    >>> for epoch in range(4):
    ...     lrs.append(round(optimizer.param_groups[0]["lr"], 12))
    ...     scheduler.step()
    >>> lrs
    [0.1, 0.09, 0.081, 0.0729]
    """

    _schedule: MultiplicativeDecay

    def __init__(
        self,
        optimizer: SupportsParamGroups,
        lr_lambda: LrLambda | list[LrLambda],
        last_epoch: int = -1,
    ) -> None:
        functions = self._build_lambdas(optimizer, lr_lambda)
        schedule = MultiplicativeDecay.build(type(self).__name__, {"lr_lambda": functions})
        super().__init__(optimizer, schedule, last_epoch)

    def _start(self, lrs: list[float]) -> None:
        super()._start(lrs)
        count = len(self._bases)
        #: per group: the step its base applies from (0, or the step its lr was set by hand)
        self._anchors = [0] * count
        #: per group: the product of its function over steps anchor + 1 .. product_step
        self._products = [1.0] * count
        #: the step the products are for; -1 means "recompute at the next step"
        self._product_step = 0

    def _adopted(self, lrs: list[float]) -> None:
        super()._adopted(lrs)
        self._anchors.extend([0] * len(lrs))
        self._products.extend([1.0] * len(lrs))
        self._product_step = -1

    def _taken_up(self, index: int, lr: float, scheduled: Any) -> Any:
        # torch multiplies the lr it finds: continue from the new lr, set at the previous step.
        previous, step, count = max(self._previous_epoch, 0), self.last_epoch, len(self._bases)
        product = 1.0
        if step > previous:
            product = self._schedule.products([previous] * count, step, count, type(self).__name__)[index]
        self._bases[index] = lr
        self._anchors[index] = previous
        self._products[index] = product
        return lr * product

    def get_lr(self) -> list[Any]:
        step = self.last_epoch
        owner = type(self).__name__
        count = len(self._bases)
        if step == self._product_step:
            products = self._products
        elif self._product_step >= 0 and step == self._product_step + 1:
            factors = self._schedule.evaluate(step, count, owner)
            products = [
                product * factor if step > anchor else 1.0
                for product, factor, anchor in zip(self._products, factors, self._anchors)
            ]
        else:
            products = self._schedule.products(self._anchors, step, count, owner)
        lrs = [base * product for base, product in zip(self._bases, products)]
        if not all(lr < math.inf for lr in lrs):  # a growing product left the float range
            raise leaves_float_range(owner, step, f"products={products!r}")
        self._products = products
        self._product_step = step
        return lrs

    def _extra_state(self) -> dict[str, Any]:
        return {
            **super()._extra_state(),
            "anchors": list(self._anchors),
            "products": list(self._products),
            "product_step": self._product_step,
        }

    def _read_extra_state(self, owner: str, state: Mapping[str, Any], count: int) -> Apply:
        apply_base = super()._read_extra_state(owner, state, count)
        if "products" in state:
            anchors = state.get("anchors")
            if not isinstance(anchors, (list, tuple)) or len(anchors) != count:
                fail(owner, "state_dict['anchors']", f"a list of {count} ints >= 0", anchors, kind=True)
            anchor_list = [read_count(owner, f"anchors[{i}]", value, minimum=0) for i, value in enumerate(anchors)]
            products = read_values(owner, "products", state["products"], count)
            product_step = read_count(owner, "product_step", state.get("product_step"), minimum=-1)
        else:  # torch's state: no products; recompute them at the next step
            anchor_list, products, product_step = [0] * count, [1.0] * count, -1

        def apply() -> None:
            apply_base()
            self._anchors = anchor_list
            self._products = products
            self._product_step = product_step

        return apply

"""The seed's import path: ``from modules.framework.scheduler import CosineAnnealingLR``.

A thin re-export of :mod:`paradox.scheduler`, so the framework's path and the installed package
give the same objects. From a checkout where the package is not installed, ``src/`` is used.
"""

import sys
from pathlib import Path

try:
    import paradox.scheduler  # noqa: F401
except ImportError:  # a bare checkout: use the source tree beside this file
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from paradox.scheduler import *  # noqa: F403
from paradox.scheduler import __all__ as __all__

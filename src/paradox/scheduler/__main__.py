"""``python -m paradox.scheduler``: the same as the ``paradox-lr`` command."""

import sys

from ._cli import main

sys.exit(main())

"""``python -m paradox.scheduler``: the same as the ``paradox-lr`` command."""

import sys

from .preview.cli import main

sys.exit(main())

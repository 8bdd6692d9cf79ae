"""``python -m depgraph``."""

from __future__ import annotations

import sys

from depgraph.cli import main

sys.exit(main())

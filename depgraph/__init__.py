"""depgraph: a kbuild dependency tracker and incremental-rebuild analyser."""

from __future__ import annotations

__version__ = "0.1.0"

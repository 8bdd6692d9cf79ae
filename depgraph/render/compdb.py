"""``compile_commands.json`` text, laid out as gen_compile_commands.py writes it."""

from __future__ import annotations

import json

from depgraph.questions.compdb import Entry


def render_compile_commands(entries: list[Entry]) -> str:
    """A JSON list of ``{"command", "directory", "file"}`` (keys sorted, indent 2)."""
    data = [{"directory": e.directory, "file": e.file, "command": e.command} for e in entries]
    return json.dumps(data, indent=2, sort_keys=True) + "\n"

"""Text and JSON for the rankings of ``depgraph top`` (:mod:`depgraph.questions.rank`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from depgraph.questions.rank import Cost, Ranked

_WHAT = {
    "headers": "Headers by the objects that recompile when they change",
    "symbols": "Symbols by the objects that recompile when their value changes",
}


def ranking_to_list(rows: Sequence[Ranked] | Sequence[Cost]) -> list[dict[str, Any]]:
    """``[{"name", "objects", "share"}]`` for headers and symbols, ``[{"name", "files",
    "symbols"}]`` for objects, largest first."""
    out: list[dict[str, Any]] = []
    for row in rows:
        if isinstance(row, Ranked):
            out.append({"name": row.name, "objects": row.objects, "share": round(row.share, 4)})
        else:
            out.append({"name": row.name, "files": row.files, "symbols": row.symbols})
    return out


def render_ranking_json(rows: Sequence[Ranked] | Sequence[Cost]) -> str:
    return json.dumps(ranking_to_list(rows), indent=2) + "\n"


def render_ranking_text(what: str, rows: Sequence[Ranked] | Sequence[Cost], total: int,
                        shown: int) -> str:  # fmt: skip
    """The first ``shown`` rows as a table, under a line saying what is counted."""
    lines: list[str] = []
    head = rows[:shown]
    if what == "objects":
        lines.append(f"Objects by the files and symbols they depend on ({total} objects):")
        lines.append(f"  {'files':>6}  {'symbols':>7}  object")
        for row in head:
            assert isinstance(row, Cost)
            lines.append(f"  {row.files:>6}  {row.symbols:>7}  {row.name}")
    else:
        lines.append(f"{_WHAT[what]} (of {total} objects):")
        lines.append(f"  {'objects':>7}  {'share':>6}  {what[:-1]}")
        for row in head:
            assert isinstance(row, Ranked)
            lines.append(f"  {row.objects:>7}  {row.share:>6.1%}  {row.name}")
    if len(rows) > len(head):
        lines.append(f"  … and {len(rows) - len(head)} more (-n N shows more)")
    return "\n".join(lines) + "\n"

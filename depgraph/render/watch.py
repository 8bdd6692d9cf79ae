"""Rendering of ``depgraph watch`` events: one JSON object a line (schema in README.md),
or short text for a terminal."""

from __future__ import annotations

import json
from typing import Any

from depgraph.questions.events import Event, Ready, Update
from depgraph.render.status import stale_line, stale_to_dict

TEXT_ROWS = 12  # stale targets listed per update in text


def event_to_dict(event: Event, objtree: str) -> dict[str, Any]:
    status = event.status
    common = {
        "stale_now": len(status.stale),
        "config": {s: {"old": old, "new": new} for s, (old, new) in status.config.items()},
        "seconds": round(event.seconds, 3),
    }
    if isinstance(event, Ready):
        return {
            "event": "ready",
            "objtree": objtree,
            "directories": event.directories,
            "stale": [stale_to_dict(item) for item in status.stale],
            **common,
        }
    return {
        "event": "update",
        "changed": [path for path in event.changed if path][:50],
        "stale": [stale_to_dict(item) for item in event.stale],
        "clean": [{"target": c.target, "why": c.why} for c in event.clean],
        **common,
    }


def render_event_json(event: Event, objtree: str) -> str:
    return json.dumps(event_to_dict(event, objtree), separators=(",", ":")) + "\n"


def render_event_text(event: Event, objtree: str, clock: str) -> str:
    status = event.status
    if isinstance(event, Ready):
        lines = [
            f"[{clock}] watching {event.directories} directories of {objtree}: "
            f"{len(status.stale)} target(s) stale now. Ctrl-C stops."
        ]
        items = status.stale
    else:
        assert isinstance(event, Update)
        changed = [path for path in event.changed if path]
        what = changed[0] + (f" (+{len(changed) - 1} more)" if len(changed) > 1 else "")
        parts = []
        if event.stale:
            parts.append(f"{len(event.stale)} newly stale")
        if event.clean:
            remade = sum(1 for c in event.clean if c.why == "remade")
            parts.append(
                f"{len(event.clean)} clean again"
                + (f" ({remade} remade)" if remade and remade < len(event.clean) else "")
            )
        lines = [f"[{clock}] {what}: {', '.join(parts)}; {len(status.stale)} stale now"]
        items = event.stale
    if status.config and isinstance(event, Ready):
        lines.append("  .config is newer than auto.conf: " + ", ".join(status.config))
    shown = items[:TEXT_ROWS]
    if shown:
        width = max(len(item.target) for item in shown)
        lines.extend("    " + stale_line(item, width) for item in shown)
    if len(items) > len(shown):
        lines.append(f"    … and {len(items) - len(shown)} more")
    return "\n".join(lines) + "\n"

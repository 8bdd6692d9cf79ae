"""Rendering of ``depgraph status``: JSON (schema in README.md) and text for people."""

from __future__ import annotations

import json
from typing import Any, assert_never

from depgraph.model import ReasonKind
from depgraph.questions.status import StaleTarget, Status
from depgraph.questions.why import Reason
from depgraph.render.json import directory_of, reason_to_dict
from depgraph.render.text import describe


def stale_to_dict(item: StaleTarget) -> dict[str, Any]:
    return {
        "target": item.target,
        "kind": item.kind.value,
        "reasons": [
            {**reason_to_dict(reason), "kbuild": printed}
            for reason, printed in zip(item.reasons, item.kbuild, strict=True)
        ],
    }


def status_to_dict(status: Status) -> dict[str, Any]:
    by_dir: dict[str, int] = {}
    for item in status.stale:
        key = directory_of(item.target)
        by_dir[key] = by_dir.get(key, 0) + 1
    return {
        "stale": [stale_to_dict(item) for item in status.stale],
        "config": {s: {"old": old, "new": new} for s, (old, new) in status.config.items()},
        "summary": {"stale": len(status.stale), "by_directory": dict(sorted(by_dir.items()))},
        "notes": list(status.notes),
        "unknown": [
            {"where": item.where, "what": item.what, "effect": item.effect}
            for item in status.unknown
        ],
    }


def render_status_json(status: Status) -> str:
    return json.dumps(status_to_dict(status), separators=(",", ":")) + "\n"


def describe_stale(reason: Reason) -> str:
    """One reason a target is stale, as one line."""
    kind = reason.kind
    match kind:
        case ReasonKind.SOURCE:
            return f"its source {reason.cause} is newer"
        case ReasonKind.FILE:
            return f"{describe(reason)} is newer"
        case ReasonKind.INPUT:
            return f"{reason.cause} is newer or remade"
        case ReasonKind.MISSING | ReasonKind.CONFIG | ReasonKind.RELINK:
            return describe(reason)  # a stamp newer than the target reads as a change
        case (
            ReasonKind.ADDED
            | ReasonKind.SWITCHED
            | ReasonKind.DROPPED
            | ReasonKind.COMMAND
            | ReasonKind.EXPORTS
        ):
            return describe(reason)  # configuration changes: status reports none of these
        case _:
            assert_never(kind)


def stale_line(item: StaleTarget, width: int = 0) -> str:
    """One stale target as one line, with its first reason."""
    extra = len(item.reasons) - 1
    tail = f"  [+{extra} more]" if extra > 0 else ""
    return f"{item.target:<{width}}  {describe_stale(item.reasons[0])}{tail}"


def render_status_text(status: Status, *, limit: int | None = 40) -> str:
    lines: list[str] = []
    if status.config:
        changed = ", ".join(f"{s}={new} (was {old})" for s, (old, new) in status.config.items())
        if status.kconfig_edited:
            edited = ", ".join(status.kconfig_edited[:3])
            more = f" (+{len(status.kconfig_edited) - 3})" if len(status.kconfig_edited) > 3 else ""
            lines.append(f"Kconfig files changed since the last sync ({edited}{more}); "
                         f"syncconfig will apply: {changed}")  # fmt: skip
        else:
            lines.append(f".config is newer than auto.conf; syncconfig will apply: {changed}")
    if status.unknown:
        lines.append(
            f"Some of it could not be evaluated ({len(status.unknown)} place(s), listed below): "
            "make may redo more than this."
        )
    if not status.stale and not status.unknown:
        lines.append("Nothing to redo: make would find every target up to date.")
    elif not status.stale:
        lines.append("No target is known to need redoing.")
    else:
        lines.append(f"{len(status.stale)} target(s) to redo, in build order:")
        shown = status.stale if limit is None else status.stale[:limit]
        width = max(len(item.target) for item in shown)
        lines.extend("  " + stale_line(item, width) for item in shown)
        if len(status.stale) > len(shown):
            lines.append(f"  … and {len(status.stale) - len(shown)} more (--all lists every one)")
    if status.unknown:
        lines.append("Could not be evaluated:")
        lines.extend(f"  {item}" for item in status.unknown)
    for note in status.notes:
        lines.append(f"note: {note}")
    return "\n".join(lines) + "\n"

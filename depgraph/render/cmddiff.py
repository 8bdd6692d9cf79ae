"""Text and JSON for ``depgraph diff`` (:mod:`depgraph.questions.cmddiff`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from depgraph.questions.cmddiff import Change, CommandDiff, Commands

NAMES_SHOWN = 5


def _side(side: Commands) -> dict[str, Any]:
    return {
        "path": side.origin,
        "kind": "snapshot" if side.snapshot else "tree",
        "objtree": side.objtree,
        "srctree": side.srctree,
    }


def diff_to_dict(diff: CommandDiff) -> dict[str, Any]:
    """``{"old", "new", "groups": [{"added", "removed", "targets"}], "only_old",
    "only_new", "same"}``; every target is listed."""
    return {
        "old": _side(diff.old),
        "new": _side(diff.new),
        "groups": [
            {"added": list(g.added), "removed": list(g.removed), "targets": list(g.targets)}
            for g in diff.groups
        ],
        "only_old": list(diff.only_old),
        "only_new": list(diff.only_new),
        "same": diff.same,
    }


def render_diff_json(diff: CommandDiff) -> str:
    return json.dumps(diff_to_dict(diff), indent=2) + "\n"


def _targets(count: int) -> str:
    return f"{count} target" if count == 1 else f"{count} targets"


def _describe(side: Commands) -> str:
    if side.snapshot:
        return f"{side.origin} (snapshot of {side.objtree}, srctree {side.srctree})"
    if side.srctree == side.objtree:
        return side.objtree
    return f"{side.objtree} (srctree {side.srctree})"


def _names(names: Sequence[str], all_names: bool) -> list[str]:
    shown = names if all_names else names[:NAMES_SHOWN]
    lines = [f"    {name}" for name in shown]
    if len(names) > len(shown):
        lines.append(f"    … and {len(names) - len(shown)} more (--all lists them)")
    return lines


def _group(group: Change, all_names: bool) -> list[str]:
    if not group.added and not group.removed:
        lines = [f"{_targets(len(group.targets))}: the same flags in another order"]
    else:
        lines = [f"{_targets(len(group.targets))}:"]
        lines += [f"  - {flag}" for flag in group.removed]
        lines += [f"  + {flag}" for flag in group.added]
    return lines + _names(group.targets, all_names)


def render_diff_text(diff: CommandDiff, all_names: bool = False) -> str:
    """Both sides, a count line, then one block per group (removed flags ``-``, added
    ``+``, then the targets: the first few, or all with ``all_names``), then the targets
    only one side has."""
    both = diff.changed + diff.same
    lines = [f"old: {_describe(diff.old)}", f"new: {_describe(diff.new)}"]
    if not diff.groups:
        lines.append(f"{_targets(both)} in both: the same flags.")
    else:
        groups = "1 group" if len(diff.groups) == 1 else f"{len(diff.groups)} groups"
        lines.append(
            f"{_targets(both)} in both: {diff.changed} with other flags, in {groups}; "
            f"{diff.same} the same."
        )
    for group in diff.groups:
        lines.append("")
        lines += _group(group, all_names)
    for label, names in (("old", diff.only_old), ("new", diff.only_new)):
        if names:
            lines.append("")
            lines.append(f"Only in {label}: {_targets(len(names))}")
            lines += _names(names, all_names)
    return "\n".join(lines) + "\n"

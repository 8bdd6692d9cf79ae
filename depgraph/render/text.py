"""Text rendering of a why-rebuild answer, for people: grouped by directory, one line a
target with its first reason, chains written as ``a.c:12 → b.h:3 → c.h``."""

from __future__ import annotations

from typing import TYPE_CHECKING, assert_never

from depgraph.model import ReasonKind
from depgraph.questions.why import Answer, Reason, Rebuild
from depgraph.render.json import directory_of, summary

if TYPE_CHECKING:
    from depgraph.questions.configchange import ConfigAnswer

SUMMARY_ROWS = 12


def _rollup(by_directory: dict[str, dict[str, int]]) -> list[tuple[str, int, int]]:
    """Counts per directory folded to two levels (``drivers/net``), largest first."""
    folded: dict[str, list[int]] = {}
    for directory, counts in by_directory.items():
        key = "/".join(directory.split("/")[:2]) if not directory.startswith("/") else directory
        row = folded.setdefault(key, [0, 0])
        row[0] += counts["compile"]
        row[1] += counts["link"]
    return sorted(((k, c, li) for k, (c, li) in folded.items()), key=lambda r: (-r[1] - r[2], r[0]))


def _where(file: str, line: int) -> str:
    return f"{file}:{line}" if line else file


def describe(reason: Reason) -> str:
    """One reason as one line."""
    kind = reason.kind
    match kind:
        case ReasonKind.SOURCE:
            return f"its source {reason.cause} changed"
        case ReasonKind.FILE:
            if reason.chain:
                hops = " → ".join(_where(s.file, s.line) for s in reason.chain)
                return f"{hops} → {reason.cause}"
            return f"lists {reason.cause}"
        case ReasonKind.CONFIG:
            if reason.mentions:
                first = reason.mentions[0]
                more = f" (+{len(reason.mentions) - 1} more)" if len(reason.mentions) > 1 else ""
                return f"{reason.cause} at {_where(first.file, first.line)}: {first.text}{more}"
            return f"depends on {reason.cause}"
        case ReasonKind.INPUT:
            return f"input {reason.cause} redone"
        case ReasonKind.RELINK:
            return f"rewritten on every link of {reason.cause}"
        case ReasonKind.MISSING:
            return "does not exist"
        case ReasonKind.ADDED:
            return f"built for the first time, listed at {reason.cause}"
        case ReasonKind.SWITCHED:
            return f"built in instead of as a module or the reverse, listed at {reason.cause}"
        case ReasonKind.DROPPED:
            return f"{reason.cause} is no longer built"
        case ReasonKind.EXPORTS:
            return f"the export table changes: {reason.cause} exports symbols"
        case ReasonKind.COMMAND:
            if reason.mentions:
                first = reason.mentions[0]
                where = _where(first.file, first.line)
                return f"{reason.cause} changes its command line at {where}"
            return f"{reason.cause} changes its command line"
        case _:
            assert_never(kind)


def _group(items: tuple[Rebuild, ...], limit: int | None, lines: list[str]) -> None:
    groups: dict[str, list[Rebuild]] = {}
    for item in items:
        groups.setdefault(directory_of(item.target), []).append(item)
    for directory in sorted(groups):
        members = groups[directory]
        lines.append(f"  {directory}/ ({len(members)})")
        shown = members if limit is None else members[:limit]
        width = max(len(m.target) for m in shown)
        for member in shown:
            extra = len(member.reasons) - 1
            tail = f"  [+{extra} more reasons]" if extra > 0 else ""
            lines.append(f"    {member.target:<{width}}  {describe(member.reasons[0])}{tail}")
        if len(members) > len(shown):
            lines.append(f"    … and {len(members) - len(shown)} more (--all lists every one)")


def _config_lines(config: ConfigAnswer) -> list[str]:
    lines = [f"Configuration resolved by {config.program}:"]
    if not config.changed:
        lines.append("  no symbol changes value")
    for symbol, (old, new) in config.changed.items():
        lines.append(f"  {symbol}: {old} → {new}")
    for refused in config.refused:
        lines.append(
            f"  {refused.symbol}={refused.wanted} does not take effect (stays {refused.got}):"
        )
        lines.extend(f"    {why}" for why in refused.why or ("Kconfig did not keep it",))
    lines.append("")
    return lines


def render_text(
    answer: Answer,
    *,
    limit: int | None = 8,
    config: ConfigAnswer | None = None,
    partial: bool = False,
) -> str:
    """The answer for a terminal; ``limit`` caps targets shown per directory. A
    ``partial`` answer (parts could not be evaluated) gives its counts as lower bounds."""
    what = ", ".join(c.ident for c in answer.changes) or "nothing"
    lines = _config_lines(config) if config is not None else []
    least = "at least " if partial else ""
    lines += [
        f"Changing {what}: {least}{len(answer.compile)} to recompile, {least}"
        f"{len(answer.link)} to relink or regenerate."
    ]
    if answer.compile:
        lines.append("")
        lines.append("Recompile:")
        _group(answer.compile, limit, lines)
    if answer.link:
        lines.append("")
        lines.append("Relink and regenerate, in build order:")
        shown = answer.link if limit is None else answer.link[: max(limit * 3, 24)]
        width = max(len(m.target) for m in shown)
        for item in shown:
            causes = [r.cause for r in item.reasons]
            cause = ", ".join(causes[:3]) + (f" (+{len(causes) - 3})" if len(causes) > 3 else "")
            lines.append(f"  {item.target:<{width}}  ← {cause}")
        if len(answer.link) > len(shown):
            lines.append(f"  … and {len(answer.link) - len(shown)} more (--all lists every one)")
    counts = _rollup(summary(answer)["by_directory"])
    if counts:
        lines.append("")
        lines.append("Summary by directory (recompile, relink):")
        rows = counts if limit is None else counts[:SUMMARY_ROWS]
        width = max(len(name) for name, _, _ in rows)
        for name, compiled, linked in rows:
            lines.append(f"  {name:<{width}}  {compiled:>5}  {linked:>5}")
        if len(counts) > len(rows):
            rest = counts[len(rows) :]
            lines.append(
                f"  {f'{len(rest)} more directories':<{width}}  "
                f"{sum(r[1] for r in rest):>5}  {sum(r[2] for r in rest):>5}"
            )
    for note in config.notes if config is not None else answer.notes:
        lines.append(f"note: {note}")
    return "\n".join(lines) + "\n"

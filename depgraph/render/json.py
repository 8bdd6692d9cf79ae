"""JSON rendering of a why-rebuild answer; the schema is documented in README.md."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from depgraph.questions.why import Answer, Reason, Rebuild, Step

if TYPE_CHECKING:
    from depgraph.questions.configchange import ConfigAnswer


def _step(step: Step) -> dict[str, Any]:
    return {"file": step.file, "line": step.line, "text": step.text, "to": step.to}


def reason_to_dict(reason: Reason) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": reason.kind.value, "cause": reason.cause}
    if reason.chain:
        out["chain"] = [_step(s) for s in reason.chain]
    if reason.mentions:
        out["mentions"] = [_step(s) for s in reason.mentions]
    return out


def _rebuild(rebuild: Rebuild) -> dict[str, Any]:
    return {
        "target": rebuild.target,
        "kind": rebuild.kind.value,
        "reasons": [reason_to_dict(r) for r in rebuild.reasons],
    }


def directory_of(target: str) -> str:
    return target.rsplit("/", 1)[0] if "/" in target else "."


def summary(answer: Answer) -> dict[str, Any]:
    by_dir: dict[str, dict[str, int]] = {}
    for key, items in (("compile", answer.compile), ("link", answer.link)):
        for item in items:
            counts = by_dir.setdefault(directory_of(item.target), {"compile": 0, "link": 0})
            counts[key] += 1
    return {
        "compile": len(answer.compile),
        "link": len(answer.link),
        "by_directory": dict(sorted(by_dir.items())),
    }


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    return {
        "changes": [c.ident for c in answer.changes],
        "compile": [_rebuild(r) for r in answer.compile],
        "link": [_rebuild(r) for r in answer.link],
        "summary": summary(answer),
        "notes": list(answer.notes),
    }


def config_to_dict(config: ConfigAnswer) -> dict[str, Any]:
    return {
        "program": config.program,
        "changed": {s: {"old": old, "new": new} for s, (old, new) in config.changed.items()},
        "refused": [
            {"symbol": r.symbol, "wanted": r.wanted, "got": r.got, "why": list(r.why)}
            for r in config.refused
        ],
    }


def render_json(answer: Answer, config: ConfigAnswer | None = None) -> str:
    # Compact: an answer for a widely included header holds thousands of targets.
    out = answer_to_dict(answer)
    if config is not None:
        out["config"] = config_to_dict(config)
        out["notes"] = list(config.notes)
    return json.dumps(out, separators=(",", ":")) + "\n"

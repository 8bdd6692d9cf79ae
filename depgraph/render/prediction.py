"""Text and JSON for the answer to edits described rather than made (``why-rebuild
--patch``, ``--since``): what the edits are, the usual answer, which edited file brings
which targets, what could not be evaluated, and the edited files that change nothing."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from depgraph.questions.nextmake import Prediction
from depgraph.render.json import answer_to_dict, config_to_dict
from depgraph.render.text import render_text

BY_FILE_SHOWN = 4  # targets named per edited file in text


def _edits_line(prediction: Prediction) -> str:
    counts = Counter(edit.kind.value for edit in prediction.edits)
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    files = len({edit.path for edit in prediction.edits})
    return f"Edits ({prediction.described}): {files} file(s), {kinds or 'none'}."


def render_prediction_text(prediction: Prediction, *, limit: int | None = 8) -> str:
    """For a terminal: the edits first, then the answer as ``why-rebuild`` prints it,
    then the breakdown by file, what could not be evaluated, and what changes nothing."""
    answer = prediction.answer
    head = [f"Assumed: {line}." for line in prediction.assumed]
    head += [_edits_line(prediction)] if prediction.described else []
    if prediction.unknown:
        head.append(
            f"Some of it could not be evaluated ({len(prediction.unknown)} place(s), listed "
            "below): make may redo more than this."
        )
    body = render_text(
        answer, limit=limit, config=prediction.config, partial=bool(prediction.unknown)
    )
    lines = [*head, *([""] if head else []), body.rstrip("\n")]
    if prediction.by_file and prediction.edits:
        lines += ["", "By edited file:"]
        width = max(len(path) for path in prediction.by_file)
        for path, targets in prediction.by_file.items():
            shown = ", ".join(targets[:BY_FILE_SHOWN])
            more = f" (+{len(targets) - BY_FILE_SHOWN})" if len(targets) > BY_FILE_SHOWN else ""
            lines.append(f"  {path:<{width}}  {len(targets):>4}  {shown}{more}")
    if prediction.unknown:
        lines += ["", "Could not be evaluated:"]
        lines += [f"  {item}" for item in prediction.unknown]
    if prediction.unused:
        lines += ["", "Edited files that change nothing make does:"]
        lines += [f"  {item.path}: {item.why}" for item in prediction.unused]
    return "\n".join(lines) + "\n"


def prediction_to_dict(prediction: Prediction) -> dict[str, Any]:
    out = answer_to_dict(prediction.answer)
    if prediction.config is not None:
        out["config"] = config_to_dict(prediction.config)
    out["edits"] = [
        {"path": edit.path, "kind": edit.kind.value, "origin": edit.origin}
        for edit in prediction.edits
    ]
    out["by_file"] = {path: list(targets) for path, targets in prediction.by_file.items()}
    out["unknown"] = [
        {"where": item.where, "what": item.what, "effect": item.effect}
        for item in prediction.unknown
    ]
    out["unused"] = [{"path": item.path, "why": item.why} for item in prediction.unused]
    out["assumed"] = list(prediction.assumed)
    out["exact"] = not prediction.unknown
    return out


def render_prediction_json(prediction: Prediction) -> str:
    return json.dumps(prediction_to_dict(prediction), separators=(",", ":")) + "\n"

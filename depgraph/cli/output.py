"""The one place depgraph writes a file the user asked for (``-o FILE``, ``--graph
FILE``, ``diff --save FILE``): nothing else of depgraph writes, but its cache (kept by
:mod:`depgraph.tree.cache`, never inside a tree) and the scratch directory of the tree's
Kconfig program (:mod:`depgraph.tree.conf`)."""

from __future__ import annotations

import os
import tempfile

from depgraph.model import DepgraphError


class OutputError(DepgraphError):
    """A file that cannot be written; the message is one line naming it."""


def write_output(path: str, data: str | bytes, *, shown: str | None = None,
                 whole: bool = False) -> None:  # fmt: skip
    """Write ``data`` to ``path`` (text as UTF-8). With ``whole``, into a temporary file
    beside it that is then renamed, so that an interrupted run leaves the old file or the
    new one, never half of one. Errors name the file as ``shown`` (the path as typed)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    name = shown or path
    if not whole:
        try:
            with open(path, "wb") as handle:
                handle.write(payload)
        except OSError as exc:
            raise OutputError(f"{name}: cannot write: {exc.strerror}") from None
        return
    try:
        handle_fd, temporary = tempfile.mkstemp(
            prefix=".depgraph-", dir=os.path.dirname(os.path.abspath(path))
        )
    except OSError as exc:
        raise OutputError(f"{name}: cannot write: {exc.strerror}") from None
    try:
        with os.fdopen(handle_fd, "wb") as out:
            out.write(payload)
        os.replace(temporary, path)
    except OSError as exc:
        os.unlink(temporary)
        raise OutputError(f"{name}: cannot write: {exc.strerror}") from None

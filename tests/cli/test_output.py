"""The one place depgraph writes a user's file: whole or not at all, one-line errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from depgraph.cli.output import OutputError, write_output
from depgraph.model import DepgraphError


def test_a_whole_write_replaces_the_file_and_leaves_no_temporary(tmp_path: Path):
    path = tmp_path / "snap.json"
    path.write_text("old")
    write_output(str(path), "new", whole=True)
    assert path.read_text() == "new"
    assert os.listdir(tmp_path) == ["snap.json"]


@pytest.mark.parametrize("whole", [False, True])
def test_an_unwritable_place_is_a_one_line_error_naming_the_path_as_typed(
    tmp_path: Path, whole: bool
):
    with pytest.raises(OutputError) as caught:
        write_output(str(tmp_path / "missing" / "x.dot"), b"x", shown="missing/x.dot", whole=whole)
    assert str(caught.value) == "missing/x.dot: cannot write: No such file or directory"
    assert isinstance(caught.value, DepgraphError)
    assert os.listdir(tmp_path) == []

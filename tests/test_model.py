"""The kinds of depgraph.model: their values are what every answer, picture and cache
holds, so a member renamed, reordered or given a new value changes output."""

from __future__ import annotations

import json

from depgraph.model import EdgeKind, NodeKind, ReasonKind, ViewNodeKind


def test_node_kind_order_is_fixed_since_the_index_codes_kinds_by_position():
    # tree/index.py's KIND_CODE is tuple(NodeKind): a new kind goes last.
    assert [k.value for k in NodeKind] == [
        "source", "header", "generated", "config", "command",
        "object", "archive", "module", "link",
    ]  # fmt: skip


def test_kind_values_as_answers_and_pictures_write_them():
    assert [k.value for k in ViewNodeKind] == ["group"]
    assert {k.value for k in EdgeKind} == {
        "source", "file", "config", "command", "member", "include", "mention", "relink",
    }  # fmt: skip
    assert {k.value for k in ReasonKind} == {
        "source", "file", "config", "input", "relink", "missing",
        "added", "switched", "dropped", "command", "exports",
    }  # fmt: skip


def test_a_view_node_kind_is_no_node_kind():
    assert not {k.value for k in ViewNodeKind} & {k.value for k in NodeKind}


def test_kinds_render_as_their_values_everywhere_text_is_made():
    # Byte-identical output rests on this: str, format, f-strings and json.dumps of a
    # member all give its value, and a member equals and hashes as its value.
    for kind in (*NodeKind, *ViewNodeKind, *EdgeKind, *ReasonKind):
        value = kind.value
        assert str(kind) == format(kind) == f"{kind}" == f"{kind:<1}" == value
        assert json.dumps({"kind": kind, kind: 1}) == json.dumps({"kind": value, value: 1})
        assert kind == value and hash(kind) == hash(value) and value in {kind}

"""The dependency graph: the one schema, written down here and nowhere else.

:func:`build_graph` turns a loaded :class:`~depgraph.model.BuildTree` into a
``networkx.DiGraph``. Edges point the way data flows, from an input to what is made from
it (as ``ninja -t graph`` draws them), so everything a change reaches is
``nx.descendants(G, node)``.

Node ids
    * files: paths relative to the object tree for files in it, relative to the source
      tree for files in that, absolute for anything else; ``..`` and ``//`` resolved
      (:mod:`depgraph.kbuild.paths`). One node per file however gcc or kbuild spelled it.
    * config symbols: ``CONFIG_FOO`` (``_MODULE`` dropped, as fixdep does).
    * command lines: ``cmd:<target id>``.

Node attribute ``kind`` (a :class:`~depgraph.model.NodeKind` value, stored as the plain
``str``: GraphML writes no enum), always present:
    ``source``     a file some target names in its ``source_`` line
    ``header``     any other file a dependency list names, not written by the build
    ``generated``  a file in the object tree: a generated header, ``.mod``, ``.lds``,
                   ``modules.order``, a ``.s`` from ``asm-offsets.c`` …
    ``config``     a Kconfig symbol; attribute ``value`` (from ``.config``; ``n`` if unset)
    ``command``    the saved command of one target; attributes ``command`` and ``line``
    ``object``     a ``.o``, compiled or linked (``ld -r``)
    ``archive``    ``built-in.a``, ``lib.a``, ``vmlinux.a``
    ``module``     a ``.ko``
    ``link``       a final link product: ``vmlinux``, the boot image and its parts
Targets (nodes with a ``.cmd`` file) also carry ``cmd_file`` (objtree-relative path of
their ``.cmd``), ``compiled`` (True when kbuild compiles them from a ``source_``) and
``stale`` (True for leftovers of an earlier configuration that make no longer visits).

Edge attribute ``kind`` (a :class:`~depgraph.model.EdgeKind` value, a plain ``str``),
always present:
    ``source``   the source file -> the target compiled from it
    ``file``     a file of the target's ``deps_`` list -> the target
    ``config``   ``CONFIG_FOO`` -> a target whose list holds ``include/config/FOO``;
                 attribute ``via``: the file fixdep listed the stamp under
    ``command``  ``cmd:<target>`` -> the target
    ``member``   an input of a link-type command -> its product (an object into
                 ``built-in.a``, ``vmlinux.o`` into ``vmlinux``, ``vmlinux`` into
                 ``voffset.h``, the objects of ``foo.mod`` into ``foo.o``)

Worked example (sample_tree): ``init/main.c`` -source-> ``init/main.o``;
``include/linux/printk.h`` -file-> ``init/main.o``; ``CONFIG_DEFAULT_LOGLEVEL`` -config->
``init/main.o`` (via ``include/linux/printk.h``); ``cmd:init/main.o`` -command->
``init/main.o``; ``init/main.o`` -member-> ``init/built-in.a`` -member-> ``built-in.a``
-member-> ``vmlinux.a`` -member-> ``vmlinux.o`` -member-> ``vmlinux``.

View graphs (:mod:`depgraph.graph.views`, ``depgraph graph``, ``why-rebuild --graph``) are
subgraphs of this one, with the same ids, kinds and attributes, plus what a picture of
one question needs and the whole graph does not hold:

Edge kinds of views only (the last three :class:`~depgraph.model.EdgeKind` members):
    ``include``  a file -> the file whose ``#include`` names it (resolved for one target,
                 :mod:`depgraph.questions.includes`); attributes ``line`` (in the including file,
                 0 for a ``-include FILE`` of the command line) and ``text`` (the
                 directive, ``#include <linux/kernel.h>``)
    ``mention``  ``CONFIG_FOO`` -> a file whose text names it (as fixdep scans);
                 attributes ``line`` and ``text`` (that line), when known
    ``relink``   a link product -> a target rewritten on every run of that link
                 (:data:`depgraph.kbuild.REWRITTEN_BY_LINK`: ``vmlinux`` ->
                 ``init/version-timestamp.o``)

Node kind of views only (:class:`~depgraph.model.ViewNodeKind`):
    ``group``    several nodes drawn as one: the files and targets of a directory
                 (id ``group:drivers/net/``), or the headers or symbols that nearly every
                 object depends on (``group:common headers``, ``group:common symbols``);
                 attributes ``members`` (how many) and ``label`` (what to draw)

An edge of a view that stands for several edges of the graph (an endpoint is a
``group``) keeps the commonest ``kind`` and gets ``count``, how many it stands for.

Example (sample_tree, the include chains of ``init/main.o`` to ``kern_levels.h``):
``include/linux/kern_levels.h`` -include-> ``include/linux/printk.h`` (line 4)
-include-> ``include/linux/kernel.h`` (line 6) -include-> ``init/main.c`` (line 2)
-source-> ``init/main.o``.
"""

from __future__ import annotations

import networkx as nx

from depgraph.model import BuildTree, EdgeKind, NodeKind


def command_id(target: str) -> str:
    """The id of a target's command-line node."""
    return "cmd:" + target


def _file_kind(tree: BuildTree, ident: str, sources: set[str]) -> NodeKind:
    if ident in sources:
        return NodeKind.SOURCE
    if tree.is_generated(ident):
        return NodeKind.GENERATED
    return NodeKind.HEADER


def build_graph(tree: BuildTree, *, commands: bool = True) -> nx.DiGraph[str]:
    """The whole tree as one graph (see the module docstring for the schema).

    Nodes and edges are added in sorted order, so the same tree always gives the same
    graph, whatever order its ``.cmd`` files were read in.
    """
    graph: nx.DiGraph[str] = nx.DiGraph()
    sources = {t.source for t in tree.targets.values() if t.source}
    for name in sorted(tree.targets):
        target = tree.targets[name]
        graph.add_node(
            name,
            kind=target.kind.value,
            cmd_file=target.cmd_file,
            compiled=target.compiled,
            stale=name in tree.stale,
        )
    for name in sorted(tree.targets):
        target = tree.targets[name]
        if target.source:
            _add_file(graph, tree, target.source, sources)
            graph.add_edge(target.source, name, kind=EdgeKind.SOURCE.value)
        for dep in target.deps:
            _add_file(graph, tree, dep, sources)
            graph.add_edge(dep, name, kind=EdgeKind.FILE.value)
        for item in target.inputs:
            _add_file(graph, tree, item, sources)
            graph.add_edge(item, name, kind=EdgeKind.MEMBER.value)
        for symbol, via in target.stamps:
            if symbol not in graph:
                graph.add_node(
                    symbol, kind=NodeKind.CONFIG.value, value=tree.config.get(symbol, "n")
                )
            graph.add_edge(symbol, name, kind=EdgeKind.CONFIG.value, via=via)
        if commands:
            node = command_id(name)
            graph.add_node(
                node, kind=NodeKind.COMMAND.value, command=target.command, line=target.command_line
            )
            graph.add_edge(node, name, kind=EdgeKind.COMMAND.value)
    return graph


def _add_file(graph: nx.DiGraph[str], tree: BuildTree, ident: str, sources: set[str]) -> None:
    if ident not in graph:
        graph.add_node(ident, kind=_file_kind(tree, ident, sources).value)

"""Load a kbuild object tree: every ``.<target>.cmd`` file (and depfile fixdep has not
converted), ``.config`` and ``include/config/auto.conf``, read through the pure parsers
into a :class:`depgraph.model.BuildTree`, with a cache of what was parsed
(:mod:`depgraph.tree.cache`) so that a later load re-reads only what a build rewrote.

Damaged files among good ones become warnings in ``BuildTree.diagnostics`` and the rest
loads. Then kbuild's link rules: each link step's inputs are read out of its command, and
the targets an earlier configuration left behind are found.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable

from depgraph import __version__
from depgraph.kbuild.facts import ALSO_WRITTEN, LINKED_BY_SCRIPT, MAKEFILE_PREREQS
from depgraph.kbuild.paths import PathNormaliser
from depgraph.kbuild.targets import StampNames, collector_exists
from depgraph.model import BuildTree, Diagnostic, NodeKind, Target, is_compiled
from depgraph.parse.config import parse_config
from depgraph.tree import cache
from depgraph.tree.cmdfiles import Ids, load_cmd, load_depfile
from depgraph.tree.fs import REAL, FileSystem
from depgraph.tree.index import KINDS, Index, TargetsView, UsersBuilder, UsersView
from depgraph.tree.layout import Layout, kbuild_file
from depgraph.tree.parallel import MAX_WORKERS, PARALLEL_FROM, Progress, parse_in_workers


def load_tree(
    layout: Layout,
    *,
    cache_dir: str | None = None,
    progress: Progress | None = None,
    fs: FileSystem = REAL,
) -> BuildTree:
    """Read the tree's ``.cmd`` files (and depfiles fixdep has not converted) into a
    :class:`BuildTree`.

    With ``cache_dir``, what was parsed is kept there (:mod:`depgraph.tree.cache`) and a later
    load re-reads only the files whose size or mtime changed. ``progress(done, total)``
    is called while files are parsed. ``fs`` is the disk read.
    """
    objtree = layout.objtree
    norm = PathNormaliser(objtree, layout.srctree)
    notes: list[str] = []
    diagnostics: list[Diagnostic] = []
    key = cache.tree_key(__version__, layout.objtree, layout.srctree, layout.scan)
    state: cache.State | None = None
    if cache_dir is not None:
        state, why = cache.read(cache_dir, key)
        if why:
            notes.append(why)
    fresh = state is None
    if state is None:
        state = cache.State(cache.FORMAT, key, Index())
    index = state.index
    config = _config_of(fs, state, os.path.join(objtree, ".config"), diagnostics)
    auto_conf = _config_of(
        fs, state, os.path.join(objtree, "include/config/auto.conf"), diagnostics
    )

    seen: set[str] = set()
    changed: list[tuple[str, str, int, int]] = []
    cut = len(objtree) + 1 if layout.kind != "M=" else 0
    for path, size, mtime in fs.build_files(layout.scan):
        rel = path[cut:]
        seen.add(rel)
        entry = state.entries.get(rel)
        if entry is None or entry.size != size or entry.mtime_ns != mtime:
            changed.append((rel, path, size, mtime))
    changed.sort()  # ids, and so the cache, come out the same whatever order the walk had
    removed = [rel for rel in state.entries if rel not in seen]
    for rel in removed:
        gone = state.entries.pop(rel)
        if gone.target >= 0 and not any(e.target == gone.target for e in state.entries.values()):
            index.remove(gone.target)

    targets_before = len(index.records)
    known = set(config) | set(auto_conf)
    ids = Ids(norm, StampNames(known), index)
    depfiles = [c for c in changed if c[0].endswith(".d")]
    cmds = [c for c in changed if not c[0].endswith(".d")]
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    # Forking a process that runs other threads (a watch mode's observer) can deadlock
    # the child: parse in workers only from a single-threaded process.
    alone = threading.active_count() == 1
    users = UsersBuilder(index)
    began = time.monotonic()
    if fresh and workers > 1 and alone and len(cmds) >= PARALLEL_FROM:
        parse_in_workers(fs, cmds, layout, known, workers, state, norm, progress, users)
    else:
        for number, (rel, path, size, mtime) in enumerate(cmds, start=1):
            if progress is not None:
                progress(number, len(cmds))
            state.entries[rel] = load_cmd(fs, rel, path, size, mtime, ids, index, fresh)
    for rel, path, size, mtime in depfiles:
        state.entries[rel] = load_depfile(fs, rel, path, size, mtime, norm, index)
    if fresh:  # the reverse index in one pass, instead of an update per file
        users.add_rest()
        users.finish()

    ruled = layout.kind != "M=" and _read_rules(fs, state, layout, auto_conf or config)
    dirty = fresh or bool(changed) or bool(removed) or state.configs_changed or ruled
    # A new or vanished target can be named by any command: then every link-type target
    # is looked at again; otherwise only the ones whose .cmd file changed.
    # A changed configuration can change the Makefile-only prerequisites as well.
    reshaped = (
        fresh
        or len(index.records) != targets_before
        or bool(removed)
        or state.configs_changed
        or ruled
    )
    touched = None if reshaped else {rel for rel, _, _, _ in changed}
    linked = False
    if dirty:
        linked = _resolve_link_inputs(fs, state, norm, auto_conf or config, diagnostics, touched)
        state.generated.update(index.intern(name) for name in norm.in_objtree)
    order = fs.mtime(os.path.join(layout.scan, "modules.order"))
    # Staleness follows target-to-target edges only: a recompiled object whose list is
    # the same does not move it.
    if reshaped or linked or state.stale is None or state.modules_order_mtime != order:
        state.stale = _stale_targets(index, _module_objects(fs, layout, norm))
        state.modules_order_mtime = order
        dirty = True
    stale = state.stale
    for entry in state.entries.values():
        diagnostics.extend(entry.diagnostics)
    # Rewriting the whole cache costs a fifth of a second on a large tree. After a small
    # build the next run re-reads the few changed files faster than that (make rewrites
    # a few .cmd files on every run), so the cache is rewritten only once what changed
    # since it was written costs every run more than a warm answer should: many files,
    # or a slow re-read (a new cache is always written).
    drift = len(changed) + len(removed)
    slow = time.monotonic() - began > _REWRITE_AFTER
    worth = fresh or slow or drift > max(_REWRITE_FROM, len(state.entries) // 50)
    if cache_dir is not None and dirty and (worth or state.configs_changed):
        why = cache.write(cache_dir, state)
        if why:
            notes.append(why)

    names = index.names
    return BuildTree(
        objtree=objtree,
        srctree=layout.srctree,
        layout=layout.kind,
        targets=TargetsView(index),
        users=UsersView(index),
        config=config,
        auto_conf=auto_conf,
        diagnostics=diagnostics,
        cmd_files=sum(1 for rel in state.entries if rel.endswith(".cmd")),
        generated={names[i] for i in state.generated},
        stale={names[i] for i in stale},
        notes=notes,
    )


def _read_rules(fs: FileSystem, state: cache.State, layout: Layout, values: dict[str, str]) -> bool:
    """Read again the prerequisites that only the Makefile rules of the tree's
    directories name (:func:`depgraph.tree.makefiles.rule_prerequisites`) when a
    Makefile or the configuration changed since they were read; whether they were."""
    names = state.index.names
    directories = {
        os.path.dirname(names[t]) or "." for t in state.index.records if names[t][:1] != "/"
    }
    auto_conf = state.configs.get(os.path.join(layout.objtree, "include/config/auto.conf"))
    signature = _makefile_signature(fs, layout.srctree, directories)
    stamp = (signature, auto_conf[0] if auto_conf else None)
    if stamp == state.rules_stamp:
        return False
    # Makefiles are parsed only when one changed: not on the warm path of an answer
    from depgraph.tree.makefiles import guess_srcarch, rule_prerequisites

    norm = PathNormaliser(layout.objtree, layout.srctree)
    srcarch = guess_srcarch(layout.srctree, values, fs)
    found = rule_prerequisites(fs, layout.srctree, (m for m, _ in signature), values, srcarch)
    rules = tuple(dict.fromkeys((norm(r.target), norm(r.prerequisite)) for r in found))
    changed = rules != state.rules
    state.rules_stamp, state.rules = stamp, rules
    return changed


def _makefile_signature(
    fs: FileSystem, srctree: str, directories: Iterable[str]
) -> tuple[tuple[str, int], ...]:
    """Each directory's kbuild Makefile with its mtime: what
    :func:`depgraph.tree.makefiles.rule_prerequisites` reads (a changed signature means
    they must be read again)."""
    found = (kbuild_file(fs, srctree, directory) for directory in sorted(set(directories)))
    return tuple(f for f in found if f is not None)


_REWRITE_FROM = 64  # changed files since the cache was written before it is rewritten
_REWRITE_AFTER = 0.03  # seconds of re-reading changed files after which it is rewritten


def _config_of(
    fs: FileSystem, state: cache.State, path: str, diagnostics: list[Diagnostic]
) -> dict[str, str]:
    """A ``.config``-format file's values, parsed again only when its size or mtime
    changed since the cached state was written."""
    try:
        st = fs.stat(path)
        signature = (st.size, st.mtime_ns)
    except OSError:
        signature = (-1, -1)
    kept = state.configs.get(path)
    if kept is not None and kept[0] == signature:
        diagnostics.extend(kept[2])
        return kept[1]
    values, diags = read_config(path, fs)
    state.configs[path] = (signature, values, tuple(diags))
    state.configs_changed = True
    diagnostics.extend(diags)
    return values


def read_config(path: str, fs: FileSystem = REAL) -> tuple[dict[str, str], list[Diagnostic]]:
    """Symbol values of a ``.config``-format file; missing file: empty values."""
    text = fs.text_or_none(path)
    if text is None:
        return {}, []
    parsed = parse_config(text, path)
    return parsed.values, list(parsed.diagnostics)


def _resolve_link_inputs(
    fs: FileSystem,
    state: cache.State,
    norm: PathNormaliser,
    config: dict[str, str],
    diagnostics: list[Diagnostic],
    only: set[str] | None = None,
) -> bool:
    """Give every link-type target the inputs its command names: the candidates that are
    known targets or existing files, the members of ``@file`` response files, and the
    prerequisites only a Makefile names (:data:`depgraph.kbuild.MAKEFILE_PREREQS`); and
    every compiled target the tools of the tree its command runs.

    Done after all files are read, since a command may name a target read later.
    ``only`` limits it to the entries of those ``.cmd`` files. Returns whether any
    target's inputs changed."""
    index = state.index
    targets = TargetsView(index)
    ruled: dict[str, list[str]] = {}
    for name, prerequisite in state.rules:
        if name in targets and prerequisite in targets and prerequisite != name:
            ruled.setdefault(name, []).append(prerequisite)
    moved = False
    for rel, entry in state.entries.items():
        if only is not None and rel not in only:
            continue
        if entry.target < 0 or entry.target not in index.records:
            continue
        record = index.records[entry.target]
        name = index.names[entry.target]
        if is_compiled(KINDS[record.kind], record.source >= 0):
            # its prerequisites are its source_ and deps_ lists, and a tool of the tree
            # its command runs (scripts/dtc/dtc for a .dtb)
            if not entry.candidates and not record.inputs and name not in ruled:
                continue
            target = index.target(entry.target)
            inputs = _tool_inputs(target, entry.candidates, targets, norm)
        else:
            target = index.target(entry.target)
            inputs = _link_inputs(
                fs, target, entry.candidates, entry.responses, targets, norm, diagnostics, config
            )
        if name in ruled:  # those its source_ and deps_ do not list already
            listed = {target.source, *target.deps}
            more = [p for p in ruled[name] if p not in listed]
            inputs = tuple(dict.fromkeys((*inputs, *more)))
        if inputs != target.inputs:
            target.inputs = inputs
            index.add(target)
            moved = True
    return moved


def _module_objects(fs: FileSystem, layout: Layout, norm: PathNormaliser) -> set[str] | None:
    """The module objects the top-level ``modules.order`` lists (6.x lists ``.o``
    files; older kernels list ``.ko``), or None when the tree has none."""
    text = fs.text_or_none(os.path.join(layout.scan, "modules.order"))
    if text is None:
        return None
    found: set[str] = set()
    for word in text.split():
        if word.endswith(".ko"):
            word = word[:-3] + ".o"
        found.add(norm(word if word.startswith("/") else word.removeprefix("kernel/")))
    return found


def _stale_targets(index: Index, module_objects: set[str] | None) -> set[int]:
    """Targets left behind by an earlier configuration: kbuild never deletes the objects,
    ``.cmd`` files and modules of code that was switched off, but make no longer visits
    them, so touching their headers rebuilds nothing.

    A target is live when it leads to a root: a target nothing reads that is a product
    (``vmlinux``, the boot image, a host tool, a generated file), a module that
    ``modules.order`` lists, or an object a script links (``init/version-timestamp.o``).
    An archive or object that nothing reads is no root when the step that would collect
    it exists and leaves it out; in a half-built tree, where that step has not run yet,
    it is one. A module missing from ``modules.order`` is no root."""
    records, names = index.records, index.names
    target_names = {names[t] for t in records}
    roots: list[int] = []
    for tid, record in records.items():
        if tid in index.users:
            continue
        name = names[tid]
        kind = KINDS[record.kind]
        collected = kind in (NodeKind.ARCHIVE, NodeKind.OBJECT)
        if collected and name not in LINKED_BY_SCRIPT and collector_exists(name, target_names):
            continue
        listed = module_objects is None or name[: -len(".ko")] + ".o" in module_objects
        if kind is NodeKind.MODULE and not listed:
            continue
        roots.append(tid)
    target_ids = set(records)
    live = set(roots)
    stack = roots
    while stack:
        record = records[stack.pop()]
        # Only target-to-target edges matter; the set intersection runs in C over the
        # millions of dependency entries of a large tree.
        found = target_ids.intersection(record.deps)
        found.update(i for i in record.inputs if i in target_ids)
        if record.source in target_ids:
            found.add(record.source)
        for item in found - live:
            live.add(item)
            stack.append(item)
    return target_ids - live


def _tool_inputs(
    target: Target, programs: tuple[str, ...], targets: TargetsView, norm: PathNormaliser
) -> tuple[str, ...]:
    """The programs a compile command runs that the tree builds: kbuild's rules list
    the tool among the target's prerequisites (``$(DTC)``, objtool's wildcard line)."""
    found = (norm(p) for p in programs)
    return tuple(dict.fromkeys(t for t in found if t in targets and t != target.name))


def _link_inputs(
    fs: FileSystem,
    target: Target,
    candidates: tuple[str, ...],
    responses: tuple[str, ...],
    targets: TargetsView,
    norm: PathNormaliser,
    diagnostics: list[Diagnostic],
    config: dict[str, str],
) -> tuple[str, ...]:
    """The files a link-type command reads: the candidates that name a known target or an
    existing file, plus the members of ``@file`` response files (``foo.mod``)."""
    if target.name.endswith(".mod"):
        # scripts/Makefile.build: "$(obj)/%.mod: FORCE" — redone only when its command
        # (the member list) changes, never because a member was rebuilt.
        return ()
    found: list[str] = []
    written = ALSO_WRITTEN.get(target.name, ())
    # Before 6.2, modules.order names each module's .ko but is made from its .o
    # (scripts/Makefile.build: "$(obj)/modules.order: $(obj-m) FORCE", and
    # cmd_modules_order "echo $(patsubst %.o,%.ko,$m)")
    order = target.name.endswith("modules.order")
    for raw in candidates:
        ident = norm(raw)
        if order and ident.endswith(".ko") and ident[:-3] + ".o" in targets:
            ident = ident[:-3] + ".o"
        if ident == target.name or ident == "." or ident in written:
            continue
        if ident in targets or any(fs.is_file(p) for p in norm.absolute_candidates(ident)):
            found.append(ident)
    for raw in responses:
        ident = norm(raw)
        text = fs.text_or_none(norm.absolute_candidates(ident)[0])
        if text is None:
            diagnostics.append(
                Diagnostic(target.cmd_file, target.command_line, f"cannot read @{raw}")
            )
            continue
        found.extend(norm(word) for word in text.split())
    for extra, condition in MAKEFILE_PREREQS.get(target.name, ()):
        if condition is None or config.get(condition, "n") != "n":
            if extra.startswith("*"):
                found.extend(t for t in targets if t.endswith(extra[1:]))
            elif extra in targets:
                found.append(extra)
    return tuple(dict.fromkeys(found))

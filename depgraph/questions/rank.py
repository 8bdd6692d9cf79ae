"""Rankings of a tree: the headers and symbols whose change recompiles the most objects,
and the objects that depend on the most files and symbols (``depgraph top``).

Everything is counted over the *objects*: the live compiled targets (``Target.compiled``,
so objects and files kbuild preprocesses, leaving out ``tree.stale`` leftovers). A file
or a symbol counts the objects whose ``source_``/``deps_`` list names it or whose list
holds its ``include/config/SYM`` stamp: exactly the objects make recompiles when it
changes (kbuild rules 1 and 2). The link cascade that follows is not counted.
"""

from __future__ import annotations

from dataclasses import dataclass

from depgraph.model import BuildTree


@dataclass(frozen=True, slots=True)
class Ranked:
    """A header or a symbol, with the objects that recompile when it changes, and
    their share of all objects (0..1)."""

    name: str
    objects: int
    share: float


@dataclass(frozen=True, slots=True)
class Cost:
    """An object, with the files (its source included) and symbols it depends on."""

    name: str
    files: int
    symbols: int


def objects(tree: BuildTree) -> frozenset[str]:
    """The live compiled targets of the tree."""
    return frozenset(
        name for name, t in tree.targets.items() if t.compiled and name not in tree.stale
    )


def _is_symbol(ident: str) -> bool:
    return ident.startswith("CONFIG_") and "/" not in ident


def _ranked(tree: BuildTree, names: set[str], live: frozenset[str]) -> list[Ranked]:
    total = len(live)
    found: list[Ranked] = []
    for name in names:
        count = len({user for user in tree.users.get(name, ()) if user in live})
        if count:
            found.append(Ranked(name, count, count / total))
    found.sort(key=lambda r: (-r.objects, r.name))
    return found


def rank_headers(tree: BuildTree) -> list[Ranked]:
    """Every file some object's ``deps_`` list names (headers, and sources other sources
    include), by the objects that recompile when it changes, largest first."""
    live = objects(tree)
    names = {dep for name in live for dep in tree.targets[name].deps}
    return _ranked(tree, names, live)


def rank_symbols(tree: BuildTree) -> list[Ranked]:
    """Every symbol some object holds the stamp of, by the objects that recompile when
    its value changes, largest first."""
    live = objects(tree)
    names = {symbol for name in live for symbol, _ in tree.targets[name].stamps}
    return _ranked(tree, {n for n in names if _is_symbol(n)}, live)


def rank_objects(tree: BuildTree) -> list[Cost]:
    """Every object by how many files and symbols it depends on, largest first."""
    found: list[Cost] = []
    for name in objects(tree):
        target = tree.targets[name]
        files = set(target.deps)
        if target.source:
            files.add(target.source)
        symbols = {symbol for symbol, _ in target.stamps}
        found.append(Cost(name, len(files), len(symbols)))
    found.sort(key=lambda c: (-(c.files + c.symbols), c.name))
    return found

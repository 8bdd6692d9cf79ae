"""How kbuild names and collects its targets: the kind of a target from its name, the
symbol of a config stamp, and whether the step that collects an object was run. Pure
functions of names (scripts/Makefile.build, scripts/kconfig/confdata.c in Linux 6.12)."""

from __future__ import annotations

from depgraph.model import NodeKind


def kind_of(name: str, compiled: bool) -> NodeKind:
    """The node kind of a target, from its name and whether it has a ``source_`` line."""
    base = name.rsplit("/", 1)[-1]
    # vmlinux is linked by link-vmlinux.sh, whose .cmd names it as source_; vmlinux.bin,
    # vmlinux.relocs, … are made from it. vmlinux.lds is not: the preprocessor makes it
    # from vmlinux.lds.S (arch/*/kernel/Makefile: extra-y += vmlinux.lds).
    linked = base.startswith("vmlinux.") and not base.endswith((".o", ".a", ".lds"))
    if base == "vmlinux" or linked:
        return NodeKind.LINK
    if base.endswith(".o"):
        return NodeKind.OBJECT
    if base.endswith(".a"):
        return NodeKind.ARCHIVE
    if base.endswith(".ko"):
        return NodeKind.MODULE
    if compiled or base.endswith((".h", ".c", ".S", ".s", ".lds", ".mod", ".order", ".symvers")):
        return NodeKind.GENERATED
    return NodeKind.LINK


def collector_exists(name: str, targets: set[str]) -> bool:
    """Whether the step that takes ``name`` in was run: its directory's ``built-in.a``,
    ``lib.a`` or ``modules.order`` for an object, the parent directory's ``built-in.a``
    (``vmlinux.a`` at the top) for an archive (scripts/Makefile.build)."""
    directory, _, base = name.rpartition("/")
    if base.endswith(".a"):
        if not directory:
            return "vmlinux.a" in targets
        parent = directory.rpartition("/")[0]
        return (f"{parent}/built-in.a" if parent else "built-in.a") in targets
    prefix = f"{directory}/" if directory else ""
    return any(prefix + c in targets for c in ("built-in.a", "lib.a", "modules.order"))


class StampNames:
    """Config stamp path -> ``CONFIG_`` symbol.

    Since v5.13 the stamp is ``include/config/FOO_BAR``; before, ``include/config/foo/bar.h``
    (lower case, ``_`` made ``/``), which cannot be reversed without the known names.
    """

    def __init__(self, known: set[str]) -> None:
        self._old: dict[str, str] = {}
        for symbol in known:
            self._old[symbol[len("CONFIG_") :].lower().replace("_", "/") + ".h"] = symbol
        self._memo: dict[str, str] = {}

    def __call__(self, stamp: str) -> str:
        found = self._memo.get(stamp)
        if found is not None:
            return found
        rest = stamp.split("include/config/", 1)[-1]
        if rest.endswith(".h"):
            symbol = self._old.get(rest) or "CONFIG_" + rest[:-2].replace("/", "_").upper()
        else:
            symbol = "CONFIG_" + rest
        self._memo[stamp] = symbol
        return symbol

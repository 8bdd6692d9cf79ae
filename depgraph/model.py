"""Records shared by every layer: what parsers return and what the loader collects.

Nothing here reads files or knows NetworkX; these are plain frozen values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in an input, always with where it was found.

    Rendered as ``path:line: severity: message: 'offending text'`` (Kconfiglib style).
    """

    path: str
    line: int
    message: str
    text: str = ""
    severity: Severity = Severity.WARNING

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        tail = f": {self.text!r}" if self.text else ""
        return f"{where}: {self.severity.value}: {self.message}{tail}"


class DepgraphError(Exception):
    """A problem with what the user asked for or pointed at: the CLI prints it as one
    line and exits 2. Every such error of the library derives from this."""


class ParseError(Exception):
    """Raised by a parser in strict mode; carries the diagnostic that stopped it."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


class NodeKind(StrEnum):
    """Kinds of node in the dependency graph, and of a target; :mod:`depgraph.graph.schema`
    writes down the schema.

    ``tuple(NodeKind)`` numbers the kinds in the index and its cache
    (:data:`depgraph.tree.index.KIND_CODE`): add a kind last, or the cache's codes change.
    """

    SOURCE = "source"
    """A file some target names in its ``source_`` line."""
    HEADER = "header"
    """A file a depfile lists that is not generated in the objtree."""
    GENERATED = "generated"
    """A file in the objtree: written by a script or an ``if_changed`` step."""
    CONFIG = "config"
    """A Kconfig symbol, ``CONFIG_FOO``."""
    COMMAND = "command"
    """The saved command line of one target."""
    OBJECT = "object"
    """A ``.o`` file: compiled, or linked from other objects (``ld -r``)."""
    ARCHIVE = "archive"
    """``built-in.a``, ``lib.a``, ``vmlinux.a``."""
    MODULE = "module"
    """A loadable module, ``foo.ko``."""
    LINK = "link"
    """A final link product: ``vmlinux``, the boot image, ``setup.elf``, ..."""


# A kind of its own rather than a NodeKind member: a group is never a target
# (Target.kind stays a NodeKind, and a match over it needs no case for one), the whole
# graph never holds one (NodeKind is exactly the kinds build_graph writes), and
# `--hide KINDS` hides NodeKinds only (groups are made after hiding).
class ViewNodeKind(StrEnum):
    """Node kinds that only views (:mod:`depgraph.graph.views`) hold, never the graph."""

    GROUP = "group"
    """Several nodes drawn as one: a directory's files and targets, or the headers or
    symbols nearly every object depends on."""


class EdgeKind(StrEnum):
    """Kinds of edge in the dependency graph; edges run from an input to what is made
    of it. :mod:`depgraph.graph.schema` writes down the schema and the edges' attributes.
    The first five are the graph's, the last three are drawn by views only."""

    SOURCE = "source"
    """The source file -> the target compiled from it."""
    FILE = "file"
    """A file of the target's ``deps_`` list -> the target."""
    CONFIG = "config"
    """``CONFIG_FOO`` -> a target whose list holds the stamp ``include/config/FOO``."""
    COMMAND = "command"
    """``cmd:<target>`` -> the target."""
    MEMBER = "member"
    """An input of a link-type command -> its product (an object into ``built-in.a``)."""
    INCLUDE = "include"
    """View only: a file -> the file whose ``#include`` names it."""
    MENTION = "mention"
    """View only: ``CONFIG_FOO`` -> a file whose text names it (as fixdep scans)."""
    RELINK = "relink"
    """View only: a link product -> a target rewritten on every run of that link."""


class ReasonKind(StrEnum):
    """Why a target is redone (:class:`depgraph.questions.why.Reason`); ``cause`` is
    the changed or redone thing each kind names."""

    SOURCE = "source"
    """Its source, ``cause``, changed (or, for ``status``, is newer)."""
    FILE = "file"
    """A file of its ``deps_`` list, ``cause``, changed; ``chain`` is the include chain
    from its source to it."""
    CONFIG = "config"
    """A symbol it depends on, ``cause``, changed (syncconfig touches its stamp);
    ``mentions`` are the lines of its files that name it, ``chain`` leads to the first."""
    INPUT = "input"
    """An input its command reads, ``cause``, was redone (or is newer)."""
    RELINK = "relink"
    """Rewritten on every link of ``cause`` (``init/version-timestamp.o`` by
    ``vmlinux``)."""
    MISSING = "missing"
    """It does not exist (``status``); ``cause`` is the target itself."""
    ADDED = "added"
    """A configuration change builds it for the first time; ``cause`` is the Makefile
    line that lists it, or a directory (``drivers/foo/``) kbuild now descends into."""
    SWITCHED = "switched"
    """A configuration change builds it in instead of as a module, or the reverse;
    ``cause`` is the Makefile line that lists it."""
    DROPPED = "dropped"
    """A member it lists, ``cause`` (an object, a module or a directory), is no longer
    built."""
    COMMAND = "command"
    """A changed symbol, ``cause``, changes its command line through a Makefile's flags;
    ``mentions`` holds that Makefile line."""
    EXPORTS = "exports"
    """vmlinux's export table changes: ``cause``, an object that exports symbols, joins
    or leaves the kernel."""


def is_compiled(kind: NodeKind, has_source: bool) -> bool:
    """Whether kbuild compiles a target of ``kind`` from a source: objects and
    preprocessed files with a ``source_`` line. ``vmlinux`` has one too (the link
    script), but is linked."""
    return has_source and kind in (NodeKind.OBJECT, NodeKind.GENERATED)


@dataclass(slots=True)
class Target:
    """One make target known from its ``.cmd`` file, with every path already an id.

    ``deps`` is a sequence of ids (a lazy view when the target comes from the index).
    ``stamps`` pairs each config symbol (``CONFIG_FOO``) with the id of the file fixdep
    listed it under (the source for stamps before the first file). ``inputs`` are the
    files a link-type command reads (empty for compiled targets, whose prerequisites are
    ``source`` and ``deps``).
    """

    name: str
    kind: NodeKind
    cmd_file: str
    command: str
    command_line: int
    source: str | None
    deps: Sequence[str]
    stamps: Sequence[tuple[str, str]]
    inputs: tuple[str, ...]

    @property
    def compiled(self) -> bool:
        """True for targets kbuild compiles from a source (see :func:`is_compiled`)."""
        return is_compiled(self.kind, self.source is not None)

    def prerequisites(self) -> tuple[str, ...]:
        """Every file whose change makes make redo this target (not the config stamps)."""
        head = (self.source,) if self.source else ()
        return (*head, *self.deps, *self.inputs)


@dataclass(slots=True)
class BuildTree:
    """A loaded object tree: the targets, a reverse index, the configuration, and the
    diagnostics met while reading. Returned by :func:`depgraph.tree.load.load_tree`.

    ``targets`` and ``users`` are read-only views over a compact index
    (:mod:`depgraph.tree.index`). ``users`` maps a file id or a ``CONFIG_`` symbol to the
    targets that list it; it is what queries walk, so no query needs to visit
    every target. ``stale`` holds targets left over from an earlier configuration, which
    make no longer visits (see ``depgraph.tree.load._stale_targets``). ``notes`` are
    one-line remarks for the user (a cache that was rebuilt, and why).
    """

    objtree: str
    srctree: str
    layout: str
    targets: Mapping[str, Target]
    users: Mapping[str, list[str]]
    config: dict[str, str]
    auto_conf: dict[str, str]
    diagnostics: list[Diagnostic]
    cmd_files: int
    generated: set[str]
    stale: set[str]
    notes: list[str] = field(default_factory=list)

    def is_generated(self, ident: str) -> bool:
        """True for files that live in the objtree: written by the build, not by a person.

        In an in-tree build both trees are one, so kbuild's ``generated`` directories and
        the targets themselves are what tells them apart."""
        return ident in self.generated or ident in self.targets or "/generated/" in ident

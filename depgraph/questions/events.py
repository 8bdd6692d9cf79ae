"""What watch mode reports, as values: watching began (:class:`Ready`), and what a
settled burst of changes did (:class:`Update`): targets newly stale, targets clean again
(:func:`compare`), and the notes and warnings the tree's reading gave that were not told
before (:class:`Told`), as every other command prints them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from depgraph.model import Diagnostic
from depgraph.questions.status import StaleTarget, Status


@dataclass(frozen=True, slots=True)
class Told:
    """Notes (a cache rebuilt, a pending ``.config`` that Kconfig could not resolve) and
    diagnostics (damaged files) new since the last report."""

    notes: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.notes or self.diagnostics)


@dataclass(frozen=True, slots=True)
class Ready:
    """Watching has begun: the directories observed and the status at that moment."""

    directories: int
    status: Status
    seconds: float  # the first load and status
    told: Told = Told()


@dataclass(frozen=True, slots=True)
class Clean:
    """A target stale before and up to date now: ``remade`` (its file was rewritten, as a
    build does) or ``up-to-date`` (what made it stale was undone, say a reverted
    ``.config``)."""

    target: str
    why: str


@dataclass(frozen=True, slots=True)
class Update:
    """What a settled burst of changes did: targets newly stale (or stale for new
    reasons), targets clean again, and the status now."""

    changed: tuple[str, ...]  # the paths whose events started it (absolute)
    stale: tuple[StaleTarget, ...]
    clean: tuple[Clean, ...]
    status: Status
    seconds: float  # reload and status
    told: Told = Told()


Event = Ready | Update


def compare(
    before: Status | None,
    now: Status,
    stale_times: Mapping[str, int],
    mtimes: Mapping[str, int],
) -> tuple[tuple[StaleTarget, ...], tuple[Clean, ...]]:
    """What changed between two statuses: the targets newly stale (or stale for new
    reasons), and the ones clean again; ``stale_times`` are the mtimes the targets of
    ``before`` had then, ``mtimes`` the ones they have now (a target whose file changed
    was remade)."""
    previous = {item.target: item for item in before.stale} if before else {}
    current = {item.target for item in now.stale}
    stale = tuple(
        item
        for item in now.stale
        if item.target not in previous or previous[item.target].reasons != item.reasons
    )
    clean = tuple(
        Clean(name, "remade" if mtimes[name] != stale_times.get(name) else "up-to-date")
        for name in previous
        if name not in current
    )
    return stale, clean

"""What watch mode reports, as values: watching began (:class:`Ready`), and what a
settled burst of changes did (:class:`Update`): targets newly stale, targets clean again."""

from __future__ import annotations

from dataclasses import dataclass

from depgraph.questions.status import StaleTarget, Status


@dataclass(frozen=True, slots=True)
class Ready:
    """Watching has begun: the directories observed and the status at that moment."""

    directories: int
    status: Status
    seconds: float  # the first load and status


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


Event = Ready | Update

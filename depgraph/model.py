"""Records shared by every layer: what parsers return and what the loader collects.

Nothing here reads files or knows NetworkX; these are plain frozen values.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
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


class ParseError(Exception):
    """Raised by a parser in strict mode; carries the diagnostic that stopped it."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic

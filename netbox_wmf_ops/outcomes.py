"""What an idempotent installer did, name by name (the custom links, the script shims): pure."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import ClassVar


@dataclass
class Outcomes:
    """One list of names per outcome: a subclass declares them as ``list[str]`` fields, in the order its summary
    names them, and ``subject``, what the first count counts."""

    subject: ClassVar[str]

    def summary(self) -> str:
        """``"2 custom links created, 0 updated, 3 unchanged, 0 deleted"``."""
        (first, first_count), *others = ((f.name, len(getattr(self, f.name))) for f in fields(self))
        return ", ".join([f"{first_count} {self.subject} {first}", *(f"{count} {name}" for name, count in others)])

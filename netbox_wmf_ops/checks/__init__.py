"""Report logic as pure functions: plain records in, findings out. No Django imports here (see loaders/ for the ORM)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Level = Literal["success", "info", "warning", "failure"]


@dataclass(frozen=True)
class Finding:
    """One line of a report: ``obj`` is the NetBox object it is about, or None when it has none."""

    level: Level
    obj: Any
    message: str


def failure(obj: Any, message: str) -> Finding:
    return Finding("failure", obj, message)


def warning(obj: Any, message: str) -> Finding:
    return Finding("warning", obj, message)


def summary(count: int, text: str) -> Finding:
    """The closing success line of a test, in the `<count> <verb/condition> <noun>` form."""
    return Finding("success", None, f"{count} {text}")

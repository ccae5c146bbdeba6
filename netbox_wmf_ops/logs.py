"""How every service reports progress, whichever door runs it (script, job, command, view). Pure.

A service takes a ``Log`` callback and calls ``log(level, message)`` or ``log(level, message, obj)``; the door turns
that into its own output (a script's ``log_<level>``, a job's logger, a command's stdout). Planners that collect
their messages instead of sending them return ``LogLine`` records."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

Level = Literal["success", "info", "warning", "failure", "debug"]


class Log(Protocol):
    """``log(level, message, obj=None)``: ``level`` is a NetBox script level; ``obj`` the NetBox object the line is
    about, when there is one."""

    def __call__(self, level: str, message: str, obj: Any = None) -> None: ...


@dataclass(frozen=True)
class LogLine:
    """A message a planner collected, for the door to show: ``name`` is the object it is about, when there is one."""

    level: Level
    message: str
    name: str | None = None


def no_log(level: str, message: str, obj: Any = None) -> None:
    """A ``Log`` that drops everything (the default of services run without a door)."""


def format_logs(messages: Iterable[dict]) -> str:
    """The job output of the WMF scripts: one ``[{status}] {message}`` line per message a script logged."""
    return "\n".join(f"[{m['status']}] {m['message']}" for m in messages)

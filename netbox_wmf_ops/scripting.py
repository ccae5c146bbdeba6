"""The NetBox side of a lifecycle script: ``LifecycleScript``, the ``extras.scripts.Script`` base of the classes in
``scripts/`` that drive the lifecycle services (``lifecycle/``).

The services refuse with the project's ``Refused`` (``lifecycle/planning/refusal.py``). NetBox's ``ScriptJob`` treats
an exception as a clean abort only when its type is exactly ``AbortScript`` (``type(e) is AbortScript``: it logs the
message as a failure and rolls the run back); anything else is reported as a crash with a traceback. ``run`` here is
the one place that turns a ``Refused`` into an ``AbortScript`` with the same message."""

from __future__ import annotations

from typing import Any

from extras.scripts import Script
from utilities.exceptions import AbortScript

from .lifecycle.planning.refusal import Refused
from .logs import Log, format_logs


class LifecycleScript(Script):
    """Base of the lifecycle scripts: a subclass implements ``perform(data)``. Dry run by default, never scheduled (a
    subclass's ``Meta`` inherits from ``LifecycleScript.Meta`` to keep that)."""

    class Meta:
        commit_default = False
        scheduling_enabled = False

    def run(self, data: dict[str, Any], commit: bool) -> str | None:
        try:
            return self.perform(data)
        except Refused as exc:
            raise AbortScript(str(exc)) from None

    def perform(self, data: dict[str, Any]) -> str | None:
        """The script's work; the job output it returns is shown on the job's Output tab."""
        raise NotImplementedError

    def service_log(self) -> Log:
        """A :class:`Log` writing into this script's log (``log_<level>(message, obj)``), for the services."""

        def log(level: str, message: str, obj: Any = None) -> None:
            getattr(self, f"log_{level}")(message, obj)

        return log

    def job_output(self) -> str:
        return format_logs(self.messages)

"""Running shipped scripts the NetBox way in tests: ``ScriptJob`` on the registered ``Script`` row, in the job's own
transaction (a dry run and an ``AbortScript`` roll back, a commit keeps the changes). The ``run_script`` fixture in
tests/conftest.py returns a ``Run``."""

from __future__ import annotations

from dataclasses import dataclass

from core.models import Job

REVERTED = "Database changes have been reverted automatically."
REVERTED_ON_ERROR = "Database changes have been reverted due to error."


@dataclass
class Run:
    job: Job

    @property
    def log(self) -> list[tuple[str, str]]:
        return [(m["status"], m["message"]) for m in self.job.data["log"]]

    @property
    def output(self) -> str:
        return self.job.data["output"]

    def messages(self, status: str) -> list[str]:
        return [message for level, message in self.log if level == status]

    @property
    def aborted_with(self) -> str | None:
        prefix = "Script aborted with error: "
        found = [m[len(prefix) :] for m in self.messages("failure") if m.startswith(prefix)]
        return found[0] if found else None

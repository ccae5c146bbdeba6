"""Run the lifecycle scripts the way NetBox does: ``ScriptJob`` on the registered ``Script`` row, in the job's own
transaction (a dry run and an ``AbortScript`` roll back, a commit keeps the changes)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from core.models import Job
from extras.jobs import ScriptJob
from extras.models import Script

from netbox_wmf_ops.registration import register_shipped_scripts

REVERTED = "Database changes have been reverted automatically."
REVERTED_ON_ERROR = "Database changes have been reverted due to error."


@dataclass
class Run:
    job: Job

    @property
    def log(self) -> list[tuple[str, str]]:
        return [(m["status"], m["message"]) for m in self.job.data["log"]]

    @property
    def output(self):
        return self.job.data["output"]

    def messages(self, status: str) -> list[str]:
        return [message for level, message in self.log if level == status]


@pytest.fixture(scope="session")
def registered_scripts(django_db_setup, django_db_blocker):
    # The template database was registered before these modules existed: add their shims (idempotent).
    with django_db_blocker.unblock():
        register_shipped_scripts()


@pytest.fixture
def run_script(registered_scripts, admin_user):
    def run(module: str, name: str, data: dict, commit: bool) -> Run:
        script = Script.objects.get(module__file_path=f"wmf_ops_{module}.py", name=name)
        job = ScriptJob.enqueue(instance=script, user=admin_user, immediate=True, data=data, commit=commit)
        job.refresh_from_db()
        return Run(job)

    return run

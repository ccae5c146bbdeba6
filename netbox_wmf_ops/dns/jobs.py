"""The DNS generator as a background job (``netbox rqworker``). The lead imports it into ``netbox_wmf_ops/jobs.py``.

By default the job is the Icinga-style state check (docs/behaviour-reference.md §3.6): it generates the snippets,
commits them in a throwaway
clone to see whether NetBox holds unpublished DNS changes, writes ``dns_icinga_state_file`` when configured, and
keeps the state in ``Job.data``. With ``publish=True`` it commits and pushes instead, subject to the safety thresholds.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from ..scheduling import RecurringJob
from . import service
from .exitcodes import ExitCode
from .lock import dns_lock
from .publish import WORKDIR_PREFIX

JOB_WORK_SUBDIR = "wmf-ops-dns-jobs"


def job_work_dir(settings: service.DnsSettings) -> Path:
    """Where the jobs clone: a sub-directory of ``dns_work_dir`` (or of the system temp dir)."""
    return Path(settings.publish.work_dir or tempfile.gettempdir()) / JOB_WORK_SUBDIR


def remove_leftover_clones(work_dir: Path) -> list[str]:
    """Remove the temp clones in the jobs' directory (call with the DNS lock held); their paths."""
    if not work_dir.is_dir():
        return []
    leftovers = [p for p in work_dir.iterdir() if p.is_dir() and p.name.startswith(WORKDIR_PREFIX)]
    for path in leftovers:
        shutil.rmtree(path, ignore_errors=True)
    return [str(p) for p in leftovers]


class DnsSnippetsJob(RecurringJob):
    class Meta:
        name = "WMF Ops: DNS snippets"

    def run(self, *args, publish: bool = False, force: bool = False, **kwargs):
        settings = service.load_settings()
        # The jobs' temp clones live apart from the command's (which an operator may keep for a later `push`): only
        # one job runs at a time (the lock), so a clone found there was left by a run killed mid-way; it goes.
        work_dir = job_work_dir(settings)
        settings = replace(settings, publish=replace(settings.publish, work_dir=str(work_dir)))
        with dns_lock(settings.lock_timeout):
            for leftover in remove_leftover_clones(work_dir):
                self.logger.warning(f"removed {leftover}, left behind by an interrupted run")
            try:
                self._run(settings, publish, force)
            finally:
                # Nothing of the run stays on the worker host: the clone is gone, and so is its parent once empty
                # (the lock is held, so no other DNS job of this host is using it).
                with contextlib.suppress(OSError):
                    work_dir.rmdir()

    def _run(self, settings: service.DnsSettings, publish: bool, force: bool) -> None:
        if publish:
            snippets = service.generate_snippets(settings)
            for message in snippets.generation.messages:
                self._log(message.level, message.text)
            outcome = service.publish(snippets, settings, force=force, log=self._log)
            self.job.data = {
                "exit_code": int(outcome.code),
                "sha1": outcome.commit.sha1 if outcome.commit else None,
                "records": snippets.record_count,
                **(outcome.commit.diff.stats() if outcome.commit and outcome.commit.diff else {}),
            }
            if outcome.code not in (ExitCode.OK, ExitCode.NO_CHANGES):
                raise RuntimeError(f"DNS snippets not published: exit code {int(outcome.code)} ({outcome.code.name})")
        else:
            state = service.icinga_check(settings, log=self._log)
            self.job.data = {"exit_code": state.exit_code, "message": state.message, "timestamp": state.timestamp}

    def _log(self, level: str, text: str) -> None:
        if level != "debug":
            getattr(self.logger, level)(text)
